import { Testing } from 'cdk8s';
import { AuthorizationAction, AuthorizationPolicy, ConditionKey, PolicyTarget } from '../../src';
import { only, synthError, synthValid } from '../support/schema';

describe('AuthorizationPolicy', () => {
  test('rules render every source, operation and condition field Istio has', () => {
    const chart = Testing.chart();
    new AuthorizationPolicy(chart, 'ap', {
      metadata: { name: 'ratings' },
      selector: { app: 'ratings' },
      rules: [{
        from: [{
          principals: ['cluster.local/ns/shop/sa/reviews'],
          notPrincipals: ['cluster.local/ns/shop/sa/bot'],
          requestPrincipals: ['https://issuer.example.com/*'],
          notRequestPrincipals: ['https://issuer.example.com/banned'],
          namespaces: ['shop'],
          notNamespaces: ['legacy'],
          trustDomains: ['cluster.local'],
          notTrustDomains: ['old.local'],
          ipBlocks: ['10.0.0.0/8'],
          notIpBlocks: ['10.1.0.0/16'],
          remoteIpBlocks: ['203.0.113.0/24'],
          notRemoteIpBlocks: ['203.0.113.7'],
        }, {
          // Istio refuses service accounts together with principals or namespaces (CRD CEL rule).
          serviceAccounts: ['shop/reviews'], notServiceAccounts: ['shop/bot'],
        }],
        to: [{
          hosts: ['ratings.example.com'],
          notHosts: ['admin.example.com'],
          ports: [9080],
          notPorts: [9090],
          methods: ['GET'],
          notMethods: ['DELETE'],
          paths: ['/ratings/*'],
          notPaths: ['/ratings/admin'],
        }],
        when: [
          { key: ConditionKey.requestHeader('x-tenant'), values: ['acme'] },
          { key: ConditionKey.requestClaim('realm', 'roles'), values: ['reader'] },
          { key: ConditionKey.SOURCE_IP, notValues: ['10.9.0.0/16'] },
        ],
      }],
    });
    const ap = only(synthValid(chart), 'AuthorizationPolicy');
    expect(ap.spec.action).toBe('ALLOW');
    expect(ap.spec.selector).toEqual({ matchLabels: { app: 'ratings' } });
    expect(ap.spec.rules[0].from[0].source.notRemoteIpBlocks).toEqual(['203.0.113.7']);
    expect(ap.spec.rules[0].from[0].source.trustDomains).toEqual(['cluster.local']);
    expect(ap.spec.rules[0].from[1].source).toEqual({ serviceAccounts: ['shop/reviews'], notServiceAccounts: ['shop/bot'] });
    // Istio's ports are strings
    expect(ap.spec.rules[0].to[0].operation).toMatchObject({ ports: ['9080'], notPorts: ['9090'], paths: ['/ratings/*'] });
    expect(ap.spec.rules[0].when).toEqual([
      { key: 'request.headers[x-tenant]', values: ['acme'] },
      { key: 'request.auth.claims[realm][roles]', values: ['reader'] },
      { key: 'source.ip', notValues: ['10.9.0.0/16'] },
    ]);
    expect(ap).toMatchSnapshot();
  });

  test('allowAll, denyAll and allowNothing write the empty-rule forms on purpose', () => {
    const chart = Testing.chart();
    AuthorizationPolicy.allowAll(chart, 'all', { metadata: { name: 'allow-all' }, selector: { app: 'web' } });
    AuthorizationPolicy.denyAll(chart, 'none', { metadata: { name: 'deny-all' }, selector: { app: 'legacy' } });
    AuthorizationPolicy.allowNothing(chart, 'default', { metadata: { name: 'allow-nothing' } });
    const specs = Object.fromEntries(synthValid(chart).map((o) => [o.metadata.name, o.spec]));
    expect(specs).toEqual({
      'allow-all': { action: 'ALLOW', selector: { matchLabels: { app: 'web' } }, rules: [{}] },
      'deny-all': { action: 'DENY', selector: { matchLabels: { app: 'legacy' } }, rules: [{}] },
      'allow-nothing': { action: 'ALLOW' },
    });
  });

  test('an empty rule is refused: it would allow every request only by omission', () => {
    const chart = Testing.chart();
    new AuthorizationPolicy(chart, 'ap', { selector: { app: 'web' }, rules: [{}] });
    expect(synthError(chart)).toContain("[test/ap] 'spec.rules[0]' ({}) has no from, to or when, so it matches every request and the policy allows everything; "
      + 'say so with AuthorizationPolicy.allowAll()');
  });

  test('an empty DENY rule names denyAll()', () => {
    const chart = Testing.chart();
    new AuthorizationPolicy(chart, 'ap', { action: AuthorizationAction.DENY, rules: [{ from: [], to: [] }] });
    expect(synthError(chart)).toContain('the policy denies everything; say so with AuthorizationPolicy.denyAll()');
  });

  test('an ALLOW policy without rules is refused: it denies everything only by omission', () => {
    const chart = Testing.chart();
    new AuthorizationPolicy(chart, 'ap', { selector: { app: 'web' } });
    expect(synthError(chart)).toContain("[test/ap] 'spec.rules' ([]) is empty: the ALLOW policy matches no request, so the workloads it applies to accept no request at all; "
      + 'say so with AuthorizationPolicy.allowNothing()');
  });

  test('a DENY policy without rules does nothing, and is refused', () => {
    const chart = Testing.chart();
    new AuthorizationPolicy(chart, 'ap', { action: AuthorizationAction.DENY });
    expect(synthError(chart)).toContain('the DENY policy matches no request, so it has no effect; add rules, or remove the policy');
  });

  // mirrors the CRD rule (and TestValidateAuthorizationPolicy) on serviceAccounts with principals
  test('service accounts together with principals are refused', () => {
    const chart = Testing.chart();
    new AuthorizationPolicy(chart, 'ap', { rules: [{ from: [{ principals: ['cluster.local/ns/a/sa/b'], serviceAccounts: ['a/b'] }] }] });
    expect(synthError(chart)).toContain("[test/ap] 'spec.rules[0].from[0].source.serviceAccounts' ([\"a/b\"]) must not be set together with principals");
  });

  test('rules cannot be added to a factory-made policy', () => {
    const policy = AuthorizationPolicy.allowNothing(Testing.chart(), 'ap');
    expect(() => policy.addRule({ from: [{ namespaces: ['shop'] }] }))
      .toThrow("[test/ap] 'rules' ({\"from\":[{\"namespaces\":[\"shop\"]}]}) cannot be added to a policy made by AuthorizationPolicy.allowNothing()");
  });

  test('addRule appends rules in order', () => {
    const chart = Testing.chart();
    new AuthorizationPolicy(chart, 'ap', { rules: [{ from: [{ namespaces: ['a'] }] }] }).addRule({ to: [{ methods: ['GET'] }] });
    expect(only(synthValid(chart), 'AuthorizationPolicy').spec.rules).toEqual([
      { from: [{ source: { namespaces: ['a'] } }] },
      { to: [{ operation: { methods: ['GET'] } }] },
    ]);
  });

  test('CUSTOM with its provider', () => {
    const chart = Testing.chart();
    new AuthorizationPolicy(chart, 'ap', { action: AuthorizationAction.CUSTOM, provider: 'ext-authz', rules: [{ to: [{ paths: ['/admin/*'] }] }] });
    expect(only(synthValid(chart), 'AuthorizationPolicy').spec).toMatchObject({ action: 'CUSTOM', provider: { name: 'ext-authz' } });
  });

  // mirrors TestValidateAuthorizationPolicy: CUSTOM needs a provider
  test('CUSTOM without a provider is refused', () => {
    const chart = Testing.chart();
    new AuthorizationPolicy(chart, 'ap', { action: AuthorizationAction.CUSTOM, rules: [{ to: [{ paths: ['/admin/*'] }] }] });
    expect(synthError(chart)).toContain("[test/ap] 'spec.provider.name' (unset) must name the extension provider with action CUSTOM");
  });

  test('targetRefs for a Gateway API gateway and a waypoint-enforced Service', () => {
    const chart = Testing.chart();
    new AuthorizationPolicy(chart, 'ap', {
      targetRefs: [PolicyTarget.gateway('edge'), PolicyTarget.service('reviews')],
      rules: [{ from: [{ namespaces: ['shop'] }] }],
    });
    expect(only(synthValid(chart), 'AuthorizationPolicy').spec.targetRefs).toEqual([
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge' },
      { group: '', kind: 'Service', name: 'reviews' },
    ]);
  });

  test('selector and targetRefs together are refused', () => {
    expect(() => new AuthorizationPolicy(Testing.chart(), 'ap', { selector: { app: 'a' }, targetRefs: [PolicyTarget.gateway('edge')] }))
      .toThrow("[test/ap] 'targetRefs' ([\"Gateway/edge\"]) cannot be set together with selector; keep one of them");
  });

  test('ports are port numbers', () => {
    expect(() => new AuthorizationPolicy(Testing.chart(), 'ap', { rules: [{ to: [{ ports: [70000] }] }] }))
      .toThrow("[test/ap] 'to[0].ports[0]' (70000) must be a port number from 1 to 65535");
  });

  test("Istio's value rules reach the construct path: a bad condition key", () => {
    const chart = Testing.chart();
    new AuthorizationPolicy(chart, 'ap', { rules: [{ when: [{ key: ConditionKey.of('request.nonsense'), values: ['x'] }] }] });
    expect(synthError(chart)).toMatch(/\[test\/ap\] 'spec\.rules\[0\]\.when\[0\]\.key' \(request\.nonsense\)/);
  });
});
