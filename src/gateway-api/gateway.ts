import { isIP } from 'net';
import { ApiObjectMetadata } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import * as gwapi from '../imports/gateway.networking.k8s.io';
import { checkPort, invalid } from '../private/invalid';
import { createL1Resource, noWebhookRules } from '../private/l1-resource';
import { apiObjectOfKind } from '../private/object-reference';

/** The Gateway address types the CRD accepts, and the host names of type Hostname. */
const ADDRESS_TYPE = /^Hostname|IPAddress|NamedAddress|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9\/\-._~%!$&'()*+,;=:]+$/;
const ADDRESS_HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The API group of the Gateway API. */
const GATEWAY_GROUP = 'gateway.networking.k8s.io';

/** The protocol of a Gateway listener (the Gateway API v1 standard channel's core protocols). */
export enum ListenerProtocol {
  /** Plain-text HTTP; routes: HTTPRoute, GRPCRoute. */
  HTTP = 'HTTP',
  /** HTTP over TLS, terminated at the Gateway; routes: HTTPRoute, GRPCRoute. */
  HTTPS = 'HTTPS',
  /** TLS, terminated or passed through by SNI; routes: TLSRoute (or TCPRoute when terminated). */
  TLS = 'TLS',
  /** Plain TCP; routes: TCPRoute. */
  TCP = 'TCP',
  /** UDP; routes: UDPRoute. */
  UDP = 'UDP',
  /** Istio's HTTP-based overlay tunnel: the listener of an ambient waypoint (port 15008; see `Waypoint`). */
  HBONE = 'HBONE',
}

/** What a TLS listener does with the TLS session. */
export enum ListenerTlsMode {
  /** The Gateway terminates TLS with the certificates of `certificateRefs`. */
  TERMINATE = 'Terminate',
  /** The Gateway routes by SNI and passes the encrypted stream on (TLS listeners only). */
  PASSTHROUGH = 'Passthrough',
}

/** Which namespaces may attach routes to a listener. */
export enum RouteNamespaces {
  /** Every namespace. */
  ALL = 'All',
  /** The Gateway's namespace only. */
  SAME = 'Same',
  /** The namespaces whose labels match `selector`. */
  SELECTOR = 'Selector',
}

/** A reference to a certificate, as a listener's `tls.certificateRefs` entry writes it. */
export interface CertificateReference {
  /** Name of the object that holds the certificate and key. */
  readonly name: string;

  /**
   * Namespace of the object. A namespace other than the Gateway's needs a ReferenceGrant there
   * (see `ReferenceGrant.allowGatewaySecrets`).
   *
   * @default - the Gateway's namespace
   */
  readonly namespace?: string;

  /**
   * Kind of the object.
   *
   * @default 'Secret'
   */
  readonly kind?: string;

  /**
   * API group of the object (empty for the core group, which Secrets are in).
   *
   * @default '' (core)
   */
  readonly group?: string;
}

/** A certificate of a TLS listener: a Secret construct, or a reference by name. */
export class CertificateRef {
  /**
   * A Secret of this app: a cdk8s-plus Secret of any version, an imported KubeSecret or an
   * ApiObject of kind Secret. Written with the Secret's namespace when it differs from the
   * Gateway's.
   */
  public static fromSecret(secret: IConstruct): CertificateRef {
    return new CertificateRef(undefined, secret);
  }

  /** A certificate by reference, e.g. a Secret created by cert-manager or in another repository. */
  public static of(reference: CertificateReference): CertificateRef {
    return new CertificateRef({ ...reference });
  }

  private constructor(private readonly reference?: CertificateReference, private readonly secret?: IConstruct) {}

  /**
   * The reference to write, for a Gateway in `namespace`; refuses a construct that is no Secret.
   *
   * @internal
   */
  public _resolve(scope: IConstruct, field: string): CertificateReference {
    if (this.reference) return this.reference;
    const object = apiObjectOfKind(scope, field, this.secret!, ['Secret']);
    return { name: object.name, namespace: object.metadata.namespace };
  }
}

