import { AnalysisFinding } from '../../src/analysis/finding';
import { analyzeYaml, reported } from '../support/analyze-yaml';

const analyze = (...documents: string[]) => analyzeYaml(documents);

// The security checks of `istioctl analyze` (Istio 1.30.3), on hand-written YAML in several
// namespaces. Each case names the Istio case it mirrors (pkg/config/analysis/analyzers/
// analyzers_test.go and its testdata/, authz/authorizationpolicies_test.go); the inputs are our own.

function messages(findings: AnalysisFinding[], code: string): string[] {
  return findings.filter((f) => f.code === code).map((f) => f.message);
}

const namespace = (name: string, labels = '') => `
apiVersion: v1
kind: Namespace
metadata: { name: ${name}${labels ? `, labels: { ${labels} }` : ''} }`;

/** A Deployment whose pods have `labels` (YAML flow mapping entries), and optional pod annotations. */
const deployment = (name: string, ns: string, labels: string, annotations = '') => `
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: ${ns} }
spec:
  selector: { matchLabels: { ${labels} } }
  template:
    metadata:
      labels: { ${labels} }${annotations ? `\n      annotations: { ${annotations} }` : ''}
    spec: { containers: [{ name: app, image: '${name}:1' }] }`;

const pod = (name: string, ns: string, labels: string) => `
apiVersion: v1
kind: Pod
metadata: { name: ${name}, namespace: ${ns}, labels: { ${labels} } }
spec: { containers: [{ name: app, image: '${name}:1' }] }`;

const service = (name: string, ns: string, selector: string) => `
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: ${ns} }
spec:
  selector: { ${selector} }
  ports: [{ name: http, port: 80 }]`;

/** An AuthorizationPolicy; `spec` is YAML indented by two spaces. */
const authorizationPolicy = (name: string, ns: string, spec = '  {}', annotations = '') => `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: ${name}, namespace: ${ns}${annotations ? `, annotations: { ${annotations} }` : ''} }
spec:
${spec}`;

const requestAuthentication = (name: string, ns: string, selector = '') => `
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: { name: ${name}, namespace: ${ns} }
spec:
${selector ? `  selector: { matchLabels: { ${selector} } }\n` : ''}  jwtRules: [{ issuer: 'https://issuer.example.com', jwksUri: 'https://issuer.example.com/jwks.json' }]`;

const allowFrom = (namespaces: string, selector = '') => `${selector ? `  selector: { matchLabels: { ${selector} } }\n` : ''}  rules:
    - from: [{ source: { namespaces: [${namespaces}] } }]`;

