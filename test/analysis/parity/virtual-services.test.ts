import { parseAllDocuments } from 'yaml';
import { analyze as analyzeAny, DEFAULT_SETTINGS, messagesOf, reported } from './support';
import { analyzeObjects } from '../../../src/analysis/analyze';

// Parity with Istio 1.30.3's analyzer test grid (pkg/config/analysis/analyzers/analyzers_test.go)
// for the virtualservice analyzers (ConflictingMeshGatewayHostsAnalyzer, DestinationHostAnalyzer,
// DestinationRuleAnalyzer, GatewayAnalyzer, JWTClaimRouteAnalyzer) and for the VirtualService
// schema analyzer's unreachable-rule codes, on inputs of our own. Objects that Istio's test files
// leave without a namespace are in `default` here (the CLI's default). Istio's test inputs that
// its admission webhook would refuse (a Gateway without servers, a VirtualService without routes)
// are written valid here, in the same situation: our analyzer checks the relations of refused
// objects no further than reporting them (IST0106).

/** A VirtualService with an HTTP route to `to` (YAML); `extra` adds spec fields (indented by two). */
function vs(name: string, namespace: string, hosts: string[], extra = '', to = 'backend.example.com'): string {
  return `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  hosts: ${JSON.stringify(hosts)}
${extra}  http:
  - route:
    - destination:
        host: ${to}
---
`;
}

/** A Gateway on the ingress gateway pods serving `hosts` on `port` (YAML). */
function gateway(name: string, namespace: string, hosts: string[], port = 80, apiVersion = 'networking.istio.io/v1'): string {
  return `apiVersion: ${apiVersion}
kind: Gateway
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  selector:
    istio: ingressgateway
  servers:
  - port: { number: ${port}, name: http-${port}, protocol: HTTP }
    hosts: ${JSON.stringify(hosts)}
---
`;
}

/** Analyzes inputs that must all pass admission (no IST0106), so that nothing is left out of the checks unnoticed. */
function analyze(...args: Parameters<typeof analyzeAny>) {
  const findings = analyzeAny(...args);
  expect(reported(findings, 'IST0106')).toEqual([]);
  return findings;
}

const MESH_CODES = ['IST0109'];
const HOST_CODES = ['IST0101', 'IST0112', 'IST0140'];
const GATEWAY_CODES = ['IST0101', 'IST0132', 'IST0165'];