/** TLS settings of a listener. */
export interface ListenerTls {
  /**
   * Whether the Gateway terminates TLS or passes it through (Passthrough: TLS listeners only).
   *
   * @default ListenerTlsMode.TERMINATE
   */
  readonly mode?: ListenerTlsMode;

  /**
   * The certificates the Gateway serves (Terminate mode: at least one, unless `options` names them).
   *
   * @default - none
   */
  readonly certificateRefs?: CertificateRef[];

  /**
   * Implementation-specific TLS options.
   *
   * @default - none
   */
  readonly options?: { [key: string]: string };
}

/** A kind of route a listener accepts. */
export interface RouteKind {
  /** The kind, e.g. `HTTPRoute`. */
  readonly kind: string;

  /**
   * The API group of the kind.
   *
   * @default 'gateway.networking.k8s.io'
   */
  readonly group?: string;
}

/** Which routes may attach to a listener. */
export interface AllowedRoutes {
  /**
   * The namespaces routes may come from.
   *
   * @default RouteNamespaces.SAME
   */
  readonly namespaces?: RouteNamespaces;

  /**
   * Labels of the namespaces routes may come from (`namespaces: SELECTOR` only).
   *
   * @default - none
   */
  readonly selector?: { [key: string]: string };

  /**
   * The kinds of routes the listener accepts.
   *
   * @default - the kinds the listener's protocol supports
   */
  readonly kinds?: RouteKind[];
}

/** One listener of a Gateway: a port, a protocol and, optionally, a hostname. */
export interface GatewayListener {
  /** Name of the listener, unique in the Gateway (routes name it as `sectionName`). */
  readonly name: string;

  /** The port the Gateway listens on. */
  readonly port: number;

  /** The protocol the listener speaks. */
  readonly protocol: ListenerProtocol;

  /**
   * The host the listener serves (a `*.` prefix matches one or more labels); not for TCP or UDP.
   *
   * @default - every host
   */
  readonly hostname?: string;

  /**
   * TLS settings: required for HTTPS and TLS listeners, refused for the others.
   *
   * @default - none
   */
  readonly tls?: ListenerTls;

  /**
   * Which routes may attach.
   *
   * @default - routes of the Gateway's namespace, of the kinds the protocol supports
   */
  readonly allowedRoutes?: AllowedRoutes;
}

/** An address a Gateway asks its implementation for. */
export interface GatewayAddress {
  /** The address: an IP address, or a hostname when `type` is `Hostname`. */
  readonly value: string;

  /**
   * The type of the address: `IPAddress`, `Hostname`, or an implementation-specific domain-prefixed type.
   *
   * @default 'IPAddress'
   */
  readonly type?: string;
}

/** Labels and annotations for the resources the implementation creates for the Gateway. */
export interface GatewayInfrastructure {
  /**
   * Labels of the generated resources (Istio: the Deployment, Service and ServiceAccount).
   *
   * @default - none
   */
  readonly labels?: { [key: string]: string };

  /**
   * Annotations of the generated resources (e.g. a cloud load balancer's settings).
   *
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
}

/** Properties of a KubernetesGateway. */
export interface KubernetesGatewayProps {
  /**
   * Metadata of the Gateway object.
   *
   * @default - a name generated by cdk8s, in the chart's namespace
   */
  readonly metadata?: ApiObjectMetadata;

  /**
   * The GatewayClass: `istio` makes Istio deploy a gateway for it.
   *
   * @default 'istio'
   */
  readonly gatewayClassName?: string;

  /**
   * The listeners; more can be added with `addListener()`. A Gateway needs at least one.
   *
   * @default - none
   */
  readonly listeners?: GatewayListener[];

