import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { KubernetesGateway, ListenerProtocol, RouteNamespaces } from './gateway';
import { invalid } from '../private/invalid';
import { apiObjectOfKind } from '../private/object-reference';
import { USE_WAYPOINT, USE_WAYPOINT_NAMESPACE, WAYPOINT_CLASS, WAYPOINT_FOR } from '../private/waypoint-labels';
import { MeshNamespace } from '../security/mesh-namespace';
import { PolicyTarget } from '../security/policy-target';


/** The traffic a waypoint handles (its `istio.io/waypoint-for` label; Istio's values). */
export enum WaypointTrafficType {
  /** Traffic addressed to Services (and ServiceEntries) that use the waypoint: Istio's default. */
  SERVICE = 'service',
  /** Traffic addressed to workloads (pods, WorkloadEntries) directly, by IP. */
  WORKLOAD = 'workload',
  /** Both service and workload traffic. */
  ALL = 'all',
  /** No traffic (the waypoint is deployed but nothing is sent through it). */
  NONE = 'none',
}

/** Properties of a Waypoint. */
export interface WaypointProps {
  /**
   * Metadata of the Gateway object.
   *
   * @default - name `waypoint` (Istio's name for a namespace's waypoint), in the chart's namespace
   */
  readonly metadata?: ApiObjectMetadata;

  /**
   * The traffic the waypoint handles (label `istio.io/waypoint-for`).
   *
   * @default WaypointTrafficType.SERVICE
   */
  readonly trafficType?: WaypointTrafficType;

  /**
   * Which namespaces may use the waypoint (`allowedRoutes` of its HBONE listener): Istio refuses
   * the use from other namespaces unless this allows it.
   *
   * @default RouteNamespaces.SAME
   */
  readonly allowedNamespaces?: RouteNamespaces;

  /**
   * Labels of the namespaces that may use the waypoint (`allowedNamespaces: SELECTOR` only).
   *
   * @default - none
   */
  readonly allowedNamespaceSelector?: { [key: string]: string };

  /**
   * A namespace to enrol: its traffic goes through this waypoint (as `useFor(namespace)`): a
   * `MeshNamespace`, an imported KubeNamespace or an ApiObject of kind Namespace.
   *
   * @default - none; attach objects with `useFor()`
   */
  readonly enrolNamespace?: IConstruct;
}

/**
 * An Istio ambient-mode waypoint: a Gateway API Gateway of class `istio-waypoint` with Istio's
 * HBONE listener (`mesh`, port 15008), as `istioctl waypoint generate` writes it. Istio deploys
 * an L7 proxy for it; Namespaces, Services and ServiceEntries use it through the label
 * `istio.io/use-waypoint` (`useFor()`), and L7 policy attaches to it with `targetRefs`
 * (`policyTarget()`).
 *
 * @see https://istio.io/latest/docs/ambient/usage/waypoint/
 */
export class Waypoint extends Construct {
  /** The Gateway. */
  public readonly gateway: KubernetesGateway;

  /** The traffic the waypoint handles. */
  public readonly trafficType: WaypointTrafficType;

  private readonly allowedNamespaces: RouteNamespaces;

  /** Defines a Waypoint in `scope`. */
  public constructor(scope: Construct, id: string, props: WaypointProps = {}) {
    super(scope, id);
    const name = props.metadata?.name ?? 'waypoint';
    // istioctl waypoint generate: "'none' is a reserved value" (istio.io/use-waypoint: none opts out).
    if (name === 'none') invalid(this, 'metadata.name', name, "is reserved: 'istio.io/use-waypoint: none' opts out of waypoints", "name it e.g. 'waypoint'");
    // Istio names the waypoint's Deployment and Service after it, and `istio.io/use-waypoint`
    // carries the name: a Service name and a label value are at most 63 characters.
    if (name.length > 63) invalid(this, 'metadata.name', name, 'is longer than 63 characters, the limit of the Service Istio creates for the waypoint', 'shorten the name');
    this.trafficType = props.trafficType ?? WaypointTrafficType.SERVICE;
    this.allowedNamespaces = props.allowedNamespaces ?? RouteNamespaces.SAME;
    this.gateway = new KubernetesGateway(this, 'Gateway', {
      metadata: { ...props.metadata, name, labels: { ...props.metadata?.labels, [WAYPOINT_FOR]: this.trafficType } },
      gatewayClassName: WAYPOINT_CLASS,
      listeners: [{
        name: 'mesh',
        port: 15008,
        protocol: ListenerProtocol.HBONE,
        allowedRoutes: props.allowedNamespaces || props.allowedNamespaceSelector
          ? { namespaces: props.allowedNamespaces, selector: props.allowedNamespaceSelector }
          : undefined,
      }],
    });
    if (props.enrolNamespace) this.useFor(props.enrolNamespace);
  }