describe('virtualservice.ConflictingMeshGatewayHostsAnalyzer', () => {
  test('mirrors "virtualServiceConflictingMeshGatewayHosts" (virtualservice.ConflictingMeshGatewayHostsAnalyzer)', () => {
    const findings = analyze(
      // The same short host twice in one namespace: both conflict.
      vs('productpage', 'foo', ['productpage'])
      + vs('bogus-productpage', 'foo', ['productpage'])
      // One VirtualService per host; the same FQDN elsewhere only on a gateway.
      + vs('reviews', 'foo', ['reviews'])
      + vs('reviews', 'bar', ['reviews.foo.svc.cluster.local'], '  gateways: [istio-ingressgateway]\n')
      // A short host and its FQDN, both on the mesh (explicitly).
      + vs('ratings', 'foo', ['ratings'], '  gateways: [mesh]\n')
      + vs('ratings', 'bar', ['ratings.foo.svc.cluster.local', 'www.example.com'], '  gateways: [istio-ingressgateway, mesh]\n')
      // Visible in their own namespaces only: no conflict on ratings.team1, but www.example.com
      // is also a host of bar/ratings, which is visible everywhere.
      + vs('ratings', 'team1', ['ratings'], '  gateways: [mesh]\n  exportTo: ["."]\n')
      + vs('ratings', 'team2', ['ratings.team1.svc.cluster.local', 'www.example.com'], '  exportTo: ["."]\n  gateways: [istio-ingressgateway, mesh]\n')
      // Exported everywhere explicitly.
      + vs('ratings', 'team3', ['ratings'], '  gateways: [mesh]\n  exportTo: ["*"]\n')
      + vs('ratings', 'team4', ['ratings.team3.svc.cluster.local'], '  gateways: [istio-ingressgateway, mesh]\n'),
    );
    expect(reported(findings, ...MESH_CODES)).toEqual([
      ['IST0109', 'VirtualService bar/ratings'],
      ['IST0109', 'VirtualService foo/bogus-productpage'],
      ['IST0109', 'VirtualService foo/productpage'],
      ['IST0109', 'VirtualService foo/ratings'],
      ['IST0109', 'VirtualService team2/ratings'],
      ['IST0109', 'VirtualService team3/ratings'],
      ['IST0109', 'VirtualService team4/ratings'],
    ]);
    expect(findings.find((f) => f.code === 'IST0109')!.level).toBe('Error');
    expect(messagesOf(findings, 'IST0109')).toContain('The VirtualServices foo/bogus-productpage,foo/productpage associated with mesh gateway define the same host '
      + 'productpage.foo.svc.cluster.local which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a single resource; '
      + 'for a CanaryService, use its resilience and matchRoutes props');
  });

  test('mirrors "virtualServiceConflictingMeshGatewayHostsWithExportTo" (virtualservice.ConflictingMeshGatewayHostsAnalyzer)', () => {
    const findings = analyze(
      // The same wildcard host, visible everywhere.
      vs('productpage', 'foo', ['*.alpha.example'])
      + vs('productpage', 'bar', ['*.alpha.example'])
      // Visible in foo, and in bar: different namespaces, no conflict.
      + vs('productpage-b', 'foo', ['*.beta.example'], '  exportTo: [foo]\n')
      + vs('productpage-b', 'bar', ['*.beta.example'], '  exportTo: ["."]\n')
      // Visible in foo, and everywhere: both are seen in foo.
      + vs('productpage-c', 'foo', ['*.gamma.example'], '  exportTo: [foo]\n')
      + vs('productpage-c', 'bar', ['*.gamma.example'], '  exportTo: ["*"]\n')
      // A wildcard visible everywhere covers a narrower one visible in foo.
      + vs('productpage-d', 'foo', ['*.api.delta.example'], '  exportTo: ["."]\n')
      + vs('productpage-d', 'bar', ['*.delta.example'], '  exportTo: ["*"]\n'),
    );
    expect(reported(findings, ...MESH_CODES)).toEqual([
      ['IST0109', 'VirtualService bar/productpage'],
      ['IST0109', 'VirtualService bar/productpage-c'],
      ['IST0109', 'VirtualService bar/productpage-d'],
      ['IST0109', 'VirtualService foo/productpage'],
      ['IST0109', 'VirtualService foo/productpage-c'],
      ['IST0109', 'VirtualService foo/productpage-d'],
    ]);
    expect(messagesOf(findings, 'IST0109')).toContain('The VirtualServices bar/productpage-d,foo/productpage-d associated with mesh gateway define the same host '
      + '*.api.delta.example which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a single resource; '
      + 'for a CanaryService, use its resilience and matchRoutes props');
  });

  test('a specific host visible in one namespace conflicts with a wildcard over it visible everywhere, and the other way round', () => {
    const findings = analyze(
      vs('narrow', 'foo', ['api.shop.example'], '  exportTo: ["."]\n')
      + vs('wide', 'bar', ['*.shop.example'])
      + vs('wide-local', 'foo', ['*.store.example'], '  exportTo: ["."]\n')
      + vs('narrow-everywhere', 'bar', ['api.store.example'])
      + vs('unrelated', 'foo', ['*.other.example'], '  exportTo: ["."]\n'),
    );
    expect(reported(findings, ...MESH_CODES)).toEqual([
      ['IST0109', 'VirtualService bar/narrow-everywhere'],
      ['IST0109', 'VirtualService bar/wide'],
      ['IST0109', 'VirtualService foo/narrow'],
      ['IST0109', 'VirtualService foo/wide-local'],
    ]);
  });

  test('an object defined in several files is one VirtualService: it never conflicts with its own copies', () => {
    const settings = DEFAULT_SETTINGS;
    const copy = parseAllDocuments(vs('reviews', 'shop', ['reviews']))[0].toJS();
    const other = parseAllDocuments(vs('reviews-extra', 'shop', ['reviews.shop.svc.cluster.local']))[0].toJS();
    const alone = analyzeObjects([{ manifest: copy, source: 'a.yaml' }, { manifest: structuredClone(copy), source: 'b.yaml' }], settings);
    expect(reported(alone, ...MESH_CODES)).toEqual([]);
    const withOther = analyzeObjects([
      { manifest: copy, source: 'a.yaml' }, { manifest: structuredClone(copy), source: 'b.yaml' }, { manifest: other, source: 'c.yaml' },
    ], settings);
    expect(reported(withOther, ...MESH_CODES)).toEqual([['IST0109', 'VirtualService shop/reviews'], ['IST0109', 'VirtualService shop/reviews-extra']]);
    expect(messagesOf(withOther, 'IST0109')[0]).toContain('The VirtualServices shop/reviews,shop/reviews-extra associated');
  });

  test('not reported: gateway-only VirtualServices, different hosts, delegates without hosts', () => {
    const findings = analyze(
      vs('a', 'shop', ['a.example.com'], '  gateways: [public]\n')
      + vs('b', 'shop', ['a.example.com'], '  gateways: [public]\n')
      + vs('c', 'shop', ['c']) + vs('d', 'shop', ['d']),
    );
    expect(reported(findings, ...MESH_CODES)).toEqual([]);
  });
});

