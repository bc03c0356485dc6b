// README example: Gateway API HTTPRoute and GRPCRoute. The tests check that the README shows this
// code and its YAML.
import { App, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-33';
import { BackendRef, GrpcRoute, HttpMethod, HttpPathMatch, HttpRoute, HttpRouteFilter, ParentRef } from '../../src';

/** Builds the README's HTTPRoute and GRPCRoute example into `app`. */
export function gatewayApiRoutesExample(app: App): Chart {
  const chart = new Chart(app, 'shop', { namespace: 'shop' });

  // The Services the routes send to, in the routes' namespace (so no ReferenceGrant is needed).
  const service = (name: string, portName: string, port: number) =>
    new kplus.Service(chart, name, { metadata: { name }, ports: [{ name: portName, port }] });
  const cartV1 = service('cart-v1', 'http', 8080);
  const cartV2 = service('cart-v2', 'http', 8080);
  const shadow = service('cart-shadow', 'http', 8080);
  const cartGrpc = service('cart-grpc', 'grpc', 50051);

  // North-south: the https listener of the Gateway `shop` in namespace edge.
  new HttpRoute(chart, 'cart', {
    metadata: { name: 'cart' },
    parentRefs: [ParentRef.gateway('shop', 'edge', 'https')],
    hostnames: ['shop.example.com'],
    rules: [{
      matches: [{ path: HttpPathMatch.prefix('/cart'), method: HttpMethod.GET }],
      filters: [
        HttpRouteFilter.urlRewrite({ replacePrefixMatch: '/api/cart' }),
        HttpRouteFilter.requestMirror(BackendRef.service(shadow), { percent: 5 }),
      ],
      backendRefs: [BackendRef.service(cartV1, 8080, 90), BackendRef.service(cartV2, 8080, 10)],
      timeouts: { request: Duration.seconds(10), backendRequest: Duration.seconds(2) },
    }],
  });

  // East-west (GAMMA): mesh traffic sent to the cart-grpc Service.
  new GrpcRoute(chart, 'add-item', {
    metadata: { name: 'cart-add-item' },
    parentRefs: [ParentRef.service(cartGrpc)],
    rules: [{ matches: [{ method: { service: 'shop.v1.Cart', method: 'AddItem' } }], backendRefs: [BackendRef.service(cartGrpc)] }],
  });
  return chart;
}
