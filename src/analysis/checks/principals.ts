import { AnalysisContext } from '../context';
import { AnalysisLevel } from '../finding';
import { pod } from '../model';

/** cdk8s-istio's own code: Istio's analyzer does not read principals. */
const UNKNOWN_SERVICE_ACCOUNT = 'CKI0005';

/** `<trust domain>/ns/<namespace>/sa/<name>`, without wildcards. */
const PRINCIPAL = /^[^*]*\/ns\/([^/*]+)\/sa\/([^/*]+)$/;
/** `<namespace>/<name>` of `serviceAccounts`. */
const SERVICE_ACCOUNT = /^([^/*]+)\/([^/*]+)$/;

/**
 * CKI0005: an AuthorizationPolicy names a service account (in `principals`, `serviceAccounts`
 * or their `not…` forms) in a namespace where the app defines workloads, but none of them runs
 * as that account and the app defines no ServiceAccount of that name: a typo or a stale name,
 * which silently matches nobody. Namespaces without workloads in the app are not judged.
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
            if (!used || used.has(account) || defined.has(`${namespace}/${account}`)) return;
            ctx.report(policy, UNKNOWN_SERVICE_ACCOUNT, AnalysisLevel.WARNING, `'spec.rules[${i}].from[${j}].source.${field}[${k}]' (${value}) names service account `
              + `${namespace}/${account}, which no workload of the app runs as (the workloads of ${namespace} run as ${[...used].sort().join(', ')}), so it matches `
              + 'no caller; fix the name, or grant by object (WorkloadAuthorization.allowFrom())');
          });
        }
      });
    });
  }
}
