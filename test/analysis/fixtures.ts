/**
 * Raw YAML scenarios for the analyzer: for each check, YAML that triggers it and YAML that is
 * the same setup done right. Shared by the CLI tests.
 */

const reviewsApp = (versions: string[], extraPodLabels = '') => [
  ...versions.map((v) => `
apiVersion: apps/v1
kind: Deployment
metadata: { name: reviews-${v}, namespace: shop }
spec:
  selector: { matchLabels: { app: reviews, version: ${v} } }
  template:
    metadata: { labels: { app: reviews, version: ${v}${extraPodLabels} } }
    spec: { containers: [{ name: reviews, image: reviews:${v} }] }`),
  `
apiVersion: v1
kind: Service
metadata: { name: reviews, namespace: shop }
spec:
  selector: { app: reviews }
  ports: [{ name: http, port: 9080 }]`,
].join('\n---');

const reviewsRule = (subsets: string[], tls = '') => `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: reviews, namespace: shop }
spec:
  host: reviews
${tls}  subsets:
${subsets.map((s) => `    - { name: ${s}, labels: { version: ${s} } }`).join('\n')}`;

const routeTo = (name: string, subset: string, extra = '') => `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ${name}, namespace: shop }
spec:
  hosts: [reviews]
${extra}  http:
    - route: [{ destination: { host: reviews, subset: ${subset} } }]`;

const gateway = (name: string, hosts: string[], selector = 'istio: ingressgateway', namespace = 'shop') => `
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  selector: { ${selector} }
  servers:
    - port: { number: 443, name: https, protocol: HTTPS }
      hosts: [${hosts.join(', ')}]
      tls: { mode: SIMPLE, credentialName: ${name}-cert }`;

const gatewayRoute = (gateways: string, host: string) => `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ingress, namespace: shop }
spec:
  hosts: [${host}]
  gateways: [${gateways}]
  http:
    - route: [{ destination: { host: reviews, port: { number: 9080 } } }]`;

const ingressWorkload = (labels: string) => `
apiVersion: apps/v1
kind: Deployment
metadata: { name: istio-ingressgateway, namespace: istio-system }
spec:
  selector: { matchLabels: { ${labels} } }
  template:
    metadata: { labels: { ${labels} } }
    spec: { containers: [{ name: istio-proxy, image: proxyv2 }] }`;

const strictMesh = `
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: { name: default, namespace: istio-system }
spec: { mtls: { mode: STRICT } }`;

const multiPortService = `
apiVersion: v1
kind: Service
metadata: { name: api, namespace: shop }
spec:
  selector: { app: api }
  ports: [{ name: http, port: 80 }, { name: grpc, port: 9090 }]`;

const routeToApi = (port: string) => `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: api, namespace: shop }
spec:
  hosts: [api]
  http:
    - route: [{ destination: { host: api${port} } }]`;

const service = (ports: string, type = '') => `
apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec:
${type}  selector: { app: web }
  ports: [${ports}]`;

/** A gateway route from namespace edge to `host` (and subset), as users write it. */
const edgeRoute = (host: string, subset = '') => `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ingress, namespace: edge }
spec:
  hosts: [shop.example.com]
  gateways: [edge/public]
  http:
    - route: [{ destination: { host: ${host}${subset ? `, subset: ${subset}` : ''}, port: { number: 9080 } } }]`;

const edgeGateway = `
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: public, namespace: edge }
spec:
  selector: { istio: ingressgateway }
  servers: [{ port: { number: 80, name: http, protocol: HTTP }, hosts: [shop.example.com] }]`;