/** Services, ServiceEntries and a DestinationRule that the destination-host cases route to. */
const REGISTRY = `apiVersion: v1
kind: Service
metadata:
  name: reviews
  namespace: default
spec:
  ports:
  - { port: 42, name: tcp-test, protocol: TCP }
---
apiVersion: v1
kind: Service
metadata:
  name: reviews-2port
  namespace: default
spec:
  ports:
  - { port: 80, name: http }
  - { port: 443, name: https }
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: external-reviews
  namespace: default
spec:
  hosts: [external-reviews.org]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: eu-wildcard
  namespace: default
spec:
  hosts: ["*.eu.bookinfo.com"]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: wildcard-kept-home
  namespace: elsewhere
spec:
  exportTo: ["."]
  hosts: ["*.bookinfo.com"]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: service-entry-other
  namespace: other
spec:
  exportTo: ["."]
  hosts: [other.bookinfo.com]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: service-entry-exported
  namespace: other
spec:
  exportTo: [default]
  hosts: [abc.bookinfo.com]
---
apiVersion: v1
kind: Service
metadata:
  name: details
  namespace: default
  annotations:
    networking.istio.io/exportTo: banana
spec:
  selector: { app: details }
  ports:
  - { port: 9080, name: http }
---
apiVersion: v1
kind: Service
metadata:
  name: hello
  namespace: hello
  annotations:
    networking.istio.io/exportTo: "hello1, hello2, ."
spec:
  selector: { app: hello }
  ports:
  - { port: 9080, name: http }
---
`;

/** A VirtualService whose first HTTP rule has the given route and rule fields (YAML, indented by four). */
function routes(name: string, namespace: string, rule: string, extra = ''): string {
  return `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
${extra}  http:
  - route:
${rule}
---
`;
}

const to = (host: string, more = '') => `    - destination:\n        host: ${host}\n${more}`;

