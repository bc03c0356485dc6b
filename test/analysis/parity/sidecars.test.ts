import { analyze as analyzeYaml, messagesOf, reported } from './support';

// Parity with Istio 1.30.3's analyzer test grid for sidecar.SelectorAnalyzer (IST0101, IST0110,
// IST0111, IST0167) (pkg/config/analysis/analyzers/analyzers_test.go), on inputs of our own.
// Istio matches selectors against Pods; manifests mostly hold Deployments, so the pod templates of
// controllers count as pods too.

/** Analyzes, checking first that the API server would accept every input (a refused object is left out of the checks). */
function analyze(yaml: string) {
  const findings = analyzeYaml(yaml);
  expect(reported(findings, 'CKI0003', 'IST0106')).toEqual([]);
  return findings;
}

const CODES = ['IST0101', 'IST0110', 'IST0111', 'IST0167'];

function namespace(name: string, labels: Record<string, string> = {}): string {
  return `apiVersion: v1
kind: Namespace
metadata: { name: ${name}, labels: ${JSON.stringify(labels)} }
---
`;
}

/** A Sidecar; `selector` undefined for one without workloadSelector. */
function sidecar(ns: string, name: string, selector?: Record<string, string>): string {
  return `apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: ${name}, namespace: ${ns} }
spec:
${selector ? `  workloadSelector:\n    labels: ${JSON.stringify(selector)}\n` : ''}  egress:
  - hosts: ["./*"]
---
`;
}

function pod(ns: string, name: string, labels: Record<string, string>, annotations: Record<string, string> = {}): string {
  return `apiVersion: v1
kind: Pod
metadata: { name: ${name}, namespace: ${ns}, labels: ${JSON.stringify(labels)}, annotations: ${JSON.stringify(annotations)} }
spec:
  containers:
  - name: app
    image: example/app:1
---
`;
}

function deployment(ns: string, name: string, labels: Record<string, string>, extraLabels: Record<string, string> = {}): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: ${ns} }
spec:
  selector:
    matchLabels: ${JSON.stringify(labels)}
  template:
    metadata:
      labels: ${JSON.stringify({ ...labels, ...extraLabels })}
    spec:
      containers:
      - name: app
        image: example/app:1
