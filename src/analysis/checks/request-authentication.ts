import { AnalysisContext } from '../context';
import { AnalysisLevel } from '../finding';
import { addTo, selects, selectorText, Workload } from '../model';
import { policySelector } from './security';

const MESH = 'mesh';
const CLAIM_HEADER = '@request.auth.claims';
const BLOCKED_CIDRS = 'BLOCKED_CIDRS_IN_JWKS_URIS';

/** Whether a header name routes on a JWT claim: `@request.auth.claims.<a>[.<b>…]` or `@request.auth.claims[<a>][<b>]…` (prefix in any case). */
export function isRoutingClaim(header: string): boolean {
  if (!header.toLowerCase().startsWith(CLAIM_HEADER)) return false;
  const rest = header.slice(CLAIM_HEADER.length);
  return (rest.startsWith('.') && rest.length > 1) || (rest.startsWith('[') && rest.endsWith(']') && rest.length > 2);
}

/** The first header (or withoutHeaders) key of an HTTP match that routes on a JWT claim. */
function claimRouteKey(spec: any): string | undefined {
  for (const rule of Array.isArray(spec.http) ? spec.http : []) {
    for (const match of Array.isArray(rule?.match) ? rule.match : []) {
      for (const field of ['headers', 'withoutHeaders']) {
        const headers = match?.[field];
        const key = headers && typeof headers === 'object' ? Object.keys(headers).find(isRoutingClaim) : undefined;
        if (key) return key;
      }
    }
  }
  return undefined;
}

/**
 * IST0149 (JwtClaimBasedRoutingWithoutRequestAuthN), as Istio's JWTClaimRouteAnalyzer: a
 * VirtualService routes on `@request.auth.claims` headers through a Gateway (spec.gateways), and a
 * pod of that Gateway has no RequestAuthentication selecting it, in its namespace or in the root
 * namespace (Istio's analyzer looks in istio-system). Without one the claims are never set, so the
 * route never matches. Reported once per gateway pod (Pod, or Deployment and the like) in the app.
 */
export function checkJwtClaimRoutes(ctx: AnalysisContext): void {
  const routes = ctx.inventory.of('VirtualService').map((vs) => ({ vs, key: claimRouteKey(vs.spec) })).filter((r) => r.key);
  if (routes.length === 0) return;
  const selectorsByNamespace = new Map<string, Array<{ [key: string]: string }>>();
  for (const ra of ctx.inventory.of('RequestAuthentication')) addTo(selectorsByNamespace, ra.namespace, policySelector(ra.spec) ?? {});
  const gateways = new Map(ctx.inventory.of('Gateway').map((g) => [`${g.namespace}/${g.name}`, g]));
  const authenticated = new Map<Workload, boolean>();
  const isAuthenticated = (pod: Workload) => {
    let result = authenticated.get(pod);
    if (result === undefined) {
      const selectors = [...(selectorsByNamespace.get(ctx.rootNamespace) ?? []), ...(selectorsByNamespace.get(pod.entry.namespace) ?? [])];
      result = selectors.some((s) => selects(s, pod.labels));
      authenticated.set(pod, result);
    }
    return result;
  };
  for (const { vs, key } of routes) {
    for (const reference of Array.isArray(vs.spec.gateways) ? vs.spec.gateways : []) {
      if (typeof reference !== 'string' || reference === MESH) continue;
      const name = reference.includes('/') ? reference : `${vs.namespace}/${reference}`;
      // A Gateway that is not there is IST0101's.
      const gateway = gateways.get(name);
      if (!gateway) continue;
      const selector = gateway.spec.selector && typeof gateway.spec.selector === 'object' ? gateway.spec.selector : {};
      for (const pod of ctx.inventory.workloadsSelectedBy(selector)) {
        if (isAuthenticated(pod)) continue;
        ctx.report(vs, 'IST0149', AnalysisLevel.ERROR, `The virtual service uses the JWT claim based routing (key: ${key}) but found no request authentication `
          + `for the gateway (${name}) pod (${pod.entry.kind} ${pod.entry.namespace}/${pod.entry.name}). The request authentication must first be applied `
          + 'for the gateway pods to validate the JWT token and make the claims available for routing; add a RequestAuthentication '
          + `in namespace ${pod.entry.namespace} (or ${ctx.rootNamespace}, for the whole mesh) whose selector matches the gateway pods (${selectorText(selector)})`);
      }
    }
  }
}

/**
 * IST0175 (JwksUriFetchUnrestricted), as Istio's BlockedCIDRsAnalyzer: the app has
 * RequestAuthentications, and an istiod Deployment (labelled app=istiod) none of whose containers
 * sets BLOCKED_CIDRS_IN_JWKS_URIS to a value, so istiod fetches JWKS URIs from any address.
 */
export function checkJwksFetchRestriction(ctx: AnalysisContext): void {
  const requestAuthentications = ctx.inventory.of('RequestAuthentication');
  if (requestAuthentications.length === 0) return;
  const names = requestAuthentications.map((ra) => `${ra.namespace}/${ra.name}`);
  const shown = names.length <= 5 ? names.join(', ') : `${names.slice(0, 5).join(', ')}, and ${names.length - 5} more`;
  for (const deployment of ctx.inventory.of('Deployment')) {
    if (deployment.manifest.metadata?.labels?.app !== 'istiod') continue;
    const containers = deployment.spec.template?.spec?.containers;
    const configured = (Array.isArray(containers) ? containers : []).some((c: any) =>
      (Array.isArray(c?.env) ? c.env : []).some((e: any) => e?.name === BLOCKED_CIDRS && typeof e.value === 'string' && e.value !== ''));
    if (configured) continue;
    ctx.report(deployment, 'IST0175', AnalysisLevel.WARNING, `${BLOCKED_CIDRS} is not configured but ${names.length} RequestAuthentication resource(s) exist (${shown}). `
      + 'Consider configuring it to restrict JWKS URI fetches to trusted networks: set the env var on the discovery container to the CIDRs istiod must not fetch from '
      + '(e.g. 10.0.0.0/8,169.254.0.0/16)');
  }
}
