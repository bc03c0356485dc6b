import { analyze as analyzeYaml, messagesOf, reported } from './support';
import { AnalyzeSettings } from '../../../src/analysis/analyze';
import { AnalysisFinding, AnalysisLevel } from '../../../src/analysis/finding';

/** Analyzes YAML, checking that every object passed admission (so that the checks saw them all). */
function analyze(yaml: string, settings: Partial<AnalyzeSettings> = {}): AnalysisFinding[] {
  const findings = analyzeYaml(yaml, settings);
  expect(reported(findings, 'IST0106', 'CKI0003')).toEqual([]);
  return findings;
}

const routeWithDelay = (name: string, delay: string) => `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ${name}, namespace: shop }
spec:
  hosts: [ratings]
  http:
  - fault: { delay: { fixedDelay: 2s, ${delay} } }
    route: [{ destination: { host: ratings } }]`;

const sidecar = (name: string, policy: string) => `
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: ${name}, namespace: default }
spec:
  egress: [{ hosts: ["./*"] }]
  outboundTrafficPolicy: ${policy}`;

const crd = (group: string, kind: string, plural: string) => `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: ${plural}.${group} }
spec:
  group: ${group}
  names: { kind: ${kind}, plural: ${plural}, singular: ${kind.toLowerCase()} }
  scope: Namespaced
  versions: [{ name: v1alpha1, served: true, storage: true, schema: { openAPIV3Schema: { type: object, x-kubernetes-preserve-unknown-fields: true } } }]`;

describe('deprecation.FieldAnalyzer parity (Istio 1.30.3 analyzers_test.go)', () => {
  test('mirrors "deprecation" (deprecation.FieldAnalyzer)', () => {
    const findings = analyze([
      // Istio's case also has an EnvoyFilter with the removed v1alpha2 fields (workloadLabels,
      // filters); the vendored EnvoyFilter CRD refuses them (IST0106), so it is left out here.
      // A fault delay with the deprecated integer percent.
      routeWithDelay('ratings-delay', 'percent: 25'),
      // A Sidecar with an egress proxy.
      sidecar('egress-proxy', '{ mode: ALLOW_ANY, egressProxy: { host: proxy.example.com, port: { number: 3128 } } }'),
      // A kind of a removed API group: not read.
      `
apiVersion: config.istio.io/v1alpha2
kind: QuotaSpec
metadata: { name: request-count, namespace: istio-system }
spec: { rules: [{ quotas: [{ charge: 1, quota: requestcount }] }] }`,
    ].join('\n---'));
    expect(reported(findings, 'IST0002')).toEqual([
      ['IST0002', 'Sidecar default/egress-proxy'],
      ['IST0002', 'VirtualService shop/ratings-delay'],
    ]);
    expect(messagesOf(findings, 'IST0002')).toEqual([
      'Deprecated: HTTPRoute.fault.delay.percent is deprecated; use HTTPRoute.fault.delay.percentage; '
        + 'write spec.http[0].fault.delay.percentage: { value: 25 } instead of percent: 25',
      'Deprecated: OutboundTrafficPolicy.EgressProxy ignored; remove spec.outboundTrafficPolicy.egressProxy',
    ]);
    expect(findings.filter((f) => f.code === 'IST0002').every((f) => f.level === AnalysisLevel.WARNING)).toBe(true);
  });
});

describe('deprecation: rules beyond the test grid (from deprecation.go)', () => {
  test('percentage, or a percent of 0, is not reported', () => {
    const findings = analyze([routeWithDelay('a', 'percentage: { value: 25 }'), routeWithDelay('b', 'percent: 0')].join('\n---'));
    expect(reported(findings, 'IST0002')).toEqual([]);
  });

  test('each route with a percent is reported', () => {
    const findings = analyze(`
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ratings, namespace: shop }
spec:
  hosts: [ratings]
  http:
  - match: [{ headers: { x-test: { exact: slow } } }]
    fault: { delay: { fixedDelay: 2s, percent: 100 } }
    route: [{ destination: { host: ratings } }]
  - fault: { delay: { fixedDelay: 1s, percent: 5 } }
    route: [{ destination: { host: ratings } }]`);
    expect(reported(findings, 'IST0002')).toEqual([['IST0002', 'VirtualService shop/ratings'], ['IST0002', 'VirtualService shop/ratings']]);
    expect(messagesOf(findings, 'IST0002')[1]).toContain('spec.http[1].fault.delay.percentage: { value: 5 }');
  });

  test('a Sidecar without an egress proxy is not reported', () => {
    expect(reported(analyze(sidecar('plain', '{ mode: ALLOW_ANY }')), 'IST0002')).toEqual([]);
  });

  test('CustomResourceDefinitions of Istio\'s removed RBAC kinds are reported, others are not', () => {
    const findings = analyze([
      crd('rbac.istio.io', 'ServiceRole', 'serviceroles'),
      crd('rbac.istio.io', 'ClusterRbacConfig', 'clusterrbacconfigs'),
      crd('rbac.example.com', 'ServiceRole', 'serviceroles'),
      crd('rbac.istio.io', 'Policy', 'policies'),
    ].join('\n---'));
    expect(reported(findings, 'IST0002')).toEqual([
      ['IST0002', 'CustomResourceDefinition default/clusterrbacconfigs.rbac.istio.io'],
      ['IST0002', 'CustomResourceDefinition default/serviceroles.rbac.istio.io'],
    ]);
    expect(messagesOf(findings, 'IST0002')[0]).toMatch(/^Deprecated: Custom resource type rbac.istio.io ServiceRole is removed; /);
  });
});
