import { Chart, Duration, Testing } from 'cdk8s';
import { PolicyTarget, RequestAuthentication, SecureGateway } from '../../src';
import { only, synthAppValid, synthError, synthValid } from '../support/schema';

const ISSUER = 'https://accounts.example.com';
const JWKS = 'https://accounts.example.com/.well-known/jwks.json';

describe('RequestAuthentication', () => {
  test('every JWT rule field reaches the YAML', () => {
    const chart = Testing.chart();
    new RequestAuthentication(chart, 'ra', {
      metadata: { name: 'api-jwt' },
      selector: { app: 'api' },
      jwtRules: [{
        issuer: ISSUER,
        jwksUri: JWKS,
        audiences: ['shop-api'],
        fromHeaders: [{ name: 'Authorization', prefix: 'Bearer ' }, { name: 'x-jwt' }],
        fromParams: ['token'],
        fromCookies: ['session'],
        forwardOriginalToken: true,
        outputPayloadToHeader: 'x-jwt-payload',
        outputClaimToHeaders: [{ header: 'x-jwt-sub', claim: 'sub' }],
        spaceDelimitedClaims: ['scope'],
        timeout: Duration.seconds(3),
      }],
    });
    const ra = only(synthValid(chart), 'RequestAuthentication');
    expect(ra.spec).toEqual({
      selector: { matchLabels: { app: 'api' } },
      jwtRules: [{
        issuer: ISSUER,
        jwksUri: JWKS,
        audiences: ['shop-api'],
        fromHeaders: [{ name: 'Authorization', prefix: 'Bearer ' }, { name: 'x-jwt' }],
        fromParams: ['token'],
        fromCookies: ['session'],
        forwardOriginalToken: true,
        outputPayloadToHeader: 'x-jwt-payload',
        outputClaimToHeaders: [{ header: 'x-jwt-sub', claim: 'sub' }],
        spaceDelimitedClaims: ['scope'],
        timeout: '3s',
      }],
    });
    expect(ra).toMatchSnapshot();
  });

  test('targetRefs attach it to a Gateway API gateway', () => {
    const chart = Testing.chart();
    new RequestAuthentication(chart, 'ra', { targetRefs: [PolicyTarget.gateway('edge')], jwtRules: [{ issuer: ISSUER, jwksUri: JWKS }] });
    expect(only(synthValid(chart), 'RequestAuthentication').spec.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge' }]);
  });

  test('at least one rule; jwks and jwksUri are exclusive', () => {
    expect(() => new RequestAuthentication(Testing.chart(), 'ra', { jwtRules: [] })).toThrow("[test/ra] 'jwtRules' ([]) must have at least one rule");
    expect(() => new RequestAuthentication(Testing.chart(), 'ra', { jwtRules: [{ issuer: ISSUER, jwksUri: JWKS, jwks: '{"keys":[]}' }] }))
      .toThrow("[test/ra] 'jwtRules[0].jwks' ((inline key set)) cannot be set together with jwksUri");
  });

  // Istio's webhook rules reach the construct path (mirrors TestValidateRequestAuthentication: bad jwks URI, empty issuer).
  test.each([
    [{ issuer: ISSUER, jwksUri: 'ftp://keys.example.com/jwks' }, "'spec.jwtRules[0].jwksUri'"],
    [{ issuer: '' }, "'spec.jwtRules[0].issuer'"],
  ])('a bad rule is refused at synth: %j', (rule, field) => {
    const chart = Testing.chart();
    new RequestAuthentication(chart, 'ra', { jwtRules: [rule] });
    expect(synthError(chart)).toContain(`[test/ra] ${field}`);
  });
});

describe('SecureGateway.requireJwt', () => {
  function gatewayApp(paths?: string[]) {
    const app = Testing.app();
    const gw = new SecureGateway(new Chart(app, 'edge', { namespace: 'edge' }), 'gw', { hosts: ['shop.example.com'], credentialName: 'cert' });
    const enforcement = gw.requireJwt({ issuer: ISSUER, jwksUri: JWKS, audiences: ['shop'], paths });
    return { app, gw, enforcement };
  }

  test('validates tokens AND rejects requests without one, on the gateway workload, in its namespace', () => {
    const { app, enforcement } = gatewayApp(['/api/*']);
    const manifests = synthAppValid(app);
    const ra = manifests.find((m) => m.kind === 'RequestAuthentication');
    const ap = manifests.find((m) => m.kind === 'AuthorizationPolicy');
    expect([ra.metadata.namespace, ap.metadata.namespace]).toEqual(['istio-system', 'istio-system']);
    expect(ra.spec).toEqual({ selector: { matchLabels: { istio: 'ingressgateway' } }, jwtRules: [{ issuer: ISSUER, jwksUri: JWKS, audiences: ['shop'] }] });
    // The missing half users forget: without it, a request with no token is let through.
    expect(ap.spec).toEqual({
      selector: { matchLabels: { istio: 'ingressgateway' } },
      action: 'DENY',
      rules: [{
        from: [{ source: { notRequestPrincipals: [`${ISSUER}/*`] } }],
        to: [{ operation: { hosts: ['shop.example.com', 'shop.example.com:*'], ports: ['8443'], paths: ['/api/*'] } }],
      }],
    });
    expect(enforcement.authorizationPolicy.action).toBe('DENY');
  });

  test('without paths, every path of the hosts requires the token', () => {
    const manifests = synthAppValid(gatewayApp().app);
    expect(manifests.find((m) => m.kind === 'AuthorizationPolicy').spec.rules[0].to[0].operation.paths).toBeUndefined();
  });

  test('paths are paths', () => {
    const { gw } = gatewayApp();
    expect(() => gw.requireJwt({ issuer: ISSUER, paths: ['api/*'] })).toThrow("'requireJwt.paths[0]' (api/*) must start with / (or * for a suffix match)");
  });
});
