import { checkSelectorLabels } from './common';
import { Findings } from './findings';
import { asList, isRecord } from './shape';

// How the security.istio.io policies (AuthorizationPolicy, RequestAuthentication) pick their
// workloads, as Istio 1.30.3's webhook checks it (pkg/config/validation validateOneOfSelectorType,
// validateWorkloadSelector, validatePolicyTargetReference(s)).

/** A scalar string field: its text, '' when unset; a value of another type is reported (undefined). */
export function textAt(f: Findings, field: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  f.error(field, value, 'must be a string', 'quote the value');
  return undefined;
}

/** The kinds a policy's targetRef may name, by canonical API group ("core" for ""). */
const TARGET_KINDS: ReadonlyArray<readonly [group: string, kind: string]> = [
  ['core', 'Service'],
  ['networking.istio.io', 'ServiceEntry'],
  ['gateway.networking.k8s.io', 'Gateway'],
  ['gateway.networking.k8s.io', 'GatewayClass'],
];

/** One policy targetRef (validatePolicyTargetReference): a name, no namespace, a kind policies attach to. */
export function checkPolicyTargetRef(f: Findings, field: string, ref: unknown): void {
  if (ref === undefined || ref === null) return;
  if (!isRecord(ref)) {
    f.error(field, ref, 'must be a mapping with group, kind and name', 'write e.g. {kind: Gateway, group: gateway.networking.k8s.io, name: ingress}');
    return;
  }
  const group = textAt(f, `${field}.group`, ref.group);
  const kind = textAt(f, `${field}.kind`, ref.kind);
  if (textAt(f, `${field}.name`, ref.name) === '') {
    f.error(`${field}.name`, ref.name, 'must be set', 'name the Gateway, GatewayClass, Service or ServiceEntry the policy applies to');
  }
  const namespace = textAt(f, `${field}.namespace`, ref.namespace);
  if (namespace !== '' && namespace !== undefined) {
    f.error(`${field}.namespace`, ref.namespace, 'must not be set: a policy cannot attach to an object of another namespace',
      'remove the namespace, and create the policy in the namespace of its target');
  }
  if (group === undefined || kind === undefined) return;
  const canonical = group === '' ? 'core' : group;
  if (!TARGET_KINDS.some(([g, k]) => g === canonical && k === kind)) {
    const kindKnown = TARGET_KINDS.some(([, k]) => k === kind);
    f.error(kindKnown ? `${field}.group` : `${field}.kind`, group === '' ? kind : `${group}/${kind}`,
      'must be a Service (group ""), a ServiceEntry (group networking.istio.io), or a Gateway or GatewayClass (group gateway.networking.k8s.io)',
      'point to one of these kinds, with its API group');
  }
}

/**
 * A policy's targets (validateOneOfSelectorType, validateWorkloadSelector,
 * validatePolicyTargetReference(s)): at most one of selector, targetRef and targetRefs; selector
 * labels without empty keys or wildcards (no labels at all selects every workload: a warning).
 */
export function checkPolicyTargets(f: Findings, spec: Record<string, any>): void {
  const set: string[] = [];
  if (spec.selector !== undefined && spec.selector !== null) set.push('selector');
  if (spec.targetRef !== undefined && spec.targetRef !== null) set.push('targetRef');
  if (Array.isArray(spec.targetRefs) && spec.targetRefs.length > 0) set.push('targetRefs');
  if (set.length > 1) {
    f.error('spec', set.join(' and '), 'must set at most one of selector, targetRef and targetRefs',
      'select the workloads by labels, or attach the policy to a Gateway, Service or ServiceEntry, not both');
  }
  const selector = spec.selector;
  if (selector !== undefined && selector !== null) {
    if (!isRecord(selector)) {
      f.error('spec.selector', selector, 'must be a mapping with matchLabels', 'write selector: {matchLabels: {app: web}}');
    } else {
      const labels = selector.matchLabels;
      if (labels !== undefined && labels !== null && !isRecord(labels)) {
        f.error('spec.selector.matchLabels', labels, 'must be a mapping from label names to values', 'write matchLabels: {app: web}');
      }
      const matchLabels = isRecord(labels) ? labels : undefined;
      checkSelectorLabels(f, 'spec.selector.matchLabels', matchLabels);
      if (!matchLabels || Object.keys(matchLabels).length === 0) {
        f.warning('spec.selector', selector, 'has no labels, so it selects every workload of the namespace', 'give the labels of the workloads, or remove the selector');
      }
    }
  }
  checkPolicyTargetRef(f, 'spec.targetRef', spec.targetRef);
  asList(f, 'spec.targetRefs', spec.targetRefs).forEach((ref, i) => checkPolicyTargetRef(f, `spec.targetRefs[${i}]`, ref));
}
