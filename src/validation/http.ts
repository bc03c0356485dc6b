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
 * Why a header value is invalid for Envoy, or undefined. Envoy reads `%` as the start of a
 * `%VARIABLE%` or `%VARIABLE(args)%` (a literal `%` is written `%%`); inside the parentheses
 * any text is allowed, including `%` (e.g. `%START_TIME(%s)%`), or a JSON array of strings.
 * Control characters other than tab are not allowed.
 */
export function headerValueProblem(value: string): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  if (!HEADER_VALUE.test(value)) return 'must not contain control characters';
  const unterminated = 'must escape a literal "%" as "%%", or close the %VARIABLE%';
  // States of Envoy's header formatter parser.
  type State = 'literal' | 'name' | 'array?' | 'string?' | 'string' | ',]' | ')' | '%';
  let state: State = 'literal';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    switch (state) {
      case 'literal':
        if (ch !== '%') break;
        if (i + 1 >= value.length) return 'must escape a literal "%" as "%%"';
        if (value[i + 1] === '%') i++;
        else state = 'name';
        break;
      case 'name':
        if (ch === '%') state = 'literal';
        else if (ch === '(') state = 'array?';
        break;
      case 'array?':
        if (ch === '[') state = 'string?';
        else if (ch !== ' ') state = 'string';
        break;
      case ',]':
        if (ch === ',') state = 'string?';
        else if (ch === ']') state = ')';
        else if (ch !== ' ') return `must separate the arguments of a %VARIABLE([...])% with "," (found "${ch}")`;
        break;
      case 'string?':
        if (ch === '"') state = 'string';
        else if (ch !== ' ') return `must quote the arguments of a %VARIABLE([...])% (found "${ch}")`;
        break;
      case 'string':
        if (ch === '\\') {
          if (i + 1 >= value.length) return 'must not end with a lone backslash inside a %VARIABLE(...)%';
          i++;
        } else if (ch === ')') {
          state = '%';
        } else if (ch === '"') {
          state = ',]';
        }
        break;
      case ')':
        if (ch === ')') state = '%';
        else if (ch !== ' ') return `must close the arguments of a %VARIABLE(...)% with ")" (found "${ch}")`;
        break;
      case '%':
        if (ch === '%') state = 'literal';
        else if (ch !== ' ') return `must end a %VARIABLE(...)% with "%" (found "${ch}")`;
        break;
    }
  }
  return state === 'literal' ? undefined : unterminated;
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