/** Each check: its code, YAML that triggers it, and YAML that does not. */
export const SCENARIOS: Array<{ code: string; title: string; bad: string; good: string }> = [
  {
    code: 'IST0101',
    title: 'VirtualService references a missing Gateway',
    bad: [reviewsApp(['v1']), gatewayRoute('shop/public', 'shop.example.com')].join('\n---'),
    good: [reviewsApp(['v1']), gateway('public', ['shop.example.com']), gatewayRoute('shop/public', 'shop.example.com')].join('\n---'),
  },
  {
    code: 'IST0101',
    title: 'route names a subset no DestinationRule defines',
    bad: [reviewsApp(['v1', 'v2']), reviewsRule(['v1']), routeTo('reviews', 'v2')].join('\n---'),
    good: [reviewsApp(['v1', 'v2']), reviewsRule(['v1', 'v2']), routeTo('reviews', 'v2')].join('\n---'),
  },
  {
    // Mirrors Istio's destinationrules.go (host+subset): a short host resolves in the
    // VirtualService's namespace, so the subset of shop's DestinationRule is not found from edge.
    code: 'IST0101',
    title: 'a gateway route in another namespace names a subset by the short host',
    bad: [reviewsApp(['v1', 'v2']), reviewsRule(['v1', 'v2']), edgeGateway, edgeRoute('reviews', 'v2')].join('\n---'),
    good: [reviewsApp(['v1', 'v2']), reviewsRule(['v1', 'v2']), edgeGateway, edgeRoute('reviews.shop.svc.cluster.local', 'v2')].join('\n---'),
  },
  {
    // Mirrors Istio's destinationhosts.go (host not found), limited to hosts the app defines in
    // another namespace.
    code: 'IST0101',
    title: 'a route in another namespace names a Service by the short host',
    bad: [reviewsApp(['v1']), edgeGateway, edgeRoute('reviews')].join('\n---'),
    good: [reviewsApp(['v1']), edgeGateway, edgeRoute('reviews.shop.svc.cluster.local')].join('\n---'),
  },
  {
    code: 'CKI0002',
    title: 'the same object twice (group, kind, namespace, name)',
    bad: [reviewsApp(['v1']), reviewsApp(['v1']).split('\n---').at(-1)!].join('\n---'),
    good: [reviewsApp(['v1']), reviewsApp(['v1']).split('\n---').at(-1)!.replace('name: reviews,', 'name: reviews-admin,')].join('\n---'),
  },
  {
    code: 'IST0101',
    title: 'Gateway selector matches no gateway workload',
    bad: [ingressWorkload('istio: ingressgateway'), gateway('public', ['shop.example.com'], 'istio: ingress')].join('\n---'),
    good: [ingressWorkload('istio: ingressgateway'), gateway('public', ['shop.example.com'])].join('\n---'),
  },
  {
    code: 'IST0132',
    title: 'VirtualService host is not served by its Gateway',
    bad: [reviewsApp(['v1']), gateway('public', ['shop.example.com']), gatewayRoute('public', 'api.example.com')].join('\n---'),
    good: [reviewsApp(['v1']), gateway('public', ['"shop/*.example.com"']), gatewayRoute('public', 'api.example.com')].join('\n---'),
  },
  {
    code: 'IST0145',
    title: 'two Gateways on the same workload and port serve the same host',
    // Hosts are compared exactly (Istio's ConflictingGatewayAnalyzer): *.example.com beside shop.example.com is fine.
    bad: [gateway('a', ['shop.example.com']), gateway('b', ['shop.example.com'])].join('\n---'),
    good: [gateway('a', ['shop.example.com']), gateway('b', ['"*.example.com"'])].join('\n---'),
  },
  {
    code: 'IST0109',
    title: 'two mesh VirtualServices for one host',
    bad: [reviewsApp(['v1']), reviewsRule(['v1']), routeTo('reviews-a', 'v1'), routeTo('reviews-b', 'v1')].join('\n---'),
    // Same FQDN host, but each VirtualService is visible only in its own namespace.
    good: [reviewsApp(['v1']), reviewsRule(['v1']),
      routeTo('reviews-a', 'v1', '  exportTo: ["."]\n').replace(/reviews(?=[,\]])/g, 'reviews.shop.svc.cluster.local'),
      routeTo('reviews-b', 'v1', '  exportTo: ["."]\n').replace('namespace: shop', 'namespace: other').replace(/reviews(?=[,\]])/g, 'reviews.shop.svc.cluster.local')].join('\n---'),
  },
  {
    code: 'IST0173',
    title: 'subset selects no pods',
    bad: [reviewsApp(['v1']), reviewsRule(['v1', 'v2'])].join('\n---'),
    good: [reviewsApp(['v1', 'v2']), reviewsRule(['v1', 'v2'])].join('\n---'),
  },
  {
    code: 'IST0174',
    title: 'DestinationRule host matches no service',
    bad: reviewsRule(['v1']).replace('host: reviews', 'host: reveiws'),
    good: [reviewsApp(['v1']), reviewsRule(['v1'])].join('\n---'),
  },
  {
    code: 'IST0118',
    title: 'Service port name without a protocol',
    bad: service('{ name: web, port: 80 }'),
    good: service('{ name: web, port: 80, appProtocol: http }, { name: http-admin, port: 8080 }'),
  },
  {
    code: 'IST0150',
    title: 'ExternalName Service port named tcp',
    bad: service('{ name: tcp, port: 443 }', '  type: ExternalName\n  externalName: api.example.com\n'),
    good: service('{ name: https, port: 443 }', '  type: ExternalName\n  externalName: api.example.com\n'),
  },
  {
    code: 'IST0113',
    title: 'DestinationRule disables mTLS towards STRICT workloads',
    bad: [strictMesh, reviewsApp(['v1']), reviewsRule(['v1'], '  trafficPolicy: { tls: { mode: DISABLE } }\n')].join('\n---'),
    good: [strictMesh, reviewsApp(['v1']), reviewsRule(['v1'], '  trafficPolicy: { tls: { mode: ISTIO_MUTUAL } }\n')].join('\n---'),
  },
  {
    code: 'CKI0001',
    title: 'wildcard-host ISTIO_MUTUAL DestinationRule',
    bad: reviewsRule([], '  trafficPolicy: { tls: { mode: ISTIO_MUTUAL } }\n').replace('host: reviews', 'host: "*"').replace('  subsets:\n', ''),
    good: reviewsRule([], '  trafficPolicy: { tls: { mode: ISTIO_MUTUAL } }\n').replace('host: reviews', 'host: "*.shop.svc.cluster.local"').replace('  subsets:\n', ''),
  },
  {
    code: 'IST0112',
    title: 'route without a port to a multi-port service',
    bad: [multiPortService, routeToApi('')].join('\n---'),
    good: [multiPortService, routeToApi(', port: { number: 80 }')].join('\n---'),
  },
  {
    code: 'IST0101',
    title: 'route to a port the service does not expose',
    bad: [multiPortService, routeToApi(', port: { number: 8080 }')].join('\n---'),
    good: [multiPortService, routeToApi(', port: { number: 9090 }')].join('\n---'),
  },
  {
    code: 'IST0106',
    title: 'an Istio object breaks an admission rule',
    bad: routeToApi(', port: { number: 80 }').replace('route: [', 'timeout: 0.5ms\n      route: ['),
    good: routeToApi(', port: { number: 80 }').replace('route: [', 'timeout: 500ms\n      route: ['),
  },
];
