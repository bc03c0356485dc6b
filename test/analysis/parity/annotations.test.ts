import { ApiObject, Testing } from 'cdk8s';
import { analyze as analyzeYaml, DEFAULT_SETTINGS, messagesOf, reported } from './support';
import { bookinfo } from '../../../examples/bookinfo/app';
import { authorizationPolicyExample } from '../../../examples/patterns/authorization-policy';
import { canaryExample } from '../../../examples/patterns/canary';
import { existingWorkloadExample } from '../../../examples/patterns/existing-workload';
import { peerAuthenticationExample } from '../../../examples/patterns/peer-authentication';
import { resilientRouteExample } from '../../../examples/patterns/resilient-route';
import { secureGatewayExample } from '../../../examples/patterns/secure-gateway';
import { zeroTrustExample } from '../../../examples/patterns/zero-trust';
import { quickstart } from '../../../examples/quickstart/app';
import { analyzeObjects, AnalyzeSettings } from '../../../src/analysis/analyze';
import { AnalysisFinding, AnalysisLevel } from '../../../src/analysis/finding';

/** Analyzes YAML, checking that every object passed admission (so that the checks saw them all). */
function analyze(yaml: string, settings: Partial<AnalyzeSettings> = {}): AnalysisFinding[] {
  const findings = analyzeYaml(yaml, settings);
  expect(reported(findings, 'IST0106', 'CKI0003')).toEqual([]);
  return findings;
}

/** The codes of Istio's annotations.K8sAnalyzer. */
const CODES = ['IST0107', 'IST0108', 'IST0125', 'IST0135'];

/** A Pod with annotations (and optionally labels and init containers). */
const pod = (name: string, annotations: Record<string, string>, extra = '') => `
apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  annotations: ${JSON.stringify(annotations)}
${extra}spec:
  containers: [{ name: app, image: example/app:1 }]`;

const annotated = (kind: string, name: string, annotations: Record<string, string>) => {
  switch (kind) {
    case 'Pod': return pod(name, annotations);
    case 'Service': return `
apiVersion: v1
kind: Service
metadata: { name: ${name}, annotations: ${JSON.stringify(annotations)} }
spec: { selector: { app: ${name} }, ports: [{ name: http, port: 80 }] }`;
    case 'Namespace': return `
apiVersion: v1
kind: Namespace
metadata: { name: ${name}, annotations: ${JSON.stringify(annotations)} }`;
    default: return `
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, annotations: ${JSON.stringify(annotations)} }
spec:
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec: { containers: [{ name: app, image: example/app:1 }] }`;
  }
};