describe('virtualservice.DestinationHostAnalyzer', () => {
  test('mirrors "virtualServiceDestinationHosts" (virtualservice.DestinationHostAnalyzer)', () => {
    const findings = analyzeAny(REGISTRY
      + routes('reviews', 'default', to('reviews'))
      + routes('reviews-bogushost', 'default', to('reviews-bogus'))
      // Istio's case also has a route without a destination in reviews-bogushost, reported as a
      // second IST0101 for host "". Istio's webhook refuses it ("destination is required"), and so
      // does ours: the object is reported once, as IST0106, and not analyzed further.
      + routes('reviews-nulldest', 'default', '    - {}\n' + to('reviews-bogus'))
      + routes('reviews-fqdn', 'default', to('reviews.default.svc.cluster.local'))
      + routes('reviews-external', 'default', to('external-reviews.org'))
      + routes('reviews-bookinfo-eu', 'default', to('reviews.eu.bookinfo.com'))
      + routes('reviews-bookinfo-eu-wildcard', 'default', to('"*.eu.bookinfo.com"'))
      + routes('reviews-bookinfo-other', 'default', to('other.bookinfo.com'))
      + routes('reviews-mirror', 'default', to('reviews') + '    mirror:\n      host: reviews\n')
      + routes('reviews-mirror-bogushost', 'default', to('reviews') + '    mirror:\n      host: reviews-bogus\n')
      + routes('reviews-bogusport', 'default', to('reviews', '        port: { number: 999 }\n'))
      + routes('reviews-2port-missing', 'default', to('reviews-2port'))
      + routes('reviews-2port-present', 'default', to('reviews-2port', '        port: { number: 80 }\n'))
      + routes('cross-namespace', 'istio-system', to('reviews.default.svc.cluster.local'), '  hosts: [reviews]\n')
      + routes('cross-namespace-details', 'istio-system', to('details.default.svc.cluster.local'), '  hosts: [details]\n')
      + routes('banana-details', 'banana', to('details.default.svc.cluster.local'), '  hosts: [details]\n')
      + routes('hello', 'hello1', to('hello.hello.svc.cluster.local'), '  hosts: [hello]\n')
      + routes('hello', 'hello2', to('hello.hello.svc.cluster.local'), '  hosts: [hello]\n')
      + routes('hello', 'hello', to('hello.hello.svc.cluster.local'), '  hosts: [hello]\n')
      + routes('hello-export-to-bogus', 'hello', to('hello.hello.svc.cluster.local'), '  hosts: [hello.hello.svc.cluster.local]\n  exportTo: [bogus]\n')
      + routes('vs-to-exported-serviceentry', 'default', to('abc.bookinfo.com')),
    );
    expect(reported(findings, ...HOST_CODES)).toEqual([
      ['IST0101', 'VirtualService default/reviews-bogushost'],
      ['IST0101', 'VirtualService default/reviews-bogusport'],
      ['IST0101', 'VirtualService default/reviews-bookinfo-other'],
      ['IST0101', 'VirtualService default/reviews-mirror-bogushost'],
      ['IST0101', 'VirtualService hello/hello-export-to-bogus'],
      ['IST0101', 'VirtualService istio-system/cross-namespace-details'],
      ['IST0112', 'VirtualService default/reviews-2port-missing'],
    ]);
    expect(new Set(reported(findings, 'IST0106').map(([, object]) => object))).toEqual(new Set(['VirtualService default/reviews-nulldest']));
    expect(messagesOf(findings, 'IST0106')[0]).toContain("'spec.http[0].route[0].destination' (unset) is required");
    const messages = messagesOf(findings, 'IST0101');
    expect(messages).toContain('Referenced host not found: "reviews-bogus" (spec.http[0].route[0].destination); no Service reviews-bogus.default.svc.cluster.local '
      + 'is among the Services of namespace default; fix the host, or define the Service');
    expect(messages).toContain('Referenced mirror host not found: "reviews-bogus" (spec.http[0].mirror); no Service reviews-bogus.default.svc.cluster.local '
      + 'is among the Services of namespace default; fix the host, or define the Service');
    expect(messages).toContain('Referenced host:port not found: "reviews:999" (spec.http[0].route[0].destination); Service default/reviews exposes [42]');
    expect(messages.find((m) => m.includes('"details.default.svc.cluster.local"'))).toContain('Service default/details defines it, but is not exported to where this '
      + 'VirtualService is (namespace istio-system)');
    expect(messages.find((m) => m.includes('"other.bookinfo.com"'))).toContain('ServiceEntry other/service-entry-other defines it, but is not exported');
    expect(messagesOf(findings, 'IST0112')).toEqual(['This VirtualService routes to a service "reviews-2port" that exposes multiple ports [80 443]. '
      + 'Specifying a port in the destination is required to disambiguate; give spec.http[0].route[0].destination a port']);
  });

  test('mirrors "Route Rule no effect on Ingress" (virtualservice.DestinationHostAnalyzer)', () => {
    const findings = analyze(gateway('testing-gateway-01-test-01', 'istio-system', ['one.example.com'])
      + gateway('testing-gateway-02-test-02', 'istio-system', ['two.example.com'], 81)
      + `apiVersion: v1
kind: Service
metadata:
  name: ratings
  namespace: default
spec:
  ports:
  - { port: 80, name: http }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: ratings
  namespace: default
spec:
  host: ratings
  subsets:
  - name: v1
    labels: { version: v1 }
---
`
      // The gateway route sends to ratings without a subset; the mesh route's subsets do not apply to it.
      + routes('testing-service-01-test-01', 'default', to('ratings'), '  hosts: [one.example.com]\n  gateways: [istio-system/testing-gateway-01-test-01]\n')
      + routes('testing-service-02-test-02', 'default', to('ratings', '        subset: v1\n'),
        '  hosts: [two.example.com]\n  gateways: [istio-system/testing-gateway-02-test-02]\n')
      + routes('ratings-01', 'default', to('ratings', '        subset: v1\n'), '  hosts: [ratings]\n'),
    );
    expect(reported(findings, ...HOST_CODES)).toEqual([['IST0140', 'VirtualService default/testing-service-01-test-01']]);
    expect(findings.find((f) => f.code === 'IST0140')!.level).toBe('Warning');
    expect(messagesOf(findings, 'IST0140')[0]).toContain('Subset in virtual service default/ratings-01 has no effect on ingress gateway '
      + 'default/testing-service-01-test-01 requests');
  });

  test('IST0140 compares hosts as FQDNs, and needs a gateway other than mesh', () => {
    const findings = analyze(gateway('public', 'shop', ['shop.example.com'])
      + routes('split', 'shop', to('ratings.shop.svc.cluster.local', '        subset: v1\n'), '  hosts: [ratings.shop.svc.cluster.local]\n')
      + routes('edge', 'shop', to('ratings'), '  hosts: [shop.example.com]\n  gateways: [public]\n')
      + routes('mesh-only', 'shop', to('ratings'), '  hosts: [api]\n  gateways: [mesh]\n'));
    expect(reported(findings, 'IST0140')).toEqual([['IST0140', 'VirtualService shop/edge']]);
  });

  test('hosts unknown to the analyzed objects are not reported when they may be defined elsewhere', () => {
    // No Service of namespace shop among the objects, and external hosts without any ServiceEntry.
    const findings = analyze(routes('api', 'shop', to('api')) + routes('ext', 'shop', to('api.partner.example'), '  hosts: [partner]\n'));
    expect(reported(findings, ...HOST_CODES)).toEqual([]);
  });

  test('a short host of a Service in another namespace names the FQDN to write', () => {
    const findings = analyze(REGISTRY + routes('cross', 'shop', to('reviews'), '  hosts: [cross]\n'));
    expect(messagesOf(findings, 'IST0101')).toEqual(['Referenced host not found: "reviews" (spec.http[0].route[0].destination); it resolves in the VirtualService\'s '
      + 'namespace to reviews.shop.svc.cluster.local, but the Service reviews is in namespace default; write reviews.default.svc.cluster.local']);
  });
});

