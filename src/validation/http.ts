import { RE2JS } from 're2js';

const TOKEN = /^[!#$%&'*+\-.^_`|~A-Za-z0-9]+$/;
const PSEUDO_HEADERS = new Set([':method', ':scheme', ':authority', ':path', ':status']);
// Control characters other than horizontal tab are not allowed in header values.
const HEADER_VALUE = /^[^\u0000-\u0008\u000A-\u001F\u007F]*$/;

/** The longest regex Istio accepts (it approximates Envoy's RE2 program size limit). */
export const MAX_REGEX_LENGTH = 1024;

/** Whether a header key is a JWT claim route (`@request.auth.claims.<name>`). */
export function isJwtClaimHeader(name: string): boolean {
  return name.startsWith('@request.auth.claims.') || name.startsWith('@request.auth.claims[');
}

/** Why a header name used in a match is invalid, or undefined. */
export function matchHeaderNameProblem(name: string): string | undefined {
  if (name === '') return 'must not be empty';
  if (isJwtClaimHeader(name) || PSEUDO_HEADERS.has(name) || TOKEN.test(name)) return undefined;
  return 'must be a valid HTTP header name (letters, digits and !#$%&\'*+-.^_`|~)';
}

/** Why a CORS allow/expose header name is invalid, or undefined. */
export function corsHeaderNameProblem(name: string): string | undefined {
  if (name === '') return 'must not be empty';
  return name === '*' || TOKEN.test(name) ? undefined : 'must be a valid HTTP header name or "*"';
}

function isAuthority(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === ':authority' || lower === 'host';
}

/** Why a header may not be added or set on requests, or undefined (`:authority`/`Host` allowed). */
export function requestSetHeaderProblem(name: string): string | undefined {
  if (name === '') return 'must not be empty';
  if ((name.startsWith(':') || name.toLowerCase() === 'host') && !isAuthority(name)) {
    return 'must not start with ":"';
  }
  return undefined;
}

/** Why a header may not be removed, or changed on responses, or undefined. */
export function headerOperationProblem(name: string): string | undefined {
  if (name === '') return 'must not be empty';
  if (name.toLowerCase() === 'host') return 'must not be Host (use rewrite.authority to change the authority)';
  if (name.startsWith(':')) return 'must not start with ":"';
  return undefined;
}

/** Whether a header name sets the request authority. */
export { isAuthority as isAuthorityHeader };

/**
 * Why a header value is invalid for Envoy, or undefined: no control characters, and every `%`
 * either escaped as `%%` or opening a `%VARIABLE%` that is closed.
 */
export function headerValueProblem(value: string): string | undefined {
  if (!HEADER_VALUE.test(value)) return 'must not contain control characters';
  let i = 0;
  while (i < value.length) {
    if (value[i] !== '%') {
      i++;
    } else if (value[i + 1] === '%') {
      i += 2;
    } else {
      const close = value.indexOf('%', i + 1);
      if (close < 0) return 'must escape a literal "%" as "%%" or close the %VARIABLE%';
      i = close + 1;
    }
  }
  return undefined;
}

/** Why a regex would be rejected by Istio/Envoy (RE2 syntax, at most 1024 characters), or undefined. */
export function regexProblem(re: string): string | undefined {
  if (re === '') return 'must not be empty';
  if (re.length > MAX_REGEX_LENGTH) return `must be at most ${MAX_REGEX_LENGTH} characters long`;
  try {
    RE2JS.compile(re);
    return undefined;
  } catch (e) {
    return `must be valid RE2 syntax (${(e as Error).message}; see https://github.com/google/re2/wiki/Syntax)`;
  }
}

/** Go's net/http status texts: the numeric retryOn tokens Istio accepts. */
const KNOWN_STATUS_CODES = new Set([
  100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305,
  307, 308, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417,
  418, 421, 422, 423, 424, 425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508,
  510, 511,
]);

/** Whether `code` is an HTTP status code Istio knows (used for retryOn). */
export function isKnownStatusCode(code: number): boolean {
  return KNOWN_STATUS_CODES.has(code);
}
