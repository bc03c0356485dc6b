import { validateAgainstCrdSchema } from './crd-schema';
import { Findings } from './findings';
import { isIstioObject, validateIstioMetadata } from './istio-metadata';
import { validateKubernetesObject } from './kubernetes-object';

/**
 * Everything that decides whether `kubectl apply` accepts an object: Istio's admission webhook
 * (`webhook`, for Istio kinds), the CRD's schema and CEL rules, and the API server's object
 * rules (metadata; core kinds). A field refused by several is reported once, with the most
 * specific message: the hand-written webhook rules name the fix best.
 */
export function admissionFindings(manifest: any, webhook?: (manifest: any) => Findings): Findings {
  const findings = isIstioObject(manifest) ? validateIstioMetadata(manifest) : new Findings();
  if (webhook) findings.merge(webhook(manifest));
  findings.merge(validateAgainstCrdSchema(manifest));
  findings.merge(validateKubernetesObject(manifest));
  return findings;
}