describe('virtualservice.DestinationRuleAnalyzer', () => {
  test('mirrors "virtualServiceDestinationRules" (virtualservice.DestinationRuleAnalyzer)', () => {
    const v1 = '        subset: v1\n';
    const findings = analyze(`apiVersion: v1
kind: Service
metadata:
  name: reviews
  namespace: default
spec:
  ports:
  - { port: 9080, name: http }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
  namespace: default
spec:
  host: reviews
  subsets:
  - name: v1
    labels: { version: v1 }
---
`
      + routes('reviews', 'default', to('reviews', v1))
      + routes('reviews-bogussubset', 'default', to('reviews', '        subset: bogus\n'))
      + routes('reviews-fqdn', 'default', to('reviews.default.svc.cluster.local', v1))
      + routes('reviews-mirror', 'default', to('reviews', v1) + '    mirror:\n      host: reviews\n      subset: v1\n')
      + routes('reviews-mirror-bogussubset', 'default', to('reviews', v1) + '    mirror:\n      host: reviews\n      subset: bogus\n'));
    expect(reported(findings, 'IST0101')).toEqual([
      ['IST0101', 'VirtualService default/reviews-bogussubset'],
      ['IST0101', 'VirtualService default/reviews-mirror-bogussubset'],
    ]);
    expect(messagesOf(findings, 'IST0101')).toEqual([
      'Referenced host+subset in destinationrule not found: "reviews+bogus" (spec.http[0].route[0].destination); requests get 503 — add subset "bogus" '
        + 'to the DestinationRule for reviews, or fix the subset name',
      'Referenced mirror+subset in destinationrule not found: "reviews+bogus" (spec.http[0].mirror); requests get 503 — add subset "bogus" '
        + 'to the DestinationRule for reviews, or fix the subset name',
    ]);
  });
});

