import { analyze as analyzeYaml, messagesOf, reported } from './support';
import { AnalyzeSettings } from '../../../src/analysis/analyze';

// Parity with Istio 1.30.3's analyzer test grid for injection.Analyzer (IST0102, IST0103, IST0123,
// IST0148) (pkg/config/analysis/analyzers/analyzers_test.go), on inputs of our own.
//
// Not mirrored: the grid's injection.ImageAnalyzer cases ("istioInjectionProxyImageMismatch",
// "injectionImageDistroless", "injectionImageDistrolessNoMeshConfig",
// "istioInjectionProxyImageMismatchAbsolute", "istioInjectionProxyImageMismatchWithRevisionCanary")
// compare running pods' proxy images with the live injector's template, and the
// injection.ImageAutoAnalyzer case ("Detect `image: auto` in non-injected pods") needs the
// cluster's MutatingWebhookConfigurations: neither is in an app's manifests.

/** Analyzes, checking first that the API server would accept every input (a refused object is left out of the checks). */
function analyze(yaml: string, settings: Partial<AnalyzeSettings> = {}) {
  const findings = analyzeYaml(yaml, settings);
  expect(reported(findings, 'CKI0003', 'IST0106')).toEqual([]);
  return findings;
}

const CODES = ['IST0102', 'IST0103', 'IST0123', 'IST0148'];

function namespace(name: string, labels: Record<string, string> = {}): string {
  return `apiVersion: v1
kind: Namespace
metadata: { name: ${name}, labels: ${JSON.stringify(labels)} }
---
`;
}

interface PodOptions {
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly extra?: string;
}

const SIDECAR = '  - name: istio-proxy\n    image: istio/proxyv2:1.30.3';

function pod(ns: string, name: string, o: PodOptions = {}): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: ${ns}
  labels: ${JSON.stringify(o.labels ?? {})}
  annotations: ${JSON.stringify(o.annotations ?? {})}
spec:
  containers:
  - name: shop
    image: example/shop:1
${o.extra ?? ''}
---
`;
}

/** The default injector's ConfigMap, its values injecting namespaces by default or not. */
function injectorConfigMap(byDefault: boolean): string {
  const values = JSON.stringify({ global: { hub: 'example.com/istio' }, sidecarInjectorWebhook: { enableNamespacesByDefault: byDefault } });
  return `apiVersion: v1
kind: ConfigMap
metadata: { name: istio-sidecar-injector, namespace: istio-system }
data:
  values: '${values}'
