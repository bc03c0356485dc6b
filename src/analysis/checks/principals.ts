import { deployedGatewayAccount, GATEWAY_SERVICE_ACCOUNT_ANNOTATION } from '../../private/gateway-deployment';
import { AnalysisContext } from '../context';
import { AnalysisLevel } from '../finding';
import { Entry, pod } from '../model';

/** cdk8s-istio's own code: Istio's analyzer does not read principals. */
const UNKNOWN_SERVICE_ACCOUNT = 'CKI0005';

/** `<trust domain>/ns/<namespace>/sa/<name>`, without wildcards. */
const PRINCIPAL = /^[^*]*\/ns\/([^/*]+)\/sa\/([^/*]+)$/;
/** `<namespace>/<name>` of `serviceAccounts`. */
const SERVICE_ACCOUNT = /^([^/*]+)\/([^/*]+)$/;

/**
 * The service account Istio's deployment controller runs a Gateway API Gateway's proxies as
 * (Istio 1.30.3 gatewaycommon/deploymentcontroller.go, gateway_utils.go GetDefaultName): the
 * `gateway.istio.io/service-account` annotation, else `<name>-<class>` (`<name>-istio` for the
 * default class), else the name alone for the waypoint, east-west and agentgateway classes.
 */
function gatewayServiceAccount(gateway: Entry): string | undefined {
  const annotations = gateway.manifest?.metadata?.annotations;
  const className = gateway.spec?.gatewayClassName;
  if (typeof className !== 'string' || className === '') return annotations?.[GATEWAY_SERVICE_ACCOUNT_ANNOTATION] || undefined;
  return deployedGatewayAccount(gateway.name, className, annotations);
}

/**
 * CKI0005: an AuthorizationPolicy names a service account (in `principals`, `serviceAccounts`
 * or their `not…` forms) in a namespace where the app defines workloads, but none of them runs
 * as that account and the app defines no ServiceAccount of that name: a typo or a stale name,
 * which silently matches nobody. Namespaces without workloads in the app are not judged. The
 * proxies Istio deploys for the app's Gateway API Gateways (waypoints, gateways) count as
 * workloads running as the Gateway's service account, in the namespaces the app has workloads in.
 */
export function checkPrincipalServiceAccounts(ctx: AnalysisContext): void {
  // The service accounts the app's workloads run as, by namespace.
  const runAs = new Map<string, Set<string>>();
  for (const w of ctx.inventory.workloads) {
    const spec = pod(w.entry).spec;
    const name = typeof spec.serviceAccountName === 'string' ? spec.serviceAccountName : typeof spec.serviceAccount === 'string' ? spec.serviceAccount : 'default';
    let names = runAs.get(w.entry.namespace);
    if (!names) runAs.set(w.entry.namespace, names = new Set());
    names.add(name);
  }
  // The identities of the proxies Istio deploys for the app's Gateways (they do not make a namespace judged).
  const proxies = new Map<string, Set<string>>();
  for (const gateway of ctx.inventory.ofGroup('gateway.networking.k8s.io', 'Gateway')) {
    const account = gatewayServiceAccount(gateway);
    if (account === undefined) continue;
    let names = proxies.get(gateway.namespace);
    if (!names) proxies.set(gateway.namespace, names = new Set());
    names.add(account);
  }
  const defined = new Set(ctx.inventory.of('ServiceAccount').map((sa) => `${sa.namespace}/${sa.name}`));
  for (const policy of ctx.inventory.of('AuthorizationPolicy')) {
    const rules = Array.isArray(policy.spec.rules) ? policy.spec.rules : [];
    rules.forEach((rule: any, i: number) => {
      (Array.isArray(rule?.from) ? rule.from : []).forEach((from: any, j: number) => {
        for (const [field, pattern] of [['principals', PRINCIPAL], ['notPrincipals', PRINCIPAL], ['serviceAccounts', SERVICE_ACCOUNT], ['notServiceAccounts', SERVICE_ACCOUNT]] as const) {
          const values = from?.source?.[field];
          (Array.isArray(values) ? values : []).forEach((value: unknown, k: number) => {
            const match = typeof value === 'string' ? pattern.exec(value) : null;
            if (!match) return;
            const [, namespace, account] = match;
            const used = runAs.get(namespace);
            if (!used || used.has(account) || proxies.get(namespace)?.has(account) || defined.has(`${namespace}/${account}`)) return;
            const known = [...used, ...proxies.get(namespace) ?? []];
            ctx.report(policy, UNKNOWN_SERVICE_ACCOUNT, AnalysisLevel.WARNING, `'spec.rules[${i}].from[${j}].source.${field}[${k}]' (${value}) names service account `
              + `${namespace}/${account}, which no workload of the app runs as (the workloads of ${namespace} run as ${[...new Set(known)].sort().join(', ')}), so it matches `
              + 'no caller; fix the name, or grant by object (WorkloadAuthorization.allowFrom())');
          });
        }
      });
    });
  }
}