describe('IST0127 NoMatchingWorkloadsFound (AuthorizationPolicy)', () => {
  // The pods of these cases: a Deployment in `orders`, a Pod in `payments`.
  const pods = [deployment('orders', 'orders', 'app: orders, version: v1'), pod('payments-1', 'payments', 'app: payments')];

  test('a selector that matches no pod in its namespace (mirrors authorizationpolicies.yaml httpbin/httpbin-nopods)', () => {
    const findings = analyze(...pods, authorizationPolicy('orders-typo', 'orders', allowFrom('orders', 'app: order, version: v1')));
    expect(reported(findings, 'IST0127')).toEqual(['Warning AuthorizationPolicy/orders/orders-typo']);
    expect(messages(findings, 'IST0127')[0]).toContain('No matching workloads for this resource with the following labels: app=order,version=v1 '
      + '(no pod in the mesh in namespace orders has them)');
  });

  test('a selector that matches pods only in another namespace (mirrors test-ambient/no-workload)', () => {
    const findings = analyze(...pods, authorizationPolicy('payments-only', 'orders', allowFrom('orders', 'app: payments')));
    expect(reported(findings, 'IST0127')).toEqual(['Warning AuthorizationPolicy/orders/payments-only']);
  });

  // Only namespaces where the app defines workloads: the pods of others are deployed elsewhere.
  test('a namespace-wide policy in a namespace without pods in the mesh (mirrors httpbin-empty/httpbin-empty-namespace-wide)', () => {
    const findings = analyze(...pods, deployment('batch', 'empty', 'app: batch', '"sidecar.istio.io/inject": "false"'),
      authorizationPolicy('everyone', 'empty', allowFrom('"orders"')));
    expect(reported(findings, 'IST0127')).toEqual(['Warning AuthorizationPolicy/empty/everyone']);
    expect(messages(findings, 'IST0127')[0]).toContain('namespace empty has no workload in the mesh');
  });

  test('a root-namespace selector that matches no pod in any namespace (mirrors istio-system/meshwide-httpbin-v1)', () => {
    const findings = analyze(...pods, deployment('istiod', 'istio-system', 'app: istiod'),
      authorizationPolicy('bogus-version', 'istio-system', '  selector: { matchLabels: { version: bogus } }'));
    expect(reported(findings, 'IST0127')).toEqual(['Warning AuthorizationPolicy/istio-system/bogus-version']);
    expect(messages(findings, 'IST0127')[0]).toContain('version=bogus (no pod in the mesh in any namespace has them)');
  });

  test('not reported: selectors matching a pod template or a Pod, namespace-wide policies where pods run, the root namespace '
    + '(mirrors httpbin/httpbin, httpbin/httpbin-namespace-wide, istio-system/meshwide-httpbin)', () => {
    const findings = analyze(...pods,
      authorizationPolicy('orders-v1', 'orders', allowFrom('orders', 'app: orders, version: v1')),
      authorizationPolicy('payments', 'payments', allowFrom('orders', 'app: payments')),
      authorizationPolicy('orders-wide', 'orders', allowFrom('orders')),
      // In the root namespace, a selector matches pods of every namespace; no selector is mesh-wide.
      authorizationPolicy('mesh-orders', 'istio-system', allowFrom('orders', 'app: orders')),
      authorizationPolicy('mesh-wide', 'istio-system', allowFrom('orders')),
      // A policy attached by targetRefs selects no pod; Istio's analyzer does not read targetRefs.
      authorizationPolicy('edge', 'edge', `  targetRefs: [{ group: gateway.networking.k8s.io, kind: Gateway, name: edge }]\n${allowFrom('orders')}`));
    expect(findings).toEqual([]);
  });

  test('not reported: policies in namespaces where the app defines no workloads (the gateway pods in istio-system, another team)', () => {
    const findings = analyze(...pods,
      authorizationPolicy('jwt', 'istio-system', '  selector: { matchLabels: { istio: ingressgateway } }'),
      authorizationPolicy('allow-nothing', 'team-b', ''));
    expect(reported(findings, 'IST0127')).toEqual([]);
  });

  test('pods out of the mesh do not count (mirrors util.PodInMesh; ambient pods count, as test-ambient/valid-policy)', () => {
    const findings = analyze(
      deployment('legacy', 'orders', 'app: legacy', '"sidecar.istio.io/inject": "false"'),
      deployment('ambient', 'orders', 'app: ambient', '"sidecar.istio.io/inject": "false", "ambient.istio.io/redirection": enabled'),
      namespace('batch', 'istio-injection: disabled'), deployment('report', 'batch', 'app: report'),
      authorizationPolicy('legacy', 'orders', allowFrom('orders', 'app: legacy')),
      authorizationPolicy('ambient', 'orders', allowFrom('orders', 'app: ambient')),
      authorizationPolicy('report', 'batch', allowFrom('orders', 'app: report')));
    expect(reported(findings, 'IST0127')).toEqual(['Warning AuthorizationPolicy/orders/legacy', 'Warning AuthorizationPolicy/batch/report']);
  });

  test('not reported when the app defines no workloads: the pods are deployed elsewhere', () => {
    expect(analyze(authorizationPolicy('orders', 'orders', allowFrom('orders', 'app: orders')), authorizationPolicy('wide', 'empty', allowFrom('orders')))).toEqual([]);
  });
});

