import { Findings } from './findings';
import { textOf } from './shape';

// The checks Istio's webhook makes on the metadata of every Istio object before its kind's own
// rules (pkg/config/validation validateMetadata, Istio 1.30.3).

const DRY_RUN = 'istio.io/dry-run';
/** Internal annotations that escalate privileges or always fail admission. */
const INTERNAL = ['internal.istio.io/webhook-always-reject', 'internal.istio.io/parent-namespace', 'internal.istio.io/parents'];
/** The values Go's strconv.ParseBool accepts. */
const GO_BOOLS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False']);

/** Whether a manifest is an Istio object (its webhook covers every `*.istio.io` group). */
export function isIstioObject(manifest: any): boolean {
  return /^[a-z0-9.-]+\.istio\.io\//.test(textOf(manifest?.apiVersion));
}

/** Istio's metadata rules for an Istio object: the dry-run annotation and internal annotations. */
export function validateIstioMetadata(manifest: any, findings = new Findings()): Findings {
  const annotations = manifest?.metadata?.annotations ?? {};
  if (typeof annotations !== 'object') return findings;
  const field = (key: string) => `metadata.annotations.${key}`;
  if (annotations[DRY_RUN] !== undefined) {
    const value = annotations[DRY_RUN];
    const action = manifest.spec?.action ?? 'ALLOW';
    if (manifest.kind !== 'AuthorizationPolicy') {
      findings.error(field(DRY_RUN), value, 'is only supported on AuthorizationPolicy', 'remove the annotation');
    } else if (action !== 'ALLOW' && action !== 'DENY') {
      findings.error(field(DRY_RUN), value, `is only supported with action ALLOW or DENY, not ${action}`, 'remove the annotation, or change the action');
    } else if (!GO_BOOLS.has(textOf(value))) {
      findings.error(field(DRY_RUN), value, 'must be true or false', "set it to 'true' to try the policy without enforcing it");
    }
  }
  for (const key of INTERNAL) {
    if (annotations[key] !== undefined) findings.error(field(key), annotations[key], 'may not be set by users (Istio reserves it)', 'remove the annotation');
  }
  return findings;
}
