import { AuthorizationModel, Call, Caller } from './authz-model';

// Unit tests of the authorization model on hand-written manifests. Each test names the Istio 1.30
// behaviour it mirrors (pilot/pkg/model/authorization.go + policyattachment.go for which policies
// apply, pilot/pkg/security/authz/builder + model for how they are evaluated and matched).

function policy(namespace: string, name: string, spec: any, annotations?: Record<string, string>): any {
  return { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { namespace, name, annotations }, spec };
}

const sa = (ns: string, name: string) => `cluster.local/ns/${ns}/sa/${name}`;
const productpage: Caller = { principal: sa('shop', 'productpage'), namespace: 'shop', ip: '10.0.1.7' };
const details: Caller = { principal: sa('shop', 'details'), namespace: 'shop', ip: '10.0.1.8' };
const plainText: Caller = { ip: '10.0.9.9' };
const reviews: Call = { namespace: 'shop', labels: { app: 'reviews', version: 'v1' }, host: 'reviews.shop.svc.cluster.local:9080', port: 9080 };
const ratings: Call = { namespace: 'shop', labels: { app: 'ratings' }, port: 9080 };
const billing: Call = { namespace: 'billing', labels: { app: 'invoices' }, port: 8080 };

const reviewsFromProductpage = policy('shop', 'reviews-callers', {
  selector: { matchLabels: { app: 'reviews' } },
  action: 'ALLOW',
  rules: [{ from: [{ source: { principals: [sa('shop', 'productpage')] } }] }],
});

