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
 * `DestinationRule.addSubset()`: the route then cannot name a subset that does not exist.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#Destination
 */
export class Destination {
  /**
   * A service by host name: a short name (`reviews`, resolved in the VirtualService's namespace),
   * a fully qualified name (`reviews.prod.svc.cluster.local`) or a ServiceEntry host.
   */
  public static toHost(host: string, options: DestinationOptions = {}): Destination {
    return new Destination(host, undefined, options.port);
  }

  /** One subset of a DestinationRule's host. */
  public static toSubset(subset: ISubset, options: DestinationOptions = {}): Destination {
    return new Destination(subset.host, subset.subsetName, options.port);
  }

  private constructor(
    /** The destination host. */
    public readonly host: string,
    /** The subset, if any. */
    public readonly subset?: string,
    /** The port, if any. */
    public readonly port?: number,
  ) {}

  /** @internal */
  public _toIstio(): { host: string; subset?: string; port?: { number: number } } {
    return {
      host: this.host,
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
