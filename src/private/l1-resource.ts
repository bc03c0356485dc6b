import { ApiObject, ApiObjectMetadata, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { l2Webhooks } from './validated-resources';
import { IstioAnalyzer } from '../istio-analyzer';
import { Findings } from '../validation/findings';

/** The constructor shape shared by the generated L1 classes. */
type L1Class<T extends ApiObject> = new (scope: Construct, id: string, props: { metadata?: ApiObjectMetadata; spec: any }) => T;

/**
 * Creates the L1 child of an L2 construct (id `Resource`) with a lazily rendered spec. At synth,
 * the App's analyzer validates the object exactly as it will be written (after escape-hatch
 * patches) against the API server's and Istio's admission rules (`validate`: the webhook rules
 * of the kind), reporting problems under the L2 construct's path.
 */
export function createL1Resource<T extends ApiObject>(
  scope: Construct,
  kind: L1Class<T>,
  metadata: ApiObjectMetadata | undefined,
  renderSpec: () => any,
  validate: (manifest: any) => Findings,
): T {
  const resource = new kind(scope, 'Resource', { metadata, spec: Lazy.any({ produce: renderSpec }) });
  l2Webhooks.set(resource, validate);
  // Cross-object checks run once per App, over everything it synthesizes.
  IstioAnalyzer.of(scope);
  return resource;
}

/**
 * The webhook rules of kinds that have none: Gateway API objects are checked by the API server
 * only (their CRD's schema and CEL rules, which every L2 object goes through at synth).
 */
export function noWebhookRules(): Findings {
  return new Findings();
}
