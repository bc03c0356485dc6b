import { verdictOf, WebhookCase } from './verdict';
import { AnalysisLevel } from '../../src/analysis/finding';
import { validateVirtualServiceSpec } from '../../src/validation/virtual-service';

// Each case mirrors one case of Istio 1.30.3's webhook tests (pkg/config/validation/validation_test.go and
// virtualservice_test.go) with inputs of our own that exercise the same rule. The verdict is what Istio's
// ValidateVirtualService says about the whole object: 'refuse' (an error), 'warn' (only warnings) or 'accept'.
// Cases of tests on a part (a route, a retry policy, ...) put that part into an otherwise valid VirtualService.
// For refusals, `field` is a substring of one of our error messages that names the field.

const HOST = 'cart.example.com';
const dest = (host = 'cart.shop.svc.cluster.local', extra: any = {}) => ({ destination: { host, ...extra } });
const to = (over: any = {}) => ({ route: [dest()], ...over });
const vs = (...http: any[]) => ({ hosts: [HOST], http });
const delegateVs = (...http: any[]) => ({ http });
const DELEGATE = { name: 'cart-routes', namespace: 'shop' };
const REDIRECT = { uri: '/v2', authority: 'shop.example.org' };
const rule = (over: any) => vs(to(over));
const tcp = (route: any[]) => ({ hosts: [HOST], tcp: [{ route }] });
const headerValue = (value: string) => rule({ headers: { request: { set: { 'x-shop': value } } } });
const matchHeader = (name: string) => rule({ match: [{ headers: { [name]: { exact: 'yes' } } }] });
const fault = (f: any) => rule({ fault: f });
const abort = (a: any) => fault({ abort: a });
const delay = (d: any) => fault({ delay: d });
const retries = (r: any) => rule({ retries: r });
const cors = (c: any) => rule({ corsPolicy: c });
const rewrite = (r: any) => rule({ rewrite: r });
const direct = (d: any) => vs({ directResponse: d });
const base64Of = (n: number) => Buffer.alloc(n, 'a').toString('base64');
const KB = 1024;
const MB = 1024 * KB;

/** The HTTP route cases shared by TestValidateHTTPRoute (independent rule) and TestValidateDelegateHTTPRoute (delegate VS). */
function routeCases(test: string, wrap: (...http: any[]) => any): WebhookCase[] {
  const ops = (direction: string, op: string, value: any) => wrap({ route: [{ ...dest(), headers: { [direction]: { [op]: value } } }] });
  const all = { add: { 'x-shop': '' }, set: { 'x-shop': '' }, remove: ['x-shop'] };
  return [
    { mirrors: `${test} "empty"`, spec: wrap({}), verdict: 'refuse', field: "'spec.http[0]' (unnamed rule) must have a route" },
    { mirrors: `${test} "simple"`, spec: wrap(to()), verdict: 'accept' },
    { mirrors: `${test} "no destination"`, spec: wrap({ route: [{}] }), verdict: 'refuse', field: "'spec.http[0].route[0].destination' (unset) is required" },
    { mirrors: `${test} "weighted"`, spec: wrap({ route: [{ ...dest('cart-a.shop'), weight: 30 }, { ...dest('cart-b.shop'), weight: 70 }] }), verdict: 'accept' },
    { mirrors: `${test} "total weight > 100"`, spec: wrap({ route: [{ ...dest('cart-a.shop'), weight: 300 }, { ...dest('cart-b.shop'), weight: 200 }] }), verdict: 'accept' },
    { mirrors: `${test} "total weight < 100"`, spec: wrap({ route: [{ ...dest('cart-a.shop'), weight: 10 }, { ...dest('cart-b.shop'), weight: 20 }] }), verdict: 'accept' },
    { mirrors: `${test} "simple redirect"`, spec: wrap({ redirect: REDIRECT }), verdict: 'accept' },
    { mirrors: `${test} "conflicting redirect and route"`, spec: wrap(to({ redirect: REDIRECT })), verdict: 'refuse', field: "'spec.http[0]' (route + redirect)" },
    { mirrors: `${test} "request response headers"`, spec: wrap(to()), verdict: 'accept' },
    { mirrors: `${test} "valid headers"`, spec: wrap({ route: [{ ...dest(), headers: { request: all, response: all } }] }), verdict: 'accept' },
    { mirrors: `${test} "empty header name - request add"`, spec: ops('request', 'add', { '': 'v' }), verdict: 'refuse', field: "'spec.http[0].route[0].headers.request.add' (\"\")" },
    { mirrors: `${test} "empty header name - request set"`, spec: ops('request', 'set', { '': 'v' }), verdict: 'refuse', field: "'spec.http[0].route[0].headers.request.set' (\"\")" },
    { mirrors: `${test} "empty header name - request remove"`, spec: ops('request', 'remove', ['']), verdict: 'refuse', field: "'spec.http[0].route[0].headers.request.remove' (\"\")" },
    { mirrors: `${test} "empty header name - response add"`, spec: ops('response', 'add', { '': 'v' }), verdict: 'refuse', field: "'spec.http[0].route[0].headers.response.add' (\"\")" },
    { mirrors: `${test} "empty header name - response set"`, spec: ops('response', 'set', { '': 'v' }), verdict: 'refuse', field: "'spec.http[0].route[0].headers.response.set' (\"\")" },
    { mirrors: `${test} "empty header name - response remove"`, spec: ops('response', 'remove', ['']), verdict: 'refuse', field: "'spec.http[0].route[0].headers.response.remove' (\"\")" },
    { mirrors: `${test} "null header match"`, spec: wrap(to({ match: [{ headers: { 'x-user': null } }] })), verdict: 'refuse', field: "'spec.http[0].match[0].headers.x-user' (null)" },
    { mirrors: `${test} "nil match"`, spec: wrap(to()), verdict: 'accept' },
    { mirrors: `${test} "match with nil element"`, spec: wrap(to({ match: [null] })), verdict: 'accept' },
    { mirrors: `${test} "invalid mirror percent"`, spec: wrap(to({ mirrorPercent: 150, match: [null] })), verdict: 'refuse', field: "'spec.http[0].mirrorPercent' (150)" },
    { mirrors: `${test} "invalid mirror percentage"`, spec: wrap(to({ mirrorPercentage: { value: 100.5 }, match: [null] })), verdict: 'refuse', field: "'spec.http[0].mirrorPercentage.value'" },
    { mirrors: `${test} "valid mirror percentage"`, spec: wrap(to({ mirrorPercentage: { value: 5 }, match: [null] })), verdict: 'accept' },
    { mirrors: `${test} "negative mirror percentage"`, spec: wrap(to({ mirrorPercentage: { value: -5 }, match: [null] })), verdict: 'refuse', field: "'spec.http[0].mirrorPercentage.value' (-5)" },
  ];
}