  /**
   * Addresses to ask for.
   *
   * @default - the implementation assigns one
   */
  readonly addresses?: GatewayAddress[];

  /**
   * Labels and annotations of the resources the implementation creates.
   *
   * @default - none
   */
  readonly infrastructure?: GatewayInfrastructure;
}

/**
 * A Kubernetes Gateway API Gateway (gateway.networking.k8s.io/v1; named apart from Istio's
 * `Gateway` construct): listeners that routes
 * (HTTPRoute, GRPCRoute) attach to. With the default class `istio`, Istio deploys and
 * configures a gateway for it. The Gateway API's CRD schema and CEL rules are checked at synth
 * time, and a certificate in another namespace needs a ReferenceGrant there (CKI0007).
 *
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#gateway
 */
export class KubernetesGateway extends Construct {
  /** The underlying L1 object; use it as an escape hatch (e.g. `resource.addJsonPatch()`). */
  public readonly resource: gwapi.Gateway;

  /** The GatewayClass of the Gateway. */
  public readonly gatewayClassName: string;

  private readonly listenerList: GatewayListener[] = [];
  private readonly addresses: GatewayAddress[];
  private readonly infrastructure?: GatewayInfrastructure;

  /** Defines a Gateway in `scope`. */
  public constructor(scope: Construct, id: string, props: KubernetesGatewayProps = {}) {
    super(scope, id);
    this.gatewayClassName = props.gatewayClassName ?? 'istio';
    if (this.gatewayClassName === '') invalid(this, 'gatewayClassName', '', 'must not be empty', "name a GatewayClass, e.g. 'istio'");
    this.addresses = [...(props.addresses ?? [])];
    this.addresses.forEach((a, i) => {
      const type = a.type ?? 'IPAddress';
      if (!ADDRESS_TYPE.test(type)) {
        invalid(this, `addresses[${i}].type`, a.type, 'must be IPAddress, Hostname, NamedAddress or a domain-prefixed type', "e.g. 'example.com/my-type'");
      }
      if (type === 'IPAddress' && isIP(a.value) === 0) {
        invalid(this, `addresses[${i}].value`, a.value, 'must be an IPv4 or IPv6 address for type IPAddress', "set type: 'Hostname' for a host name");
      }
      if (type === 'Hostname' && !ADDRESS_HOSTNAME.test(a.value)) {
        invalid(this, `addresses[${i}].value`, a.value, 'must be a lower-case DNS name for type Hostname', "e.g. 'lb.example.com'");
      }
    });
    this.infrastructure = props.infrastructure;
    for (const listener of props.listeners ?? []) this.addListener(listener);
    this.resource = createL1Resource(this, gwapi.Gateway, props.metadata, () => this._toSpec(), noWebhookRules);
  }

  /** The name of the Gateway object. */
  public get name(): string {
    return this.resource.name;
  }

  /** The namespace of the Gateway object (the chart's, unless the metadata sets one). */
  public get namespace(): string | undefined {
    return this.resource.metadata.namespace;
  }

  /** The names of the listeners, in order. */
  public get listenerNames(): string[] {
    return this.listenerList.map((l) => l.name);
  }

