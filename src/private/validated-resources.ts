import { ApiObject } from 'cdk8s';
import { Findings } from '../validation/findings';

/**
 * The L1 objects of L2 constructs, with the Istio webhook rules of their kind. The synth-time
 * analyzer checks them, with every other object, from the one rendering of each object per
 * synthesis, and reports their problems under the L2 construct's path.
 */
export const l2Webhooks = new WeakMap<ApiObject, (manifest: any) => Findings>();
