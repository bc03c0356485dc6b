// README example: the patterns in the Gateway API, by one switch. The tests check that the
// README shows this code and its YAML.
import { App, Chart } from 'cdk8s';
import { CanaryService, GatewayRouteTarget, MeshSettings, SecureGateway, StringMatch, TrafficApi } from '../../src';

/** Builds the README's Gateway API switch example into `app`. */
export function gatewayApiSwitchExample(app: App): Chart {
  const chart = new Chart(app, 'shop', { namespace: 'shop' });
  // The one switch (on the App, it covers every chart); without it, the same code writes Istio's API.
  MeshSettings.setTrafficApi(chart, TrafficApi.GATEWAY_API);

  const reviews = new CanaryService(chart, 'reviews', {
    port: 9080,
    versions: [
      { name: 'v1', image: 'example/reviews:1.0' },
      { name: 'v2', image: 'example/reviews:2.0', weight: 10 },
    ],
    matchRoutes: [{ version: 'v2', headers: { 'x-dark-launch': StringMatch.exact('v2') } }],
  });
  new SecureGateway(chart, 'ingress', {
    metadata: { name: 'shop' },
    hosts: ['shop.example.com'],
    credentialName: 'shop-cert',
  }).addRoute({ path: StringMatch.prefix('/reviews'), destination: GatewayRouteTarget.fromCanary(reviews) });
  return chart;
}