describe('AuthorizationModel: which policies apply', () => {
  test('no policy at all: allowed (no ALLOW policy → allow)', () => {
    expect(new AuthorizationModel([]).decide(details, reviews)).toEqual({ allowed: true, reason: 'no policy' });
  });

  test('productpage may call reviews, details may not (ALLOW with principals)', () => {
    const model = new AuthorizationModel([reviewsFromProductpage]);
    expect(model.decide(productpage, reviews)).toEqual({ allowed: true, reason: 'ALLOW shop/reviews-callers rule 0' });
    expect(model.decide(details, reviews)).toEqual({ allowed: false, reason: 'no ALLOW policy matched (shop/reviews-callers applies)' });
  });

  test('selector scoping: matchLabels must be a subset of the pod labels (WorkloadPolicyMatcher.isSelected)', () => {
    const model = new AuthorizationModel([reviewsFromProductpage]);
    expect(model.decide(details, ratings)).toEqual({ allowed: true, reason: 'no policy' });
    const v2Only = policy('shop', 'v2', { selector: { matchLabels: { app: 'reviews', version: 'v2' } }, rules: [] });
    expect(new AuthorizationModel([v2Only]).decide(details, reviews).allowed).toBe(true);
  });

  test('policies in other namespaces do not affect the workload (lookup in root + workload namespace only)', () => {
    const denyAllInBilling = policy('billing', 'allow-nothing', {});
    const model = new AuthorizationModel([denyAllInBilling]);
    expect(model.decide(details, reviews)).toEqual({ allowed: true, reason: 'no policy' });
    expect(model.decide(details, billing).allowed).toBe(false);
  });

  test('mesh-wide: a root-namespace policy without selector applies in every namespace; rootNamespace is configurable', () => {
    const meshWide = policy('istio-system', 'mesh-deny-plaintext', { action: 'DENY', rules: [{ from: [{ source: { notPrincipals: ['*'] } }] }] });
    const model = new AuthorizationModel([meshWide]);
    expect(model.decide(plainText, reviews)).toEqual({ allowed: false, reason: 'DENY istio-system/mesh-deny-plaintext rule 0' });
    expect(model.decide(plainText, billing).allowed).toBe(false);
    expect(model.decide(productpage, billing).allowed).toBe(true);
    // With another root namespace, istio-system is an ordinary namespace.
    expect(new AuthorizationModel([meshWide], { rootNamespace: 'istio-config' }).decide(plainText, reviews).allowed).toBe(true);
    const elsewhere = policy('istio-config', 'mesh-deny-plaintext', meshWide.spec);
    expect(new AuthorizationModel([elsewhere], { rootNamespace: 'istio-config' }).decide(plainText, billing).allowed).toBe(false);
  });

  test('a root-namespace policy with a selector applies to matching pods in every namespace (ListAuthorizationPolicies; API doc)', () => {
    // The AuthorizationPolicy doc: "If the authorization policy is in the root namespace, the selector
    // will additionally match with workloads in all namespaces" (unlike PeerAuthentication).
    const rootSelected = policy('istio-system', 'invoices-only-get', {
      selector: { matchLabels: { app: 'invoices' } },
      rules: [{ to: [{ operation: { methods: ['GET'] } }] }],
    });
    const model = new AuthorizationModel([rootSelected]);
    expect(model.decide(details, { ...billing, method: 'POST' })).toEqual({
      allowed: false, reason: 'no ALLOW policy matched (istio-system/invoices-only-get applies)',
    });
    expect(model.decide(details, billing).allowed).toBe(true);
    expect(model.decide(details, { ...reviews, method: 'POST' })).toEqual({ allowed: true, reason: 'no policy' });
  });

  test('targetRef policies are skipped for sidecars, attach to the Gateway API gateway pod they name (ShouldAttachPolicy)', () => {
    const gatewayOnly = policy('shop', 'gw-get-only', {
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'shop-gw' }],
      rules: [{ to: [{ operation: { methods: ['GET'] } }] }],
    });
    const model = new AuthorizationModel([gatewayOnly]);
    expect(model.decide(plainText, { ...reviews, method: 'POST' })).toEqual({ allowed: true, reason: 'no policy' });
    const gatewayPod: Call = { namespace: 'shop', labels: { 'gateway.networking.k8s.io/gateway-name': 'shop-gw' }, method: 'POST' };
    expect(model.decide(plainText, gatewayPod).allowed).toBe(false);
    expect(model.decide(plainText, { ...gatewayPod, labels: { 'gateway.networking.k8s.io/gateway-name': 'other-gw' } }).allowed).toBe(true);
  });

  test('CUSTOM and AUDIT never decide; dry-run policies are shadow rules (builder.go isDryRun)', () => {
    const model = new AuthorizationModel([
      policy('shop', 'ext', { action: 'CUSTOM', provider: { name: 'opa' }, rules: [{}] }),
      policy('shop', 'audit', { action: 'AUDIT', rules: [{}] }),
      policy('shop', 'trial-deny', { action: 'DENY', rules: [{}] }, { 'istio.io/dry-run': 'true' }),
      policy('shop', 'trial-allow-nothing', {}, { 'istio.io/dry-run': 'true' }),
    ]);
    expect(model.decide(details, reviews)).toEqual({ allowed: true, reason: 'no policy' });
  });
});

