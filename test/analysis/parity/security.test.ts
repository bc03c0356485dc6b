import { analyze as analyzeYaml, messagesOf, reported } from './support';
import { AnalyzeSettings } from '../../../src/analysis/analyze';
import { AnalysisFinding, AnalysisLevel } from '../../../src/analysis/finding';

/** Analyzes YAML, checking that every object passed admission (so that the checks saw them all). */
function analyze(yaml: string, settings: Partial<AnalyzeSettings> = {}): AnalysisFinding[] {
  const findings = analyzeYaml(yaml, settings);
  expect(reported(findings, 'IST0106', 'CKI0003')).toEqual([]);
  return findings;
}

const namespaceObject = (name: string, labels = '{ istio-injection: enabled }') => `
apiVersion: v1
kind: Namespace
metadata: { name: ${name}, labels: ${labels} }`;

const pod = (name: string, namespace: string, labels: string, annotations = '{}') => `
apiVersion: v1
kind: Pod
metadata: { name: ${name}, namespace: ${namespace}, labels: ${labels}, annotations: ${annotations} }
spec: { containers: [{ name: app, image: example/app:1 }] }`;

/** An ALLOW policy in `namespace`; `selector` and `source` are YAML flow mappings (or empty). */
const policy = (name: string, namespace: string, selector: string, source = '{ principals: [cluster.local/ns/web/sa/frontend] }') => `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: ${name}, namespace: ${namespace} }
spec:
${selector ? `  selector: { matchLabels: ${selector} }\n` : ''}  rules:
  - from: [{ source: { principals: [cluster.local/ns/web/sa/frontend] } }, { source: ${source} }]
    to: [{ operation: { methods: [GET], paths: ["/orders*"] } }]
    when: [{ key: "request.auth.claims[iss]", values: ["https://issuer.example.com"] }]`;

const PATTERNS = '["prod-*", "*-test", "*-nowhere", "nowhere-*", "*", orders]';

describe('authz.AuthorizationPoliciesAnalyzer parity (Istio 1.30.3 analyzers_test.go)', () => {
  test('mirrors "authorizationpolicies" (authz.AuthorizationPoliciesAnalyzer)', () => {
    const findings = analyze([
      namespaceObject('orders'),
      `
apiVersion: apps/v1
kind: Deployment
metadata: { name: orders, namespace: orders }
spec:
  selector: { matchLabels: { app: orders, version: v1 } }
  template:
    metadata: { labels: { app: orders, version: v1 } }
    spec: { containers: [{ name: orders, image: example/orders:1 }] }`,
      pod('orders-7d9f', 'orders', '{ app: orders, version: v1 }'),
      // Matches a pod, and names a namespace that exists.
      policy('orders', 'orders', '{ app: orders, version: v1 }', '{ namespaces: [orders] }'),
      // The root namespace: a policy for the whole mesh.
      `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: mesh-wide, namespace: istio-system }
spec: {}`,
      // Differs on purpose: Istio reports this (no pod anywhere has version=nowhere); here the root namespace defines no
      // workloads in the analyzed objects, so its policies are taken to be for pods deployed elsewhere.
      `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: mesh-wide-v0, namespace: istio-system }
spec: { selector: { matchLabels: { version: nowhere } } }`,
      // Differs on purpose: Istio reports this namespace-wide policy (no pods in orders-empty); here the analyzed objects
      // define no workloads in orders-empty, so its pods may be deployed elsewhere.
      policy('namespace-wide', 'orders-empty', ''),
      // Namespace-wide where pods run.
      policy('namespace-wide', 'orders', ''),
      // A selector no pod matches.
      policy('no-pods', 'orders', '{ app: nothing, version: v1 }'),
      namespaceObject('prod-orders'),
      namespaceObject('orders-test'),
      // Two patterns that match no namespace, in notNamespaces and in namespaces.
      policy('unknown-not-namespaces', 'orders', '{ app: orders, version: v1 }', `{ notNamespaces: ${PATTERNS} }`),
      policy('unknown-namespaces', 'orders', '{ app: orders, version: v1 }', `{ namespaces: ${PATTERNS} }`),
      // An ambient namespace: its pod is in the mesh through the redirection annotation.
      policy('no-workload', 'test-ambient', '{ app: orders, version: v1 }'),
      policy('ambient-policy', 'test-ambient', '{ app: sleep, version: v1 }'),
      pod('sleep-5c8f', 'test-ambient', '{ app: sleep, version: v1 }', '{ ambient.istio.io/redirection: enabled }'),
    ].join('\n---'));
    expect(reported(findings, 'IST0127', 'IST0101')).toEqual([
      ['IST0101', 'AuthorizationPolicy orders/unknown-namespaces'],
      ['IST0101', 'AuthorizationPolicy orders/unknown-namespaces'],
      ['IST0101', 'AuthorizationPolicy orders/unknown-not-namespaces'],
      ['IST0101', 'AuthorizationPolicy orders/unknown-not-namespaces'],
      ['IST0127', 'AuthorizationPolicy orders/no-pods'],
      ['IST0127', 'AuthorizationPolicy test-ambient/no-workload'],
      // Differs on purpose (see above): Istio also lists
      //   ['IST0127', 'AuthorizationPolicy istio-system/mesh-wide-v0'] and ['IST0127', 'AuthorizationPolicy orders-empty/namespace-wide'].
    ]);
    expect(messagesOf(findings, 'IST0101').map((m) => m.slice(0, m.indexOf(' (')))).toEqual([
      'Referenced namespace not found: "*-nowhere"', 'Referenced namespace not found: "nowhere-*"',
      'Referenced namespace not found: "*-nowhere"', 'Referenced namespace not found: "nowhere-*"',
    ]);
    expect(messagesOf(findings, 'IST0127')).toContain('No matching workloads for this resource with the following labels: app=nothing,version=v1 '
      + '(no pod in the mesh in namespace orders has them), so the policy applies to nothing; fix the selector to match the pods\' labels');
    // Differs on purpose: Istio reports IST0101 as an Error; an app is part of a cluster and may name namespaces created elsewhere.
    expect(findings.filter((f) => f.code === 'IST0101').map((f) => f.level)).toEqual(Array(4).fill(AnalysisLevel.WARNING));
    expect(findings.filter((f) => f.code === 'IST0127').map((f) => f.level)).toEqual(Array(2).fill(AnalysisLevel.WARNING));
  });

  test('the cases that differ on purpose are reported where the analyzed objects define workloads in the namespace', () => {
    const findings = analyze([
      namespaceObject('orders-empty', '{ istio-injection: disabled }'),
      pod('batch-1', 'orders-empty', '{ app: batch }'),
      pod('ingress-1', 'istio-system', '{ istio: ingressgateway }', '{ sidecar.istio.io/inject: "true" }'),
      `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: mesh-wide-v0, namespace: istio-system }
spec: { selector: { matchLabels: { version: nowhere } } }`,
      policy('namespace-wide', 'orders-empty', ''),
    ].join('\n---'));
    expect(reported(findings, 'IST0127')).toEqual([
      ['IST0127', 'AuthorizationPolicy istio-system/mesh-wide-v0'],
      ['IST0127', 'AuthorizationPolicy orders-empty/namespace-wide'],
    ]);
  });
});

