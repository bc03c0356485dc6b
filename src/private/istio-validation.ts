import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Findings } from '../validation/findings';

/**
 * Validates the object exactly as it will be written to YAML, at synth time. cdk8s prefixes each
 * message with the construct path, so every message names construct, field, value and fix.
 */
export function validateAtSynth(scope: IConstruct, resource: ApiObject, validate: (manifest: any) => Findings): void {
  scope.node.addValidation({ validate: () => validate(resource.toJson()).messages });
}
