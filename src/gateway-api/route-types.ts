import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { servicePorts } from '../private/object-reference';

/** The API group of the Gateway API. */
const GATEWAY_GROUP = 'gateway.networking.k8s.io';

/** A reference from a route to its parent, as the Gateway API's `parentRefs` entries write it. */
export interface ParentReference {
  /**
   * API group of the parent (`gateway.networking.k8s.io` for a Gateway, empty for a core Service).
   */
  readonly group: string;

  /** Kind of the parent: `Gateway`, or `Service` for mesh (GAMMA) routes. */
  readonly kind: string;

  /** Name of the parent object. */
  readonly name: string;

  /**
   * Namespace of the parent. Written only when it differs from the route's namespace.
   *
   * @default - the route's namespace
   */
  readonly namespace?: string;

  /**
   * The listener of a Gateway (or the port name of a Service) the route attaches to.
   *
   * @default - every listener that accepts the route
   */
  readonly sectionName?: string;

  /**
   * The port of the parent the route attaches to.
   *
   * @default - every port that accepts the route
   */
  readonly port?: number;
}

/** Something an HTTPRoute or GRPCRoute can attach to: a Gateway, or a Service for mesh traffic. */
export interface IGatewayApiParent {
  /** The reference to write in the route's `parentRefs`. */
  readonly parentReference: ParentReference;
}

/** Factories of route parents. */
export class ParentRef implements IGatewayApiParent {
  /** A Gateway by name, for Gateways this app does not define. */
  public static gateway(name: string, namespace?: string, sectionName?: string): ParentRef {
    return new ParentRef({ group: GATEWAY_GROUP, kind: 'Gateway', name, namespace, sectionName }, true);
  }

  /**
   * A Service (GAMMA): the route applies to mesh traffic sent to the Service. Any cdk8s-plus
   * Service, imported KubeService or ApiObject of kind Service.
   */
  public static service(service: IConstruct, port?: number): ParentRef {
    const object = ParentRef.objectOf(service, ['Service']);
    return new ParentRef({ group: '', kind: 'Service', name: object.name, namespace: object.metadata.namespace, port });
  }

  /**
   * A Service by name (GAMMA), for Services this app does not define or names only by host.
   *
   * @param name the Service name
   * @param namespace the Service's namespace; written when it differs from the route's
   * @param port a port of the Service, to attach to that port only
   */
  public static serviceNamed(name: string, namespace?: string, port?: number): ParentRef {
    return new ParentRef({ group: '', kind: 'Service', name, namespace, port });
  }

  /**
   * The parent behind a construct: a Gateway (any construct whose Kubernetes object is a
   * `gateway.networking.k8s.io` Gateway, such as this library's Gateway API Gateway) or a Service.
   */
  public static of(construct: IConstruct, sectionName?: string): ParentRef {
    const object = ParentRef.objectOf(construct, ['Gateway', 'Service']);
    if (object.kind === 'Service') {
      return new ParentRef({ group: '', kind: 'Service', name: object.name, namespace: object.metadata.namespace, sectionName });
    }
    return new ParentRef({ group: GATEWAY_GROUP, kind: 'Gateway', name: object.name, namespace: object.metadata.namespace, sectionName });
  }

  private static objectOf(construct: IConstruct, kinds: string[]): ApiObject {
    let object: ApiObject | undefined;
    try {
      object = ApiObject.of(construct);
    } catch {
      object = undefined;
    }
    const gatewayOk = object?.kind !== 'Gateway' || object.apiGroup === GATEWAY_GROUP;
    if (!object || !kinds.includes(object.kind) || !gatewayOk) {
      const what = object ? `${object.apiVersion} ${object.kind} ${object.name}` : `construct ${construct.node.path} (no Kubernetes object)`;
      throw new Error(`[${construct.node.path}] 'parentRef' (${what}) must be a ${kinds.map((k) => k === 'Gateway' ? `${GATEWAY_GROUP} Gateway` : k).join(' or ')}; `
        + 'pass the Gateway API Gateway construct, or a Service for mesh routes');
    }
    return object;
  }

  /** The reference to write in the route's `parentRefs`. */
  public readonly parentReference: ParentReference;

  /**
   * Whether the Gateway is named only (`ParentRef.gateway()`): defined outside this app, so the
   * analyzer does not report it as missing (CKI0008).
   *
   * @internal
   */
  public readonly _byName: boolean;

