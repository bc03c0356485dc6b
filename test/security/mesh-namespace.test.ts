import { Chart, Testing } from 'cdk8s';
import { CanaryService, DataplaneMode, IstioAnalyzer, MeshNamespace } from '../../src';
import { synthAppValid, synthValid } from '../support/schema';

describe('MeshNamespace', () => {
  test('defaults: sidecar injection, STRICT mTLS and deny-by-default, all in the namespace', () => {
    const chart = Testing.chart();
    new MeshNamespace(chart, 'shop', { name: 'shop' });
    const manifests = synthValid(chart);
    expect(manifests.map((m) => `${m.kind} ${m.metadata.namespace ?? '-'}/${m.metadata.name}`)).toEqual([
      'Namespace -/shop',
      'PeerAuthentication shop/default',
      'AuthorizationPolicy shop/allow-nothing',
    ]);
    expect(manifests[0].metadata.labels).toEqual({ 'istio-injection': 'enabled' });
    expect(manifests[1].spec).toEqual({ mtls: { mode: 'STRICT' } });
    // An ALLOW policy without rules: workloads accept only what another ALLOW policy grants.
    expect(manifests[2].spec).toEqual({ action: 'ALLOW' });
    expect(manifests).toMatchSnapshot();
  });

  test('a chart namespace does not leak onto the cluster-scoped Namespace, and policies stay in their namespace', () => {
    const app = Testing.app();
    new MeshNamespace(new Chart(app, 'platform', { namespace: 'platform' }), 'shop', { name: 'shop' });
    const manifests = synthAppValid(app);
    expect(manifests[0].metadata).toEqual({ name: 'shop', labels: { 'istio-injection': 'enabled' } });
    expect(manifests.slice(1).map((m) => m.metadata.namespace)).toEqual(['shop', 'shop']);
  });

  test.each([
    [DataplaneMode.sidecarRevision('1-30-3'), { 'istio.io/rev': '1-30-3' }],
    [DataplaneMode.ambient(), { 'istio.io/dataplane-mode': 'ambient' }],
  ])('dataplane %#', (dataplane, labels) => {
    const chart = Testing.chart();
    new MeshNamespace(chart, 'ns', { name: 'shop', dataplane, labels: { team: 'shop' } });
    expect(synthValid(chart)[0].metadata.labels).toEqual({ team: 'shop', ...labels });
  });

  test('opt-outs: no PeerAuthentication, no allow-nothing policy', () => {
    const chart = Testing.chart();
    const ns = new MeshNamespace(chart, 'ns', { name: 'legacy', strictMtls: false, denyByDefault: false });
    expect(synthValid(chart).map((m) => m.kind)).toEqual(['Namespace']);
    expect([ns.peerAuthentication, ns.authorizationPolicy, ns.denyByDefault]).toEqual([undefined, undefined, false]);
  });

  // Conflicting injection labels: Istio reads istio-injection before istio.io/rev (IST0123
  // NamespaceMultipleInjectionLabels), and ambient pods with sidecars are not captured.
  test.each(['istio-injection', 'istio.io/rev', 'istio.io/dataplane-mode'])('a %s label conflicts with the dataplane and is refused', (key) => {
    expect(() => new MeshNamespace(Testing.chart(), 'ns', { name: 'shop', dataplane: DataplaneMode.ambient(), labels: { [key]: 'enabled' } }))
      .toThrow(`[test/ns] 'labels.${key}' (enabled) conflicts with the dataplane (ambient), which sets the mesh labels; remove the label`);
  });

  test('the name is a DNS label', () => {
    expect(() => new MeshNamespace(Testing.chart(), 'ns', { name: 'Shop_1' })).toThrow("[test/ns] 'name' (Shop_1) must be a DNS-1123 label");
  });
});

describe('deny-by-default with the analyzer', () => {
  function shop(grant: boolean) {
    const app = Testing.app();
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    new MeshNamespace(chart, 'ns', { name: 'shop' });
    const reviews = new CanaryService(chart, 'reviews', { versions: [{ name: 'v1', image: 'example/reviews:1' }, { name: 'v2', image: 'example/reviews:2', weight: 5 }] });
    const ratings = new CanaryService(chart, 'ratings', { versions: [{ name: 'v1', image: 'example/ratings:1' }, { name: 'v2', image: 'example/ratings:2', weight: 5 }] });
    if (grant) {
      ratings.allowFrom(reviews);
      reviews.allowFromNamespace('istio-system');
    }
    synthAppValid(app);
    return IstioAnalyzer.of(chart).findings.filter((f) => f.code === 'CKI0004').map((f) => `${f.level} ${f.kind}/${f.namespace}/${f.name}`);
  }

  test('a service nobody may call is reported (CKI0004)', () => {
    expect(shop(false)).toEqual(['Warning Service/shop/reviews', 'Warning Service/shop/ratings']);
  });

  test('granted services are not', () => {
    expect(shop(true)).toEqual([]);
  });
});

// Kubernetes checks Namespace names as DNS-1123 labels (a digit may lead; apimachinery
// ValidateNamespaceName), Service names as DNS-1035 labels.
test('a namespace name may start with a digit, and must be lower case', () => {
  const chart = Testing.chart();
  new MeshNamespace(chart, 'ns', { name: '1shop' });
  expect(synthValid(chart)[0].metadata.name).toBe('1shop');
  expect(() => new MeshNamespace(Testing.chart(), 'upper', { name: 'Shop' })).toThrow("[test/upper] 'name' (Shop) must be a DNS-1123 label");
});
