import { checkDuration } from './common';
import { Findings } from './findings';
import { goSplitHostPort, goUrlParse } from './go-url';
import { jwksProblem, readJwks } from './jwks';
import { checkPolicyTargets, textAt } from './policy-targets';
import { asList, isRecord } from './shape';

// Istio 1.30.3's admission rules for RequestAuthentication (pkg/config/validation
// ValidateRequestAuthentication): the selector / targetRef / targetRefs one-of,
// validateWorkloadSelector, validatePolicyTargetReference(s), validateJwtRule and
// warnPrivateJwksKeys. The jwksUri rule is security.ParseJwksURI over Go's url.Parse (Go 1.25,
// ./go-url); the jwks rule is jwk.Parse of lestrrat-go/jwx v1 (./jwks). Error paths only.
// The spec is hand-written YAML: values of the wrong type are reported, never thrown on.

// The jwks helpers moved to ./jwks; these two stay importable from here for existing callers.
export { jwksPrivateKeys, jwksProblem } from './jwks';

const JWKS_URI_FIX = 'write the URL of the JWKS document, e.g. "https://issuer.example.com/.well-known/jwks.json"';
const MAX_INT64 = '9223372036854775807';

// ---------------------------------------------------------------------------------------------
// jwksUri: security.ParseJwksURI, i.e. Go's url.Parse, then an http(s) scheme and a readable port.

/** What Istio reads from a jwksUri (security.JwksInfo). */
export interface JwksUriInfo {
  /** The host name, without brackets for an IPv6 address; may be empty (Istio accepts that). */
  readonly hostname: string;
  readonly scheme: 'http' | 'https';
  /** The port given in the URL, else 80 for http and 443 for https. Istio does not check its range. */
  readonly port: number;
  readonly useSsl: boolean;
}

/**
 * Istio's reading of a jwksUri (security.ParseJwksURI): what it connects to, or why Istio refuses
 * the URL (the rule, starting with "must").
 */
export function parseJwksUri(uri: unknown): JwksUriInfo | string {
  if (typeof uri !== 'string') return 'must be a string';
  const parsed = goUrlParse(uri);
  if (typeof parsed === 'string') return parsed;
  if (parsed.scheme !== 'http' && parsed.scheme !== 'https') {
    return parsed.scheme === '' ? 'must start with http:// or https://' : `must use the http or https scheme, not "${parsed.scheme}"`;
  }
  const { hostname, port: portText } = goSplitHostPort(parsed.host);
  const useSsl = parsed.scheme === 'https';
  if (portText === '') return { hostname, scheme: parsed.scheme, port: useSsl ? 443 : 80, useSsl };
  // strconv.Atoi: only a number beyond int64 fails.
  const digits = portText.replace(/^0+(?=.)/, '');
  if (digits.length > MAX_INT64.length || (digits.length === MAX_INT64.length && digits > MAX_INT64)) {
    return `must have a port number Istio can read (${portText} does not fit in 64 bits)`;
  }
  return { hostname, scheme: parsed.scheme, port: Number(digits), useSsl };
}

/** Why Istio refuses a jwksUri (the rule, starting with "must"), or undefined. */
export function jwksUriProblem(uri: unknown): string | undefined {
  const info = parseJwksUri(uri);
  return typeof info === 'string' ? info : undefined;
}

// ---------------------------------------------------------------------------------------------
// jwtRules: validateJwtRule.

const STRICT_HEADER_NAME = /^[-_A-Za-z0-9]+$/;

/** Why a header name is refused in outputClaimToHeaders (ValidateStrictHTTPHeaderName), or undefined. */
export function claimHeaderProblem(header: string): string | undefined {
  if (header === '') return 'must not be empty';
  return STRICT_HEADER_NAME.test(header) ? undefined : 'must be a header name of letters, digits, "-" and "_" only';
}

/** The rule broken by an unset or empty required string. */
function setRule(value: unknown): string {
  return value === undefined || value === null ? 'must be set' : 'must not be empty';
}

/** A list of names where none may be empty (audiences, fromParams, fromCookies). */
function checkNames(f: Findings, field: string, value: unknown, fix: string): void {
  asList(f, field, value).forEach((item, i) => {
    if (typeof item !== 'string') f.error(`${field}[${i}]`, item, 'must be a string', 'quote the value');
    else if (item === '') f.error(`${field}[${i}]`, item, 'must not be empty', fix);
  });
}

