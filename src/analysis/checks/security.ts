import { AnalysisContext } from '../context';
import { AnalysisLevel } from '../finding';
import { addTo, Entry, pod, selects, selectorText, Workload } from '../model';

/** Code for checks Istio's analyzer does not have (cdk8s-istio's own). */
const NOBODY_MAY_CALL = 'CKI0004';

/** Label Istio puts on the pods it deploys for a Kubernetes Gateway API Gateway. */
const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';
const INJECT = 'sidecar.istio.io/inject';

/** Namespaces every cluster with Istio has, whether or not the analyzed objects define them. */
const BUILT_IN_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

type Labels = { [key: string]: string };

/** The labels a policy's `selector` matches on, or undefined when it has no selector. */
export function policySelector(spec: any): Labels | undefined {
  if (!spec.selector || typeof spec.selector !== 'object') return undefined;
  const labels = spec.selector.matchLabels;
  return labels && typeof labels === 'object' ? labels : {};
}

/** Whether a policy attaches through `targetRef`/`targetRefs` (Gateway API gateways, waypoints) rather than a selector. */
function hasTargetRefs(spec: any): boolean {
  return !!spec.targetRef || (Array.isArray(spec.targetRefs) && spec.targetRefs.length > 0);
}

/** Whether an AuthorizationPolicy is only logged, not enforced (`istio.io/dry-run: "true"`). */
function isDryRun(policy: Entry): boolean {
  return policy.manifest.metadata?.annotations?.['istio.io/dry-run'] === 'true';
}

/**
 * Whether a workload's pods run in the mesh, as Istio's analyzer decides it (util.PodInMesh): an
 * istio-proxy container, the ambient redirection annotation, `sidecar.istio.io/inject` on the pod
 * (label, then annotation); otherwise its namespace. Unlike Istio, a namespace that is not among
 * the objects, or has no `istio-injection` label, counts as in the mesh: injection may be set by a
 * revision label or a webhook outside the app. Only `istio-injection: disabled` takes it out.
 */
export function meshMembership(ctx: AnalysisContext): (w: Workload) => boolean {
  const namespaces = new Map(ctx.inventory.of('Namespace').map((n) => [n.name, n]));
  return (w: Workload) => {
    const meta = pod(w.entry).metadata;
    const containers = pod(w.entry).spec.containers;
    if (Array.isArray(containers) && containers.some((c: any) => c?.name === 'istio-proxy' && c?.image)) return true;
    if (meta.annotations?.['ambient.istio.io/redirection'] === 'enabled') return true;
    const inject = meta.labels?.[INJECT] ?? meta.annotations?.[INJECT];
    if (inject !== undefined) return inject === 'true';
    return namespaces.get(w.entry.namespace)?.manifest.metadata?.labels?.['istio-injection'] !== 'disabled';
  };
}

/**
 * IST0127 (NoMatchingWorkloadsFound), as Istio's AuthorizationPoliciesAnalyzer: an
 * AuthorizationPolicy with a selector that matches no pod in the mesh in its namespace (in any
 * namespace, for a policy in the root namespace), or a namespace-wide policy (outside the root
 * namespace) in a namespace without pods in the mesh. Only for namespaces where the app defines
 * workloads: elsewhere (the gateway pods in istio-system) the pods are deployed by others. Policies attached by targetRefs are skipped
 * (Istio's analyzer reads only the selector; their pods are Istio's gateways and waypoints).
 */
export function checkAuthorizationPolicyWorkloads(ctx: AnalysisContext): void {
  if (ctx.inventory.workloads.length === 0) return;
  const inMesh = meshMembership(ctx);
  const populated = new Set(ctx.inventory.workloads.filter(inMesh).map((w) => w.entry.namespace));
  const defined = new Set(ctx.inventory.workloads.map((w) => w.entry.namespace));
  for (const policy of ctx.inventory.of('AuthorizationPolicy')) {
    const selector = policySelector(policy.spec);
    if (!selector && hasTargetRefs(policy.spec)) continue;
    // The pods of a namespace where the app defines none (e.g. the ingress gateway's in
    // istio-system, or a namespace prepared for another team) are deployed elsewhere.
    if (!defined.has(policy.namespace)) continue;
    const meshWide = policy.namespace === ctx.rootNamespace;
    if (!selector) {
      // A policy without a selector in the root namespace applies to the whole mesh.
      if (meshWide || populated.has(policy.namespace)) continue;
      ctx.report(policy, 'IST0127', AnalysisLevel.WARNING, 'No matching workloads for this resource with the following labels: '
        + `(namespace-wide policy, and namespace ${policy.namespace} has no workload in the mesh); deploy the workloads or move the policy to their namespace`);
      continue;
    }
    const scope = meshWide ? undefined : policy.namespace;
    const matched = Object.keys(selector).length === 0
      ? (meshWide ? populated.size > 0 : populated.has(policy.namespace))
      : ctx.inventory.workloadsSelectedBy(selector, scope).some(inMesh);
    if (!matched) {
      ctx.report(policy, 'IST0127', AnalysisLevel.WARNING, `No matching workloads for this resource with the following labels: ${selectorText(selector)} `
        + `(no pod in the mesh ${meshWide ? 'in any namespace' : `in namespace ${policy.namespace}`} has them), so the policy applies to nothing; `
        + 'fix the selector to match the pods\' labels');
    }
  }
}