describe('IST0101 ReferencedResourceNotFound (AuthorizationPolicy source namespaces)', () => {
  // Mirrors authorizationpolicies.yaml: Namespaces httpbin, prod-httpbin and httpbin-test.
  // Enrolled namespaces: unlabelled ones are reported (IST0102, injection.Analyzer), as istioctl does.
  const enrolled = 'istio-injection: enabled';
  const cluster = [namespace('web', enrolled), namespace('prod-web', enrolled), namespace('web-test', enrolled),
    deployment('web', 'web', 'app: web'), deployment('shop', 'frontend', 'app: shop')];
  const patterns = '"prod-*", "*-test", "*-bogus", "bogus-*", "*", "web"';

  test.each(['namespaces', 'notNamespaces'])('%s patterns that match no namespace (mirrors httpbin/httpbin-bogus-ns and httpbin-bogus-not-ns)', (field) => {
    const findings = analyze(...cluster, authorizationPolicy('web', 'web', `  selector: { matchLabels: { app: web } }
  rules:
    - from:
        - source: { principals: [cluster.local/ns/default/sa/sleep] }
        - source: { ${field}: [${patterns}] }`));
    expect(reported(findings, 'IST0101')).toEqual(['Warning AuthorizationPolicy/web/web', 'Warning AuthorizationPolicy/web/web']);
    expect(messages(findings, 'IST0101')).toEqual([
      expect.stringContaining(`Referenced namespace not found: "*-bogus" (spec.rules[0].from[1].source.${field}[2] matches no Namespace of the app`),
      expect.stringContaining(`Referenced namespace not found: "bogus-*" (spec.rules[0].from[1].source.${field}[3]`),
    ]);
  });

  test('names ignore case, prefix and suffix patterns do not (mirrors authz TestNamespaceMatch)', () => {
    const findings = analyze(...cluster, authorizationPolicy('web', 'web', allowFrom('"WEB", "Prod-*", "*-Test", "*-web", "web-*"', 'app: web')));
    expect(messages(findings, 'IST0101').map((m) => m.slice(0, m.indexOf(' ('))))
      .toEqual(['Referenced namespace not found: "Prod-*"', 'Referenced namespace not found: "*-Test"']);
  });

  test('not reported: namespaces of other objects, the root namespace, Kubernetes\' own, and principals (Istio does not check them)', () => {
    const findings = analyze(...cluster, authorizationPolicy('web', 'web', `  selector: { matchLabels: { app: web } }
  rules:
    - from:
        - source: { namespaces: [frontend, istio-system, kube-system, default, "front*"] }
        - source: { principals: [cluster.local/ns/nowhere/sa/nobody, "example.com/ns/bogus/sa/x", "*/ns/other/sa/*"] }`));
    expect(findings).toEqual([]);
  });

  test('not reported when the app defines no Namespace: the namespaces are the cluster\'s', () => {
    const findings = analyze(deployment('web', 'web', 'app: web'), authorizationPolicy('web', 'web', allowFrom('"bogus", "bogus-*"', 'app: web')));
    expect(findings).toEqual([]);
  });
});