const VIRTUAL_SERVICE: WebhookCase[] = [
  // TestValidateVirtualService
  { mirrors: 'TestValidateVirtualService "simple"', spec: vs(to()), verdict: 'accept' },
  {
    mirrors: 'TestValidateVirtualService "allow sni based domains"',
    spec: {
      hosts: ['outbound_.9443_._.payments.shop.svc.cluster.local'],
      gateways: ['edge/shop-gateway'],
      tls: [{ match: [{ sniHosts: ['outbound_.9443_._.payments.shop.svc.cluster.local'] }], route: [dest('payments.shop.svc.cluster.local')] }],
    },
    verdict: 'accept',
  },
  { mirrors: 'TestValidateVirtualService "duplicate hosts"', spec: { hosts: ['*.api.example.com', '*.example.com'], http: [to()] }, verdict: 'refuse', field: "'spec.hosts' (*.api.example.com & *.example.com)" },
  { mirrors: 'TestValidateVirtualService "with no destination"', spec: { hosts: ['*.api.example.com', '*.example.com'], http: [{ route: [{}] }] }, verdict: 'refuse', field: "'spec.http[0].route[0].destination'" },
  {
    mirrors: 'TestValidateVirtualService "destination with out hosts"',
    spec: { hosts: ['*.api.example.com', '*.example.com'], http: [{ route: [{ destination: {} }] }] },
    verdict: 'refuse',
    field: "'spec.http[0].route[0].destination.host'",
  },
  { mirrors: 'TestValidateVirtualService "delegate with no hosts"', spec: delegateVs(to()), verdict: 'accept' },
  { mirrors: 'TestValidateVirtualService "bad host"', spec: { hosts: ['cart.exa$mple'], http: [to()] }, verdict: 'refuse', field: "'spec.hosts[0]' (cart.exa$mple)" },
  { mirrors: 'TestValidateVirtualService "no tcp or http routing"', spec: { hosts: [HOST] }, verdict: 'refuse', field: "'spec' (no routes)" },
  { mirrors: 'TestValidateVirtualService "bad gateway"', spec: { ...vs(to()), gateways: ['shop#gateway'] }, verdict: 'refuse', field: "'spec.gateways' (shop#gateway)" },
  { mirrors: 'TestValidateVirtualService "FQDN for gateway"', spec: { ...vs(to()), gateways: ['shop-gateway.edge'] }, verdict: 'warn' },
  { mirrors: 'TestValidateVirtualService "namespace/name for gateway"', spec: { ...vs(to()), gateways: ['edge/shop-gateway'] }, verdict: 'accept' },
  { mirrors: 'TestValidateVirtualService "namespace/* for gateway"', spec: { ...vs(to()), gateways: ['edge/*'] }, verdict: 'refuse', field: "'spec.gateways' (edge/*)" },
  { mirrors: 'TestValidateVirtualService "*/name for gateway"', spec: { ...vs(to()), gateways: ['*/shop-gateway'] }, verdict: 'refuse', field: "'spec.gateways' (*/shop-gateway)" },
  { mirrors: 'TestValidateVirtualService "wildcard for mesh gateway"', spec: { hosts: ['*'], http: [to()] }, verdict: 'refuse', field: "'spec.hosts[0]' (*)" },
  { mirrors: 'TestValidateVirtualService "wildcard for non-mesh gateway"', spec: { hosts: ['*'], gateways: ['shopgateway'], http: [to()] }, verdict: 'accept' },
  { mirrors: 'TestValidateVirtualService "missing tcp route"', spec: { hosts: [HOST], tcp: [{ match: [{ port: 5432 }] }] }, verdict: 'refuse', field: "'spec.tcp[0].route'" },
  {
    mirrors: 'TestValidateVirtualService "missing tls route"',
    spec: { hosts: [HOST], tls: [{ match: [{ port: 8443, sniHosts: [HOST] }] }] },
    verdict: 'refuse',
    field: "'spec.tls[0].route'",
  },
  { mirrors: 'TestValidateVirtualService "deprecated mirror"', spec: { ...vs(to({ mirrorPercent: 10 })), gateways: ['edge/shop-gateway'] }, verdict: 'warn' },
  { mirrors: 'TestValidateVirtualService "set authority"', spec: rule({ headers: { request: { set: { ':authority': 'cart.internal' } } } }), verdict: 'accept' },
  {
    mirrors: 'TestValidateVirtualService "set authority in destination"',
    spec: vs({ route: [{ ...dest(), headers: { request: { set: { ':authority': 'cart.internal' } } } }] }),
    verdict: 'accept',
  },
  {
    mirrors: 'TestValidateVirtualService "set authority in rewrite and header"',
    spec: rule({ headers: { request: { set: { ':authority': 'cart.internal' } } }, rewrite: { authority: 'cart.other' } }),
    verdict: 'refuse',
    field: "'spec.http[0].headers.request.set.:authority'",
  },
  {
    mirrors: 'TestValidateVirtualService "non-method-get"',
    spec: rule({ match: [{ uri: { prefix: '/api/cart' } }, { uri: { prefix: '/api/carts' }, method: { exact: 'GET' } }] }),
    verdict: 'warn',
  },
  {
    mirrors: 'TestValidateVirtualService "uri-with-prefix-exact"',
    spec: rule({ match: [{ uri: { prefix: '/' } }, { uri: { exact: '/' }, method: { exact: 'GET' } }] }),
    verdict: 'accept',
  },
  {
    mirrors: 'TestValidateVirtualService "jwt claim route without gateway"',
    spec: { ...rule({ match: [{ uri: { prefix: '/' }, headers: { '@request.auth.claims.group': { exact: 'admins' } } }] }), gateways: ['mesh'] },
    verdict: 'refuse',
    field: "'spec.http[0].match[0].headers' (@request.auth.claims.group)",
  },
  {
    mirrors: 'TestValidateVirtualService "ip address as sni host"',
    spec: { hosts: [HOST], tls: [{ route: [dest()], match: [{ port: 8443, sniHosts: ['10.1.2.3'] }] }] },
    verdict: 'warn',
  },
  {
    mirrors: 'TestValidateVirtualService "invalid wildcard as sni host"',
    spec: { hosts: [HOST], tls: [{ route: [dest()], match: [{ port: 8443, sniHosts: ['cart.*.example.com'] }] }] },
    verdict: 'refuse',
    field: "'spec.tls[0].match[0].sniHosts' (cart.*.example.com)",
  },

  // TestValidateChainingVirtualService (virtualservice_test.go)
  { mirrors: 'TestValidateChainingVirtualService "root simple"', spec: { hosts: [HOST], gateways: ['shop-gateway'], http: [{ delegate: DELEGATE }] }, verdict: 'accept' },
  { mirrors: 'TestValidateChainingVirtualService "root applies to sidecar with delegate"', spec: vs({ delegate: DELEGATE }), verdict: 'accept' },
  {
    mirrors: 'TestValidateChainingVirtualService "root with delegate and destination in one route"',
    spec: vs(to({ delegate: DELEGATE })),
    verdict: 'refuse',
    field: "'spec.http[0].route'",
  },
  { mirrors: 'TestValidateChainingVirtualService "delegate with no destination"', spec: { hosts: [], http: [{}] }, verdict: 'refuse', field: "'spec.http[0]'" },
  { mirrors: 'TestValidateChainingVirtualService "delegate with delegate"', spec: { hosts: [], http: [{ delegate: DELEGATE }] }, verdict: 'refuse', field: "'spec.http[0].delegate'" },
  { mirrors: 'TestValidateChainingVirtualService "delegate with TCP route"', spec: { hosts: [], tcp: [{ route: [dest()] }] }, verdict: 'refuse', field: "'spec.tcp' (1)" },
  { mirrors: 'TestValidateChainingVirtualService "delegate with gateway"', spec: { hosts: [], gateways: ['shop'], http: [to()] }, verdict: 'refuse', field: "'spec.gateways'" },
  { mirrors: 'TestValidateChainingVirtualService "delegate with sourceNamespace"', spec: { hosts: [], http: [to({ match: [{ sourceNamespace: 'shop' }] })] }, verdict: 'accept' },

  // TestValidateHTTPRoute (independent rule) and TestValidateDelegateHTTPRoute (rule of a delegate VirtualService)
  ...routeCases('TestValidateHTTPRoute', vs),
  { mirrors: 'TestValidateHTTPRoute "empty prefix header match"', spec: rule({ match: [{ headers: { 'x-user': { prefix: '' } } }] }), verdict: 'refuse', field: "'spec.http[0].match[0].headers.x-user.prefix'" },
  { mirrors: 'TestValidateHTTPRoute "envoy escaped % set"', spec: rule({ headers: { response: { set: { 'x-discount': '10%%' } } } }), verdict: 'accept' },
  { mirrors: 'TestValidateHTTPRoute "envoy variable set"', spec: rule({ headers: { response: { set: { 'x-served-by': '%HOSTNAME%' } } } }), verdict: 'accept' },
  {
    mirrors: 'TestValidateHTTPRoute "envoy unescaped % set"',
    spec: rule({ headers: { response: { set: { 'x-tax': 'vat%rate' } } } }),
    verdict: 'refuse',
    field: "'spec.http[0].headers.response.set.x-tax' (vat%rate)",
  },
  { mirrors: 'TestValidateHTTPRoute "envoy escaped % add"', spec: rule({ headers: { response: { add: { 'x-discount': '10%% off' } } } }), verdict: 'accept' },
  { mirrors: 'TestValidateHTTPRoute "envoy variable add"', spec: rule({ headers: { response: { add: { 'x-served-by': 'pod %HOSTNAME%' } } } }), verdict: 'accept' },
  {
    mirrors: 'TestValidateHTTPRoute "envoy unescaped % add"',
    spec: rule({ headers: { response: { add: { 'x-tax': 'vat%rate' } } } }),
    verdict: 'refuse',
    field: "'spec.http[0].headers.response.add.x-tax' (vat%rate)",
  },
  {
    mirrors: 'TestValidateHTTPRoute "mirrors without destination"',
    spec: rule({ mirrors: [{}], match: [null] }),
    verdict: 'refuse',
    field: "'spec.http[0].mirrors[0].destination' (unset) is required",
  },
  {
    mirrors: 'TestValidateHTTPRoute "mirrors invalid mirror percentage"',
    spec: rule({ mirrors: [dest('cart-shadow.shop'), { ...dest('cart-shadow.shop'), percentage: { value: 120 } }], match: [null] }),
    verdict: 'refuse',
    field: "'spec.http[0].mirrors[1].percentage.value' (120)",
  },
  {
    mirrors: 'TestValidateHTTPRoute "mirrors valid mirror percentage"',
    spec: rule({ mirrors: [{ ...dest('cart-shadow.shop'), percentage: { value: 2 } }, { ...dest('cart-shadow.shop'), percentage: { value: 40 } }], match: [null] }),
    verdict: 'accept',
  },
  {
    mirrors: 'TestValidateHTTPRoute "mirrors negative mirror percentage"',
    spec: rule({ mirrors: [{ ...dest('cart-shadow.shop'), percentage: { value: -3 } }], match: [null] }),
    verdict: 'refuse',
    field: "'spec.http[0].mirrors[0].percentage.value' (-3)",
  },
  {
    mirrors: 'TestValidateHTTPRoute "conflicting mirror and mirrors"',
    spec: rule({ mirror: { host: 'cart-shadow.shop' }, mirrors: [dest('cart-shadow-2.shop')] }),
    verdict: 'refuse',
    field: "'spec.http[0]' (mirror + mirrors)",
  },
  ...routeCases('TestValidateDelegateHTTPRoute', delegateVs),
  { mirrors: 'TestValidateDelegateHTTPRoute "delegate route with delegate"', spec: delegateVs({ delegate: DELEGATE }), verdict: 'refuse', field: "'spec.http[0].delegate'" },

  // TestValidateRootHTTPRoute (virtualservice_test.go): rules that delegate, and match rules
  { mirrors: 'TestValidateRootHTTPRoute "simple"', spec: vs({ delegate: DELEGATE }), verdict: 'accept' },
  { mirrors: 'TestValidateRootHTTPRoute "route and delegate conflict"', spec: vs(to({ delegate: DELEGATE })), verdict: 'refuse', field: "'spec.http[0].route'" },
  { mirrors: 'TestValidateRootHTTPRoute "redirect and delegate conflict"', spec: vs({ redirect: REDIRECT, delegate: DELEGATE }), verdict: 'refuse', field: "'spec.http[0].redirect'" },
  {
    mirrors: 'TestValidateRootHTTPRoute "null header match"',
    spec: vs({ delegate: DELEGATE, match: [{ headers: { 'x-user': null } }] }),
    verdict: 'refuse',
    field: "'spec.http[0].match[0].headers.x-user' (null)",
  },
  { mirrors: 'TestValidateRootHTTPRoute "prefix header match"', spec: vs({ delegate: DELEGATE, match: [{ headers: { 'x-user': { prefix: 'beta-' } } }] }), verdict: 'accept' },
  {
    mirrors: 'TestValidateRootHTTPRoute "empty prefix header match (delegate)"',
    spec: vs({ delegate: DELEGATE, match: [{ headers: { 'x-user': { prefix: '' } } }] }),
    verdict: 'refuse',
    field: "'spec.http[0].match[0].headers.x-user.prefix'",
  },
  { mirrors: 'TestValidateRootHTTPRoute "exact header match"', spec: vs({ delegate: DELEGATE, match: [{ headers: { 'x-user': { exact: 'beta' } } }] }), verdict: 'accept' },
  { mirrors: 'TestValidateRootHTTPRoute "regex header match"', spec: vs({ delegate: DELEGATE, match: [{ headers: { 'x-user': { regex: 'beta-[0-9]+' } } }] }), verdict: 'accept' },
  { mirrors: 'TestValidateRootHTTPRoute "exact without headers match"', spec: vs({ redirect: REDIRECT, match: [{ withoutHeaders: { 'x-user': { exact: 'beta' } } }] }), verdict: 'accept' },
  { mirrors: 'TestValidateRootHTTPRoute "regex without headers match"', spec: vs({ redirect: REDIRECT, match: [{ withoutHeaders: { 'x-user': { regex: 'beta.*' } } }] }), verdict: 'accept' },
  {
    mirrors: 'TestValidateRootHTTPRoute "regex without headers match ?"',
    spec: vs({ redirect: REDIRECT, match: [{ withoutHeaders: { 'x-user': { regex: '+' } } }] }),
    verdict: 'refuse',
    field: "'spec.http[0].match[0].withoutHeaders.x-user.regex' (+)",
  },
  { mirrors: 'TestValidateRootHTTPRoute "regex without headers match *"', spec: vs({ redirect: REDIRECT, match: [{ withoutHeaders: { 'x-user': { regex: '*' } } }] }), verdict: 'accept' },
  { mirrors: 'TestValidateRootHTTPRoute "regex uri match"', spec: vs({ delegate: DELEGATE, match: [{ uri: { regex: '/cart/[0-9]+' } }] }), verdict: 'accept' },
  { mirrors: 'TestValidateRootHTTPRoute "prefix uri match"', spec: vs({ delegate: DELEGATE, match: [{ uri: { prefix: '/cart' } }] }), verdict: 'accept' },
  { mirrors: 'TestValidateRootHTTPRoute "exact uri match"', spec: vs({ delegate: DELEGATE, match: [{ uri: { exact: '/cart' } }] }), verdict: 'accept' },
  { mirrors: 'TestValidateRootHTTPRoute "prefix queryParams match"', spec: vs({ delegate: DELEGATE, match: [{ queryParams: { page: { prefix: '1' } } }] }), verdict: 'accept' },
  { mirrors: 'TestValidateRootHTTPRoute "exact queryParams match"', spec: vs({ delegate: DELEGATE, match: [{ queryParams: { page: { exact: '1' } } }] }), verdict: 'accept' },
  { mirrors: 'TestValidateRootHTTPRoute "regex queryParams match"', spec: vs({ delegate: DELEGATE, match: [{ headers: { page: { regex: '[0-9]+' } } }] }), verdict: 'accept' },
  { mirrors: 'TestValidateRootHTTPRoute "empty prefix match in method"', spec: vs({ redirect: REDIRECT, match: [{ method: { prefix: '' } }] }), verdict: 'refuse', field: "'spec.http[0].match[0].method.prefix'" },
  { mirrors: 'TestValidateRootHTTPRoute "empty regex match in method"', spec: vs({ redirect: REDIRECT, match: [{ method: { regex: '' } }] }), verdict: 'refuse', field: "'spec.http[0].match[0].method.regex'" },
  { mirrors: 'TestValidateRootHTTPRoute "empty prefix match in uri"', spec: vs({ redirect: REDIRECT, match: [{ uri: { prefix: '' } }] }), verdict: 'accept' },
  { mirrors: 'TestValidateRootHTTPRoute "empty regex match in uri"', spec: vs({ redirect: REDIRECT, match: [{ uri: { regex: '' } }] }), verdict: 'refuse', field: "'spec.http[0].match[0].uri.regex'" },
  {
    mirrors: 'TestValidateRootHTTPRoute "empty regex match in query"',
    spec: vs({ redirect: REDIRECT, match: [{ queryParams: { page: { regex: '' } } }] }),
    verdict: 'refuse',
    field: "'spec.http[0].match[0].queryParams.page.regex'",
  },
  { mirrors: 'TestValidateRootHTTPRoute "empty regex match in scheme"', spec: vs({ redirect: REDIRECT, match: [{ scheme: { regex: '' } }] }), verdict: 'refuse', field: "'spec.http[0].match[0].scheme.regex'" },
  { mirrors: 'TestValidateRootHTTPRoute "empty prefix match in scheme"', spec: vs({ redirect: REDIRECT, match: [{ scheme: { prefix: '' } }] }), verdict: 'refuse', field: "'spec.http[0].match[0].scheme.prefix'" },
  { mirrors: 'TestValidateRootHTTPRoute "empty prefix header match"', spec: vs({ match: [{ headers: { 'x-user': { prefix: '' } } }] }), verdict: 'refuse', field: "'spec.http[0].match[0].headers.x-user.prefix'" },

  // TestValidateRouteDestination: destinations of a TCP route
  { mirrors: 'TestValidateRouteDestination "simple"', spec: tcp([dest('db.shop')]), verdict: 'accept' },
  { mirrors: 'TestValidateRouteDestination "wildcard dash"', spec: tcp([dest('*-db.shop')]), verdict: 'accept' },
  { mirrors: 'TestValidateRouteDestination "wildcard prefix"', spec: tcp([dest('*db.shop')]), verdict: 'accept' },
  { mirrors: 'TestValidateRouteDestination "wildcard"', spec: tcp([dest('*')]), verdict: 'refuse', field: "'spec.tcp[0].route[0].destination.host' (*)" },
  { mirrors: 'TestValidateRouteDestination "bad wildcard"', spec: tcp([dest('db.*')]), verdict: 'refuse', field: "'spec.tcp[0].route[0].destination.host' (db.*)" },
  { mirrors: 'TestValidateRouteDestination "bad fqdn"', spec: tcp([dest('shop/db')]), verdict: 'refuse', field: "'spec.tcp[0].route[0].destination.host' (shop/db)" },
  { mirrors: 'TestValidateRouteDestination "no destination"', spec: tcp([{}]), verdict: 'refuse', field: "'spec.tcp[0].route[0].destination' (unset)" },
  { mirrors: 'TestValidateRouteDestination "weighted"', spec: tcp([{ ...dest('db-a.shop'), weight: 40 }, { ...dest('db-b.shop'), weight: 60 }]), verdict: 'accept' },
  { mirrors: 'TestValidateRouteDestination "weight < 0"', spec: tcp([{ ...dest('db-a.shop'), weight: 10 }, { ...dest('db-b.shop'), weight: -2 }]), verdict: 'refuse', field: "'spec.tcp[0].route[1].weight' (-2)" },
  { mirrors: 'TestValidateRouteDestination "total weight > 100"', spec: tcp([{ ...dest('db-a.shop'), weight: 90 }, { ...dest('db-b.shop'), weight: 90 }]), verdict: 'accept' },
  { mirrors: 'TestValidateRouteDestination "total weight < 100"', spec: tcp([{ ...dest('db-a.shop'), weight: 1 }, { ...dest('db-b.shop'), weight: 2 }]), verdict: 'accept' },
  { mirrors: 'TestValidateRouteDestination "total weight = 100"', spec: tcp([{ ...dest('db-a.shop'), weight: 100 }, { ...dest('db-b.shop'), weight: 0 }]), verdict: 'accept' },
  { mirrors: 'TestValidateRouteDestination "weight = 0"', spec: tcp([{ ...dest('db-a.shop'), weight: 0 }]), verdict: 'accept' },
  {
    mirrors: 'TestValidateRouteDestination "total weight = 0 with multi RouteDestination"',
    spec: tcp([{ ...dest('db-a.shop'), weight: 0 }, { ...dest('db-b.shop'), weight: 0 }]),
    verdict: 'refuse',
    field: "'spec.tcp[0].route' ([0,0])",
  },

  // TestValidateDestination: the destination of an HTTP route
  { mirrors: 'TestValidateDestination "empty"', spec: vs({ route: [{ destination: {} }] }), verdict: 'refuse', field: "'spec.http[0].route[0].destination.host' (unset)" },
  { mirrors: 'TestValidateDestination "simple"', spec: vs({ route: [dest('cart.shop')] }), verdict: 'accept' },
  { mirrors: 'TestValidateDestination "full"', spec: vs({ route: [dest('cart.shop', { subset: 'blue', port: { number: 9090 } })] }), verdict: 'accept' },
  {
    mirrors: 'TestValidateDestination "unnumbered-selector"',
    spec: vs({ route: [dest('cart.shop', { subset: 'blue', port: {} })] }),
    verdict: 'refuse',
    field: "'spec.http[0].route[0].destination.port.number' (0)",
  },

  // TestValidateHTTPRetry
  { mirrors: 'TestValidateHTTPRetry "valid"', spec: retries({ attempts: 4, perTryTimeout: '3s', retryOn: 'connect-failure,refused-stream' }), verdict: 'accept' },
  { mirrors: 'TestValidateHTTPRetry "disable retries"', spec: retries({ attempts: 0 }), verdict: 'accept' },
  {
    mirrors: 'TestValidateHTTPRetry "invalid, retry policy configured but attempts set to zero"',
    spec: retries({ attempts: 0, perTryTimeout: '3s', retryOn: 'connect-failure' }),
    verdict: 'refuse',
    field: "'spec.http[0].retries.attempts' (0)",
  },
  { mirrors: 'TestValidateHTTPRetry "valid default"', spec: retries({ attempts: 4 }), verdict: 'accept' },
  { mirrors: 'TestValidateHTTPRetry "valid http status retryOn"', spec: retries({ attempts: 4, perTryTimeout: '3s', retryOn: '502,reset' }), verdict: 'accept' },
  { mirrors: 'TestValidateHTTPRetry "invalid attempts"', spec: retries({ attempts: -2, perTryTimeout: '3s' }), verdict: 'refuse', field: "'spec.http[0].retries.attempts' (-2)" },
  { mirrors: 'TestValidateHTTPRetry "invalid timeout"', spec: retries({ attempts: 4, perTryTimeout: '3.0000005s' }), verdict: 'refuse', field: "'spec.http[0].retries.perTryTimeout'" },
  { mirrors: 'TestValidateHTTPRetry "timeout too small"', spec: retries({ attempts: 4, perTryTimeout: '500us' }), verdict: 'refuse', field: "'spec.http[0].retries.perTryTimeout'" },
  { mirrors: 'TestValidateHTTPRetry "invalid backoff"', spec: retries({ attempts: 4, backoff: '800ns' }), verdict: 'refuse', field: "'spec.http[0].retries.backoff'" },
  { mirrors: 'TestValidateHTTPRetry "invalid policy retryOn"', spec: retries({ attempts: 4, perTryTimeout: '3s', retryOn: 'reset,on-mondays' }), verdict: 'refuse', field: "'spec.http[0].retries.retryOn' (on-mondays)" },
  { mirrors: 'TestValidateHTTPRetry "invalid http status retryOn"', spec: retries({ attempts: 4, perTryTimeout: '3s', retryOn: '999,reset' }), verdict: 'refuse', field: "'spec.http[0].retries.retryOn' (999)" },
  {
    mirrors: 'TestValidateHTTPRetry "invalid, retryRemoteLocalities configured but attempts set to zero"',
    spec: retries({ attempts: 0, retryRemoteLocalities: true }),
    verdict: 'refuse',
    field: "'spec.http[0].retries.attempts' (0)",
  },

  // TestValidateHTTPFaultInjectionAbort / TestValidateHTTPFaultInjectionDelay ("nil" = a fault with only the other part)
  { mirrors: 'TestValidateHTTPFaultInjectionAbort "nil"', spec: delay({ fixedDelay: '2s' }), verdict: 'accept' },
  { mirrors: 'TestValidateHTTPFaultInjectionAbort "valid"', spec: abort({ percentage: { value: 15 }, httpStatus: 503 }), verdict: 'accept' },
  { mirrors: 'TestValidateHTTPFaultInjectionAbort "valid default"', spec: abort({ httpStatus: 503 }), verdict: 'accept' },
  { mirrors: 'TestValidateHTTPFaultInjectionAbort "invalid http status"', spec: abort({ percentage: { value: 15 }, httpStatus: 1000 }), verdict: 'refuse', field: "'spec.http[0].fault.abort.httpStatus' (1000)" },
  { mirrors: 'TestValidateHTTPFaultInjectionAbort "invalid low http status"', spec: abort({ percentage: { value: 15 }, httpStatus: 101 }), verdict: 'refuse', field: "'spec.http[0].fault.abort.httpStatus' (101)" },
  { mirrors: 'TestValidateHTTPFaultInjectionAbort "valid percentage"', spec: abort({ percentage: { value: 0.005 }, httpStatus: 503 }), verdict: 'accept' },
  {
    mirrors: 'TestValidateHTTPFaultInjectionAbort "invalid fractional percent"',
    spec: abort({ percentage: { value: -0.5 }, httpStatus: 503 }),
    verdict: 'refuse',
    field: "'spec.http[0].fault.abort.percentage.value' (-0.5)",
  },
  { mirrors: 'TestValidateHTTPFaultInjectionAbort "grpc: nil"', spec: delay({ fixedDelay: '250ms' }), verdict: 'accept' },
  { mirrors: 'TestValidateHTTPFaultInjectionAbort "grpc: valid"', spec: abort({ percentage: { value: 15 }, grpcStatus: 'UNAVAILABLE' }), verdict: 'accept' },
  { mirrors: 'TestValidateHTTPFaultInjectionAbort "grpc: valid default percentage"', spec: abort({ grpcStatus: 'UNAVAILABLE' }), verdict: 'accept' },
  {
    mirrors: 'TestValidateHTTPFaultInjectionAbort "grpc: invalid status"',
    spec: abort({ percentage: { value: 15 }, grpcStatus: 'NOT_AVAILABLE' }),
    verdict: 'refuse',
    field: "'spec.http[0].fault.abort.grpcStatus' (NOT_AVAILABLE)",
  },
  { mirrors: 'TestValidateHTTPFaultInjectionAbort "grpc: valid percentage"', spec: abort({ percentage: { value: 0.005 }, grpcStatus: 'ABORTED' }), verdict: 'accept' },
  {
    mirrors: 'TestValidateHTTPFaultInjectionAbort "grpc: invalid fractional percent"',
    spec: abort({ percentage: { value: -0.5 }, grpcStatus: 'UNAVAILABLE' }),
    verdict: 'refuse',
    field: "'spec.http[0].fault.abort.percentage.value' (-0.5)",
  },
  { mirrors: 'TestValidateHTTPFaultInjectionDelay "nil"', spec: abort({ httpStatus: 500 }), verdict: 'accept' },
  { mirrors: 'TestValidateHTTPFaultInjectionDelay "valid fixed"', spec: delay({ percentage: { value: 15 }, fixedDelay: '5s' }), verdict: 'accept' },
  { mirrors: 'TestValidateHTTPFaultInjectionDelay "valid default"', spec: delay({ fixedDelay: '5s' }), verdict: 'accept' },
  { mirrors: 'TestValidateHTTPFaultInjectionDelay "invalid percent"', spec: delay({ percentage: { value: 100.01 }, fixedDelay: '5s' }), verdict: 'refuse', field: "'spec.http[0].fault.delay.percentage.value' (100.01)" },
  { mirrors: 'TestValidateHTTPFaultInjectionDelay "invalid delay"', spec: delay({ percentage: { value: 15 }, fixedDelay: '5.0000001s' }), verdict: 'refuse', field: "'spec.http[0].fault.delay.fixedDelay'" },
  { mirrors: 'TestValidateHTTPFaultInjectionDelay "valid fractional percentage"', spec: delay({ percentage: { value: 0.005 }, fixedDelay: '5s' }), verdict: 'accept' },
  {
    mirrors: 'TestValidateHTTPFaultInjectionDelay "invalid fractional percentage"',
    spec: delay({ percentage: { value: -0.5 }, fixedDelay: '5s' }),
    verdict: 'refuse',
    field: "'spec.http[0].fault.delay.percentage.value' (-0.5)",
  },

  // TestValidateHTTPStatus: the status of a direct response
  { mirrors: 'TestValidateHTTPStatus -100', spec: direct({ status: -1 }), verdict: 'refuse', field: "'spec.http[0].directResponse.status' (-1)" },
  { mirrors: 'TestValidateHTTPStatus 0', spec: direct({ status: 0 }), verdict: 'refuse', field: "'spec.http[0].directResponse.status' (0)" },
  { mirrors: 'TestValidateHTTPStatus 200', spec: direct({ status: 204 }), verdict: 'accept' },
  { mirrors: 'TestValidateHTTPStatus 600', spec: direct({ status: 600 }), verdict: 'accept' },
  { mirrors: 'TestValidateHTTPStatus 601', spec: direct({ status: 601 }), verdict: 'refuse', field: "'spec.http[0].directResponse.status' (601)" },

  // TestValidateHTTPRewrite / TestValidateUriRegexRewrite
  { mirrors: 'TestValidateHTTPRewrite "nil in"', spec: vs(to()), verdict: 'accept' },
  { mirrors: 'TestValidateHTTPRewrite "uri and authority"', spec: rewrite({ uri: '/api/v2/cart', authority: 'cart.internal' }), verdict: 'accept' },
  { mirrors: 'TestValidateHTTPRewrite "uri"', spec: rewrite({ uri: '/api/v2/cart' }), verdict: 'accept' },
  { mirrors: 'TestValidateHTTPRewrite "authority"', spec: rewrite({ authority: 'cart.internal' }), verdict: 'accept' },
  { mirrors: 'TestValidateHTTPRewrite "uriRegexRewrite"', spec: rewrite({ uriRegexRewrite: { match: '^/shop/([^/]+)(/.*)$', rewrite: '/\\1\\2' } }), verdict: 'accept' },
  {
    mirrors: 'TestValidateHTTPRewrite "uriRegexRewrite and authority"',
    spec: rewrite({ authority: 'cart.internal', uriRegexRewrite: { match: '^/shop/([^/]+)(/.*)$', rewrite: '/\\1\\2' } }),
    verdict: 'accept',
  },
  {
    mirrors: 'TestValidateHTTPRewrite "uriRegexRewrite and uri"',
    spec: rewrite({ uri: '/api/v2/cart', uriRegexRewrite: { match: '^/shop/([^/]+)(/.*)$', rewrite: '/\\1\\2' } }),
    verdict: 'refuse',
    field: "'spec.http[0].rewrite'",
  },
  { mirrors: 'TestValidateHTTPRewrite "no uri, uriRegexRewrite, or authority"', spec: rewrite({}), verdict: 'refuse', field: "'spec.http[0].rewrite' ({})" },
  { mirrors: 'TestValidateUriRegexRewrite "uriRegexRewrite nil"', spec: rewrite({ uri: '/' }), verdict: 'accept' },
  { mirrors: 'TestValidateUriRegexRewrite "uriRegexRewrite happy path"', spec: rewrite({ uriRegexRewrite: { match: '^/legacy(/.*)?$', rewrite: '/v1\\1' } }), verdict: 'accept' },
  {
    mirrors: 'TestValidateUriRegexRewrite "uriRegexRewrite missing match"',
    spec: rewrite({ uriRegexRewrite: { rewrite: '/v1\\1' } }),
    verdict: 'refuse',
    field: "'spec.http[0].rewrite.uriRegexRewrite'",
  },
  {
    mirrors: 'TestValidateUriRegexRewrite "uriRegexRewrite missing rewrite"',
    spec: rewrite({ uriRegexRewrite: { match: '^/legacy(/.*)?$' } }),
    verdict: 'refuse',
    field: "'spec.http[0].rewrite.uriRegexRewrite'",
  },
  {
    mirrors: 'TestValidateUriRegexRewrite "uriRegexRewrite invalid regex patterns"',
    spec: rewrite({ uriRegexRewrite: { match: '(unclosed', rewrite: '/' } }),
    verdict: 'refuse',
    field: "'spec.http[0].rewrite.uriRegexRewrite.match' ((unclosed)",
  },

  // TestValidateHTTPRedirect
  { mirrors: 'TestValidateHTTPRedirect "nil redirect"', spec: vs(to()), verdict: 'accept' },
  { mirrors: 'TestValidateHTTPRedirect "empty uri and authority"', spec: vs({ redirect: { uri: '', authority: '' } }), verdict: 'refuse', field: "'spec.http[0].redirect'" },
  { mirrors: 'TestValidateHTTPRedirect "too small redirect code"', spec: vs({ redirect: { uri: '/v2', redirectCode: 204 } }), verdict: 'refuse', field: "'spec.http[0].redirect.redirectCode' (204)" },
  { mirrors: 'TestValidateHTTPRedirect "too large redirect code"', spec: vs({ redirect: { uri: '/v2', redirectCode: 404 } }), verdict: 'refuse', field: "'spec.http[0].redirect.redirectCode' (404)" },
  { mirrors: 'TestValidateHTTPRedirect "empty authority"', spec: vs({ redirect: { uri: '/v2', authority: '' } }), verdict: 'accept' },
  { mirrors: 'TestValidateHTTPRedirect "empty uri"', spec: vs({ redirect: { uri: '', authority: 'shop.example.org' } }), verdict: 'accept' },
  { mirrors: 'TestValidateHTTPRedirect "empty redirect code"', spec: vs({ redirect: { ...REDIRECT, redirectCode: 0 } }), verdict: 'accept' },
  { mirrors: 'TestValidateHTTPRedirect "normal redirect"', spec: vs({ redirect: { ...REDIRECT, redirectCode: 307 } }), verdict: 'accept' },

  // TestValidateHTTPDirectResponse
  { mirrors: 'TestValidateHTTPDirectResponse "nil redirect"', spec: vs(to()), verdict: 'accept' },
  { mirrors: 'TestValidateHTTPDirectResponse "status 200"', spec: direct({ status: 200 }), verdict: 'accept' },
  { mirrors: 'TestValidateHTTPDirectResponse "status 100"', spec: direct({ status: 150 }), verdict: 'refuse', field: "'spec.http[0].directResponse.status' (150)" },
  { mirrors: 'TestValidateHTTPDirectResponse "status 600"', spec: direct({ status: 700 }), verdict: 'refuse', field: "'spec.http[0].directResponse.status' (700)" },
  { mirrors: 'TestValidateHTTPDirectResponse "with string body"', spec: direct({ status: 200, body: { string: 'maintenance' } }), verdict: 'accept' },
  { mirrors: 'TestValidateHTTPDirectResponse "with string body over 100kb"', spec: direct({ status: 200, body: { string: 'b'.repeat(150 * KB) } }), verdict: 'warn' },
  {
    mirrors: 'TestValidateHTTPDirectResponse "with string body over 1mb"',
    spec: direct({ status: 200, body: { string: 'b'.repeat(MB + 10) } }),
    verdict: 'refuse',
    field: "'spec.http[0].directResponse.body'",
  },
  { mirrors: 'TestValidateHTTPDirectResponse "with bytes body"', spec: direct({ status: 200, body: { bytes: Buffer.from('maintenance').toString('base64') } }), verdict: 'accept' },
  // 900KB of bytes is 1.2MB of base64 text: the decoded size is what counts.
  { mirrors: 'TestValidateHTTPDirectResponse "with bytes body over 100kb"', spec: direct({ status: 200, body: { bytes: base64Of(900 * KB) } }), verdict: 'warn' },
  { mirrors: 'TestValidateHTTPDirectResponse "with bytes body over 1mb"', spec: direct({ status: 200, body: { bytes: base64Of(MB + 1) } }), verdict: 'refuse', field: "'spec.http[0].directResponse.body'" },

  // TestValidateCORSPolicy
  {
    mirrors: 'TestValidateCORSPolicy "valid"',
    spec: cors({ allowMethods: ['PUT', 'DELETE'], allowHeaders: ['x-cart', 'x-user'], exposeHeaders: ['x-total'], maxAge: '30s' }),
    verdict: 'accept',
  },
  {
    mirrors: 'TestValidateCORSPolicy "bad method"',
    spec: cors({ allowMethods: ['PUT', 'FETCH'], allowHeaders: ['x-cart'], exposeHeaders: ['x-total'], maxAge: '30s' }),
    verdict: 'refuse',
    field: "'spec.http[0].corsPolicy.allowMethods' (FETCH)",
  },
  {
    mirrors: 'TestValidateCORSPolicy "bad header"',
    spec: cors({ allowMethods: ['PUT'], allowHeaders: ['x-cart'], exposeHeaders: [''], maxAge: '30s' }),
    verdict: 'refuse',
    field: "'spec.http[0].corsPolicy.exposeHeaders'",
  },
  {
    mirrors: 'TestValidateCORSPolicy "bad max age"',
    spec: cors({ allowMethods: ['PUT'], allowHeaders: ['x-cart'], exposeHeaders: ['x-total'], maxAge: '30.000000007s' }),
    verdict: 'refuse',
    field: "'spec.http[0].corsPolicy.maxAge'",
  },
  {
    mirrors: 'TestValidateCORSPolicy "empty matchType AllowOrigins"',
    spec: cors({ allowOrigins: [{ exact: '' }, { prefix: '' }, { regex: '' }], allowMethods: ['PUT'], maxAge: '30s' }),
    verdict: 'refuse',
    field: "'spec.http[0].corsPolicy.allowOrigins[0]'",
  },
  {
    mirrors: 'TestValidateCORSPolicy "non empty matchType AllowOrigins"',
    spec: cors({ allowOrigins: [{ exact: 'https://shop.example.com' }, { prefix: 'https://beta.' }, { regex: 'https://.+[.]example[.]com' }], allowMethods: ['PUT'], maxAge: '30s' }),
    verdict: 'accept',
  },

  // TestValidateHTTPHeaderName: header names in a match
  { mirrors: 'TestValidateHTTPHeaderName "header1"', spec: matchHeader('x-cart'), verdict: 'accept' },
  { mirrors: 'TestValidateHTTPHeaderName "X-Requested-With"', spec: matchHeader('X-Forwarded-Proto'), verdict: 'accept' },
  { mirrors: 'TestValidateHTTPHeaderName ":authority"', spec: matchHeader(':method'), verdict: 'accept' },
  { mirrors: 'TestValidateHTTPHeaderName "funky!$#_"', spec: matchHeader("odd~'*|^"), verdict: 'accept' },
  { mirrors: 'TestValidateHTTPHeaderName ""', spec: matchHeader(''), verdict: 'refuse', field: "'spec.http[0].match[0].headers' (\"\")" },
  { mirrors: 'TestValidateHTTPHeaderName "::"', spec: matchHeader(':x:'), verdict: 'refuse', field: "'spec.http[0].match[0].headers' (:x:)" },
  { mirrors: 'TestValidateHTTPHeaderName "illegal\\"char"', spec: matchHeader('bad(char)'), verdict: 'refuse', field: "'spec.http[0].match[0].headers' (bad(char))" },

  // TestValidateHTTPHeaderValue: header values set on requests
  { mirrors: 'TestValidateHTTPHeaderValue "foo"', spec: headerValue('checkout'), verdict: 'accept' },
  { mirrors: 'TestValidateHTTPHeaderValue "%HOSTNAME%"', spec: headerValue('%UPSTREAM_HOST%'), verdict: 'accept' },
  { mirrors: 'TestValidateHTTPHeaderValue "100%%"', spec: headerValue('50%%'), verdict: 'accept' },
  { mirrors: 'TestValidateHTTPHeaderValue "prefix %HOSTNAME% suffix"', spec: headerValue('via %UPSTREAM_HOST% today'), verdict: 'accept' },
  { mirrors: 'TestValidateHTTPHeaderValue "%DOWNSTREAM_PEER_CERT_V_END(%b %d %H:%M:%S %Y %Z)%"', spec: headerValue('%START_TIME(%Y-%m-%dT%H:%M:%S%z)%'), verdict: 'accept' },
  { mirrors: 'TestValidateHTTPHeaderValue "%DYNAMIC_METADATA(com.test.my_filter)%"', spec: headerValue('%DYNAMIC_METADATA(envoy.lb:canary)%'), verdict: 'accept' },
  { mirrors: 'TestValidateHTTPHeaderValue "%START_TIME%%"', spec: headerValue('%UPSTREAM_HOST%%'), verdict: 'refuse', field: "'spec.http[0].headers.request.set.x-shop' (%UPSTREAM_HOST%%)" },
  { mirrors: 'TestValidateHTTPHeaderValue "abc%123"', spec: headerValue('rate%50'), verdict: 'refuse', field: "'spec.http[0].headers.request.set.x-shop' (rate%50)" },

  // Test_validateExportTo (the cases that apply to a VirtualService), in namespace "shop"
  ...([
    ['empty exportTo is okay', [], 'accept'],
    ['* is allowed', ['*'], 'accept'],
    ['. and ns1 are allowed', ['.', 'billing'], 'accept'],
    ['bunch of namespaces in exportTo is okay', ['billing', 'search', 'shop'], 'accept'],
    ['~ not allowed for non service entry configs', ['~', 'billing'], 'refuse'],
    ['. and * together are not allowed', ['.', '*'], 'refuse'],
    ['* and ns1 together are not allowed', ['*', 'billing'], 'refuse'],
    ['. and same namespace in exportTo is not okay', ['.', 'shop'], 'refuse'],
    ['duplicate namespaces in exportTo is not okay', ['billing', 'search', 'billing'], 'refuse'],
    ['invalid namespace names are not okay', ['billing_'], 'refuse'],
  ] as const).map(([name, exportTo, verdict]): WebhookCase => ({
    mirrors: `Test_validateExportTo "${name}"`,
    spec: { ...vs(to()), exportTo },
    namespace: 'shop',
    verdict,
    field: "'spec.exportTo'",
  })),
];

