import { ApiObject, ApiObjectMetadata, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { validatedResources } from './validated-resources';
import { IstioAnalyzer } from '../istio-analyzer';
import { addSynthValidation } from './synthesis-round';
import { admissionFindings } from '../validation/admission';
import { Findings } from '../validation/findings';

/** The constructor shape shared by the generated L1 classes. */
type L1Class<T extends ApiObject> = new (scope: Construct, id: string, props: { metadata?: ApiObjectMetadata; spec: any }) => T;

/**
 * Creates the L1 child of an L2 construct (id `Resource`) with a lazily rendered spec, and
 * validates the object exactly as it will be written (after escape-hatch patches) at synth time.
 * cdk8s prefixes each message with the construct path.
 */
export function createL1Resource<T extends ApiObject>(
  scope: Construct,
  kind: L1Class<T>,
  metadata: ApiObjectMetadata | undefined,
  renderSpec: () => any,
  validate: (manifest: any) => Findings,
): T {
  const resource = new kind(scope, 'Resource', { metadata, spec: Lazy.any({ produce: renderSpec }) });
  addSynthValidation(scope, () => admissionFindings(resource.toJson(), validate).messages);
  validatedResources.add(resource);
  // Cross-object checks run once per App, over everything it synthesizes.
  IstioAnalyzer.of(scope);
  return resource;
}
