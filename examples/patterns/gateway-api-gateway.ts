// README example: a Gateway API Gateway with a certificate in another namespace and the
// ReferenceGrant that allows it. The tests check that the README shows this code and its YAML.
import { App, Chart } from 'cdk8s';
import { CertificateRef, KubernetesGateway, ListenerProtocol, ReferenceGrant, RouteNamespaces } from '../../src';

/** Builds the README's Gateway and ReferenceGrant example into `app`. */
export function gatewayApiGatewayExample(app: App): Chart {
  const chart = new Chart(app, 'edge', { namespace: 'edge' });

  const gateway = new KubernetesGateway(chart, 'shop', {
    metadata: { name: 'shop' },
    listeners: [{ name: 'http', port: 80, protocol: ListenerProtocol.HTTP }],
  });
  // HTTPS for routes of the namespaces labelled team=shop, with a certificate of namespace certs.
  gateway.addListener({
    name: 'https', port: 443, protocol: ListenerProtocol.HTTPS, hostname: 'shop.example.com',
    tls: { certificateRefs: [CertificateRef.of({ name: 'shop-cert', namespace: 'certs' })] },
    allowedRoutes: { namespaces: RouteNamespaces.SELECTOR, selector: { team: 'shop' } },
  });
  // The grant lives in the certificate's namespace and lets the Gateways of edge use it.
  ReferenceGrant.allowGatewaySecrets(chart, 'edge-gateways', {
    gatewayNamespace: 'edge',
    secretNames: ['shop-cert'],
    metadata: { name: 'edge-gateways', namespace: 'certs' },
  });
  return chart;
}