const requestAuthentication = (name: string, namespace: string) => `
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: { name: ${name}, namespace: ${namespace} }
spec: { jwtRules: [{ issuer: "https://${name}.example.com", jwksUri: "https://${name}.example.com/keys.json" }] }`;

/** istiod's Deployment, with `env` for its discovery container (a YAML flow sequence). */
const istiod = (env: string) => `
apiVersion: apps/v1
kind: Deployment
metadata: { name: istiod, namespace: istio-system, labels: { app: istiod } }
spec:
  selector: { matchLabels: { app: istiod } }
  template:
    metadata: { labels: { app: istiod } }
    spec: { containers: [{ name: discovery, image: example/pilot:1.30.3, env: ${env} }] }`;

describe('authn.BlockedCIDRsAnalyzer parity (Istio 1.30.3 analyzers_test.go)', () => {
  test('mirrors "blockedCIDRsMissing" (authn.BlockedCIDRsAnalyzer)', () => {
    const findings = analyze([
      requestAuthentication('login', 'default'),
      requestAuthentication('partners', 'istio-system'),
      istiod('[{ name: PILOT_ENABLE_ANALYSIS, value: "true" }]'),
    ].join('\n---'));
    expect(reported(findings, 'IST0175')).toEqual([['IST0175', 'Deployment istio-system/istiod']]);
    expect(messagesOf(findings, 'IST0175')[0]).toMatch(/^BLOCKED_CIDRS_IN_JWKS_URIS is not configured but 2 RequestAuthentication resource\(s\) exist \(default\/login, istio-system\/partners\)\. /);
    expect(findings.find((f) => f.code === 'IST0175')!.level).toBe(AnalysisLevel.WARNING);
  });

  test('mirrors "blockedCIDRsConfigured" (authn.BlockedCIDRsAnalyzer)', () => {
    const findings = analyze([
      requestAuthentication('login', 'default'),
      istiod('[{ name: BLOCKED_CIDRS_IN_JWKS_URIS, value: "10.0.0.0/8,169.254.0.0/16" }]'),
    ].join('\n---'));
    expect(reported(findings, 'IST0175')).toEqual([]);
  });

  test('mirrors "blockedCIDRsNoRA" (authn.BlockedCIDRsAnalyzer)', () => {
    expect(reported(analyze(istiod('[]')), 'IST0175')).toEqual([]);
  });
});