describe('VirtualService webhook verdicts agree with Istio 1.30.3', () => {
  test.each(VIRTUAL_SERVICE.map((c) => [c.mirrors, c] as const))('%s', (_name, c) => {
    const findings = validateVirtualServiceSpec(c.spec, c.namespace);
    expect({ verdict: verdictOf(findings), messages: findings.messages }).toEqual(expect.objectContaining({ verdict: c.verdict }));
    if (c.verdict === 'refuse') {
      const errors = findings.all.filter((x) => x.severity === AnalysisLevel.ERROR).map((x) => x.message);
      expect(errors.some((m) => m.includes(c.field!))).toBe(true);
    }
  });

  test('mirrored case names are unique', () => {
    const names = VIRTUAL_SERVICE.map((c) => c.mirrors);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  test('rules never throw on wrong types', () => {
    const odd = [null, 'x', 7, [], { hosts: 'x', http: 'x' }, { hosts: ['a'], http: [{ route: 'x', match: 'x', headers: 'x', retries: { retryOn: 5 } }] },
      { hosts: ['a'], http: [{ route: [{ destination: { host: 'a', port: 'x' } }], corsPolicy: { allowOrigins: 'x', allowMethods: 'x' }, mirrors: 'x' }] },
      { hosts: ['a'], tls: [{ match: 'x', route: 'x' }], tcp: [{ match: [null, 'x'] }], exportTo: 'x', gateways: 'x' }];
    for (const spec of odd) expect(() => validateVirtualServiceSpec(spec, 'ns')).not.toThrow();
  });

  test('number of mirrored Istio cases', () => {
    // TestValidateVirtualService 26, TestValidateChainingVirtualService 8, TestValidateHTTPRoute 35, TestValidateDelegateHTTPRoute 24,
    // TestValidateRootHTTPRoute 26, TestValidateRouteDestination 14, TestValidateDestination 4, TestValidateHTTPRetry 12,
    // TestValidateHTTPFaultInjectionAbort 13, TestValidateHTTPFaultInjectionDelay 7, TestValidateHTTPStatus 5, TestValidateHTTPRewrite 8,
    // TestValidateUriRegexRewrite 5, TestValidateHTTPRedirect 8, TestValidateHTTPDirectResponse 10, TestValidateCORSPolicy 6,
    // TestValidateHTTPHeaderName 7, TestValidateHTTPHeaderValue 8, Test_validateExportTo 10 (of 17; the others are ServiceEntry or
    // DestinationRule cases).
    expect(VIRTUAL_SERVICE.length).toBe(236);
  });
});