describe('IST0166 IneffectiveSelector (selector on Kubernetes Gateway pods)', () => {
  const gatewayPod = pod('edge-abc', 'edge', 'app: edge-istio, "gateway.networking.k8s.io/gateway-name": edge');

  test('an AuthorizationPolicy or RequestAuthentication selecting Gateway API gateway pods (mirrors k8sgateway-selector.yaml ap-/ra-ineffective)', () => {
    const findings = analyze(gatewayPod,
      authorizationPolicy('edge-allow', 'edge', allowFrom('edge', 'app: edge-istio')),
      requestAuthentication('edge-jwt', 'edge', '"gateway.networking.k8s.io/gateway-name": edge'));
    expect(reported(findings, 'IST0166')).toEqual(['Warning AuthorizationPolicy/edge/edge-allow', 'Warning RequestAuthentication/edge/edge-jwt']);
    expect(messages(findings, 'IST0166')[0]).toContain('Ineffective selector on Kubernetes Gateway edge. Use the TargetRef field instead');
    expect(messages(findings, 'IST0166')[0]).toContain('kind: Gateway, name: edge');
  });

  test('not reported: targetRefs, selectors in another namespace, selectors of other pods (mirrors ap-/ra-effective)', () => {
    const findings = analyze(gatewayPod, pod('web-1', 'edge', 'app: web'),
      authorizationPolicy('edge', 'edge', `  targetRefs: [{ group: gateway.networking.k8s.io, kind: Gateway, name: edge }]\n${allowFrom('edge')}`),
      authorizationPolicy('web', 'edge', allowFrom('edge', 'app: web')),
      requestAuthentication('other-ns', 'web', 'app: edge-istio'), pod('web-2', 'web', 'app: web'));
    expect(reported(findings, 'IST0166')).toEqual([]);
  });
});

describe('IST0149 JwtClaimBasedRoutingWithoutRequestAuthN', () => {
  const ingress = deployment('istio-ingressgateway', 'istio-ingress', 'istio: ingressgateway');
  const gateway = `
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: public, namespace: shop }
spec:
  selector: { istio: ingressgateway }
  servers: [{ port: { number: 80, name: http, protocol: HTTP }, hosts: [shop.example.com] }]`;
  const claimRoute = (header: string, field = 'headers', gateways = '[public]') => `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: shop, namespace: shop }
spec:
  hosts: [shop.example.com]
  gateways: ${gateways}
  http:
    - match: [{ ${field}: { "${header}": { exact: admins } } }]
      route: [{ destination: { host: admin } }]
    - route: [{ destination: { host: web } }]`;

  test('a claim route on a gateway whose pods have no RequestAuthentication (mirrors virtualservice_jwtclaimroute.yaml)', () => {
    const findings = analyze(ingress, gateway, claimRoute('@request.auth.claims.groups'));
    expect(reported(findings, 'IST0149')).toEqual(['Error VirtualService/shop/shop']);
    expect(messages(findings, 'IST0149')[0]).toContain('The virtual service uses the JWT claim based routing (key: @request.auth.claims.groups) but found no request '
      + 'authentication for the gateway (shop/public) pod (Deployment istio-ingress/istio-ingressgateway)');
  });

  test.each([
    ['[] claims', '@request.auth.claims[groups]', 'headers'],
    ['nested claims', '@request.auth.claims.realm.role', 'headers'],
    ['withoutHeaders', '@request.auth.claims.groups', 'withoutHeaders'],
  ])('reported for %s', (_, header, field) => {
    expect(reported(analyze(ingress, gateway, claimRoute(header, field)), 'IST0149')).toEqual(['Error VirtualService/shop/shop']);
  });

  test('a RequestAuthentication in the VirtualService\'s namespace does not apply to the gateway pods in another namespace', () => {
    const findings = analyze(ingress, gateway, claimRoute('@request.auth.claims.groups'), requestAuthentication('jwt', 'shop'));
    expect(reported(findings, 'IST0149')).toEqual(['Error VirtualService/shop/shop']);
  });

  test.each([
    ['in the root namespace, selecting the gateway pods', requestAuthentication('jwt', 'istio-system', 'istio: ingressgateway')],
    ['in the root namespace, without selector', requestAuthentication('jwt', 'istio-system')],
    ['in the pods\' namespace, without selector', requestAuthentication('jwt', 'istio-ingress')],
    ['in the pods\' namespace, selecting them', requestAuthentication('jwt', 'istio-ingress', 'istio: ingressgateway')],
  ])('not reported with a RequestAuthentication %s', (_, ra) => {
    expect(analyze(ingress, gateway, claimRoute('@request.auth.claims.groups'), ra)).toEqual([]);
  });

  test('not reported: no claim route, mesh-only routes, a RequestAuthentication selecting other pods is not enough', () => {
    expect(reported(analyze(ingress, gateway, claimRoute('x-claims')), 'IST0149')).toEqual([]);
    expect(reported(analyze(ingress, claimRoute('@request.auth.claims.groups', 'headers', '[mesh, public]')), 'IST0149')).toEqual([]);
    const otherPods = requestAuthentication('jwt', 'istio-ingress', 'istio: egressgateway');
    expect(reported(analyze(ingress, gateway, claimRoute('@request.auth.claims.groups'), otherPods), 'IST0149')).toEqual(['Error VirtualService/shop/shop']);
  });
});

