import { ApiObject } from 'cdk8s';

/** L1 objects whose L2 construct already applies Istio's admission rules at synth. */
export const validatedResources = new WeakSet<ApiObject>();