describe('virtualservice.GatewayAnalyzer', () => {
  test('mirrors "virtualServiceGateways" (virtualservice.GatewayAnalyzer)', () => {
    const findings = analyze(
      // Both Gateways exist but serve no host to namespace default (Istio's have no servers).
      gateway('httpbin-gateway', 'default', ['team-x/*'])
      + gateway('crossnamespace-gw', 'another', ['./*'], 81)
      + vs('httpbin', 'default', ['*'], '  gateways: [httpbin-gateway]\n')
      + vs('httpbin-bogus', 'default', ['*'], '  gateways: [httpbin-gateway-bogus]\n')
      + vs('httpbin-mesh', 'default', ['httpbin.default.svc.cluster.local'], '  gateways: [mesh]\n')
      + vs('cross-test', 'default', ['*'], '  gateways: [another/crossnamespace-gw]\n'),
    );
    expect(reported(findings, ...GATEWAY_CODES)).toEqual([
      ['IST0101', 'VirtualService default/httpbin-bogus'],
      ['IST0132', 'VirtualService default/cross-test'],
      ['IST0132', 'VirtualService default/httpbin'],
      ['IST0132', 'VirtualService default/httpbin-bogus'],
    ]);
    expect(messagesOf(findings, 'IST0101')).toEqual(['Referenced gateway not found: "httpbin-gateway-bogus" (looked for Gateway default/httpbin-gateway-bogus); '
      + 'define the Gateway, fix the reference, or use Gateway.fromGatewayName() for a gateway defined outside this app']);
    expect(messagesOf(findings, 'IST0132')).toContain('one or more host [*] defined in VirtualService default/httpbin-bogus not found in Gateway '
      + 'default/httpbin-gateway-bogus; the Gateway is not there, so it serves no host — define it, or fix the reference');
    expect(messagesOf(findings, 'IST0132')).toContain('one or more host [*] defined in VirtualService default/cross-test not found in Gateway '
      + 'another/crossnamespace-gw; it serves [none for this namespace], so requests get 404 — add the host to the Gateway\'s servers, or fix the VirtualService hosts');
  });

  test('a gateway declared external is neither missing nor checked for hosts', () => {
    const findings = analyze(vs('httpbin-bogus', 'default', ['*'], '  gateways: [httpbin-gateway-bogus]\n'),
      { externalGateways: new Set(['default/httpbin-gateway-bogus']) });
    expect(reported(findings, ...GATEWAY_CODES)).toEqual([]);
  });

  test('mirrors "virtualServiceInternalGatewayRef" (virtualservice.GatewayAnalyzer)', () => {
    const findings = analyzeAny(vs('httpbin', 'default', ['foo.com'], '  gateways: ["istio-ingress/gateway~istio-autogenerated-k8s-gateway~http"]\n'));
    expect(reported(findings, ...GATEWAY_CODES)).toEqual([['IST0165', 'VirtualService default/httpbin']]);
    expect(findings.find((f) => f.code === 'IST0165')!.level).toBe('Warning');
    expect(messagesOf(findings, 'IST0165')[0]).toContain('Gateway reference in VirtualService default/httpbin is to an implementation-generated internal Gateway: '
      + 'istio-ingress/gateway~istio-autogenerated-k8s-gateway~http; ');
    // Istio's webhook refuses the name (not a DNS-1123 label), and so does ours.
    expect(reported(findings, 'IST0106')).toEqual([['IST0106', 'VirtualService default/httpbin']]);
  });

  /** Istio's "host not found in the gateway" situations, on Gateways of `apiVersion`. */
  function hostNotFoundCase(apiVersion: string) {
    const gw = (name: string, hosts: string[], port: number) => gateway(name, 'istio-system', hosts, port, apiVersion);
    const bound = (...names: string[]) => `  gateways: ${JSON.stringify(names.map((n) => `istio-system/${n}`))}\n`;
    return analyze(
      gw('gw-1', ['one.example.com'], 80)
      + vs('testing-service-01-test-01', 'default', ['one.example.com'], bound('gw-1'))
      + vs('testing-service-02-test-01', 'default', ['wrong.example.com'], bound('gw-1'))
      + gw('gw-2', ['*.two.example.com'], 81)
      + vs('testing-service-01-test-02', 'default', ['web.two.example.com'], bound('gw-2'))
      + vs('testing-service-02-test-02', 'default', ['web.wrong.example.com'], bound('gw-2'))
      + gw('gw-3a', ['*.api.three.example.com'], 82)
      + gw('gw-3b', ['*.home.three.example.com'], 83)
      + vs('testing-service-01-test-03', 'default', ['user.api.three.example.com', 'profile.home.three.example.com'], bound('gw-3a', 'gw-3b'))
      // Served by gw-3a, but not by gw-3b.
      + vs('testing-service-02-test-03', 'default', ['user.api.three.example.com'], bound('gw-3a', 'gw-3b'))
      + `apiVersion: ${apiVersion}
kind: Gateway
metadata:
  name: gw-4
  namespace: istio-system
spec:
  selector:
    istio: ingressgateway
  servers:
  - port: { number: 84, name: http-a, protocol: HTTP }
    hosts: ["*.four.example.com"]
  - port: { number: 85, name: http-b, protocol: HTTP }
    hosts: [web.fourb.example.com]
---
`
      + vs('testing-service-01-test-04', 'default', ['web.fourb.example.com'], bound('gw-4'))
      + vs('testing-service-02-test-04', 'default', ['profile.user.four.example.com'], bound('gw-4'))
      + vs('testing-service-03-test-04', 'default', ['user.fourb.example.com', 'users.fourb.example.com'], bound('gw-4')),
    );
  }

  const HOST_NOT_FOUND = [
    ['IST0132', 'VirtualService default/testing-service-02-test-01'],
    ['IST0132', 'VirtualService default/testing-service-02-test-02'],
    ['IST0132', 'VirtualService default/testing-service-02-test-03'],
    ['IST0132', 'VirtualService default/testing-service-03-test-04'],
  ];

  test('mirrors "host defined in virtualservice not found in the gateway" (virtualservice.GatewayAnalyzer)', () => {
    const findings = hostNotFoundCase('networking.istio.io/v1');
    expect(reported(findings, ...GATEWAY_CODES)).toEqual(HOST_NOT_FOUND);
    expect(findings.find((f) => f.code === 'IST0132')!.level).toBe('Warning');
    expect(messagesOf(findings, 'IST0132')).toContain('one or more host [user.api.three.example.com] defined in VirtualService default/testing-service-02-test-03 '
      + 'not found in Gateway istio-system/gw-3b; it serves [*.home.three.example.com], so requests get 404 — add the host to the Gateway\'s servers, '
      + 'or fix the VirtualService hosts');
  });

  test('mirrors "host defined in virtualservice not found in the gateway(beta version)" (virtualservice.GatewayAnalyzer)', () => {
    expect(reported(hostNotFoundCase('networking.istio.io/v1beta1'), ...GATEWAY_CODES)).toEqual(HOST_NOT_FOUND);
  });

  /** Istio's "with ns" situations: server hosts with `.`, `*` and no namespace, on Gateways of `apiVersion`. */
  function namespacedHostCase(apiVersion: string) {
    let out = '';
    [['testing-gateway', './one.example.com'], ['testing-gateway-2', '*/one.example.com'], ['testing-gateway-3', '*/*'], ['testing-gateway-4', 'one.example.com']]
      .forEach(([name, host], i) => {
        out += gateway(name, 'istio-system', [host], 80 + i, apiVersion);
        for (const ns of ['istio-system', 'default']) {
          out += vs(`testing-service-01-test-0${i + 1}`, ns, ['one.example.com'], `  gateways: [istio-system/${name}]\n`);
        }
      });
    return analyze(out);
  }

  test('mirrors "host defined in virtualservice not found in the gateway with ns" (virtualservice.GatewayAnalyzer)', () => {
    const findings = namespacedHostCase('networking.istio.io/v1');
    expect(reported(findings, ...GATEWAY_CODES)).toEqual([['IST0132', 'VirtualService default/testing-service-01-test-01']]);
    expect(messagesOf(findings, 'IST0132')[0]).toContain('not found in Gateway istio-system/testing-gateway; it serves [none for this namespace]');
  });

  test('mirrors "host defined in virtualservice not found in the gateway with ns(beta version)" (virtualservice.GatewayAnalyzer)', () => {
    expect(reported(namespacedHostCase('networking.istio.io/v1beta1'), ...GATEWAY_CODES))
      .toEqual([['IST0132', 'VirtualService default/testing-service-01-test-01']]);
  });
});