describe('annotations.K8sAnalyzer parity (Istio 1.30.3 analyzers_test.go)', () => {
  test('mirrors "misannoted" (annotations.K8sAnalyzer)', () => {
    const findings = analyze([
      // A Service with a misspelt Istio annotation beside a real one.
      annotated('Service', 'catalog', { 'networking.istio.io/exportToo': '.', 'networking.istio.io/exportTo': '.' }),
      // A Pod whose readiness delay is not a number (the period is).
      pod('probe-typo', { 'readiness.status.sidecar.istio.io/initialDelaySeconds': 'soon', 'readiness.status.sidecar.istio.io/periodSeconds': '5' }),
      // Not Istio's annotations: never read.
      annotated('Service', 'legacy', { 'kubernetes.io/psp': 'restricted', 'example.com/team': 'payments' }),
      // An Ingress is not among the kinds the analyzer reads, even with an unknown Istio annotation.
      `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web, annotations: { istio.io/ingress.class: istio } }
spec:
  rules: [{ http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }] } }]`,
      // A Pod with an Ingress annotation (misplaced), a valid proxy config, another tool's annotation, and one Istio writes itself.
      pod('smoke-test', {
        'proxy.istio.io/config': '{}',
        'helm.sh/hook': 'test',
        'kubernetes.io/ingress.class': 'istio',
        'gateway.istio.io/controller-version': '5',
      }),
      // istio-cni's annotations, with valid values.
      pod('cni-pod', {
        'sidecar.istio.io/interceptionMode': 'REDIRECT',
        'traffic.sidecar.istio.io/excludeInboundPorts': '15020',
        'traffic.sidecar.istio.io/includeInboundPorts': '*',
        'traffic.sidecar.istio.io/includeOutboundIPRanges': '*',
      }),
      // A Deployment with a (deprecated) pod annotation on itself instead of its pod template.
      annotated('Deployment', 'loadgen', { 'sidecar.istio.io/statsInclusionPrefixes': 'cluster.outbound' }),
      // A Namespace with an Ingress annotation.
      annotated('Namespace', 'staging', { 'kubernetes.io/ingress.class': 'istio' }),
      // Annotations Istio writes: never reported.
      pod('injected', { 'istio.io/rev': 'canary', 'ambient.istio.io/redirection': 'enabled', 'sidecar.istio.io/status': '{}' }),
    ].join('\n---'));
    expect(reported(findings, ...CODES)).toEqual([
      ['IST0107', 'Deployment default/loadgen'],
      ['IST0107', 'Namespace default/staging'],
      ['IST0107', 'Pod default/smoke-test'],
      ['IST0108', 'Service default/catalog'],
      ['IST0125', 'Pod default/probe-typo'],
      ['IST0135', 'Deployment default/loadgen'],
    ]);
    expect(messagesOf(findings, 'IST0108')).toEqual([expect.stringMatching(/^Unknown annotation: networking.istio.io\/exportToo; /)]);
    expect(messagesOf(findings, 'IST0125')).toEqual([
      'Invalid annotation readiness.status.sidecar.istio.io/initialDelaySeconds: strconv.ParseUint: parsing "soon": invalid syntax; fix the value',
    ]);
    expect(messagesOf(findings, 'IST0107')).toContain('Misplaced annotation: kubernetes.io/ingress.class can only be applied to Ingress; '
      + 'move it to the Ingress it is meant for, or remove it');
    expect(messagesOf(findings, 'IST0107')).toContain('Misplaced annotation: sidecar.istio.io/statsInclusionPrefixes can only be applied to Pod; '
      + 'move it to the pod template (spec.template.metadata.annotations)');
    expect(messagesOf(findings, 'IST0135')[0]).toMatch(/^Annotation "sidecar.istio.io\/statsInclusionPrefixes" has been deprecated and may not work in future Istio versions; /);
    const levels = new Map(findings.filter((f) => CODES.includes(f.code)).map((f) => [f.code, f.level]));
    expect(Object.fromEntries(levels)).toEqual({
      IST0107: AnalysisLevel.WARNING, IST0108: AnalysisLevel.WARNING, IST0125: AnalysisLevel.WARNING, IST0135: AnalysisLevel.INFO,
    });
  });
});