/** Istio's namespace pattern: `*`, `*suffix`, `prefix*`, or a name (compared ignoring case). */
export function namespaceMatches(namespace: string, pattern: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*')) return namespace.endsWith(pattern.slice(1));
  if (pattern.endsWith('*')) return namespace.startsWith(pattern.slice(0, -1));
  return namespace.toLowerCase() === pattern.toLowerCase();
}

/**
 * IST0101 (ReferencedResourceNotFound), as Istio's AuthorizationPoliciesAnalyzer: a
 * `source.namespaces` or `source.notNamespaces` entry (a name, `*`, `prefix*` or `*suffix`) matches
 * no namespace. Istio compares with the cluster's Namespaces; here, only when the app defines
 * Namespace objects, the namespaces are those, the namespaces of every analyzed object, the root
 * namespace and Kubernetes' own (default, kube-system, kube-public, kube-node-lease). Istio
 * reports an error, from the whole cluster; an app is a part of it, and may name a namespace
 * created elsewhere, so this is a warning here.
 */
export function checkAuthorizationPolicyNamespaces(ctx: AnalysisContext): void {
  const declared = ctx.inventory.of('Namespace');
  if (declared.length === 0) return;
  const known = new Set([ctx.rootNamespace, ...BUILT_IN_NAMESPACES, ...declared.map((n) => n.name)]);
  for (const e of ctx.inventory.entries) if (e.kind !== 'Namespace') known.add(e.namespace);
  const lowerCase = new Set([...known].map((n) => n.toLowerCase()));
  // Each distinct pattern is matched once against the namespaces.
  const found = new Map<string, boolean>();
  const matches = (pattern: string) => {
    let result = found.get(pattern);
    if (result === undefined) {
      result = pattern.includes('*') ? [...known].some((n) => namespaceMatches(n, pattern)) : lowerCase.has(pattern.toLowerCase());
      found.set(pattern, result);
    }
    return result;
  };
  for (const policy of ctx.inventory.of('AuthorizationPolicy')) {
    (Array.isArray(policy.spec.rules) ? policy.spec.rules : []).forEach((rule: any, i: number) => {
      (Array.isArray(rule?.from) ? rule.from : []).forEach((from: any, j: number) => {
        for (const field of ['namespaces', 'notNamespaces']) {
          const patterns = from?.source?.[field];
          (Array.isArray(patterns) ? patterns : []).forEach((pattern: unknown, k: number) => {
            if (typeof pattern !== 'string' || matches(pattern)) return;
            ctx.report(policy, 'IST0101', AnalysisLevel.WARNING, `Referenced namespace not found: "${pattern}" (spec.rules[${i}].from[${j}].source.${field}[${k}] `
              + 'matches no Namespace of the app, nor the namespace of any of its objects); fix the name or pattern, or define the Namespace '
              + '(a namespace created outside the app is fine: ignore IST0101)');
          });
        }
      });
    });
  }
}

/**
 * IST0166 (IneffectiveSelector), as Istio's k8sgateway SelectorAnalyzer, for AuthorizationPolicy
 * and RequestAuthentication: a selector (without targetRef) matches pods of a Kubernetes Gateway
 * API gateway, which ignore selectors; the policy must name the Gateway in targetRefs.
 */
export function checkGatewayApiSelectors(ctx: AnalysisContext): void {
  const gatewayPods = ctx.inventory.workloads.filter((w) => typeof w.labels[GATEWAY_NAME_LABEL] === 'string');
  if (gatewayPods.length === 0) return;
  for (const policy of [...ctx.inventory.of('AuthorizationPolicy'), ...ctx.inventory.of('RequestAuthentication')]) {
    const selector = policySelector(policy.spec);
    if (!selector || policy.spec.targetRef) continue;
    const selected = Object.keys(selector).length === 0
      ? gatewayPods.filter((w) => w.entry.namespace === policy.namespace)
      : ctx.inventory.workloadsSelectedBy(selector, policy.namespace).filter((w) => typeof w.labels[GATEWAY_NAME_LABEL] === 'string');
    for (const workload of selected) {
      const gateway = workload.labels[GATEWAY_NAME_LABEL];
      ctx.report(policy, 'IST0166', AnalysisLevel.WARNING, `Ineffective selector on Kubernetes Gateway ${gateway}. Use the TargetRef field instead `
        + `(selector ${selectorText(selector)} matches ${workload.entry.kind} ${workload.entry.namespace}/${workload.entry.name}, a pod of the Gateway API Gateway); `
        + `replace the selector with targetRefs: [{ group: gateway.networking.k8s.io, kind: Gateway, name: ${gateway} }]`);
    }
  }
}