describe('virtualservice.JWTClaimRouteAnalyzer', () => {
  test('mirrors "virtualServiceJWTClaimRoute" (virtualservice.JWTClaimRouteAnalyzer)', () => {
    // istioctl analyze adds a default ingress gateway pod in istio-system (AddDefaultResources);
    // our analyzer sees only the objects given, so the pod is part of the input.
    const findings = analyze(`apiVersion: v1
kind: Pod
metadata:
  name: istio-ingressgateway-dummypod
  namespace: istio-system
  labels: { istio: ingressgateway }
spec:
  containers:
  - name: istio-proxy
    image: proxyv2
---
`
      + gateway('foo-gateway', 'default', ['foo.com'])
      + `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: foo
  namespace: default
spec:
  hosts: [foo.com]
  gateways: [foo-gateway]
  http:
  - match:
    - headers:
        "@request.auth.claims.group":
          exact: admin
    route:
    - destination:
        host: admin.example.com
  - route:
    - destination:
        host: www.example.com
`);
    expect(reported(findings, 'IST0149')).toEqual([['IST0149', 'VirtualService default/foo']]);
    expect(messagesOf(findings, 'IST0149')[0]).toContain('The virtual service uses the JWT claim based routing (key: @request.auth.claims.group) but found no '
      + 'request authentication for the gateway (default/foo-gateway) pod (Pod istio-system/istio-ingressgateway-dummypod)');
  });
});

/** A VirtualService with the given route rules (YAML, indented by two). */
function rules(name: string, namespace: string, body: string, hosts = '[sample.shop.svc.cluster.local]', gateways = ''): string {
  return `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  hosts: ${hosts}
${gateways}${body}
---
`;
}

const http = (match: string, host = 'a') => `  - ${match ? `match:\n${match}\n    ` : ''}route:\n    - destination:\n        host: ${host}`;
const tcp = (match: string, subset: string) => `  - ${match ? `match:\n${match}\n    ` : ''}route:\n    - destination:\n        host: echo\n        port: { number: 9000 }\n        subset: ${subset}`;
const tls = (ports: number[], host: string) => `  - match:\n${ports.map((p) => `    - port: ${p}\n      sniHosts: [${host}]`).join('\n')}\n    route:\n    - destination:\n        host: ${host}`;