describe('IST0175 JwksUriFetchUnrestricted', () => {
  const istiod = (env = '') => `
apiVersion: apps/v1
kind: Deployment
metadata: { name: istiod, namespace: istio-system, labels: { app: istiod } }
spec:
  selector: { matchLabels: { app: istiod } }
  template:
    metadata: { labels: { app: istiod } }
    spec: { containers: [{ name: discovery, image: 'pilot:1.30.3', env: [{ name: PILOT_ENABLE_ANALYSIS, value: 'true' }${env}] }] }`;

  test('RequestAuthentications with an istiod that does not set BLOCKED_CIDRS_IN_JWKS_URIS (mirrors blocked-cidrs-missing.yaml)', () => {
    const findings = analyze(istiod(), requestAuthentication('jwt', 'default'), requestAuthentication('jwt-2', 'istio-system'));
    expect(reported(findings, 'IST0175')).toEqual(['Warning Deployment/istio-system/istiod']);
    expect(messages(findings, 'IST0175')[0]).toContain('BLOCKED_CIDRS_IN_JWKS_URIS is not configured but 2 RequestAuthentication resource(s) exist (default/jwt, istio-system/jwt-2)');
  });

  test('more than five RequestAuthentications are summed up', () => {
    const many = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((n) => requestAuthentication(n, 'shop'));
    expect(messages(analyze(istiod(), ...many), 'IST0175')[0]).toContain('7 RequestAuthentication resource(s) exist (shop/a, shop/b, shop/c, shop/d, shop/e, and 2 more)');
  });

  test('not reported: the variable is set, an empty value is not (mirrors blocked-cidrs-configured.yaml), no RequestAuthentication (blocked-cidrs-no-ra.yaml)', () => {
    expect(analyze(istiod(", { name: BLOCKED_CIDRS_IN_JWKS_URIS, value: '10.0.0.0/8' }"), requestAuthentication('jwt', 'default'))).toEqual([]);
    expect(reported(analyze(istiod(", { name: BLOCKED_CIDRS_IN_JWKS_URIS, value: '' }"), requestAuthentication('jwt', 'default')), 'IST0175'))
      .toEqual(['Warning Deployment/istio-system/istiod']);
    expect(analyze(istiod())).toEqual([]);
  });
});