  /** Adds a listener. Returns this Gateway. */
  public addListener(listener: GatewayListener): KubernetesGateway {
    const field = `listeners[${this.listenerList.length}]`;
    checkPort(this, `${field}.port`, listener.port);
    if (this.listenerList.some((l) => l.name === listener.name)) {
      invalid(this, `${field}.name`, listener.name, 'must be unique in the Gateway', 'give each listener its own name');
    }
    const protocol = listener.protocol;
    if ((protocol === ListenerProtocol.TCP || protocol === ListenerProtocol.UDP) && listener.hostname !== undefined) {
      invalid(this, `${field}.hostname`, listener.hostname, `must not be set for protocol ${protocol}`, 'remove it: TCP and UDP carry no host name');
    }
    const tls = listener.tls;
    if (protocol === ListenerProtocol.HTTPS || protocol === ListenerProtocol.TLS) {
      if (!tls) invalid(this, `${field}.tls`, undefined, `is required for protocol ${protocol}`, 'give the certificates in tls.certificateRefs');
      const mode = tls.mode ?? ListenerTlsMode.TERMINATE;
      if (protocol === ListenerProtocol.HTTPS && mode !== ListenerTlsMode.TERMINATE) {
        invalid(this, `${field}.tls.mode`, mode, 'must be Terminate for protocol HTTPS', 'use protocol TLS to pass TLS through');
      }
      if (mode === ListenerTlsMode.TERMINATE && (tls.certificateRefs ?? []).length === 0 && Object.keys(tls.options ?? {}).length === 0) {
        invalid(this, `${field}.tls.certificateRefs`, [], 'must name a certificate when the Gateway terminates TLS', 'add CertificateRef.fromSecret(secret)');
      }
    } else if (tls) {
      invalid(this, `${field}.tls`, tls, `must not be set for protocol ${protocol}`, 'use HTTPS or TLS for a TLS listener');
    }
    const routes = listener.allowedRoutes;
    if (routes?.namespaces === RouteNamespaces.SELECTOR && Object.keys(routes.selector ?? {}).length === 0) {
      invalid(this, `${field}.allowedRoutes.selector`, routes.selector, 'must have labels when namespaces is Selector', 'give the labels of the namespaces routes may come from');
    }
    if (routes?.selector && routes.namespaces !== RouteNamespaces.SELECTOR) {
      invalid(this, `${field}.allowedRoutes.selector`, routes.selector, 'is read only when namespaces is Selector', 'set namespaces: RouteNamespaces.SELECTOR, or remove the selector');
    }
    this.listenerList.push(listener);
    return this;
  }

  /** @internal */
  public _toSpec(): gwapi.GatewaySpec {
    const namespace = this.namespace;
    const infra = this.infrastructure;
    return {
      gatewayClassName: this.gatewayClassName,
      listeners: this.listenerList.map((l, i) => this.renderListener(l, `listeners[${i}]`, namespace)),
      addresses: this.addresses.length > 0 ? this.addresses.map((a) => ({ type: a.type ?? 'IPAddress', value: a.value })) : undefined,
      infrastructure: infra && (infra.labels || infra.annotations)
        ? { labels: infra.labels && { ...infra.labels }, annotations: infra.annotations && { ...infra.annotations } }
        : undefined,
    };
  }

  private renderListener(l: GatewayListener, field: string, namespace: string | undefined): gwapi.GatewaySpecListeners {
    const routes = l.allowedRoutes;
    return {
      name: l.name,
      hostname: l.hostname,
      port: l.port,
      protocol: l.protocol,
      tls: l.tls && {
        mode: (l.tls.mode ?? ListenerTlsMode.TERMINATE) as string as gwapi.GatewaySpecListenersTlsMode,
        certificateRefs: l.tls.certificateRefs?.map((c, j) => {
          const ref = c._resolve(this, `${field}.tls.certificateRefs[${j}]`);
          return {
            group: ref.group,
            kind: ref.kind,
            name: ref.name,
            namespace: ref.namespace !== undefined && ref.namespace !== namespace ? ref.namespace : undefined,
          };
        }),
        options: l.tls.options && { ...l.tls.options },
      },
      allowedRoutes: routes && {
        namespaces: routes.namespaces || routes.selector ? {
          from: (routes.namespaces ?? RouteNamespaces.SAME) as string as gwapi.GatewaySpecListenersAllowedRoutesNamespacesFrom,
          selector: routes.selector && { matchLabels: { ...routes.selector } },
        } : undefined,
        kinds: routes.kinds?.map((k) => ({ group: k.group ?? GATEWAY_GROUP, kind: k.kind })),
      },
    };
  }
}