/** ALLOW AuthorizationPolicies that let some request in, indexed so that finding a workload's is not a scan of them all. */
interface AllowIndex {
  /** Namespaces with an ALLOW policy with rules for every workload in them (the root namespace: the whole mesh). */
  readonly namespaceWide: Set<string>;
  /** Selector policies by `namespace|key=value` of the first label of their selector. */
  readonly byFirstLabel: Map<string, Entry[]>;
  /** `namespace/name` of Services named by an ALLOW policy's targetRefs (waypoints). */
  readonly services: Set<string>;
}

function isAllow(policy: Entry): boolean {
  return (policy.spec.action ?? 'ALLOW') === 'ALLOW' && !isDryRun(policy);
}

function hasRules(spec: any): boolean {
  return Array.isArray(spec.rules) && spec.rules.length > 0;
}

/** The policy that denies everything: ALLOW with no rules, applying to every workload in its namespace (no or an empty selector). */
function isAllowNothing(policy: Entry): boolean {
  return isAllow(policy) && !hasRules(policy.spec) && Object.keys(policySelector(policy.spec) ?? {}).length === 0 && !hasTargetRefs(policy.spec);
}

function indexAllowPolicies(ctx: AnalysisContext): AllowIndex {
  const index: AllowIndex = { namespaceWide: new Set(), byFirstLabel: new Map(), services: new Set() };
  for (const policy of ctx.inventory.of('AuthorizationPolicy')) {
    if (!isAllow(policy) || !hasRules(policy.spec)) continue;
    const selector = policySelector(policy.spec);
    if (hasTargetRefs(policy.spec)) {
      const refs = [policy.spec.targetRef, ...(Array.isArray(policy.spec.targetRefs) ? policy.spec.targetRefs : [])];
      for (const ref of refs) if (ref?.kind === 'Service') index.services.add(`${policy.namespace}/${ref.name}`);
      continue;
    }
    const pairs = Object.entries(selector ?? {});
    if (pairs.length === 0) index.namespaceWide.add(policy.namespace);
    else addTo(index.byFirstLabel, `${policy.namespace}|${pairs[0][0]}=${pairs[0][1]}`, policy);
  }
  return index;
}

/**
 * CKI0004: a namespace denies by default (an ALLOW AuthorizationPolicy without rules, selector or
 * targetRefs in it, or in the root namespace for the whole mesh: `spec: {}`), and no ALLOW policy
 * with rules applies to the pods of one of its Services, so every call to that Service is refused
 * (403, or a reset connection for TCP). Only for Services whose pods are in the app and in the mesh.
 */
export function checkDenyByDefault(ctx: AnalysisContext): void {
  const denyAll = new Map<string, Entry>();
  for (const policy of ctx.inventory.of('AuthorizationPolicy')) {
    if (isAllowNothing(policy) && !denyAll.has(policy.namespace)) denyAll.set(policy.namespace, policy);
  }
  if (denyAll.size === 0) return;
  const allow = indexAllowPolicies(ctx);
  const inMesh = meshMembership(ctx);
  const root = ctx.rootNamespace;
  const allowed = (w: Workload) => Object.entries(w.labels).some(([k, v]) => [w.entry.namespace, root].some((ns) =>
    (allow.byFirstLabel.get(`${ns}|${k}=${v}`) ?? []).some((p) => selects(policySelector(p.spec), w.labels))));
  for (const service of ctx.inventory.of('Service')) {
    const denying = denyAll.get(service.namespace) ?? denyAll.get(root);
    const selector = service.spec.selector;
    if (!denying || !selector || typeof selector !== 'object' || Object.keys(selector).length === 0) continue;
    if (allow.namespaceWide.has(service.namespace) || allow.namespaceWide.has(root) || allow.services.has(`${service.namespace}/${service.name}`)) continue;
    const pods = ctx.inventory.workloadsSelectedBy(selector, service.namespace).filter(inMesh);
    if (pods.length === 0 || pods.some(allowed)) continue;
    const scope = denying.namespace === root && denying.namespace !== service.namespace ? 'in the whole mesh' : `in namespace ${denying.namespace}`;
    ctx.report(service, NOBODY_MAY_CALL, AnalysisLevel.WARNING, `nobody may call ${service.name}.${service.namespace}: AuthorizationPolicy ${denying.namespace}/${denying.name} `
      + `allows nothing ${scope}, and no ALLOW policy with rules applies to its pods (${pods.map((p) => `${p.entry.kind} ${p.entry.name}`).join(', ')}); `
      + `add an AuthorizationPolicy allowing its callers (action ALLOW, selector ${selectorText(selector)}, rules naming the callers)`);
  }
}