---
`;
}

describe('sidecar.SelectorAnalyzer', () => {
  test('mirrors "sidecarDefaultSelector" (sidecar.SelectorAnalyzer)', () => {
    const findings = analyze([
      namespace('team-a'), namespace('team-b'),
      // One Sidecar without selector, and one with: no conflict.
      sidecar('team-a', 'team-a-default'), sidecar('team-a', 'team-a-web', { app: 'web' }),
      pod('team-a', 'web-0', { app: 'web' }),
      // Two without selector in one namespace: both reported.
      sidecar('team-b', 'defaults-1'), sidecar('team-b', 'defaults-2'),
      // Ambient: the pod is redirected by the CNI; both Sidecars have no effect.
      namespace('ambient-apps', { 'istio.io/dataplane-mode': 'ambient' }),
      pod('ambient-apps', 'api-0', { app: 'api' }, { 'ambient.istio.io/redirection': 'enabled' }),
      sidecar('ambient-apps', 'whole-namespace'), sidecar('ambient-apps', 'api-only', { app: 'api' }),
      // Ambient label with an injection label: not ambient (injection wins); one Sidecar each: fine.
      namespace('sidecar-wins', { 'istio.io/dataplane-mode': 'ambient', 'istio-injection': 'enabled' }),
      namespace('revision-wins', { 'istio.io/dataplane-mode': 'ambient', 'istio.io/rev': 'canary' }),
      sidecar('sidecar-wins', 'defaults'), sidecar('revision-wins', 'defaults'),
    ].join(''));
    expect(reported(findings, ...CODES)).toEqual([
      ['IST0111', 'Sidecar team-b/defaults-1'],
      ['IST0111', 'Sidecar team-b/defaults-2'],
      ['IST0167', 'Sidecar ambient-apps/api-only'],
      ['IST0167', 'Sidecar ambient-apps/whole-namespace'],
    ]);
    expect(messagesOf(findings, 'IST0111')[0]).toBe('The Sidecars [defaults-1 defaults-2] in namespace "team-b" have no workload selector, which can lead to '
      + 'undefined behavior; keep one Sidecar without workloadSelector per namespace, and give the others a workloadSelector');
    expect(messagesOf(findings, 'IST0167').sort()).toEqual([
      expect.stringMatching(/^The policy has no impact: namespace is in ambient mode, the policy has no impact; /),
      expect.stringMatching(/^The policy has no impact: selected workload is in ambient mode, the policy has no impact; /),
    ]);
  });

  test('mirrors "sidecarSelector" (sidecar.SelectorAnalyzer)', () => {
    const findings = analyze([
      pod('default', 'catalog', { app: 'catalog' }),
      pod('other', 'catalog-other', { app: 'catalog' }),
      pod('default', 'cart', { app: 'cart' }),
      pod('default', 'payments', { app: 'payments', team: 'money' }),
      sidecar('default', 'catalog-only', { app: 'catalog' }), // one pod, one Sidecar: fine
      sidecar('default', 'matches-nothing', { app: 'nowhere' }), // IST0101
      sidecar('other', 'cart-elsewhere', { app: 'cart' }), // cart's pod is in default: IST0101
      sidecar('default', 'cart-1', { app: 'cart' }), // same selector twice: IST0110 for both
      sidecar('default', 'cart-2', { app: 'cart' }),
      sidecar('default', 'payments-by-app', { app: 'payments' }), // different selectors, same pod: IST0110 for both
      sidecar('default', 'payments-by-team', { team: 'money' }),
    ].join(''));
    expect(reported(findings, ...CODES)).toEqual([
      ['IST0101', 'Sidecar default/matches-nothing'],
      ['IST0101', 'Sidecar other/cart-elsewhere'],
      ['IST0110', 'Sidecar default/cart-1'],
      ['IST0110', 'Sidecar default/cart-2'],
      ['IST0110', 'Sidecar default/payments-by-app'],
      ['IST0110', 'Sidecar default/payments-by-team'],
    ]);
    expect(messagesOf(findings, 'IST0101')).toContain('Referenced selector not found: "app=nowhere"; no pod in namespace default has these labels: '
      + 'fix spec.workloadSelector.labels to match the workload\'s pod labels');
    expect(messagesOf(findings, 'IST0110')).toContain('The Sidecars [payments-by-app payments-by-team] in namespace "default" select the same workload pod '
      + '"payments", which can lead to undefined behavior; make their workloadSelectors select disjoint pods (the pods of Pod payments match them all)');
  });

  test('the pods of a Deployment count as pods', () => {
    const findings = analyze([
      deployment('shop', 'web', { app: 'web', version: 'v1' }),
      sidecar('shop', 'web', { app: 'web' }), sidecar('shop', 'web-v1', { version: 'v1' }),
      sidecar('shop', 'web-v2', { version: 'v2' }), // no v2 pods in shop: IST0101
    ].join(''));
    expect(reported(findings, ...CODES)).toEqual([
      ['IST0101', 'Sidecar shop/web-v2'], ['IST0110', 'Sidecar shop/web'], ['IST0110', 'Sidecar shop/web-v1'],
    ]);
    expect(messagesOf(findings, 'IST0110')[0]).toContain('(the pods of Deployment web match them all)');
  });

  test('no IST0101 in a namespace where the objects define no workload: its pods are deployed elsewhere', () => {
    const findings = analyze(sidecar('istio-ingress', 'gateway', { istio: 'ingressgateway' }) + deployment('shop', 'web', { app: 'web' }));
    expect(reported(findings, ...CODES)).toEqual([]);
  });

  test('one Sidecar per pod and one namespace-wide Sidecar per namespace (the root namespace\'s too) are fine', () => {
    const findings = analyze([
      sidecar('istio-system', 'default'), sidecar('shop', 'default'), sidecar('shop', 'web', { app: 'web' }),
      deployment('shop', 'web', { app: 'web' }), deployment('shop', 'api', { app: 'api' }), sidecar('shop', 'api', { app: 'api' }),
    ].join(''));
    expect(reported(findings, ...CODES)).toEqual([]);
  });

  test('beyond Istio: workloads in an ambient namespace are ambient unless they opt out or have a sidecar (manifests lack the CNI annotation)', () => {
    const findings = analyze([
      namespace('ambient-apps', { 'istio.io/dataplane-mode': 'ambient' }),
      deployment('ambient-apps', 'api', { app: 'api' }), sidecar('ambient-apps', 'api', { app: 'api' }), // IST0167
      deployment('ambient-apps', 'legacy', { app: 'legacy' }, { 'istio.io/dataplane-mode': 'none' }), sidecar('ambient-apps', 'legacy', { app: 'legacy' }),
      deployment('ambient-apps', 'injected', { app: 'injected' }, { 'sidecar.istio.io/inject': 'true' }), sidecar('ambient-apps', 'injected', { app: 'injected' }),
      // A pod labelled ambient in a sidecar namespace is ambient too.
      namespace('shop', { 'istio-injection': 'enabled' }),
      deployment('shop', 'batch', { app: 'batch' }, { 'istio.io/dataplane-mode': 'ambient' }), sidecar('shop', 'batch', { app: 'batch' }), // IST0167
    ].join(''));
    expect(reported(findings, ...CODES)).toEqual([['IST0167', 'Sidecar ambient-apps/api'], ['IST0167', 'Sidecar shop/batch']]);
  });

  test('an ineffective Sidecar selecting several ambient pods is reported once', () => {
    const findings = analyze([
      namespace('ambient-apps', { 'istio.io/dataplane-mode': 'ambient' }),
      deployment('ambient-apps', 'api', { app: 'api', tier: 'x' }), deployment('ambient-apps', 'web', { app: 'web', tier: 'x' }),
      sidecar('ambient-apps', 'tier', { tier: 'x' }), sidecar('ambient-apps', 'api', { app: 'api' }),
    ].join(''));
    expect(reported(findings, ...CODES)).toEqual([['IST0167', 'Sidecar ambient-apps/api'], ['IST0167', 'Sidecar ambient-apps/tier']]);
  });
});
