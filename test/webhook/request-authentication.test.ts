import { createSecretKey, generateKeyPairSync } from 'crypto';
import { verdictOf, WebhookCase } from './verdict';
import { validateIstioMetadata } from '../../src/validation/istio-metadata';
import { jwksPrivateKeys, jwksProblem, parseJwksUri, validateRequestAuthenticationSpec } from '../../src/validation/request-authentication';

// One row per case of Istio 1.30.3's TestValidateRequestAuthentication (pkg/config/validation)
// and TestParseJwksURI (pkg/config/security), with inputs of our own that exercise the same rule.

const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ed = generateKeyPairSync('ed25519');
const RSA_PUBLIC = { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'signing-2024' };
const RSA_PRIVATE = { ...rsa.privateKey.export({ format: 'jwk' }), kid: 'leaked' };
const EC_PUBLIC = ec.publicKey.export({ format: 'jwk' });
const EC_PRIVATE = ec.privateKey.export({ format: 'jwk' });
const OKP_PUBLIC = ed.publicKey.export({ format: 'jwk' });
const OCT = createSecretKey(Buffer.alloc(32, 7)).export({ format: 'jwk' });

const ISSUER = 'https://login.example.org';
const rule = (extra: Record<string, unknown> = {}) => ({ issuer: ISSUER, jwksUri: 'https://login.example.org/keys', ...extra });
const jwtRule = (extra: Record<string, unknown>) => ({ jwtRules: [rule(extra)] });
const withUri = (jwksUri: string) => ({ jwtRules: [{ issuer: ISSUER, jwksUri }] });
const withJwks = (jwks: unknown) => ({ jwtRules: [{ issuer: ISSUER, jwks: typeof jwks === 'string' ? jwks : JSON.stringify(jwks) }] });
const GATEWAY = { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public-ingress' };

interface Case extends WebhookCase {
  /** metadata.annotations of the object, when the rule reads them. */
  readonly annotations?: Record<string, string>;
}

const CASES: Case[] = [
  { mirrors: 'TestValidateRequestAuthentication "empty spec"', spec: {}, verdict: 'accept' },
  { mirrors: 'TestValidateRequestAuthentication "another empty spec"', spec: { selector: {} }, verdict: 'warn' },
  { mirrors: 'TestValidateRequestAuthentication "empty spec with non default name"', spec: {}, name: 'payments-jwt', verdict: 'accept' },
  {
    mirrors: 'TestValidateRequestAuthentication "dry run annotation not supported"',
    spec: {},
    annotations: { 'istio.io/dry-run': 'false' },
    verdict: 'refuse',
    field: 'metadata.annotations.istio.io/dry-run',
  },
  { mirrors: 'TestValidateRequestAuthentication "default name with non empty selector"', spec: { selector: { matchLabels: { app: 'checkout' } } }, verdict: 'accept' },
  { mirrors: 'TestValidateRequestAuthentication "empty jwt rule"', spec: { jwtRules: [{}] }, verdict: 'refuse', field: 'spec.jwtRules[0].issuer' },
  { mirrors: 'TestValidateRequestAuthentication "empty issuer and jwksUri"', spec: { jwtRules: [{ issuer: '' }] }, verdict: 'refuse', field: 'spec.jwtRules[0].issuer' },
  { mirrors: 'TestValidateRequestAuthentication "empty issuer and set jwksUri"', spec: { jwtRules: [{ issuer: '', jwksUri: 'https://login.example.org/keys' }] }, verdict: 'accept' },
  {
    mirrors: 'TestValidateRequestAuthentication "bad JwksUri - no protocol"',
    spec: withUri('login.example.org/keys'),
    verdict: 'refuse',
    field: 'spec.jwtRules[0].jwksUri',
  },
  {
    mirrors: 'TestValidateRequestAuthentication "bad JwksUri - invalid port"',
    spec: withUri('https://login.example.org:https/keys'),
    verdict: 'refuse',
    field: 'spec.jwtRules[0].jwksUri',
  },
  {
    mirrors: 'TestValidateRequestAuthentication "empty value"',
    spec: { selector: { matchLabels: { app: 'checkout', tier: '' } }, jwtRules: [rule()] },
    verdict: 'accept',
  },
  {
    mirrors: 'TestValidateRequestAuthentication "bad workload selector - empty key"',
    spec: { selector: { matchLabels: { 'app': 'checkout', '': 'blue' } }, jwtRules: [rule()] },
    verdict: 'refuse',
    field: 'spec.selector.matchLabels',
  },
  { mirrors: 'TestValidateRequestAuthentication "good targetRef"', spec: { targetRef: GATEWAY, jwtRules: [rule()] }, verdict: 'accept' },
  {
    mirrors: 'TestValidateRequestAuthentication "bad targetRef - empty name"',
    spec: { targetRef: { group: GATEWAY.group, kind: GATEWAY.kind }, jwtRules: [rule()] },
    verdict: 'refuse',
    field: 'spec.targetRef.name',
  },
  {
    mirrors: 'TestValidateRequestAuthentication "bad targetRef - non-empty namespace"',
    spec: { targetRef: { ...GATEWAY, namespace: 'edge' }, jwtRules: [rule()] },
    verdict: 'refuse',
    field: 'spec.targetRef.namespace',
  },
  {
    mirrors: 'TestValidateRequestAuthentication "bad targetRef - wrong group"',
    spec: { targetRef: { ...GATEWAY, group: 'networking.istio.io' }, jwtRules: [rule()] },
    verdict: 'refuse',
    field: 'spec.targetRef.group',
  },
  {
    mirrors: 'TestValidateRequestAuthentication "bad targetRef - wrong kind"',
    spec: { targetRef: { ...GATEWAY, kind: 'HTTPRoute' }, jwtRules: [rule()] },
    verdict: 'refuse',
    field: 'spec.targetRef.kind',
  },
  {
    mirrors: 'TestValidateRequestAuthentication "targetRef and selector cannot both be set"',
    spec: { targetRef: GATEWAY, selector: { matchLabels: { app: 'checkout' } }, jwtRules: [rule()] },
    verdict: 'refuse',
    field: 'spec',
  },
  {
    mirrors: 'TestValidateRequestAuthentication "bad header location"',
    spec: jwtRule({ fromHeaders: [{ name: '', prefix: 'Token ' }] }),
    verdict: 'refuse',
    field: 'spec.jwtRules[0].fromHeaders[0].name',
  },
  {
    mirrors: 'TestValidateRequestAuthentication "bad param location"',
    spec: jwtRule({ fromParams: [''] }),
    verdict: 'refuse',
    field: 'spec.jwtRules[0].fromParams[0]',
  },
  { mirrors: 'TestValidateRequestAuthentication "good"', spec: jwtRule({ fromHeaders: [{ name: 'x-auth-token', prefix: 'Token ' }] }), verdict: 'accept' },
  {
    mirrors: 'TestValidateRequestAuthentication "bad cookie location"',
    spec: jwtRule({ fromCookies: ['session', ''] }),
    verdict: 'refuse',
    field: 'spec.jwtRules[0].fromCookies[1]',
  },
  { mirrors: 'TestValidateRequestAuthentication "jwks ok"', spec: withJwks({ keys: [RSA_PUBLIC] }), verdict: 'accept' },
  { mirrors: 'TestValidateRequestAuthentication "jwks error"', spec: withJwks('not-a-key-set'), verdict: 'refuse', field: 'spec.jwtRules[0].jwks' },
  { mirrors: 'TestValidateRequestAuthentication "jwks with private RSA key warns"', spec: withJwks({ keys: [RSA_PRIVATE] }), verdict: 'warn' },
  {
    mirrors: 'TestValidateRequestAuthentication "null outputClaimToHeader"',
    spec: jwtRule({ outputClaimToHeaders: [{}] }),
    verdict: 'refuse',
    field: 'spec.jwtRules[0].outputClaimToHeaders[0].claim',
  },
  {
    mirrors: 'TestValidateRequestAuthentication "null claim value in outputClaimToHeader "',
    spec: jwtRule({ outputClaimToHeaders: [{ header: 'x-user', claim: '' }] }),
    verdict: 'refuse',
    field: 'spec.jwtRules[0].outputClaimToHeaders[0].claim',
  },
  {
    mirrors: 'TestValidateRequestAuthentication "null header value in outputClaimToHeader "',
    spec: jwtRule({ outputClaimToHeaders: [{ header: '', claim: 'email' }] }),
    verdict: 'refuse',
    field: 'spec.jwtRules[0].outputClaimToHeaders[0].header',
  },
  {
    mirrors: 'TestValidateRequestAuthentication "invalid header value in outputClaimToHeader "',
    spec: jwtRule({ outputClaimToHeaders: [{ header: 'x-user.email', claim: 'email' }] }),
    verdict: 'refuse',
    field: 'spec.jwtRules[0].outputClaimToHeaders[0].header',
  },

  // TestParseJwksURI's cases are unnamed: named here by what they exercise.
  { mirrors: 'TestParseJwksURI "no scheme"', spec: withUri('keys.example.net'), verdict: 'refuse', field: 'spec.jwtRules[0].jwksUri' },
  { mirrors: 'TestParseJwksURI "other scheme, bad port"', spec: withUri('ftp://keys.example.net:x'), verdict: 'refuse', field: 'spec.jwtRules[0].jwksUri' },
  { mirrors: 'TestParseJwksURI "http, bad port"', spec: withUri('http://keys.example.net:port'), verdict: 'refuse', field: 'spec.jwtRules[0].jwksUri' },
  { mirrors: 'TestParseJwksURI "http"', spec: withUri('http://keys.example.net'), verdict: 'accept' },
  { mirrors: 'TestParseJwksURI "https"', spec: withUri('https://keys.example.net'), verdict: 'accept' },
  { mirrors: 'TestParseJwksURI "http with port"', spec: withUri('http://keys.example.net:8080'), verdict: 'accept' },
  { mirrors: 'TestParseJwksURI "https with port and path"', spec: withUri('https://keys.example.net:8443/jwks/current'), verdict: 'accept' },

  // Rules with no row in Istio's tables, written from the source (validation.go, security.go, jwx v1, Go's net/url):
  { mirrors: 'validateJwtRule audience', spec: jwtRule({ audiences: ['orders', ''] }), verdict: 'refuse', field: 'spec.jwtRules[0].audiences[1]' },
  { mirrors: 'validateJwtRule timeout below 1ms', spec: jwtRule({ timeout: '500us' }), verdict: 'refuse', field: 'spec.jwtRules[0].timeout' },
  { mirrors: 'validateJwtRule timeout', spec: jwtRule({ timeout: '2s' }), verdict: 'accept' },
  { mirrors: 'validateJwtRule null header location', spec: jwtRule({ fromHeaders: [null] }), verdict: 'refuse', field: 'spec.jwtRules[0].fromHeaders[0]' },
  { mirrors: 'validateJwtRule null outputClaimToHeaders entry', spec: jwtRule({ outputClaimToHeaders: [null] }), verdict: 'refuse', field: 'spec.jwtRules[0].outputClaimToHeaders[0]' },
  { mirrors: 'validateJwtRule jwks_uri (proto name)', spec: { jwtRules: [{ jwks_uri: 'keys.example.net' }] }, verdict: 'refuse', field: 'spec.jwtRules[0].jwks_uri' },
  { mirrors: 'validateJwtRule jwks_uri stands for the issuer', spec: { jwtRules: [{ jwks_uri: 'https://keys.example.net/jwks' }] }, verdict: 'accept' },
  { mirrors: 'validateJwtRule issuer of the wrong type', spec: { jwtRules: [{ issuer: 42 }] }, verdict: 'refuse', field: 'spec.jwtRules[0].issuer' },
  { mirrors: 'ValidateRequestAuthentication null rule', spec: { jwtRules: [null] }, verdict: 'accept' },
  { mirrors: 'validateWorkloadSelector wildcard', spec: { selector: { matchLabels: { app: 'check*' } } }, verdict: 'refuse', field: 'spec.selector.matchLabels' },
  { mirrors: 'validatePolicyTargetReferences core Service', spec: { targetRefs: [{ kind: 'Service', name: 'orders' }, { group: 'core', kind: 'Service', name: 'cart' }] }, verdict: 'accept' },
  {
    mirrors: 'validatePolicyTargetReferences ServiceEntry and GatewayClass',
    spec: { targetRefs: [{ group: 'networking.istio.io', kind: 'ServiceEntry', name: 'idp' }, { ...GATEWAY, kind: 'GatewayClass' }] },
    verdict: 'accept',
  },
  { mirrors: 'validatePolicyTargetReferences bad entry', spec: { targetRefs: [GATEWAY, { kind: 'Deployment', name: 'orders' }] }, verdict: 'refuse', field: 'spec.targetRefs[1].kind' },
  { mirrors: 'validateOneOfSelectorType targetRefs and selector', spec: { targetRefs: [GATEWAY], selector: { matchLabels: { app: 'checkout' } } }, verdict: 'refuse', field: 'spec' },
  { mirrors: 'validateOneOfSelectorType empty targetRefs', spec: { targetRefs: [], selector: { matchLabels: { app: 'checkout' } } }, verdict: 'accept' },
  { mirrors: 'ParseJwksURI scheme in upper case', spec: withUri('HTTPS://keys.example.net/jwks'), verdict: 'accept' },
  { mirrors: 'ParseJwksURI IPv6 host', spec: withUri('https://[2001:db8::10]:8443/jwks'), verdict: 'accept' },
  { mirrors: 'ParseJwksURI IPv4 in brackets', spec: withUri('https://[192.0.2.10]/jwks'), verdict: 'refuse', field: 'spec.jwtRules[0].jwksUri' },
  { mirrors: 'ParseJwksURI port beyond int64', spec: withUri('https://keys.example.net:92233720368547758070/'), verdict: 'refuse', field: 'spec.jwtRules[0].jwksUri' },
  { mirrors: 'ParseJwksURI port beyond 65535 (not checked)', spec: withUri('https://keys.example.net:70000/'), verdict: 'accept' },
  { mirrors: 'ParseJwksURI space in user info', spec: withUri('https://jwt reader@keys.example.net/'), verdict: 'refuse', field: 'spec.jwtRules[0].jwksUri' },
  { mirrors: 'ParseJwksURI invalid host character', spec: withUri('https://keys{1}.example.net/'), verdict: 'refuse', field: 'spec.jwtRules[0].jwksUri' },
  { mirrors: 'ParseJwksURI bad escape in path', spec: withUri('https://keys.example.net/%zz'), verdict: 'refuse', field: 'spec.jwtRules[0].jwksUri' },
  { mirrors: 'ParseJwksURI control character', spec: withUri('https://keys.example.net/\tjwks'), verdict: 'refuse', field: 'spec.jwtRules[0].jwksUri' },
  { mirrors: 'ParseJwksURI opaque URL (accepted, no host)', spec: withUri('https:keys.example.net'), verdict: 'accept' },
  { mirrors: 'jwk.Parse single key', spec: withJwks(EC_PUBLIC), verdict: 'accept' },
  { mirrors: 'jwk.Parse OKP key', spec: withJwks({ keys: [OKP_PUBLIC, RSA_PUBLIC] }), verdict: 'accept' },
  { mirrors: 'jwk.Parse null keys', spec: withJwks('{"keys": null}'), verdict: 'accept' },
  { mirrors: 'jwk.Parse not an object', spec: withJwks([RSA_PUBLIC]), verdict: 'refuse', field: 'spec.jwtRules[0].jwks' },
  { mirrors: 'jwk.Parse unknown kty', spec: withJwks({ keys: [{ kty: 'DSA', y: 'AQAB' }] }), verdict: 'refuse', field: 'spec.jwtRules[0].jwks' },
  { mirrors: 'jwk.Parse missing member', spec: withJwks({ keys: [{ kty: 'RSA', e: 'AQAB' }] }), verdict: 'refuse', field: 'spec.jwtRules[0].jwks' },
  { mirrors: 'jwk.Parse bad base64', spec: withJwks({ keys: [{ ...RSA_PUBLIC, n: 'not base64!' }] }), verdict: 'refuse', field: 'spec.jwtRules[0].jwks' },
  { mirrors: 'jwk.Parse bad x5c', spec: withJwks({ keys: [{ ...RSA_PUBLIC, x5c: ['AAAA'] }] }), verdict: 'refuse', field: 'spec.jwtRules[0].jwks' },
  { mirrors: 'warnPrivateJwksKeys EC private key', spec: withJwks({ keys: [EC_PUBLIC, EC_PRIVATE] }), verdict: 'warn' },
  { mirrors: 'warnPrivateJwksKeys symmetric key', spec: withJwks({ keys: [OCT] }), verdict: 'warn' },
];

function findingsOf({ spec, annotations }: Case) {
  const findings = validateRequestAuthenticationSpec(spec);
  if (!annotations) return findings;
  const manifest = { apiVersion: 'security.istio.io/v1', kind: 'RequestAuthentication', metadata: { name: 'jwt', annotations }, spec };
  return validateIstioMetadata(manifest).merge(findings);
}

describe.each(CASES)('$mirrors', (c) => {
  test(c.verdict, () => {
    const findings = findingsOf(c);
    expect({ verdict: verdictOf(findings), messages: findings.messages }).toEqual({ verdict: c.verdict, messages: expect.anything() });
    if (c.field) expect(findings.messages.join('\n')).toContain(`'${c.field}'`);
  });
});

test('TestParseJwksURI: what Istio reads from the URL', () => {
  expect(parseJwksUri('http://keys.example.net')).toEqual({ hostname: 'keys.example.net', scheme: 'http', port: 80, useSsl: false });
  expect(parseJwksUri('https://keys.example.net')).toEqual({ hostname: 'keys.example.net', scheme: 'https', port: 443, useSsl: true });
  expect(parseJwksUri('http://keys.example.net:8080')).toEqual({ hostname: 'keys.example.net', scheme: 'http', port: 8080, useSsl: false });
  expect(parseJwksUri('https://keys.example.net:8443/jwks/current')).toEqual({ hostname: 'keys.example.net', scheme: 'https', port: 8443, useSsl: true });
  expect(parseJwksUri('https://[2001:db8::10]:8443/jwks')).toEqual({ hostname: '2001:db8::10', scheme: 'https', port: 8443, useSsl: true });
});

test('messages name the rule and the fix', () => {
  expect(validateRequestAuthenticationSpec(withUri('https://login.example.org:https/keys')).messages).toEqual([
    "'spec.jwtRules[0].jwksUri' (https://login.example.org:https/keys) must have only digits after the \":\" that follows the host (found \":https\"); "
    + 'write the URL of the JWKS document, e.g. "https://issuer.example.com/.well-known/jwks.json"',
  ]);
  expect(jwksProblem('{"keys": [{"kty": "RSA", "e": "AQAB"}]}')).toBe('must hold valid JWKs (keys[0] must have the member "n" (a RSA key))');
  expect(jwksPrivateKeys(JSON.stringify({ keys: [RSA_PUBLIC, RSA_PRIVATE, OCT] }))).toEqual([1, 2]);
});

test('never throws on values of the wrong type', () => {
  const junk = [null, 0, 'x', [], {}, [null], [1], { a: null }, '{', '{"keys":[{"kty":{}}]}', '['.repeat(20000)];
  for (const value of junk) {
    const specs = [
      value,
      { selector: value, targetRef: value, targetRefs: value, jwtRules: value },
      { selector: { matchLabels: value }, targetRefs: [value] },
      { jwtRules: [value, rule({ audiences: value, fromHeaders: value, fromParams: value, fromCookies: value, outputClaimToHeaders: value })] },
      { jwtRules: [rule({ timeout: value, audiences: [value], fromParams: [value], fromCookies: [value] })] },
      { jwtRules: [{ issuer: value, jwksUri: value, jwks: value, fromHeaders: [{ name: value }] }] },
      { jwtRules: [{ jwks_uri: value, outputClaimToHeaders: [{ claim: value, header: value }] }] },
    ];
    for (const spec of specs) expect(() => validateRequestAuthenticationSpec(spec).messages).not.toThrow();
  }
});

test('cases mirrored', () => {
  expect(CASES.filter((c) => c.mirrors.startsWith('TestValidateRequestAuthentication'))).toHaveLength(29);
  expect(CASES.filter((c) => c.mirrors.startsWith('TestParseJwksURI'))).toHaveLength(7);
});