---
`;
}

// One object per situation of Istio's input.
const CLUSTER = [
  namespace('default', { 'istio-injection': 'enabled' }),
  namespace('mesh-ambient', { 'istio.io/dataplane-mode': 'ambient' }), // ambient, no sidecars: fine
  namespace('legacy', { 'istio-injection': 'disabled' }), // explicitly off: fine
  namespace('unlabelled'), // no label at all: IST0102 (or IST0148)
  namespace('canary-apps', { 'istio.io/rev': 'canary' }), // a revision: fine
  namespace('stale-rev', { 'istio.io/rev': 'gone' }), // a revision that may not exist: fine
  namespace('both-labels', { 'istio-injection': 'enabled', 'istio.io/rev': 'canary' }), // IST0123
  namespace('inject-and-rev', { 'istio-injection': 'enabled', 'istio.io/rev': 'stable' }), // IST0123
  namespace('inject-and-ambient', { 'istio-injection': 'enabled', 'istio.io/dataplane-mode': 'ambient' }), // IST0123
  namespace('rev-and-ambient', { 'istio.io/rev': 'stable', 'istio.io/dataplane-mode': 'ambient' }), // IST0123
  namespace('off-and-ambient', { 'istio-injection': 'disabled', 'istio.io/dataplane-mode': 'ambient' }), // off wins: fine
  namespace('off-and-rev', { 'istio-injection': 'disabled', 'istio.io/rev': 'stable' }), // off wins: fine
  pod('default', 'with-proxy', { extra: SIDECAR }), // injected: fine
  pod('default', 'no-proxy'), // IST0103
  pod('default', 'opted-out', { annotations: { 'sidecar.istio.io/inject': 'false' } }),
  pod('default', 'opted-out-by-label', { labels: { 'sidecar.istio.io/inject': 'false' } }),
  pod('default', 'label-beats-annotation', { labels: { 'sidecar.istio.io/inject': 'false' }, annotations: { 'sidecar.istio.io/inject': 'true' } }),
  pod('default', 'host-network', { extra: '  hostNetwork: true' }),
  pod('istio-system', 'istiod-canary-0', { labels: { 'app': 'istiod', 'istio': 'pilot', 'istio.io/rev': 'canary' } }),
].join('');

const MULTIPLE_LABELS: Array<[string, string]> = ['both-labels', 'inject-and-ambient', 'inject-and-rev', 'rev-and-ambient']
  .map((n) => ['IST0123', `Namespace default/${n}`]);

describe('injection.Analyzer', () => {
  test('mirrors "istioInjection" (injection.Analyzer)', () => {
    const findings = analyze(CLUSTER);
    expect(reported(findings, ...CODES)).toEqual([
      ['IST0102', 'Namespace default/unlabelled'],
      ['IST0103', 'Pod default/no-proxy'],
      ...MULTIPLE_LABELS,
    ].sort());
    expect(messagesOf(findings, 'IST0102')).toEqual(["The namespace is not enabled for Istio injection. Run 'kubectl label namespace unlabelled "
      + "istio-injection=enabled' to enable it, or 'kubectl label namespace unlabelled istio-injection=disabled' to explicitly mark it as not needing "
      + 'injection; set the label in the Namespace manifest (or use MeshNamespace) so that it is applied with the app']);
    expect(messagesOf(findings, 'IST0103')).toEqual([expect.stringMatching(/^The pod default\/no-proxy is missing the Istio proxy\. This can often be resolved/)]);
    expect(messagesOf(findings, 'IST0123')).toContain('The namespace has more than one type of injection labels [istio-injection=enabled istio.io/rev=canary], '
      + 'which may lead to undefined behavior. Make sure only one injection label exists; keep one: istio-injection=enabled (default revision), '
      + 'istio.io/rev=<revision>, or istio.io/dataplane-mode=ambient');
  });

  test('mirrors "istioInjectionEnableNamespacesByDefault" (injection.Analyzer)', () => {
    const findings = analyze(CLUSTER + injectorConfigMap(true));
    expect(reported(findings, ...CODES)).toEqual([
      ['IST0103', 'Pod default/no-proxy'],
      ['IST0148', 'Namespace default/unlabelled'],
      ...MULTIPLE_LABELS,
    ].sort());
    expect(messagesOf(findings, 'IST0148')[0]).toMatch(/^is enabled for Istio injection, as Istio is installed with enableNamespacesByDefault as true; /);
  });

  test('an injector that does not inject namespaces by default changes nothing', () => {
    expect(reported(analyze(namespace('unlabelled') + injectorConfigMap(false)), ...CODES)).toEqual([['IST0102', 'Namespace default/unlabelled']]);
  });

  test('an empty istio-injection label counts as none (as Istio)', () => {
    expect(reported(analyze(namespace('blank', { 'istio-injection': '' })), ...CODES)).toEqual([['IST0102', 'Namespace default/blank']]);
  });

  test('not reported: istio-system, the root namespace, and the namespaces istioctl ignores', () => {
    const findings = analyze(['istio-system', 'mesh-root', 'kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']
      .map((n) => namespace(n, { 'istio-injection': 'enabled', 'istio.io/rev': 'x' })).join(''), { rootNamespace: 'mesh-root' });
    expect(reported(findings, ...CODES)).toEqual([]);
  });

  test('pods of a namespace that is not among the objects are not checked: its labels are unknown', () => {
    expect(reported(analyze(pod('elsewhere', 'no-proxy')), ...CODES)).toEqual([]);
  });

  test('a native sidecar (istio-proxy among the init containers) counts; a proxy container without image does not', () => {
    const findings = analyze(namespace('shop', { 'istio-injection': 'enabled' })
      + pod('shop', 'native', { extra: '  initContainers:\n  - name: istio-proxy\n    image: istio/proxyv2:1.30.3\n    restartPolicy: Always' })
      + pod('shop', 'imageless', { extra: '  - name: istio-proxy\n    image: ""' }));
    expect(reported(findings, ...CODES)).toEqual([['IST0103', 'Pod shop/imageless']]);
  });

  test('only Pods are checked: the injector adds the proxy to the pods of a Deployment when it creates them', () => {
    const findings = analyze(`${namespace('shop', { 'istio-injection': 'enabled' })}apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: example/web:1 }] }
`);
    expect(reported(findings, ...CODES)).toEqual([]);
  });

  test('as Istio: pods of a namespace injected by revision are not checked (the revision may not exist)', () => {
    expect(reported(analyze(namespace('canary', { 'istio.io/rev': 'canary' }) + pod('canary', 'no-proxy')), ...CODES)).toEqual([]);
  });
});