describe('CKI0004 deny-by-default namespace where nobody may call a Service', () => {
  const shop = [
    deployment('reviews-v1', 'shop', 'app: reviews, version: v1'), service('reviews', 'shop', 'app: reviews'),
    deployment('ratings', 'shop', 'app: ratings'), service('ratings', 'shop', 'app: ratings'),
  ];
  const denyAll = (ns = 'shop', annotations = '') => authorizationPolicy('deny-all', ns, '  {}', annotations);

  test('only the deny-all ALLOW-nothing policy: every Service of the namespace is unreachable', () => {
    const findings = analyze(...shop, denyAll());
    expect(reported(findings, 'CKI0004')).toEqual(['Warning Service/shop/reviews', 'Warning Service/shop/ratings']);
    expect(messages(findings, 'CKI0004')[0]).toBe('nobody may call reviews.shop: AuthorizationPolicy shop/deny-all allows nothing in namespace shop, and no ALLOW policy '
      + 'with rules applies to its pods (Deployment reviews-v1); add an AuthorizationPolicy allowing its callers (action ALLOW, selector app=reviews, rules naming the callers)');
    expect(findings.map((f) => f.code)).toEqual(['CKI0004', 'CKI0004']);
  });

  test('a Service whose pods an ALLOW policy selects is reachable; the other is reported', () => {
    const findings = analyze(...shop, denyAll(), authorizationPolicy('reviews', 'shop', allowFrom('frontend', 'app: reviews')));
    expect(reported(findings, 'CKI0004')).toEqual(['Warning Service/shop/ratings']);
  });

  test('a mesh-wide ALLOW-nothing policy in the root namespace applies to every namespace', () => {
    const findings = analyze(...shop, deployment('cart', 'cart', 'app: cart'), service('cart', 'cart', 'app: cart'), denyAll('istio-system'),
      authorizationPolicy('reviews', 'shop', allowFrom('frontend', 'app: reviews')));
    expect(reported(findings, 'CKI0004')).toEqual(['Warning Service/shop/ratings', 'Warning Service/cart/cart']);
    expect(messages(findings, 'CKI0004')[1]).toContain('AuthorizationPolicy istio-system/deny-all allows nothing in the whole mesh');
  });

  test('an ALLOW policy in another namespace does not select the pods (only the root namespace\'s apply across namespaces)', () => {
    const findings = analyze(...shop, denyAll(), authorizationPolicy('reviews', 'frontend', allowFrom('frontend', 'app: reviews')),
      authorizationPolicy('ratings', 'istio-system', allowFrom('frontend', 'app: ratings')));
    expect(reported(findings, 'CKI0004')).toEqual(['Warning Service/shop/reviews']);
  });

  test.each([
    ['a namespace-wide ALLOW policy with rules', [denyAll(), authorizationPolicy('from-frontend', 'shop', allowFrom('frontend'))]],
    ['a mesh-wide ALLOW policy with rules', [denyAll(), authorizationPolicy('from-frontend', 'istio-system', allowFrom('frontend'))]],
    ['ALLOW policies for each Service, one of them by targetRefs (waypoint)', [denyAll(), authorizationPolicy('reviews', 'shop', allowFrom('frontend', 'app: reviews')),
      authorizationPolicy('ratings', 'shop', `  targetRefs: [{ kind: Service, group: '', name: ratings }]\n${allowFrom('frontend')}`)]],
    ['no deny-all: an ALLOW-nothing policy with a selector denies only its pods', [authorizationPolicy('lock', 'shop', '  selector: { matchLabels: { app: other } }')]],
    ['no deny-all: an AUDIT policy without rules', [authorizationPolicy('audit', 'shop', '  action: AUDIT')]],
    ['no deny-all: the ALLOW-nothing policy is a dry run', [denyAll('shop', '"istio.io/dry-run": "true"')]],
  ])('not reported: %s', (_, policies) => {
    expect(reported(analyze(...shop, ...policies), 'CKI0004')).toEqual([]);
  });

  test('an ALLOW policy in dry run does not let callers in', () => {
    const findings = analyze(...shop, denyAll(), authorizationPolicy('all', 'shop', allowFrom('frontend'), '"istio.io/dry-run": "true"'));
    expect(reported(findings, 'CKI0004')).toEqual(['Warning Service/shop/reviews', 'Warning Service/shop/ratings']);
  });

  test('not reported for Services without pods in the app or in the mesh, nor for Services without selector', () => {
    const findings = analyze(denyAll(), service('elsewhere', 'shop', 'app: elsewhere'),
      deployment('legacy', 'shop', 'app: legacy', '"sidecar.istio.io/inject": "false"'), service('legacy', 'shop', 'app: legacy'),
      'apiVersion: v1\nkind: Service\nmetadata: { name: manual, namespace: shop }\nspec: { ports: [{ name: http, port: 80 }] }');
    expect(reported(findings, 'CKI0004')).toEqual([]);
  });
});

