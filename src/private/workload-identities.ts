import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { invalid } from './invalid';
import { WORKLOAD_KINDS } from './object-reference';
import { MeshSettings } from '../mesh-settings';
import { WorkloadIdentity } from '../security/workload-identity';

/** The SPIFFE principal of an identity, as AuthorizationPolicy `principals` write it. */
export function principalOf(identity: WorkloadIdentity, trustDomain: string): string {
  return `${trustDomain}/ns/${identity.namespace}/sa/${identity.serviceAccount}`;
}

/** A construct of this library that knows the identities of its workloads (CanaryService, SecureGateway). */
interface IdentityOwner extends IConstruct {
  _workloadIdentities(): WorkloadIdentity[];
}

function ownsIdentities(construct: IConstruct): construct is IdentityOwner {
  return typeof (construct as Partial<IdentityOwner>)._workloadIdentities === 'function';
}

const POD_KINDS = [...WORKLOAD_KINDS, 'Job', 'CronJob', 'Pod'];

/** The Kubernetes object behind `construct`, or a props error naming `field`. */
function objectOf(scope: IConstruct, field: string, construct: IConstruct): ApiObject {
  let object: ApiObject | undefined;
  try {
    object = ApiObject.of(construct);
  } catch {
    object = undefined;
  }
  if (!object || ![...POD_KINDS, 'ServiceAccount'].includes(object.kind)) {
    invalid(scope, field, object ? `${object.kind} ${object.name}` : construct.node.path, 'must be a workload or a service account',
      'pass a CanaryService, a SecureGateway, a cdk8s-plus workload or ServiceAccount (any version), or an ApiObject of such a kind');
  }
  return object;
}

/** The namespace of a workload object, which its identity needs; an error at synth without one. */
function namespaceOf(scope: IConstruct, field: string, object: ApiObject): string {
  const namespace = object.metadata.namespace;
  if (namespace === undefined) {
    throw new Error(`[${scope.node.path}] '${field}' (${object.kind} ${object.name}) has no namespace, so its identity `
      + '(<trust domain>/ns/<namespace>/sa/<service account>) is unknown; give its chart a namespace (or its metadata)');
  }
  return namespace;
}

/**
 * Checks now that `construct` can have an identity, and returns a function that reads it at
 * synth (after escape-hatch patches): a CanaryService's or SecureGateway's own, a
 * ServiceAccount, or the service account a workload's pods run as (`default` when unset).
 */
export function identitiesOf(scope: IConstruct, field: string, construct: IConstruct): () => WorkloadIdentity[] {
  if (ownsIdentities(construct)) return () => construct._workloadIdentities();
  const object = objectOf(scope, field, construct);
  return () => {
    const namespace = namespaceOf(scope, field, object);
    if (object.kind === 'ServiceAccount') return [{ namespace, serviceAccount: object.name }];
    const manifest = object.toJson();
    const pod = object.kind === 'Pod' ? manifest.spec
      : object.kind === 'CronJob' ? manifest.spec?.jobTemplate?.spec?.template?.spec : manifest.spec?.template?.spec;
    return [{ namespace, serviceAccount: pod?.serviceAccountName ?? pod?.serviceAccount ?? 'default' }];
  };
}

/**
 * The identity of pods that run as the service account `name` in the namespace of `object`,
 * known without rendering the pods: for workloads this library creates, whose account it sets.
 */
export function accountIdentity(scope: IConstruct, field: string, object: ApiObject, name: string): () => WorkloadIdentity[] {
  return () => {
    const namespace = namespaceOf(scope, field, object);
    return [{ namespace, serviceAccount: name }];
  };
}

/** The principals of `identities`, in the trust domain of `scope`, sorted and without repeats. */
export function principalsOf(scope: IConstruct, identities: WorkloadIdentity[]): string[] {
  const trustDomain = MeshSettings.trustDomainOf(scope);
  return [...new Set(identities.map((i) => principalOf(i, trustDomain)))].sort();
}