describe('annotations: rules beyond the test grid (from annotations.go and the injector\'s validate.go)', () => {
  test('sidecar.istio.io/inject as an annotation is deprecated in favour of the label, unless the label is there too', () => {
    const findings = analyze([
      pod('annotated', { 'sidecar.istio.io/inject': 'true' }),
      pod('both', { 'sidecar.istio.io/inject': 'true' }, '  labels: { sidecar.istio.io/inject: "true" }\n'),
    ].join('\n---'));
    expect(reported(findings, ...CODES)).toEqual([['IST0135', 'Pod default/annotated']]);
    expect(messagesOf(findings, 'IST0135')).toEqual(['Annotation "sidecar.istio.io/inject" has been deprecated in favor of the "sidecar.istio.io/inject" label '
      + 'and may not work in future Istio versions; set the sidecar.istio.io/inject label on the pod instead']);
  });

  test('an annotation for any kind is never misplaced; one for several kinds fits each of them', () => {
    const findings = analyze([
      annotated('Deployment', 'suppressed', { 'galley.istio.io/analyze-suppress': 'IST0107' }),
      annotated('Namespace', 'zoned', { 'networking.istio.io/traffic-distribution': 'PreferClose' }),
      annotated('Service', 'zoned', { 'networking.istio.io/traffic-distribution': 'PreferClose' }),
      annotated('Pod', 'zoned', { 'networking.istio.io/traffic-distribution': 'PreferClose' }),
    ].join('\n---'));
    expect(reported(findings, ...CODES)).toEqual([['IST0107', 'Pod default/zoned']]);
    expect(messagesOf(findings, 'IST0107')[0]).toContain('can only be applied to Namespace, Service, ServiceEntry');
  });

  test('any key whose prefix ends in istio.io is Istio\'s', () => {
    const findings = analyze(annotated('Service', 'svc', { 'custom.istio.io/thing': 'x', 'istio.io.example.com/thing': 'x' }));
    expect(reported(findings, ...CODES)).toEqual([['IST0108', 'Service default/svc']]);
    expect(messagesOf(findings, 'IST0108')[0]).toMatch(/^Unknown annotation: custom.istio.io\/thing; /);
  });

  // Values the injector accepts and refuses, per annotation (pkg/kube/inject/validate.go).
  const VALUES: Array<[string, string[], string[]]> = [
    ['sidecar.istio.io/interceptionMode', ['REDIRECT', 'TPROXY', 'NONE'], ['redirect', '']],
    ['status.sidecar.istio.io/port', ['15020', ' 15021 ', '0'], ['65536', 'http', '']],
    ['readiness.status.sidecar.istio.io/initialDelaySeconds', ['0', '4294967295'], ['4294967296', '-1', ' 1', '1.5']],
    ['readiness.status.sidecar.istio.io/periodSeconds', ['10'], ['ten']],
    ['readiness.status.sidecar.istio.io/failureThreshold', ['3'], ['']],
    ['traffic.sidecar.istio.io/includeOutboundIPRanges', ['*', '', '10.0.0.0/8,192.168.0.0/16', '10.0.0.1/8', '::/0', 'fd00::/8'],
      ['10.0.0.0', '10.0.0.0/33', '10.0.0.0/08', '010.0.0.0/8', '10.0.0.0/8, 192.168.0.0/16', '10.0.0.0/8,', 'fe80::%eth0/64']],
    ['traffic.sidecar.istio.io/excludeOutboundIPRanges', ['', '169.254.169.254/32'], ['*', 'metadata']],
    ['traffic.sidecar.istio.io/includeInboundPorts', ['*', '', '80, 443', ' 8080 '], ['80,,443', 'http', '70000']],
    ['traffic.sidecar.istio.io/excludeInboundPorts', ['15020', ''], ['*']],
    ['traffic.sidecar.istio.io/excludeOutboundPorts', ['3306,5432'], ['mysql']],
    ['traffic.sidecar.istio.io/excludeInterfaces', ['', 'eth1', 'eth1, veth_2.a-b'], ['eth1,', '1eth', 'a-very-long-interface-name', 'eth 1']],
    ['traffic.sidecar.istio.io/kubevirtInterfaces', ['net1'], ['net/1']],
    ['istio.io/reroute-virtual-interfaces', ['net1,net2'], ['net1,,net2']],
    ['prometheus.istio.io/merge-metrics', ['true', 'False', '0', 't', 'TRUE'], ['yes', 'on', 'tRUE']],
    ['sidecar.istio.io/proxyCPU', ['100m', '0.5', '1', '2e3', '+1.5Gi', '.5', '1.'], ['100 m', 'lots', '1x', '1e', '']],
    ['sidecar.istio.io/proxyMemory', ['128Mi', '1G'], ['128MB', '128mi']],
    ['sidecar.istio.io/proxyCPULimit', ['2'], ['2\n']],
    ['sidecar.istio.io/proxyMemoryLimit', ['1Gi'], ['1 Gi']],
    ['proxy.istio.io/config', [
      '{}',
      '',
      'holdApplicationUntilProxyStarts: true',
      'concurrency: 2\nterminationDrainDuration: 10s',
      'drainDuration: 30s\nproxyMetadata: { ISTIO_META_DNS_CAPTURE: "true" }',
      'discoveryAddress: istiod-canary.istio-system.svc:15012',
      'tracing: { zipkin: { address: "$(HOST_IP):9411" } }',
      'statusPort: 15021\nproxyAdminPort: 15000\ncontrolPlaneAuthPolicy: MUTUAL_TLS',
      'privateKeyProvider: { cryptomb: { pollDelay: 0.01s } }',
      'unknownField: whatever',
    ], [
      '{',
      '- a list',
      'drainDuration: 1.5s',
      'drainDuration: 1m',
      'drainDuration: 0s',
      'discoveryAddress: ""',
      'discoveryAddress: istiod',
      'discoveryAddress: "istiod:0"',
      'discoveryAddress: "bad_host!:15012"',
      'configPath: ""',
      'binaryPath: ""',
      'serviceCluster: ""',
      'tracing: { zipkin: {} }',
      'tracing: { lightstep: { address: "ls:8080" } }',
      'statsdUdpAddress: statsd',
      'envoyAccessLogService: { address: "als" }',
      'statusPort: 0',
      'proxyAdminPort: 70000',
      'statusPort: http',
      'controlPlaneAuthPolicy: INHERIT',
      'controlPlaneAuthPolicy: SOMETIMES',
      'privateKeyProvider: {}',
      'privateKeyProvider: { qat: {} }',
      'privateKeyProvider: { qat: { pollDelay: 0s } }',
    ]],
  ];

  test.each(VALUES)('%s: accepted values pass, refused ones are IST0125', (key, accepted, refused) => {
    const accept = analyze(accepted.map((v, i) => pod(`ok-${i}`, { [key]: v })).join('\n---'));
    expect(accept.filter((f) => f.code !== 'IST0135' && CODES.includes(f.code)).map((f) => f.message)).toEqual([]);
    const refuse = analyze(refused.map((v, i) => pod(`bad-${i}`, { [key]: v })).join('\n---'));
    expect(reported(refuse, 'IST0125')).toEqual(refused.map((_, i) => ['IST0125', `Pod default/bad-${i}`]).sort());
    for (const message of messagesOf(refuse, 'IST0125')) expect(message).toMatch(new RegExp(`^Invalid annotation ${key.replace(/\./g, '\\.')}: .+; fix the value$`, 's'));
  });

  test('a refused value is reported only where the annotation belongs', () => {
    const findings = analyze(annotated('Service', 'svc', { 'readiness.status.sidecar.istio.io/periodSeconds': 'ten' }));
    expect(reported(findings, ...CODES)).toEqual([['IST0107', 'Service default/svc']]);
  });

  test('the proxy config rules name what is wrong', () => {
    const messages = (config: string) => messagesOf(analyze(pod('p', { 'proxy.istio.io/config': config })), 'IST0125');
    expect(messages('drainDuration: 1.5s')[0]).toContain('drain time only supports durations to seconds precision');
    expect(messages('discoveryAddress: istiod')[0]).toContain('invalid discovery address: unable to split "istiod"');
    expect(messages('statusPort: 0')[0]).toContain('invalid status port: port number 0 must be in the range 1..65535');
    expect(messages('controlPlaneAuthPolicy: INHERIT')[0]).toContain('unrecognized control plane auth policy "INHERIT"');
  });
});

describe('the library\'s own output is never reported', () => {
  test('the examples (bookinfo, quickstart, every pattern) have no annotation, maturity, deprecation or condition findings', () => {
    // Every object each example renders (as the synth-time analyzer reads them, without synthesizing).
    const builds = [bookinfo, quickstart, authorizationPolicyExample, canaryExample, existingWorkloadExample,
      peerAuthenticationExample, resilientRouteExample, secureGatewayExample, zeroTrustExample].map((build) => {
      const app = Testing.app();
      build(app);
      return app.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c)).map((o) => o.toJson());
    });
    for (const manifests of builds) {
      const objects = manifests.map((manifest) => ({ manifest, source: 'app' }));
      expect(objects.length).toBeGreaterThan(0);
      const findings = analyzeObjects(objects, { ...DEFAULT_SETTINGS, alphaAnnotations: true });
      expect(reported(findings, ...CODES, 'IST0136', 'IST0002', 'IST0171')).toEqual([]);
    }
  });
});