function checkJwks(f: Findings, field: string, jwks: string): void {
  const problem = jwksProblem(jwks);
  if (problem) {
    f.error(field, jwks, problem, 'give the public keys of the issuer as a JWK Set, {"keys": [{"kty": "RSA", "e": ..., "n": ...}]}, or use jwksUri');
    return;
  }
  const keys = readJwks(jwks);
  if (typeof keys === 'string') return;
  keys.forEach((key, i) => {
    if (!key.secret) return;
    if (key.kty === 'oct') {
      f.warning(field, `key ${i} (kty oct)`, 'is a symmetric key: a secret that every proxy receives, though verifying tokens needs only public keys',
        'sign the tokens with an RSA, EC or OKP key, and give only its public half');
    } else {
      f.warning(field, `key ${i} (kty ${key.kty})`, 'holds private key material ("d"), though verifying tokens needs only the public key',
        'give only the public half of the key: remove "d" (and "p", "q", "dp", "dq", "qi" of an RSA key)');
    }
  });
}

function checkJwtRule(f: Findings, field: string, rule: Record<string, any>): void {
  checkNames(f, `${field}.audiences`, rule.audiences, 'give the audience (aud claim) the tokens must carry, or remove the entry');
  const issuer = textAt(f, `${field}.issuer`, rule.issuer);
  // jwks_uri is the proto name of jwksUri; Istio reads either.
  const uriField = (rule.jwksUri === undefined || rule.jwksUri === null) && rule.jwks_uri !== undefined && rule.jwks_uri !== null
    ? `${field}.jwks_uri` : `${field}.jwksUri`;
  const jwksUri = textAt(f, uriField, rule.jwksUri ?? rule.jwks_uri);
  if (issuer === '' && jwksUri === '') {
    f.error(`${field}.issuer`, rule.issuer, 'must be set when jwksUri is not: a JWT rule needs an issuer or a JWKS URL',
      'give the iss claim of the tokens, e.g. "https://accounts.example.com", or the jwksUri of the issuer');
  }
  if (jwksUri) {
    const problem = jwksUriProblem(jwksUri);
    if (problem) f.error(uriField, jwksUri, problem, JWKS_URI_FIX);
  }
  const jwks = textAt(f, `${field}.jwks`, rule.jwks);
  if (jwks) checkJwks(f, `${field}.jwks`, jwks);

  asList(f, `${field}.fromHeaders`, rule.fromHeaders).forEach((location, i) => {
    const at = `${field}.fromHeaders[${i}]`;
    if (location === null || location === undefined) {
      f.error(at, location ?? null, 'must not be null', 'give the header that carries the token, e.g. {name: Authorization, prefix: "Bearer "}');
    } else if (!isRecord(location)) {
      f.error(at, location, 'must be a mapping with name and prefix', 'write e.g. {name: Authorization, prefix: "Bearer "}');
    } else if (textAt(f, `${at}.name`, location.name) === '') {
      f.error(`${at}.name`, location.name, setRule(location.name), 'name the header that carries the token, e.g. "Authorization"');
    }
  });
  checkNames(f, `${field}.fromParams`, rule.fromParams, 'name the query parameter that carries the token, e.g. "access_token"');
  checkNames(f, `${field}.fromCookies`, rule.fromCookies, 'name the cookie that carries the token, e.g. "session"');

  asList(f, `${field}.outputClaimToHeaders`, rule.outputClaimToHeaders).forEach((output, i) => {
    const at = `${field}.outputClaimToHeaders[${i}]`;
    if (!isRecord(output)) {
      f.error(at, output ?? null, output === null || output === undefined ? 'must not be null' : 'must be a mapping with claim and header',
        'write e.g. {claim: sub, header: x-jwt-sub}');
      return;
    }
    const claim = textAt(f, `${at}.claim`, output.claim);
    const header = textAt(f, `${at}.header`, output.header);
    if (claim === '') f.error(`${at}.claim`, output.claim, setRule(output.claim), 'name the claim to copy, e.g. "sub"');
    if (header === '') f.error(`${at}.header`, output.header, setRule(output.header), 'name the request header to copy the claim to, e.g. "x-jwt-sub"');
    if (!claim || !header) return;
    const problem = claimHeaderProblem(header);
    if (problem) f.error(`${at}.header`, header, problem, 'use a header name such as "x-jwt-sub"');
  });
  if (rule.timeout !== undefined && rule.timeout !== null) checkDuration(f, `${field}.timeout`, rule.timeout);
}

/** Istio's admission rules for a RequestAuthentication spec (security.istio.io/v1). */
export function validateRequestAuthenticationSpec(spec: any): Findings {
  const f = new Findings();
  if (!isRecord(spec)) return f;
  checkPolicyTargets(f, spec);
  asList(f, 'spec.jwtRules', spec.jwtRules).forEach((rule, i) => {
    const field = `spec.jwtRules[${i}]`;
    if (rule === null || rule === undefined) return;
    if (!isRecord(rule)) {
      f.error(field, rule, 'must be a mapping', 'write the rule as a YAML mapping with issuer and jwksUri');
      return;
    }
    checkJwtRule(f, field, rule);
  });
  return f;
}
