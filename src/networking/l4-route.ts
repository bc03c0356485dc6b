import { Destination } from './destination';
import { IGateway } from './gateway-ref';

/** A destination with a weight, for a TCP or TLS route. */
export interface RouteDestination {
  /** Where to send the traffic. */
  readonly destination: Destination;

  /**
   * Relative share of traffic.
   *
   * @default - all traffic when it is the only destination, else 0
   */
  readonly weight?: number;
}

/** Conditions on a TCP connection. */
export interface L4Match {
  /**
   * Destination IP addresses or CIDR blocks.
   *
   * @default - any destination address
   */
  readonly destinationSubnets?: string[];

  /**
   * Destination port.
   *
   * @default - any port
   */
  readonly port?: number;

  /**
   * Labels of the calling workload.
   *
   * @default - any workload
   */
  readonly sourceLabels?: { [key: string]: string };

  /**
   * Namespace of the calling workload.
   *
   * @default - any namespace
   */
  readonly sourceNamespace?: string;

  /**
   * Gateways the match applies to.
   *
   * @default - all gateways of the VirtualService
   */
  readonly gateways?: IGateway[];
}

/** Conditions on a TLS connection: the SNI host plus the TCP conditions. */
export interface TlsMatch extends L4Match {
  /** SNI host names to match; each must be covered by a host of the VirtualService. */
  readonly sniHosts: string[];
}

/**
 * A rule for opaque TCP traffic.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#TCPRoute
 */
export interface TcpRouteOptions {
  /**
   * Conditions; any may match.
   *
   * @default - all connections
   */
  readonly match?: L4Match[];

  /** Destinations with weights. */
  readonly destinations: RouteDestination[];
}

/**
 * A rule for TLS traffic that is passed through unterminated, routed by SNI.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#TLSRoute
 */
export interface TlsRouteOptions {
  /** Conditions; at least one, each with SNI hosts. */
  readonly match: TlsMatch[];

  /** Destinations with weights. */
  readonly destinations: RouteDestination[];
}
