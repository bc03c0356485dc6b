import { analyze as analyzeYaml, messagesOf, reported } from './support';
import { AnalyzeSettings } from '../../../src/analysis/analyze';
import { AnalysisFinding, AnalysisLevel } from '../../../src/analysis/finding';

/** Analyzes YAML, checking that every object passed admission (so that the checks saw them all). */
function analyze(yaml: string, settings: Partial<AnalyzeSettings> = {}): AnalysisFinding[] {
  const findings = analyzeYaml(yaml, settings);
  expect(reported(findings, 'IST0106', 'CKI0003')).toEqual([]);
  return findings;
}

/** A Pod with annotations, and init containers when given. */
const pod = (name: string, annotations: Record<string, string>, initContainers?: string[]) => `
apiVersion: v1
kind: Pod
metadata: { name: ${name}, annotations: ${JSON.stringify(annotations)} }
spec:
  containers: [{ name: app, image: example/app:1 }]
${initContainers ? `  initContainers: [${initContainers.map((c) => `{ name: ${c}, image: example/init:1 }`).join(', ')}]` : ''}`;

/** istio-cni writes these on every pod it handles. */
const CNI_ANNOTATIONS = {
  'sidecar.istio.io/interceptionMode': 'REDIRECT',
  'traffic.sidecar.istio.io/excludeInboundPorts': '15020',
  'traffic.sidecar.istio.io/includeInboundPorts': '*',
  'traffic.sidecar.istio.io/includeOutboundIPRanges': '*',
};

// The same situations as Istio's misannotated.yaml, in objects of our own.
const MISANNOTATED = [
  `
apiVersion: v1
kind: Service
metadata: { name: catalog, annotations: { networking.istio.io/exportToo: ".", networking.istio.io/exportTo: "." } }
spec: { selector: { app: catalog }, ports: [{ name: http, port: 80 }] }`,
  pod('probe-typo', { 'readiness.status.sidecar.istio.io/initialDelaySeconds': 'soon', 'readiness.status.sidecar.istio.io/periodSeconds': '5' }),
  `
apiVersion: v1
kind: Service
metadata: { name: legacy, annotations: { kubernetes.io/psp: restricted } }
spec: { selector: { app: legacy }, ports: [{ name: http, port: 80 }] }`,
  `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web, annotations: { istio.io/ingress.class: istio } }
spec:
  rules: [{ http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }] } }]`,
  pod('smoke-test', { 'proxy.istio.io/config': '{}', 'helm.sh/hook': 'test', 'kubernetes.io/ingress.class': 'istio', 'gateway.istio.io/controller-version': '5' }),
  // With istio-cni (no istio-init container): its annotations are not the user's.
  pod('cni-pod', { ...CNI_ANNOTATIONS, 'gateway.istio.io/controller-version': '5' }, ['istio-validation']),
  // Without istio-cni (an istio-init container): the user wrote them.
  pod('iptables-pod', { ...CNI_ANNOTATIONS, 'gateway.istio.io/controller-version': '5' }, ['istio-init']),
  `
apiVersion: apps/v1
kind: Deployment
metadata: { name: loadgen, annotations: { sidecar.istio.io/statsInclusionPrefixes: cluster.outbound } }
spec:
  selector: { matchLabels: { app: loadgen } }
  template:
    metadata: { labels: { app: loadgen } }
    spec: { containers: [{ name: loadgen, image: example/loadgen:1 }] }`,
  `
apiVersion: v1
kind: Namespace
metadata: { name: staging, annotations: { kubernetes.io/ingress.class: istio } }`,
  pod('injected', { 'istio.io/rev': 'canary', 'ambient.istio.io/redirection': 'enabled' }),
].join('\n---');

describe('maturity.AlphaAnalyzer parity (Istio 1.30.3 analyzers_test.go)', () => {
  test('mirrors "alpha" (maturity.AlphaAnalyzer)', () => {
    // Istio's case is marked skipAll: `istioctl analyze` does not run this analyzer; here it runs when asked.
    const findings = analyze(MISANNOTATED, { alphaAnnotations: true });
    expect(reported(findings, 'IST0136')).toEqual([
      ['IST0136', 'Deployment default/loadgen'],
      ['IST0136', 'Pod default/iptables-pod'],
      ['IST0136', 'Pod default/iptables-pod'],
      ['IST0136', 'Pod default/iptables-pod'],
      ['IST0136', 'Pod default/iptables-pod'],
      ['IST0136', 'Pod default/probe-typo'],
      ['IST0136', 'Pod default/probe-typo'],
      ['IST0136', 'Service default/catalog'],
    ]);
    expect(messagesOf(findings, 'IST0136')).toContain('Annotation "networking.istio.io/exportTo" is part of an alpha-phase feature and may be incompletely '
      + 'supported; check that the feature is fit for production before relying on it (https://istio.io/latest/docs/reference/config/annotations/)');
    expect(findings.filter((f) => f.code === 'IST0136').every((f) => f.level === AnalysisLevel.INFO)).toBe(true);
  });
});

describe('maturity: rules beyond the test grid (from maturity.go)', () => {
  test('off unless asked, as in istioctl analyze', () => {
    expect(reported(analyze(MISANNOTATED), 'IST0136')).toEqual([]);
  });

  test('beta and stable annotations, and unknown ones, are not alpha', () => {
    const findings = analyze(pod('p', {
      'proxy.istio.io/config': '{}',
      'ambient.istio.io/redirection': 'enabled',
      'sidecar.istio.io/inject': 'true',
      'sidecar.istio.io/proxyCPUU': '1',
    }), { alphaAnnotations: true });
    expect(reported(findings, 'IST0136')).toEqual([]);
  });

  test('a pod with no init containers at all runs with istio-cni: its annotations are skipped, the others are not', () => {
    const findings = analyze(pod('p', { ...CNI_ANNOTATIONS, 'sidecar.istio.io/proxyCPU': '100m', 'sidecar.istio.io/status': '{}' }), { alphaAnnotations: true });
    expect(reported(findings, 'IST0136')).toEqual([['IST0136', 'Pod default/p']]);
    expect(messagesOf(findings, 'IST0136')[0]).toMatch(/^Annotation "sidecar.istio.io\/proxyCPU" is part of an alpha-phase feature/);
  });

  test('the istio-cni exemption is for pods only', () => {
    const findings = analyze(`
apiVersion: v1
kind: Namespace
metadata: { name: team, annotations: { sidecar.istio.io/interceptionMode: REDIRECT } }`, { alphaAnnotations: true });
    expect(reported(findings, 'IST0136')).toEqual([['IST0136', 'Namespace default/team']]);
  });
});