describe('AuthorizationModel: evaluation order', () => {
  test('deny wins over allow: DENY is evaluated before ALLOW (builder: DENY filter precedes ALLOW filter)', () => {
    const model = new AuthorizationModel([
      reviewsFromProductpage,
      policy('shop', 'no-deletes', { action: 'DENY', rules: [{ to: [{ operation: { methods: ['GET'] } }] }, { to: [{ operation: { methods: ['DELETE'] } }] }] }),
    ]);
    expect(model.decide(productpage, { ...reviews, method: 'DELETE' })).toEqual({ allowed: false, reason: 'DENY shop/no-deletes rule 1' });
    expect(model.decide(productpage, { ...reviews, method: 'PUT' }).allowed).toBe(true);
  });

  test('allow-nothing: an ALLOW policy without rules matches nothing (rbacPolicyMatchNever)', () => {
    const model = new AuthorizationModel([policy('shop', 'allow-nothing', { action: 'ALLOW' })]);
    expect(model.decide(productpage, reviews)).toEqual({ allowed: false, reason: 'no ALLOW policy matched (shop/allow-nothing applies)' });
  });

  test('allow-all: one empty rule matches everything (no from/to/when → Any)', () => {
    const model = new AuthorizationModel([policy('shop', 'allow-nothing', {}), policy('shop', 'allow-all', { rules: [{}] })]);
    expect(model.decide(plainText, reviews)).toEqual({ allowed: true, reason: 'ALLOW shop/allow-all rule 0' });
  });

  test('a DENY policy without rules denies nothing; DENY-only namespaces allow what is not denied', () => {
    const model = new AuthorizationModel([policy('shop', 'deny-nothing', { action: 'DENY' })]);
    expect(model.decide(plainText, reviews)).toEqual({ allowed: true, reason: 'no DENY rule matched and no ALLOW policy applies' });
  });

  test('several ALLOW policies: any of them matching allows', () => {
    const model = new AuthorizationModel([reviewsFromProductpage, policy('shop', 'details-get', {
      rules: [{ from: [{ source: { principals: [sa('shop', 'details')] } }], to: [{ operation: { methods: ['GET'] } }] }],
    })]);
    expect(model.decide(details, reviews)).toEqual({ allowed: true, reason: 'ALLOW shop/details-get rule 0' });
    expect(model.decide(details, { ...reviews, method: 'POST' })).toEqual({
      allowed: false, reason: 'no ALLOW policy matched (shop/reviews-callers, shop/details-get apply)',
    });
  });

  test('from entries OR, to entries OR, from AND to AND every when (model.go New)', () => {
    const model = new AuthorizationModel([policy('shop', 'p', {
      rules: [{
        from: [{ source: { principals: [sa('shop', 'productpage')] } }, { source: { principals: [sa('shop', 'details')] } }],
        to: [{ operation: { paths: ['/reviews/*'] } }, { operation: { paths: ['/health'] } }],
        when: [{ key: 'request.headers[x-tenant]', values: ['acme'] }, { key: 'destination.port', values: ['9080'] }],
      }],
    })]);
    const ok = { ...reviews, path: '/reviews/1' };
    const acme = (c: Caller): Caller => ({ ...c, headers: { 'X-Tenant': 'acme' } });
    expect(model.decide(acme(productpage), ok).allowed).toBe(true);
    expect(model.decide(acme(details), { ...reviews, path: '/health' }).allowed).toBe(true);
    expect(model.decide(productpage, ok).allowed).toBe(false);
    expect(model.decide(acme(productpage), { ...ok, port: 15000 }).allowed).toBe(false);
    expect(model.decide(acme(productpage), { ...ok, path: '/ratings' }).allowed).toBe(false);
    expect(model.decide(acme({ principal: sa('shop', 'ratings') }), ok).allowed).toBe(false);
  });
});

