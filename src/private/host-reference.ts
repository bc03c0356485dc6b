import { ApiObject } from 'cdk8s';
import { MeshSettings } from '../mesh-settings';

/**
 * A service host defined by an object of the app: its name and the namespace of that object
 * (undefined when the object has none and is placed in a namespace at apply time).
 */
export interface ObjectHost {
  /** The host as the defining object writes it (`reviews`, or a name with dots). */
  readonly name: string;
  /** The namespace of the defining object. */
  readonly namespace: string | undefined;
  /** What defines the host, for messages, e.g. `DestinationRule app/shop/reviews`. */
  readonly definedBy: string;
}

/** The namespace a reference is written from, and the domain that qualifies names. */
export interface ReferenceScope {
  readonly namespace: string | undefined;
  readonly clusterDomain: string;
}

/** The reference scope of an object: its namespace and the app's cluster domain. */
export function referenceScopeOf(resource: ApiObject): ReferenceScope {
  return { namespace: resource.metadata.namespace, clusterDomain: MeshSettings.clusterDomainOf(resource) };
}

/** Only short names (`reviews`) depend on the namespace they are read in. */
function isShortName(host: string): boolean {
  return !host.includes('.') && !host.includes('*') && !host.includes(':');
}

/**
 * How an object in `from` must write `target` so that Istio resolves it to the defining
 * object's namespace: Istio reads a short name in the namespace of the object that contains it
 * (VirtualService hosts and destinations, DestinationRule hosts), so within one namespace the
 * short name is kept, and across namespaces the FQDN is written.
 */
export function hostAsSeenFrom(target: ObjectHost, from: ReferenceScope): string {
  if (!isShortName(target.name) || target.namespace === from.namespace || target.namespace === undefined) return target.name;
  return `${target.name}.${target.namespace}.svc.${from.clusterDomain}`;
}

/**
 * Why `from` cannot name `target`, or undefined: an object without a namespace lands wherever
 * it is applied, so an object in a known namespace cannot know which FQDN to write for it.
 */
export function hostReferenceProblem(target: ObjectHost, from: ReferenceScope): string | undefined {
  if (!isShortName(target.name) || target.namespace !== undefined || from.namespace === undefined) return undefined;
  return `names ${target.definedBy}, which has no namespace (it lands in whatever namespace it is applied to), from namespace ${from.namespace}; `
    + 'give its chart a namespace (or its metadata), or leave both without one';
}

/**
 * The name Istio resolves `host` to when an object in `namespace` writes it; an object without
 * a namespace gets a placeholder namespace that no real name equals.
 */
export function resolvedHost(host: string, namespace: string | undefined, clusterDomain: string): string {
  return isShortName(host) ? `${host}.${namespace ?? '(apply-time namespace)'}.svc.${clusterDomain}` : host;
}

/**
 * The Kubernetes Service a host names: a short name (read in the referring object's namespace),
 * or `<name>.<namespace>.svc.<cluster domain>`; undefined for any other host (an external name).
 */
export function serviceOfHost(host: string, clusterDomain: string): { name: string; namespace?: string } | undefined {
  const parts = host.split('.');
  if (parts.length === 1) return { name: host };
  if (host.endsWith(`.svc.${clusterDomain}`) && parts.length === 3 + clusterDomain.split('.').length) return { name: parts[0], namespace: parts[1] };
  return undefined;
}