describe('schema.ValidationAnalyzer.VirtualService (unreachable rules)', () => {
  test('mirrors "dupmatches" (schemaValidation.CollectionValidationAnalyzer(VirtualService))', () => {
    const prefix = (p: string, method = '') => `    - uri: { prefix: "${p}" }${method ? `\n      method: { exact: ${method} }` : ''}`;
    const tcpGateway = '  gateways: [echo-gateway]\n';
    const findings = analyze(
      // A rule without matches, then another rule: never reached.
      rules('sample-foo-cluster01', 'foo', `  http:\n${http('', 'a')}\n${http('', 'b')}`)
      // The same match twice (its name does not count): the second rule is never reached.
      + rules('duplicate-match', 'default', `  http:\n${http('    - name: first\n      uri: { prefix: /products }', 'a')}\n${http('    - uri: { prefix: /products }', 'b')}`)
      // A repeated match beside a new one: only that match is ineffective.
      + rules('almost-duplicate-match', 'default', `  http:\n${http('    - uri: { prefix: /products }', 'a')}\n`
        + `${http('    - uri: { prefix: /products }\n    - uri: { prefix: /cart }', 'b')}`)
      + rules('duplicate-tcp-match', 'default', `  tcp:\n${tcp('    - port: 31400', 'v1')}\n${tcp('    - port: 31400', 'v2')}`, '["*"]', tcpGateway)
      + rules('duplicate-empty-tcp', 'default', `  tcp:\n${tcp('', 'v1')}\n${tcp('', 'v2')}`, '["*"]', tcpGateway)
      + rules('almost-duplicate-tcp-match', 'default', `  tcp:\n${tcp('    - port: 31400', 'v1')}\n${tcp('    - port: 31400\n    - port: 31401', 'v2')}`, '["*"]', tcpGateway)
      + rules('tls-routing', 'none', `  tls:\n${tls([2443], 'www.example.com')}\n${tls([2443], 'www.example.com')}`, '[www.example.com]')
      + rules('tls-routing-almostmatch', 'none', `  tls:\n${tls([2443], 'api.example.com')}\n${tls([2443, 8443], 'api.example.com')}`, '[api.example.com]')
      // URI prefixes: an earlier, shorter prefix with the same other conditions takes the later one's traffic.
      + rules('non-method-get', 'default', `  http:\n${http(`${prefix('/api/v1/product')}\n${prefix('/api/v1/products', 'GET')}`)}`)
      + rules('uri-with-prefix-exact', 'default', `  http:\n${http(`${prefix('/')}\n    - uri: { exact: / }\n      method: { exact: GET }`)}`)
      + rules('overlapping-in-single-match', 'default', `  http:\n${http(`${prefix('/api/v1/product', 'GET')}\n${prefix('/api/v1/products', 'GET')}`)}`)
      + rules('overlapping-in-two-matches', 'default', `  http:\n${http(prefix('/api/v1/product', 'GET'))}\n${http(prefix('/api/v1/products', 'GET'), 'b')}`)
      + rules('overlapping-mathes-with-different-methods', 'default', `  http:\n${http(prefix('/api/v1/prod', 'GET'))}\n`
        + `${http(`${prefix('/api/v1/product', 'GET')}\n${prefix('/api/v1/products', 'POST')}`, 'b')}`),
    );
    expect(reported(findings, 'IST0130', 'IST0131')).toEqual([
      ['IST0130', 'VirtualService default/duplicate-empty-tcp'],
      ['IST0130', 'VirtualService default/duplicate-match'],
      ['IST0130', 'VirtualService default/duplicate-tcp-match'],
      ['IST0130', 'VirtualService foo/sample-foo-cluster01'],
      ['IST0130', 'VirtualService none/tls-routing'],
      ['IST0131', 'VirtualService default/almost-duplicate-match'],
      ['IST0131', 'VirtualService default/almost-duplicate-tcp-match'],
      ['IST0131', 'VirtualService default/duplicate-match'],
      ['IST0131', 'VirtualService default/duplicate-tcp-match'],
      ['IST0131', 'VirtualService default/non-method-get'],
      ['IST0131', 'VirtualService default/overlapping-in-single-match'],
      ['IST0131', 'VirtualService default/overlapping-in-two-matches'],
      ['IST0131', 'VirtualService default/overlapping-mathes-with-different-methods'],
      ['IST0131', 'VirtualService none/tls-routing'],
      ['IST0131', 'VirtualService none/tls-routing-almostmatch'],
    ]);
    // Reported under their own codes and levels, not as schema findings (IST0106).
    expect(reported(findings, 'IST0106')).toEqual([]);
    expect(findings.find((f) => f.code === 'IST0130')!.level).toBe('Warning');
    expect(findings.find((f) => f.code === 'IST0131')!.level).toBe('Info');
    expect(messagesOf(findings, 'IST0130')).toContain('VirtualService rule spec.http[1] not used (all its matches are used by earlier rules); remove the rule');
    expect(messagesOf(findings, 'IST0131')).toContain('VirtualService rule spec.http[1] match spec.http[1].match[0] is not used '
      + '(duplicate/overlapping match: rule #0 has the same match); remove the duplicate match');
  });

  test('distinct matches are not reported', () => {
    const findings = analyze(rules('ok', 'default', `  http:\n${http('    - uri: { prefix: /api/v1/products }')}\n${http('    - uri: { prefix: /api/v1/product }', 'b')}\n`
      + `${http('', 'c')}`));
    expect(reported(findings, 'IST0130', 'IST0131', 'IST0106')).toEqual([]);
  });
});
