// README example: SecureGateway. The tests check that the README shows this code and its YAML.
import { App, Chart } from 'cdk8s';
import { GatewayRouteTarget, SecureGateway, StringMatch } from '../../src';

/** Builds the README's SecureGateway example into `app`. */
export function secureGatewayExample(app: App): Chart {
  const chart = new Chart(app, 'shop', { namespace: 'shop' });

  new SecureGateway(chart, 'ingress', {
    metadata: { name: 'shop' },
    hosts: ['shop.example.com'],
    credentialName: 'shop-cert', // a kubernetes.io/tls Secret in istio-system
    allowedSourceCidrs: ['203.0.113.0/24'],
  })
    .addRoute({ path: StringMatch.prefix('/api'), destination: GatewayRouteTarget.fromHost('api', 8080) })
    .addRoute({ destination: GatewayRouteTarget.fromHost('web', 80) })
    // A valid token is required for /api/: validated, and enforced.
    .requireJwt({ issuer: 'https://auth.example.com', jwksUri: 'https://auth.example.com/jwks.json', paths: ['/api/*'] });
  return chart;
}