  private constructor(reference: ParentReference, byName = false) {
    this.parentReference = reference;
    this._byName = byName;
  }
}

/** Where a route sends requests: a Service (or another backend kind) with a port and weight. */
export class BackendRef {
  /**
   * A Service: any cdk8s-plus Service, imported KubeService or ApiObject of kind Service. The
   * port may be left out when the Service exposes exactly one.
   *
   * @param service the Service
   * @param port the Service port; required when the Service has several
   * @param weight the share of the rule's requests (0-1,000,000), relative to the other backends
   */
  public static service(service: IConstruct, port?: number, weight?: number): BackendRef {
    let object: ApiObject | undefined;
    try {
      object = ApiObject.of(service);
    } catch {
      object = undefined;
    }
    if (!object || object.kind !== 'Service') {
      const what = object ? `${object.kind} ${object.name}` : `construct ${service.node.path} (no Kubernetes object)`;
      throw new Error(`[${service.node.path}] 'backendRef' (${what}) must be a Service; `
        + 'pass a cdk8s-plus Service of any version, an imported KubeService or an ApiObject of kind Service');
    }
    return new BackendRef(object.name, port, object.metadata.namespace, weight, servicePorts(service, object), service.node.path);
  }

  /** A Service by name, for Services this app does not define. */
  public static of(name: string, port: number, namespace?: string): BackendRef {
    return new BackendRef(name, port, namespace, undefined, undefined, undefined);
  }

  /** Name of the Service. */
  public readonly name: string;

  /**
   * The Service port.
   *
   * @default - the Service's only port
   */
  public readonly port?: number;

  /**
   * Namespace of the Service. Written only when it differs from the route's namespace (a
   * cross-namespace reference needs a ReferenceGrant in the Service's namespace).
   *
   * @default - the route's namespace
   */
  public readonly namespace?: string;

  /**
   * The share of the rule's requests, relative to the other backends of the rule.
   *
   * @default 1
   */
  public readonly weight?: number;

  /** @internal */
  public readonly _knownPorts?: number[];

  /** @internal */
  public readonly _path?: string;

  private constructor(name: string, port: number | undefined, namespace: string | undefined, weight: number | undefined,
    knownPorts: number[] | undefined, path: string | undefined) {
    this.name = name;
    this.port = port;
    this.namespace = namespace;
    this.weight = weight;
    this._knownPorts = knownPorts;
    this._path = path;
  }

  /** This backend with another weight. */
  public withWeight(weight: number): BackendRef {
    return new BackendRef(this.name, this.port, this.namespace, weight, this._knownPorts, this._path);
  }
}

/** How a header, query parameter or gRPC method match compares. */
export enum RouteMatchType {
  /** The value must be equal. */
  EXACT = 'Exact',
  /** The value must match a regular expression (dialect of the implementation; RE2 in Istio). */
  REGULAR_EXPRESSION = 'RegularExpression',
}

/** A header a request must have. */
export interface RouteHeaderMatch {
  /** Header name (case-insensitive). */
  readonly name: string;

  /** The value, or the regular expression. */
  readonly value: string;

  /**
   * How to compare.
   *
   * @default RouteMatchType.EXACT
   */
  readonly type?: RouteMatchType;
}

/** Header changes of a RequestHeaderModifier or ResponseHeaderModifier filter. */
export interface HeaderModifier {
  /**
   * Headers to set, replacing any value the message has.
   *
   * @default - none
   */
  readonly set?: { [name: string]: string };

  /**
   * Headers to add, after any value the message has.
   *
   * @default - none
   */
  readonly add?: { [name: string]: string };

  /**
   * Names of headers to remove.
   *
   * @default - none
   */
  readonly remove?: string[];
}

/** A fraction of requests, `numerator / denominator`. */
export interface RouteFraction {
  /** The numerator (0 to the denominator). */
  readonly numerator: number;

  /**
   * The denominator.
   *
   * @default 100
   */
  readonly denominator?: number;
}

/** How many requests a RequestMirror filter copies. */
export interface MirrorOptions {
  /**
   * Percentage of requests to mirror (0-100). Give this or `fraction`.
   *
   * @default - every request (unless `fraction` is given)
   */
  readonly percent?: number;

  /**
   * Fraction of requests to mirror. Give this or `percent`.
   *
   * @default - every request (unless `percent` is given)
   */
  readonly fraction?: RouteFraction;
}
