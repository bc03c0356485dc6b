import { ApiObject, App, Chart, JsonPatch, Testing } from 'cdk8s';
import {
  CertificateRef, KubernetesGateway, ListenerProtocol, ListenerTlsMode, ReferenceGrant, RouteNamespaces,
} from '../../src';
import { only, synthAppError, synthAppValid, synthError, synthValid } from '../support/schema';

const secret = (chart: Chart, name: string, namespace?: string) => new ApiObject(chart, `secret-${name}`, {
  apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, type: 'kubernetes.io/tls',
} as any);

describe('KubernetesGateway', () => {
  test('defaults: class istio; listeners with TLS from a Secret construct and allowed routes', () => {
    const chart = Testing.chart();
    const cert = secret(chart, 'shop-cert');
    const gw = new KubernetesGateway(chart, 'gw', {
      metadata: { name: 'shop' },
      listeners: [{ name: 'http', port: 80, protocol: ListenerProtocol.HTTP }],
    });
    gw.addListener({
      name: 'https',
      port: 443,
      protocol: ListenerProtocol.HTTPS,
      hostname: 'shop.example.com',
      tls: { certificateRefs: [CertificateRef.fromSecret(cert)] },
      allowedRoutes: { namespaces: RouteNamespaces.SELECTOR, selector: { team: 'shop' }, kinds: [{ kind: 'HTTPRoute' }] },
    });
    const out = only(synthValid(chart), 'Gateway');
    expect(out.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(out.spec).toEqual({
      gatewayClassName: 'istio',
      listeners: [
        { name: 'http', port: 80, protocol: 'HTTP' },
        {
          name: 'https',
          port: 443,
          protocol: 'HTTPS',
          hostname: 'shop.example.com',
          tls: { mode: 'Terminate', certificateRefs: [{ name: 'shop-cert' }] },
          allowedRoutes: {
            namespaces: { from: 'Selector', selector: { matchLabels: { team: 'shop' } } },
            kinds: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }],
          },
        },
      ],
    });
    expect(gw.name).toBe('shop');
    expect(gw.gatewayClassName).toBe('istio');
    expect(gw.listenerNames).toEqual(['http', 'https']);
  });

  test('TLS passthrough, addresses, infrastructure, another class and a certificate by reference', () => {
    const chart = Testing.chart();
    new KubernetesGateway(chart, 'gw', {
      gatewayClassName: 'istio-waypoint',
      listeners: [
        { name: 'tls', port: 8443, protocol: ListenerProtocol.TLS, hostname: '*.example.com', tls: { mode: ListenerTlsMode.PASSTHROUGH } },
        { name: 'tcp', port: 9000, protocol: ListenerProtocol.TCP, allowedRoutes: { namespaces: RouteNamespaces.ALL } },
        { name: 'term', port: 9443, protocol: ListenerProtocol.TLS, tls: { certificateRefs: [CertificateRef.of({ name: 'c', kind: 'Secret', group: '' })] } },
      ],
      addresses: [{ value: '10.0.0.1' }],
      infrastructure: { labels: { team: 'edge' }, annotations: { 'example.com/lb': 'internal' } },
    });
    const spec = only(synthValid(chart), 'Gateway').spec;
    expect(spec.gatewayClassName).toBe('istio-waypoint');
    expect(spec.listeners[0].tls).toEqual({ mode: 'Passthrough' });
    expect(spec.listeners[1].allowedRoutes).toEqual({ namespaces: { from: 'All' } });
    expect(spec.listeners[2].tls).toEqual({ mode: 'Terminate', certificateRefs: [{ name: 'c', kind: 'Secret', group: '' }] });
    expect(spec.addresses).toEqual([{ type: 'IPAddress', value: '10.0.0.1' }]);
    expect(spec.infrastructure).toEqual({ labels: { team: 'edge' }, annotations: { 'example.com/lb': 'internal' } });
  });

  test('a Hostname address passes the CRD schema (a oneOf branch that names only the type)', () => {
    const chart = Testing.chart();
    new KubernetesGateway(chart, 'gw', {
      listeners: [{ name: 'http', port: 80, protocol: ListenerProtocol.HTTP }],
      addresses: [{ type: 'Hostname', value: 'lb.example.com' }],
    });
    expect(only(synthValid(chart), 'Gateway').spec.addresses).toEqual([{ type: 'Hostname', value: 'lb.example.com' }]);
  });

  test('an IPAddress address must be an IP address (CRD schema)', () => {
    const chart = Testing.chart();
    new KubernetesGateway(chart, 'gw', {
      listeners: [{ name: 'http', port: 80, protocol: ListenerProtocol.HTTP }],
      addresses: [{ value: '10.0.0.1' }, { value: '10.0.0.1' }],
    });
    expect(synthError(chart)).toContain('breaks the rule "IPAddress values must be unique"');
  });

  test('a Secret in another namespace is written with its namespace; with a ReferenceGrant it synthesizes', () => {
    const app = new App();
    const certs = new Chart(app, 'certs', { namespace: 'certs' });
    const cert = secret(certs, 'shop-cert');
    ReferenceGrant.allowGatewaySecrets(certs, 'grant', { gatewayNamespace: 'edge', secretNames: ['shop-cert'] });
    const edge = new Chart(app, 'edge', { namespace: 'edge' });
    new KubernetesGateway(edge, 'gw', {
      listeners: [{ name: 'https', port: 443, protocol: ListenerProtocol.HTTPS, tls: { certificateRefs: [CertificateRef.fromSecret(cert)] } }],
    });
    const out = only(synthAppValid(app), 'Gateway');
    expect(out.spec.listeners[0].tls.certificateRefs).toEqual([{ name: 'shop-cert', namespace: 'certs' }]);
  });

  test('a Secret in another namespace without a ReferenceGrant fails synthesis (CKI0007)', () => {
    const app = new App();
    const certs = new Chart(app, 'certs', { namespace: 'certs' });
    const cert = secret(certs, 'shop-cert');
    const edge = new Chart(app, 'edge', { namespace: 'edge' });
    new KubernetesGateway(edge, 'gw', {
      listeners: [{ name: 'https', port: 443, protocol: ListenerProtocol.HTTPS, tls: { certificateRefs: [CertificateRef.fromSecret(cert)] } }],
    });
    expect(synthAppError(app)).toContain('[edge/gw] CKI0007: listener https refers to Secret certs/shop-cert in another namespace');
  });

  test('the CRD schema and CEL rules are checked at synth (a Gateway needs a listener)', () => {
    const chart = Testing.chart();
    new KubernetesGateway(chart, 'gw');
    expect(synthError(chart)).toContain("[test/gw] 'spec.listeners' ([]) must have at least 1 items");
  });

  test('escape-hatch patches are checked against the CEL rules', () => {
    const chart = Testing.chart();
    const gw = new KubernetesGateway(chart, 'gw', {
      listeners: [{ name: 'a', port: 9000, protocol: ListenerProtocol.TCP }],
    });
    gw.resource.addJsonPatch(JsonPatch.add('/spec/listeners/0/hostname', 'a.example.com'));
    expect(synthError(chart)).toContain("breaks the rule \"hostname must not be specified for protocols ['TCP', 'UDP']\"");
  });

  test.each([
    ['a port out of range', { name: 'a', port: 0, protocol: ListenerProtocol.HTTP }, "'listeners[0].port' (0) must be a port number from 1 to 65535"],
    ['a hostname on TCP', { name: 'a', port: 80, protocol: ListenerProtocol.TCP, hostname: 'a.example.com' }, 'must not be set for protocol TCP'],
    ['HTTPS without tls', { name: 'a', port: 443, protocol: ListenerProtocol.HTTPS }, "'listeners[0].tls' (unset) is required for protocol HTTPS"],
    ['HTTPS passthrough', { name: 'a', port: 443, protocol: ListenerProtocol.HTTPS, tls: { mode: ListenerTlsMode.PASSTHROUGH } }, 'must be Terminate for protocol HTTPS'],
    ['Terminate without certificates', { name: 'a', port: 443, protocol: ListenerProtocol.TLS, tls: {} }, 'must name a certificate when the Gateway terminates TLS'],
    ['tls on HTTP', { name: 'a', port: 80, protocol: ListenerProtocol.HTTP, tls: { mode: ListenerTlsMode.TERMINATE } }, 'must not be set for protocol HTTP'],
    ['Selector without labels', { name: 'a', port: 80, protocol: ListenerProtocol.HTTP, allowedRoutes: { namespaces: RouteNamespaces.SELECTOR } },
      'must have labels when namespaces is Selector'],
    ['labels without Selector', { name: 'a', port: 80, protocol: ListenerProtocol.HTTP, allowedRoutes: { selector: { a: 'b' } } },
      'is read only when namespaces is Selector'],
  ])('refuses %s', (_, listener, message) => {
    expect(() => new KubernetesGateway(Testing.chart(), 'gw', { listeners: [listener as any] })).toThrow(message);
  });

  test('refuses duplicate listener names and an empty class', () => {
    const gw = new KubernetesGateway(Testing.chart(), 'gw', { listeners: [{ name: 'a', port: 80, protocol: ListenerProtocol.HTTP }] });
    expect(() => gw.addListener({ name: 'a', port: 81, protocol: ListenerProtocol.HTTP })).toThrow("[test/gw] 'listeners[1].name' (a) must be unique in the Gateway");
    expect(() => new KubernetesGateway(Testing.chart(), 'gw', { gatewayClassName: '' })).toThrow("'gatewayClassName' (\"\") must not be empty");
  });

  test('a certificate construct that is not a Secret is refused at synth', () => {
    const chart = Testing.chart();
    const cm = new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    new KubernetesGateway(chart, 'gw', {
      listeners: [{ name: 'a', port: 443, protocol: ListenerProtocol.HTTPS, tls: { certificateRefs: [CertificateRef.fromSecret(cm)] } }],
    });
    expect(() => Testing.synth(chart)).toThrow("'listeners[0].tls.certificateRefs[0]' (ConfigMap x) must be a Secret");
  });
});