// cdk8s-istio's own check: Istio's AuthorizationPoliciesAnalyzer does not read principals.
describe('CKI0005 a principal naming a service account no workload runs as', () => {
  const policy = (principals: string) => authorizationPolicy('reviews', 'shop', `  selector: { matchLabels: { app: reviews } }
  rules:
    - from:
        - source: { principals: [${principals}] }`);
  const shop = [deployment('reviews', 'shop', 'app: reviews'), deployment('productpage', 'shop', 'app: productpage')];

  test('a typo in the service account of a namespace the app defines', () => {
    const findings = analyze(...shop, policy('cluster.local/ns/shop/sa/prodctpage'));
    expect(reported(findings, 'CKI0005')).toEqual(['Warning AuthorizationPolicy/shop/reviews']);
    expect(messages(findings, 'CKI0005')[0]).toContain("'spec.rules[0].from[0].source.principals[0]' (cluster.local/ns/shop/sa/prodctpage) names service account shop/prodctpage, "
      + 'which no workload of the app runs as (the workloads of shop run as default)');
  });

  test('not reported: accounts workloads run as or the app defines, wildcards, and namespaces without workloads in the app', () => {
    const findings = analyze(...shop, `
apiVersion: v1
kind: ServiceAccount
metadata: { name: batch, namespace: shop }
`, policy('cluster.local/ns/shop/sa/default, cluster.local/ns/shop/sa/batch, cluster.local/ns/shop/sa/*, cluster.local/ns/other/sa/anything'));
    expect(reported(findings, 'CKI0005')).toEqual([]);
  });

  // The accounts of the proxies Istio deploys for Gateways: Istio 1.30.3 gatewaycommon/deploymentcontroller.go
  // (ServiceAccount: the gateway.istio.io/service-account annotation, else GetDefaultName) and classinfo.go
  // (istio-waypoint has DisableNameSuffix; the default class istio gives `<name>-istio`).
  const gateways = `
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: waypoint, namespace: shop }
spec: { gatewayClassName: istio-waypoint, listeners: [{ name: mesh, port: 15008, protocol: HBONE }] }
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: edge, namespace: shop }
spec: { gatewayClassName: istio, listeners: [{ name: http, port: 80, protocol: HTTP }] }
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: shared, namespace: shop, annotations: { gateway.istio.io/service-account: shared-proxy } }
spec: { gatewayClassName: istio-waypoint, listeners: [{ name: mesh, port: 15008, protocol: HBONE }] }`;

  test("not reported: the identities of the app's waypoints and gateways (`<name>`, `<name>-istio`, the annotation's account)", () => {
    const findings = analyze(...shop, gateways,
      policy('cluster.local/ns/shop/sa/waypoint, cluster.local/ns/shop/sa/edge-istio, cluster.local/ns/shop/sa/shared-proxy'));
    expect(reported(findings, 'CKI0005')).toEqual([]);
  });

  test('reported: a misspelled waypoint or gateway identity, and a Gateway of the default class by its bare name', () => {
    for (const principal of ['cluster.local/ns/shop/sa/waypiont', 'cluster.local/ns/shop/sa/edge', 'cluster.local/ns/shop/sa/shared']) {
      const findings = analyze(...shop, gateways, policy(principal));
      expect(reported(findings, 'CKI0005')).toEqual(['Warning AuthorizationPolicy/shop/reviews']);
    }
    const findings = analyze(...shop, gateways, policy('cluster.local/ns/shop/sa/waypiont'));
    expect(messages(findings, 'CKI0005')[0]).toContain('(the workloads of shop run as default, edge-istio, shared-proxy, waypoint)');
  });

  test('a namespace with only a Gateway is still not judged', () => {
    const findings = analyze(...shop, gateways.replace(/namespace: shop/g, 'namespace: mesh'), policy('cluster.local/ns/mesh/sa/anything'));
    expect(reported(findings, 'CKI0005')).toEqual([]);
  });
});
