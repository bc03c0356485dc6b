import { IConstruct } from 'constructs';
import { invalid } from './invalid';
import { keepOnIstio } from './traffic-api-choice';
import { HttpPathMatch, HttpRouteMatch } from '../gateway-api/http-route';
import { RouteHeaderMatch, RouteMatchType } from '../gateway-api/route-types';
import { HttpMethod } from '../networking/cors';
import { StringMatch } from '../networking/string-match';

// How the patterns' request conditions (Istio StringMatch) are written as Gateway API matches.

/** Escapes `text` for use as a literal in an RE2 regular expression. */
export function regexLiteral(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A header or query match. Gateway API has Exact and RegularExpression only; Istio's prefix
 * becomes the regular expression `<prefix>.*` (Istio's RE2 matches the whole value).
 */
function valueMatch(name: string, match: StringMatch): RouteHeaderMatch {
  if (match.kind === 'exact') return { name, value: match.value };
  const value = match.kind === 'prefix' ? `${regexLiteral(match.value)}.*` : match.value;
  return { name, value, type: RouteMatchType.REGULAR_EXPRESSION };
}

/**
 * Header or query matches, sorted by name so the output does not depend on key order. The
 * Gateway API refuses an empty value, which Istio accepts.
 */
export function valueMatches(scope: IConstruct, field: string, matches: { [name: string]: StringMatch } | undefined): RouteHeaderMatch[] | undefined {
  if (!matches) return undefined;
  const names = Object.keys(matches).sort();
  for (const name of names) {
    // A prefix '' matches any value of a present header, as `.*` does; an exact '' has no equivalent.
    if (matches[name].value === '' && matches[name].kind !== 'prefix') {
      invalid(scope, `${field}.${name}`, '', 'must not be empty with the Gateway API, whose header and query matches need a value',
        `match a value, ${keepOnIstio('construct')}`);
    }
  }
  return names.length > 0 ? names.map((n) => valueMatch(n, matches[n])) : undefined;
}

/**
 * The path match. A prefix becomes a PathPrefix, which Gateway API matches by whole path
 * segments (`/api` matches `/api/x`, not `/apix`).
 */
export function pathMatch(path: StringMatch): HttpPathMatch {
  if (path.kind === 'exact') return HttpPathMatch.exact(path.value);
  if (path.kind === 'prefix') return HttpPathMatch.prefix(path.value);
  return HttpPathMatch.regex(path.value);
}

/** The method match: Gateway API matches one method exactly. */
export function methodMatch(scope: IConstruct, field: string, method: StringMatch | undefined): HttpMethod | undefined {
  if (!method) return undefined;
  const value = method.value.toUpperCase();
  if (method.kind !== 'exact' || !(Object.values(HttpMethod) as string[]).includes(value) || value !== method.value) {
    invalid(scope, field, method.value, `must be an exact method (${Object.values(HttpMethod).join(', ')}) with the Gateway API, which matches one method exactly`,
      "give StringMatch.exact('GET'), or one route per method");
  }
  return value as HttpMethod;
}

/** A header match for a cookie `name=value` anywhere in the Cookie header. */
export function cookieRegex(cookie: string): string {
  return `^(.*?;\\s*)?(${regexLiteral(cookie)})(;.*)?$`;
}

/** Conditions of a route, combined into one match. */
export interface RouteConditions {
  readonly path?: StringMatch;
  readonly headers?: { [name: string]: StringMatch };
  readonly queryParams?: { [name: string]: StringMatch };
  readonly method?: StringMatch;
}

/** A Gateway API match from a gateway route's conditions. */
export function routeMatch(scope: IConstruct, c: RouteConditions): HttpRouteMatch {
  return {
    path: c.path ? pathMatch(c.path) : undefined,
    headers: valueMatches(scope, 'matchHeaders', c.headers),
    queryParams: valueMatches(scope, 'queryParams', c.queryParams),
    method: methodMatch(scope, 'method', c.method),
  };
}