  /** The name of the waypoint's Gateway. */
  public get name(): string {
    return this.gateway.name;
  }

  /** The namespace of the waypoint's Gateway (the chart's, unless the metadata sets one). */
  public get namespace(): string | undefined {
    return this.gateway.namespace;
  }

  /**
   * The waypoint as a policy target: `targetRefs: [waypoint.policyTarget()]` attaches an
   * AuthorizationPolicy, RequestAuthentication or Telemetry to it (L7 rules need a waypoint in ambient mode).
   */
  public policyTarget(): PolicyTarget {
    return PolicyTarget.gateway(this.name);
  }

  /**
   * Sends the traffic of `target` through this waypoint: labels it `istio.io/use-waypoint: <name>`
   * and, in another namespace, `istio.io/use-waypoint-namespace: <namespace>`. The target is a
   * Namespace (a `MeshNamespace`, KubeNamespace or ApiObject), a Service (cdk8s-plus of any
   * version, KubeService or ApiObject) or a ServiceEntry (the L2 or an ApiObject). Returns this Waypoint.
   */
  public useFor(target: IConstruct): Waypoint {
    const object = apiObjectOfKind(this, 'useFor', target instanceof MeshNamespace ? target.namespace : target, ['Namespace', 'Service', 'ServiceEntry']);
    const isNamespace = object.kind === 'Namespace';
    const what = `${object.kind} ${object.name}`;
    // Istio: a Service (or ServiceEntry) binds only to a waypoint for service or all traffic
    // (fetchWaypointForService reports the binding as unsupported otherwise).
    if (!isNamespace && (this.trafficType === WaypointTrafficType.WORKLOAD || this.trafficType === WaypointTrafficType.NONE)) {
      invalid(this, 'useFor', what, `is a ${object.kind}, but the waypoint handles ${this.trafficType} traffic: Istio does not bind it`,
        'set trafficType: WaypointTrafficType.SERVICE or ALL, or use the waypoint for a Namespace');
    }
    const targetNamespace = isNamespace ? object.name : object.metadata.namespace;
    const namespaceObject = isNamespace ? object : targetNamespace !== undefined ? findNamespace(this, targetNamespace) : undefined;
    const mode = namespaceObject && sidecarMode(namespaceObject);
    if (mode) {
      invalid(this, 'useFor', what, `is in namespace ${namespaceObject.name}, which is not in ambient mode (${mode}): its pods are not captured by ztunnel`,
        "label the namespace 'istio.io/dataplane-mode: ambient' (MeshNamespace dataplane: DataplaneMode.ambient())");
    }
    const waypointNamespace = this.namespace;
    const crossNamespace = waypointNamespace !== undefined && targetNamespace !== waypointNamespace;
    // Istio checks the HBONE listener's allowedRoutes (AllowsAttachmentFromNamespace): Same refuses other namespaces.
    if (crossNamespace && targetNamespace !== undefined && this.allowedNamespaces === RouteNamespaces.SAME) {
      invalid(this, 'useFor', what, `is in namespace ${targetNamespace}, and the waypoint (namespace ${waypointNamespace}) accepts its own namespace only`,
        'set allowedNamespaces: RouteNamespaces.ALL (or SELECTOR) on the Waypoint');
    }
    object.metadata.addLabel(USE_WAYPOINT, this.name);
    if (crossNamespace) object.metadata.addLabel(USE_WAYPOINT_NAMESPACE, waypointNamespace);
    return this;
  }
}

/** The app's Namespace object named `name`, if the app defines it. */
function findNamespace(scope: IConstruct, name: string): ApiObject | undefined {
  return scope.node.root.node.findAll().find((c): c is ApiObject => c instanceof ApiObject && c.kind === 'Namespace' && c.name === name);
}

/** Why a Namespace object is not in ambient mode, when its labels say so (Istio's NamespaceInAmbientMode). */
function sidecarMode(namespace: ApiObject): string | undefined {
  const label = (key: string) => namespace.metadata.getLabel(key);
  if (label('istio-injection') === 'enabled') return 'istio-injection: enabled';
  if (label('istio.io/rev')) return `istio.io/rev: ${label('istio.io/rev')}`;
  if (label('istio.io/dataplane-mode') === 'none') return 'istio.io/dataplane-mode: none';
  return undefined;
}
