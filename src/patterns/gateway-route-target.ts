import { IConstruct } from 'constructs';
import { CanaryService } from './canary-service';
import { BackendRef } from '../gateway-api/route-types';
import { Destination } from '../networking/destination';
import { ObjectHost, ReferenceScope, resolvedHost, serviceOfHost } from '../private/host-reference';
import { checkPort, invalid } from '../private/invalid';
import { apiObjectOfKind, servicePorts } from '../private/object-reference';
import { keepOnIstio } from '../private/traffic-api-choice';

/** Where a SecureGateway route sends traffic. */
export class GatewayRouteTarget {
  /**
   * A Kubernetes Service of the app, on the given port or its only port. Any Service works:
   * cdk8s-plus 28 to 33, an imported `KubeService`, or a plain `ApiObject` of kind Service.
   * When the Service is in another namespace than the gateway's routes, it is named by its FQDN.
   */
  public static fromService(service: IConstruct, port?: number): GatewayRouteTarget {
    const object = apiObjectOfKind(service, 'GatewayRouteTarget.fromService(service)', service, ['Service']);
    if (port !== undefined) checkPort(service, 'GatewayRouteTarget.fromService(port)', port);
    const ports = servicePorts(service, object);
    if (port === undefined && ports.length !== 1) {
      invalid(service, 'GatewayRouteTarget.fromService(port)', ports, `must be given: Service ${object.name} ${ports.length === 0 ? 'has no ports yet' : 'has several ports'}`,
        'pass the port to route to as the second argument');
    }
    if (port !== undefined && ports.length > 0 && !ports.includes(port)) {
      invalid(service, 'GatewayRouteTarget.fromService(port)', port, `is not a port of Service ${object.name} (${ports.join(', ')})`, 'pass one of its ports');
    }
    const target: ObjectHost = { name: object.name, namespace: object.metadata.namespace, definedBy: `Service ${service.node.path}` };
    return new GatewayRouteTarget(object.name, port ?? ports[0], target, undefined, service);
  }

  /**
   * A CanaryService: ingress traffic follows the same split, dark-launch matches, mirroring and
   * resilience as mesh traffic, in whatever namespace the CanaryService is.
   */
  public static fromCanary(canary: CanaryService): GatewayRouteTarget {
    return new GatewayRouteTarget(canary.serviceName, canary.port, undefined, canary, canary);
  }

  /**
   * A host and port, written as given: a short name (`productpage`) resolves in the namespace
   * of the gateway's routes; name a service in another namespace by its FQDN
   * (`productpage.shop.svc.cluster.local`), or use `fromService()`.
   */
  public static fromHost(host: string, port: number): GatewayRouteTarget {
    return new GatewayRouteTarget(host, port);
  }

  private constructor(
    /** The destination host, as its Service or CanaryService names it (or as given). */
    public readonly host: string,
    /** The destination port. */
    public readonly port: number,
    private readonly target?: ObjectHost,
    /** @internal */
    public readonly _canary?: CanaryService,
    /**
     * The app's object behind the target (a CanaryService or a Service), which authorization
     * can select: gateways are granted access to it when it is deny-by-default.
     *
     * @internal
     */
    public readonly _backend?: IConstruct,
  ) {}

  /**
   * The namespace of the backend object, when the target is one of the app.
   *
   * @internal
   */
  public get _backendNamespace(): string | undefined {
    return this._canary ? this._canary.service.metadata.namespace : this.target?.namespace;
  }

  /** @internal */
  public _destination(): Destination {
    return this.target ? Destination._toObjectHost(this.target, { port: this.port }) : Destination.toHost(this.host, { port: this.port });
  }

  /**
   * The Gateway API backend: the Service behind the target (a short name resolves in the
   * route's namespace; `<name>.<namespace>.svc.<cluster domain>` names another namespace).
   *
   * @internal
   */
  public _backendRef(scope: IConstruct, field: string, clusterDomain: string, weight?: number): BackendRef {
    const withWeight = (ref: BackendRef) => (weight === undefined ? ref : ref.withWeight(weight));
    if (this._backend && !this._canary) return withWeight(BackendRef.service(this._backend, this.port));
    const service = serviceOfHost(this.host, clusterDomain);
    if (service) return withWeight(BackendRef.of(service.name, this.port, service.namespace));
    return invalid(scope, field, this.host, 'is not a Service of the cluster, and Gateway API routes send to Services',
      `name a Service (GatewayRouteTarget.fromService, or <name>.<namespace>.svc.${clusterDomain}), ${keepOnIstio('gateway')}`);
  }

  /**
   * The name Istio resolves this target to, from routes written in `from`.
   *
   * @internal
   */
  public _resolvedHost(from: ReferenceScope): string {
    if (this._canary) return resolvedHost(this._canary.serviceName, this._canary.service.metadata.namespace, from.clusterDomain);
    return resolvedHost(this.host, this.target ? this.target.namespace : from.namespace, from.clusterDomain);
  }
}

/** A share of a gateway route's traffic, for a split across whole services (blue/green). */
export interface WeightedRouteTarget {
  /** Where this share goes (a Service or a host; a CanaryService has a split of its own). */
  readonly target: GatewayRouteTarget;

  /** Share of the route's traffic in percent (whole number); the shares sum to 100. */
  readonly weight: number;
}