describe('AuthorizationModel: value matching', () => {
  const allowWhere = (field: 'from' | 'to', body: any) => new AuthorizationModel([policy('shop', 'p', {
    rules: [field === 'from' ? { from: [{ source: body }] } : { to: [{ operation: body }] }],
  })]);

  test('principals: exact, prefix x*, suffix *x, presence * (StringMatcherWithPrefix over spiffe://)', () => {
    expect(allowWhere('from', { principals: ['cluster.local/ns/shop/*'] }).decide(details, reviews).allowed).toBe(true);
    expect(allowWhere('from', { principals: ['cluster.local/ns/billing/*'] }).decide(details, reviews).allowed).toBe(false);
    expect(allowWhere('from', { principals: ['*/sa/details'] }).decide(details, reviews).allowed).toBe(true);
    expect(allowWhere('from', { principals: ['*/sa/details'] }).decide(productpage, reviews).allowed).toBe(false);
    expect(allowWhere('from', { principals: ['*'] }).decide(productpage, reviews).allowed).toBe(true);
    expect(allowWhere('from', { principals: ['*'] }).decide(plainText, reviews).allowed).toBe(false);
    expect(allowWhere('from', { principals: ['spiffe://cluster.local/ns/shop/sa/details'] }).decide(details, reviews).allowed).toBe(false);
    expect(allowWhere('from', { principals: [sa('shop', 'details')] }).decide({ principal: `spiffe://${sa('shop', 'details')}` }, reviews).allowed).toBe(true);
  });

  test('paths: exact, prefix, suffix, presence, {*} and {**} templates; query string ignored', () => {
    const at = (pattern: string, path: string) => allowWhere('to', { paths: [pattern] }).decide(details, { ...reviews, path }).allowed;
    expect(at('/reviews', '/reviews?id=1')).toBe(true);
    expect(at('/reviews', '/reviews/1')).toBe(false);
    expect(at('/reviews/*', '/reviews/1/stars')).toBe(true);
    expect(at('*.png', '/img/logo.png')).toBe(true);
    expect(at('*.png', '/img/logo.jpg')).toBe(false);
    expect(at('*', '/')).toBe(true);
    expect(at('/reviews/{*}/stars', '/reviews/1/stars')).toBe(true);
    expect(at('/reviews/{*}/stars', '/reviews/1/2/stars')).toBe(false);
    expect(at('/reviews/{**}', '/reviews/1/2/stars')).toBe(true);
  });

  test('hosts ignore case; methods do not; ports compare as numbers written as strings', () => {
    expect(allowWhere('to', { hosts: ['REVIEWS.shop.svc.cluster.local:9080'] }).decide(details, reviews).allowed).toBe(true);
    expect(allowWhere('to', { hosts: ['Reviews.*'] }).decide(details, reviews).allowed).toBe(true);
    expect(allowWhere('to', { hosts: ['*:9080'] }).decide(details, reviews).allowed).toBe(true);
    expect(allowWhere('to', { hosts: ['*'] }).decide(details, { ...reviews, host: undefined }).allowed).toBe(false);
    expect(allowWhere('to', { methods: ['get'] }).decide(details, reviews).allowed).toBe(false);
    expect(allowWhere('to', { methods: ['GET'] }).decide(details, reviews).allowed).toBe(true);
    expect(allowWhere('to', { ports: ['9080'] }).decide(details, reviews).allowed).toBe(true);
    expect(allowWhere('to', { notPorts: ['9080'] }).decide(details, reviews).allowed).toBe(false);
    expect(allowWhere('to', { ports: ['9080'] }).decide(details, { ...reviews, port: undefined }).allowed).toBe(false);
    expect(() => allowWhere('to', { ports: ['http'] }).decide(details, reviews)).toThrow(/invalid port/);
  });

  test('positive and not lists in one field both hold (values AND NOT notValues)', () => {
    const model = allowWhere('to', { paths: ['/reviews/*'], notPaths: ['/reviews/admin*'] });
    expect(model.decide(details, { ...reviews, path: '/reviews/1' }).allowed).toBe(true);
    expect(model.decide(details, { ...reviews, path: '/reviews/admin/x' }).allowed).toBe(false);
  });

  test('notPrincipals with no peer identity: satisfied (Envoy AuthenticatedMatcher is false without TLS, not_id true)', () => {
    const allowAllButDetails = allowWhere('from', { notPrincipals: [sa('shop', 'details')] });
    expect(allowAllButDetails.decide(plainText, reviews).allowed).toBe(true);
    expect(allowAllButDetails.decide(details, reviews).allowed).toBe(false);
    const denyPlain = new AuthorizationModel([policy('shop', 'require-mtls', { action: 'DENY', rules: [{ from: [{ source: { notPrincipals: ['*'] } }] }] })]);
    expect(denyPlain.decide(plainText, reviews)).toEqual({ allowed: false, reason: 'DENY shop/require-mtls rule 0' });
    expect(denyPlain.decide(productpage, reviews).allowed).toBe(true);
  });

  test('namespaces come from the principal: plain text never matches namespaces, always satisfies notNamespaces', () => {
    expect(allowWhere('from', { namespaces: ['shop'] }).decide(details, reviews).allowed).toBe(true);
    expect(allowWhere('from', { namespaces: ['sh*'] }).decide(details, reviews).allowed).toBe(true);
    expect(allowWhere('from', { namespaces: ['*op'] }).decide(details, reviews).allowed).toBe(true);
    expect(allowWhere('from', { namespaces: ['billing'] }).decide(details, reviews).allowed).toBe(false);
    expect(allowWhere('from', { namespaces: ['shop'] }).decide({ namespace: 'shop', ip: '10.0.1.8' }, reviews).allowed).toBe(false);
    expect(allowWhere('from', { notNamespaces: ['shop'] }).decide({ namespace: 'shop' }, reviews).allowed).toBe(true);
    expect(() => allowWhere('from', { namespaces: ['shop'] }).decide({ principal: sa('billing', 'x'), namespace: 'shop' }, reviews)).toThrow(/disagrees/);
  });

  test('serviceAccounts (policy namespace by default) and trustDomains match the principal', () => {
    expect(allowWhere('from', { serviceAccounts: ['details'] }).decide(details, reviews).allowed).toBe(true);
    expect(allowWhere('from', { serviceAccounts: ['billing/details'] }).decide(details, reviews).allowed).toBe(false);
    expect(allowWhere('from', { trustDomains: ['cluster.*'] }).decide(details, reviews).allowed).toBe(true);
    expect(allowWhere('from', { trustDomains: ['other.org'] }).decide(details, reviews).allowed).toBe(false);
  });

  test('ipBlocks: CIDR containment and bare addresses; remoteIpBlocks default to the peer address', () => {
    expect(allowWhere('from', { ipBlocks: ['10.0.1.0/24'] }).decide(details, reviews).allowed).toBe(true);
    expect(allowWhere('from', { ipBlocks: ['10.0.2.0/24'] }).decide(details, reviews).allowed).toBe(false);
    expect(allowWhere('from', { ipBlocks: ['10.0.1.8'] }).decide(details, reviews).allowed).toBe(true);
    expect(allowWhere('from', { ipBlocks: ['0.0.0.0/0'] }).decide(details, reviews).allowed).toBe(true);
    expect(allowWhere('from', { notIpBlocks: ['10.0.0.0/8'] }).decide(details, reviews).allowed).toBe(false);
    expect(allowWhere('from', { ipBlocks: ['10.0.0.0/8'] }).decide({}, reviews).allowed).toBe(false);
    expect(allowWhere('from', { remoteIpBlocks: ['10.0.1.0/24'] }).decide(details, reviews).allowed).toBe(true);
    expect(allowWhere('from', { remoteIpBlocks: ['10.0.1.0/24'] }).decide({ ...details, remoteIp: '203.0.113.5' }, reviews).allowed).toBe(false);
    expect(() => allowWhere('from', { ipBlocks: ['10.0.1.0/33'] }).decide(details, reviews)).toThrow(/invalid CIDR/);
  });

  test('JWT presence: requestPrincipals ["*"] needs a token; DENY notRequestPrincipals ["*"] refuses requests without one', () => {
    const user: Caller = { ...plainText, requestPrincipal: 'https://idp.example.com/alice' };
    expect(allowWhere('from', { requestPrincipals: ['*'] }).decide(user, reviews).allowed).toBe(true);
    expect(allowWhere('from', { requestPrincipals: ['*'] }).decide(plainText, reviews).allowed).toBe(false);
    const requireJwt = new AuthorizationModel([policy('shop', 'require-jwt', { action: 'DENY', rules: [{ from: [{ source: { notRequestPrincipals: ['*'] } }] }] })]);
    expect(requireJwt.decide(plainText, reviews)).toEqual({ allowed: false, reason: 'DENY shop/require-jwt rule 0' });
    expect(requireJwt.decide(user, reviews).allowed).toBe(true);
  });

  test('requestPrincipals split at the last "/" into iss and sub (requestPrincipalGenerator)', () => {
    const user: Caller = { requestPrincipal: 'https://idp.example.com/alice' };
    const with_ = (p: string) => allowWhere('from', { requestPrincipals: [p] }).decide(user, reviews).allowed;
    expect(with_('https://idp.example.com/alice')).toBe(true);
    expect(with_('https://idp.example.com/*')).toBe(true);
    expect(with_('https://idp.example.com/al*')).toBe(true);
    expect(with_('https://other.example.com/*')).toBe(false);
    expect(with_('*example.com/alice')).toBe(true);
    expect(with_('*/alice')).toBe(true);
    expect(with_('*/bob')).toBe(false);
    // A prefix pattern holding a "/" is still split: `https://idp.*` means iss "https:/" and sub prefix "idp.".
    expect(with_('https://idp.*')).toBe(false);
    const plainIssuer: Caller = { requestPrincipal: 'acme-idp/alice' };
    expect(allowWhere('from', { requestPrincipals: ['acme*'] }).decide(plainIssuer, reviews).allowed).toBe(true);
    expect(allowWhere('from', { requestPrincipals: ['*ice'] }).decide(plainIssuer, reviews).allowed).toBe(true);
  });

  test('claims: nested brackets, list claims match any element, space-delimited scope, missing claims satisfy notValues', () => {
    const user: Caller = {
      requestPrincipal: 'https://idp.example.com/alice',
      claims: { realm: { roles: ['viewer', 'reviewer'] }, groups: ['eng'], scope: 'read:reviews write:ratings' },
    };
    const when = (key: string, cond: { values?: string[]; notValues?: string[] }, caller: Caller = user) =>
      new AuthorizationModel([policy('shop', 'p', { rules: [{ when: [{ key, ...cond }] }] })]).decide(caller, reviews).allowed;
    expect(when('request.auth.claims[realm][roles]', { values: ['reviewer'] })).toBe(true);
    expect(when('request.auth.claims[realm][roles]', { values: ['admin'] })).toBe(false);
    expect(when('request.auth.claims[realm][roles]', { values: ['rev*'] })).toBe(true);
    expect(when('request.auth.claims[groups]', { values: ['eng'] })).toBe(true);
    expect(when('request.auth.claims[scope]', { values: ['read:reviews'] })).toBe(true);
    expect(when('request.auth.claims[iss]', { values: ['https://idp.example.com'] })).toBe(true);
    expect(when('request.auth.claims[realm][missing]', { notValues: ['x'] })).toBe(true);
    expect(when('request.auth.claims[groups]', { notValues: ['eng'] }, plainText)).toBe(true);
    expect(when('request.auth.claims[groups]', { values: ['eng'] }, plainText)).toBe(false);
    expect(() => new AuthorizationModel([]).decide({ claims: { groups: 'eng' } }, reviews)).toThrow(/verified JWT/);
  });

  test('when keys: headers, source/remote ip, source namespace and principal, request principal, destination port', () => {
    const when = (key: string, values: string[], caller: Caller, call: Call = reviews) =>
      new AuthorizationModel([policy('shop', 'p', { rules: [{ when: [{ key, values }] }] })]).decide(caller, call).allowed;
    expect(when('request.headers[X-Canary]', ['*'], { headers: { 'x-canary': '' } })).toBe(true);
    expect(when('request.headers[x-canary]', ['*'], {})).toBe(false);
    expect(when('request.headers[user-agent]', ['curl/*'], { headers: { 'User-Agent': 'curl/8.5' } })).toBe(true);
    expect(when('source.ip', ['10.0.1.0/24'], details)).toBe(true);
    expect(when('remote.ip', ['203.0.113.0/24'], { ...details, remoteIp: '203.0.113.9' })).toBe(true);
    expect(when('source.namespace', ['shop'], details)).toBe(true);
    expect(when('source.namespace', ['shop'], { namespace: 'shop' })).toBe(false);
    expect(when('source.principal', ['*/sa/details'], details)).toBe(true);
    expect(when('request.auth.principal', ['https://idp.example.com/*'], { requestPrincipal: 'https://idp.example.com/bob' })).toBe(true);
    expect(when('destination.port', ['9080'], details)).toBe(true);
    expect(when('destination.port', ['8080'], details)).toBe(false);
  });

  test('unknown when keys and unknown source/operation fields throw, so tests notice', () => {
    expect(() => new AuthorizationModel([policy('shop', 'p', { rules: [{ when: [{ key: 'connection.sni', values: ['x'] }] }] })]).decide(details, reviews))
      .toThrow(/connection.sni/);
    expect(() => new AuthorizationModel([policy('shop', 'p', { rules: [{ when: [{ key: 'request.headers', values: ['x'] }] }] })]).decide(details, reviews))
      .toThrow(/request.headers/);
    expect(() => allowWhere('from', { principal: ['x'] }).decide(details, reviews)).toThrow(/source.principal is not modelled/);
    expect(() => allowWhere('to', { notPath: ['x'] }).decide(details, reviews)).toThrow(/operation.notPath is not modelled/);
  });
});
