import { hostAsSeenFrom, hostReferenceProblem, ObjectHost, ReferenceScope } from '../private/host-reference';

/** Options for a destination. */
export interface DestinationOptions {
  /**
   * Port on the destination host. Required when the service exposes more than one port.
   *
   * @default - the service's only port
   */
  readonly port?: number;
}

/**
 * Where a route sends traffic: a service host, optionally one subset of it.
 *
 * To target a subset, use `Destination.toSubset()` with the object returned by
 * `DestinationRule.addSubset()`: the route then cannot name a subset that does not exist, and a
 * route in another namespace than the DestinationRule names the host by its FQDN
 * (`reviews.shop.svc.cluster.local`), which Istio needs to find it.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#Destination
 */
export class Destination {
  /**
   * A service by host name, written as given: a short name (`reviews`, which Istio resolves in
   * the VirtualService's own namespace), a fully qualified name
   * (`reviews.prod.svc.cluster.local`, for a service in another namespace) or a ServiceEntry host.
   */
  public static toHost(host: string, options: DestinationOptions = {}): Destination {
    return new Destination(host, undefined, options.port);
  }

  /**
   * One subset of a DestinationRule's host. A subset of a `DestinationRule` construct is named
   * by its FQDN from VirtualServices in other namespaces.
   */
  public static toSubset(subset: ISubset, options: DestinationOptions = {}): Destination {
    const target = (subset as { _objectHost?: ObjectHost })._objectHost;
    return new Destination(subset.host, subset.subsetName, options.port, target);
  }

  /**
   * A host defined by an object of the app (a Service, a DestinationRule), written as seen
   * from the referring object's namespace.
   *
   * @internal
   */
  public static _toObjectHost(target: ObjectHost, options: DestinationOptions & { subset?: string } = {}): Destination {
    return new Destination(target.name, options.subset, options.port, target);
  }

  private constructor(
    /** The destination host, as the defining object writes it. */
    public readonly host: string,
    /** The subset, if any. */
    public readonly subset?: string,
    /** The port, if any. */
    public readonly port?: number,
    private readonly target?: ObjectHost,
  ) {}

  /**
   * Why an object in `from` cannot name this destination, or undefined.
   *
   * @internal
   */
  public _referenceProblem(from: ReferenceScope): string | undefined {
    return this.target ? hostReferenceProblem(this.target, from) : undefined;
  }

  /** @internal */
  public _toIstio(from: ReferenceScope): { host: string; subset?: string; port?: { number: number } } {
    return {
      host: this.target ? hostAsSeenFrom(this.target, from) : this.host,
      ...(this.subset !== undefined ? { subset: this.subset } : {}),
      ...(this.port !== undefined ? { port: { number: this.port } } : {}),
    };
  }
}

/** A named subset of a service host, defined by a DestinationRule. */
export interface ISubset {
  /** The host the subset belongs to (the DestinationRule's host). */
  readonly host: string;
  /** The subset name. */
  readonly subsetName: string;
}
