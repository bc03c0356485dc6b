import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { ResilienceOptions } from './resilience';
import { HttpRouteFilter, HttpRouteMatch, HttpRouteRule, HttpRoute } from '../gateway-api/http-route';
import { BackendRef, MirrorOptions, ParentRef, RouteHeaderMatch, RouteMatchType } from '../gateway-api/route-types';
import { MeshSettings } from '../mesh-settings';
import { Destination } from '../networking/destination';
import { DestinationRule, DestinationRuleSubset } from '../networking/destination-rule';
import { Gateway } from '../networking/gateway';
import { IGateway } from '../networking/gateway-ref';
import { HttpMatch, HttpRouteOptions } from '../networking/http-route';
import { StringMatch } from '../networking/string-match';
import { ClientTlsMode } from '../networking/tls';
import { TrafficPolicy } from '../networking/traffic-policy';
import { VirtualService } from '../networking/virtual-service';
import { cookieRegex, valueMatches } from '../private/gateway-api-matches';
import { checkPort, invalid } from '../private/invalid';
import { addPodLabels, apiObjectOfKind, containerPorts, WORKLOAD_KINDS } from '../private/object-reference';
import { register } from '../private/registry';
import { checkResilience } from '../private/resilience-check';
import { keepOnIstio, memberOfOtherApi } from '../private/traffic-api-choice';
import { accountIdentity, identitiesOf } from '../private/workload-identities';
import { PeerAuthentication, PeerAuthenticationMode } from '../security/peer-authentication';
import { AllowOptions, WorkloadAuthorization } from '../security/workload-authorization';
import { WorkloadIdentity } from '../security/workload-identity';
import { TrafficApi } from '../traffic-api';
import { isDns1123Label } from '../validation/names';

/** Istio's sidecar runs as this UID; application containers must not. */
const ISTIO_PROXY_UID = 1337;

/** Application protocol of a service port; decides the port name prefix and `appProtocol`. */
export enum ServiceProtocol {
  /** HTTP/1.1 */
  HTTP = 'http',
  /** HTTP/2 */
  HTTP2 = 'http2',
  /** gRPC */
  GRPC = 'grpc',
}

/** mTLS mode for the workloads of a service. */
export enum MtlsMode {
  /** Accept only mutual TLS. */
  STRICT = 'STRICT',
  /** Accept mutual TLS and plain text (for migration). */
  PERMISSIVE = 'PERMISSIVE',
}

/** One version of a CanaryService. Give `image` (a Deployment is created) or `deployment`. */
export interface CanaryVersion {
  /** Version name, e.g. `v1`: the `version` pod label and the subset name (a DNS-1123 label). */
  readonly name: string;

  /**
   * Share of traffic in percent (whole number, 0-100). The first version (the stable one)
   * gets what the others leave: `100 - sum(other weights)`, so the emitted weights always sum
   * to 100. Moving a rollout is changing one number.
   *
   * @default 0 (the first version gets the remainder)
   */
  readonly weight?: number;

  /**
   * Container image; a Deployment is created for it.
   *
   * @default - none; `deployment` must be given
   */
  readonly image?: string;

  /**
   * An existing workload to use for this version; its pods get the `app` and `version` labels.
   * Any Deployment (or StatefulSet, DaemonSet, ReplicaSet) works: from cdk8s-plus 28 to 33,
   * an imported `KubeDeployment`, or a plain `ApiObject`.
   *
   * @default - a Deployment is created from `image`
   */
  readonly deployment?: IConstruct;

  /**
   * Replicas of the created Deployment.
   *
   * @default 1
   */
  readonly replicas?: number;

  /**
   * Resources of the created container.
   *
   * @default - cdk8s-plus defaults (requests cpu 1000m and memory 512Mi, with limits)
   */
  readonly resources?: kplus.ContainerResources;

  /**
   * Environment variables of the created container.
   *
   * @default - none
   */
  readonly envVariables?: { [name: string]: kplus.EnvValue };

  /**
   * Security context of the created container. UID 1337 is refused (it is Istio's proxy).
   *
   * @default - cdk8s-plus defaults: non-root, read-only root file system, no privilege escalation
   */
  readonly securityContext?: kplus.ContainerSecurityContextProps;

  /**
   * Command of the created container (its entrypoint).
   *
   * @default - the image's entrypoint
   */
  readonly command?: string[];

  /**
   * Arguments of the created container.
   *
   * @default - the image's arguments
   */
  readonly args?: string[];

  /**
   * Readiness probe of the created container: Istio sends traffic only to ready pods.
   *
   * @default - cdk8s-plus's default (a TCP probe on the container port)
   */
  readonly readiness?: kplus.Probe;

  /**
   * Liveness probe of the created container.
   *
   * @default - none
   */
  readonly liveness?: kplus.Probe;

  /**
   * Startup probe of the created container.
   *
   * @default - cdk8s-plus's default
   */
  readonly startup?: kplus.Probe;

  /**
   * Volumes mounted into the created container (e.g. a ConfigMap or a Secret).
   *
   * @default - none
   */
  readonly volumeMounts?: kplus.VolumeMount[];

  /**
   * Paths of the created container that must be writable, e.g. `/var/cache/nginx` and
   * `/var/run` for nginx. cdk8s-plus makes the root file system read-only (a secure default that
   * breaks images writing to their own file system); each path gets an empty-dir volume, so
   * the root stays read-only.
   *
   * @default - none
   */
  readonly writablePaths?: string[];

  /**
   * Environment variables from ConfigMaps or Secrets, all keys at once.
   *
   * @default - none
   */
  readonly envFrom?: kplus.EnvFrom[];

  /**
   * Service account of this version's pods, instead of the service's: the version then has
   * an identity of its own, which grants (`allowFrom`) include.
   *
   * @default - the service's account (`CanaryServiceProps.serviceAccount`)
   */
  readonly serviceAccount?: kplus.IServiceAccount;

  /**
   * Traffic policy for this version only.
   *
   * @default - the service's policy
   */
  readonly trafficPolicy?: TrafficPolicy;
}

/** Sends matching requests to one version, before the weighted split (dark launch). */
export interface CanaryMatchRoute {
  /** Name of the version that gets the matching requests. */
  readonly version: string;

  /**
   * Request headers that must match, e.g. `{ 'x-dark-launch': StringMatch.exact('v2') }`.
   *
   * @default - none
   */
  readonly headers?: { [name: string]: StringMatch };

  /**
   * A cookie that must be present with this value, e.g. `user=jason`.
   *
   * @default - none
   */
  readonly cookie?: string;

  /**
   * Query parameters that must match.
   *
   * @default - none
   */
  readonly queryParams?: { [name: string]: StringMatch };
}

/** Copies a share of live traffic to one version; the copies' responses are discarded. */
export interface CanaryMirror {
  /** Name of the version that receives the copies. */
  readonly version: string;

  /** Share of requests to copy, in percent (0-100). */
  readonly percentage: number;
}

/** Properties of a CanaryService. */
export interface CanaryServiceProps {
  /**
   * Name of the Kubernetes Service, which is also the mesh host and the `app` label.
   *
   * @default - the construct id
   */
  readonly serviceName?: string;

  /** Versions; the first one is the stable version. At least two. */
  readonly versions: CanaryVersion[];

  /**
   * Port of the Service.
   *
   * @default 80
   */
  readonly port?: number;

  /**
   * Port the containers listen on (the Service's target port).
   *
   * @default - the first container port of the first version given as an existing workload, else the same as `port`
   */
  readonly containerPort?: number;

  /**
   * Application protocol: sets the Service port name (`http`, `http2`, `grpc`) and `appProtocol`,
   * so that Istio applies L7 routing.
   *
   * @default ServiceProtocol.HTTP
   */
  readonly protocol?: ServiceProtocol;

  /**
   * Requests that go to one version first (dark launch), in order.
   *
   * @default - none
   */
  readonly matchRoutes?: CanaryMatchRoute[];

  /**
   * Mirror a share of traffic to one version.
   *
   * @default - no mirroring
   */
  readonly mirror?: CanaryMirror;

  /**
   * Gateways to bind as well as the mesh (the VirtualService always applies to mesh traffic).
   *
   * @default - the mesh only
   */
  readonly gateways?: IGateway[];

  /**
   * More hosts for the VirtualService, e.g. an external name served by `gateways`.
   *
   * @default - only the service name
   */
  readonly hosts?: string[];

  /**
   * Timeouts, retries and circuit breaking for calls to the service.
   *
   * @default - Istio's defaults
   */
  readonly resilience?: ResilienceOptions;

  /**
   * Service account of the versions created from an image: the service's identity in the
   * mesh (`<trust domain>/ns/<namespace>/sa/<name>`), the same for every version, so grants
   * and authorization policies do not change with a rollout.
   *
   * @default - a ServiceAccount named after the service, without an automounted API token
   */
  readonly serviceAccount?: kplus.IServiceAccount;

  /**
   * mTLS mode enforced on the service's workloads (a PeerAuthentication). Clients use
   * ISTIO_MUTUAL through the DestinationRule either way.
   *
   * @default MtlsMode.STRICT
   */
  readonly mtls?: MtlsMode;

  /**
   * The API the routing is written in. With TrafficApi.GATEWAY_API the service gets one
   * Service per version (`<serviceName>-<version>`; the Gateway API has no subsets), an
   * HTTPRoute attached to the service's Service (GAMMA) with the dark-launch rules, the weighted
   * split and the mirror, and a DestinationRule per version Service for mTLS and the
   * connection pool. `gateways`, `hosts` and `resilience.retries` are Istio API only.
   *
   * @default - MeshSettings.trafficApiOf(scope): TrafficApi.ISTIO unless the App or Chart says otherwise
   */
  readonly trafficApi?: TrafficApi;
}

/**
 * One service, several versions, one traffic split.
 *
 * Creates a Deployment per version (or labels the ones you pass), one Kubernetes Service over all
 * versions with an Istio-conformant port name and `appProtocol`, a DestinationRule with a subset
 * per version whose labels are the same object that labels the pods, a VirtualService with
 * optional dark-launch matches, a weighted split that always sums to 100 and optional mirroring,
 * and a STRICT PeerAuthentication for the workloads.
 */
export class CanaryService extends Construct {
  /** @internal */
  public static readonly _KIND = 'CanaryService';

  /** Name of the Service, the mesh host and the `app` label. */
  public readonly serviceName: string;

  /** Port of the Service. */
  public readonly port: number;

  /** The Kubernetes Service (L1, to set `appProtocol`). */
  public readonly service: kplus.k8s.KubeService;

  /** The API the routing is written in. */
  public readonly trafficApi: TrafficApi;

  /** The PeerAuthentication of the workloads. */
  public readonly peerAuthentication: PeerAuthentication;

  /**
   * The service account shared by the versions created from an image: one identity for the
   * whole service (`<trust domain>/ns/<namespace>/sa/<serviceName>`), whatever the version.
   * Undefined when every version is an existing workload (they keep their own).
   */
  public readonly serviceAccount?: kplus.IServiceAccount;

  private readonly versionList: CanaryVersion[];
  private readonly deploymentList: ApiObject[] = [];
  private readonly subsetsByVersion = new Map<string, DestinationRuleSubset>();
  private readonly weights: Map<string, number>;
  private readonly matchRoutes: CanaryMatchRoute[];
  private readonly resilience: ResilienceOptions;
  private readonly mirror?: CanaryMirror;
  private readonly identityReaders: Array<() => WorkloadIdentity[]> = [];
  private readonly istioDestinationRule?: DestinationRule;
  private readonly istioVirtualService?: VirtualService;
  private readonly route?: HttpRoute;
  private readonly servicesByVersion = new Map<string, kplus.k8s.KubeService>();
  private readonly versionDestinationRules: DestinationRule[] = [];

  /** Defines a CanaryService in `scope`. */
  public constructor(scope: Construct, id: string, props: CanaryServiceProps) {
    super(scope, id);
    this.serviceName = props.serviceName ?? id;
    this.port = props.port ?? 80;
    this.versionList = [...props.versions];
    this.matchRoutes = [...(props.matchRoutes ?? [])];
    this.resilience = props.resilience ?? {};
    this.mirror = props.mirror;
    this.trafficApi = props.trafficApi ?? MeshSettings.trafficApiOf(scope);
    // An existing workload knows the port it listens on; created ones listen on the Service port.
    const containerPort = props.containerPort ?? declaredContainerPort(this.versionList) ?? this.port;
    const protocol = props.protocol ?? ServiceProtocol.HTTP;
    this.checkProps(props);
    this.weights = this.splitWeights();
    register(CanaryService._KIND, this);

    if (props.serviceAccount) {
      this.serviceAccount = props.serviceAccount;
    } else if (this.versionList.some((v) => v.image !== undefined && v.serviceAccount === undefined)) {
      this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', { metadata: { name: this.serviceName }, automountToken: false });
    }
    this.versionList.forEach((version, i) => {
      const labels = { app: this.serviceName, version: version.name };
      this.deploymentList.push(this.versionDeployment(version, i, labels, containerPort));
    });

    this.service = new kplus.k8s.KubeService(this, 'Service', {
      metadata: { name: this.serviceName, labels: { app: this.serviceName } },
      spec: {
        selector: { app: this.serviceName },
        ports: [{
          name: protocol,
          appProtocol: protocol,
          port: this.port,
          targetPort: kplus.k8s.IntOrString.fromNumber(containerPort),
          protocol: 'TCP',
        }],
      },
    });

    if (this.trafficApi === TrafficApi.GATEWAY_API) {
      this.versionList.forEach((version) => this.addVersionService(version, protocol, containerPort));
      // GAMMA: the route applies to mesh traffic sent to the service's own Service.
      const route = this.route = new HttpRoute(this, 'HttpRoute', { metadata: { name: this.serviceName }, parentRefs: [ParentRef.service(this.service)] });
      for (const rule of this._gatewayApiRules([{}])) route.addRule(rule);
    } else {
      const { timeout: _t, retries: _r, ...policy } = this.resilience;
      const destinationRule = this.istioDestinationRule = new DestinationRule(this, 'DestinationRule', {
        metadata: { name: this.serviceName },
        host: this.serviceName,
        trafficPolicy: { ...policy, tls: { mode: ClientTlsMode.ISTIO_MUTUAL } },
      });
      for (const version of this.versionList) {
        this.subsetsByVersion.set(version.name, destinationRule.addSubset({
          name: version.name,
          // The same labels the pods get: the subset cannot drift from the Deployment.
          labels: { app: this.serviceName, version: version.name },
          trafficPolicy: version.trafficPolicy,
        }));
      }

      const virtualService = this.istioVirtualService = new VirtualService(this, 'VirtualService', {
        metadata: { name: this.serviceName },
        hosts: [this.serviceName, ...(props.hosts ?? [])],
        gateways: props.gateways && props.gateways.length > 0 ? [...props.gateways, Gateway.MESH] : undefined,
      });
      for (const route of this._httpRoutes([{}])) virtualService.addHttpRoute(route);
    }

    this.peerAuthentication = new PeerAuthentication(this, 'PeerAuthentication', {
      metadata: { name: this.serviceName },
      selector: { app: this.serviceName },
      mode: (props.mtls ?? MtlsMode.STRICT) as string as PeerAuthenticationMode,
    });
  }

  /**
   * Allows calls to this service (all versions) from a workload: a CanaryService, a
   * SecureGateway's gateway, a cdk8s-plus workload or ServiceAccount, or an ApiObject, in any
   * namespace. Once a service has a grant, calls nobody was granted are denied. Returns this.
   */
  public allowFrom(caller: IConstruct, options: AllowOptions = {}): CanaryService {
    WorkloadAuthorization.of(this).allowFrom(caller, options);
    return this;
  }

  /** Allows calls to this service from every workload of a namespace. Returns this. */
  public allowFromNamespace(namespace: string, options: AllowOptions = {}): CanaryService {
    WorkloadAuthorization.of(this).allowFromNamespace(namespace, options);
    return this;
  }

  /**
   * The identities of the service's pods: the shared service account, and those of versions
   * given as existing workloads or with their own service account.
   *
   * @internal
   */
  public _workloadIdentities(): WorkloadIdentity[] {
    return this.identityReaders.flatMap((read) => read());
  }

  /**
   * The labels every pod of the service has.
   *
   * @internal
   */
  public _workloadSelector(): { [key: string]: string } {
    return { app: this.serviceName };
  }

  /**
   * The workload objects, one per version, in order: the Deployments created from `image`, or
   * the objects behind the workloads passed as `deployment`.
   */
  public get deployments(): ApiObject[] {
    return [...this.deploymentList];
  }

  /** The VirtualService with the traffic split (TrafficApi.ISTIO). */
  public get virtualService(): VirtualService {
    if (!this.istioVirtualService) memberOfOtherApi(this, 'CanaryService', 'virtualService', this.trafficApi, 'httpRoute');
    return this.istioVirtualService;
  }

  /** The DestinationRule with one subset per version (TrafficApi.ISTIO). */
  public get destinationRule(): DestinationRule {
    if (!this.istioDestinationRule) memberOfOtherApi(this, 'CanaryService', 'destinationRule', this.trafficApi, 'destinationRules');
    return this.istioDestinationRule;
  }

  /** The HTTPRoute with the traffic split, attached to the service (TrafficApi.GATEWAY_API). */
  public get httpRoute(): HttpRoute {
    if (!this.route) memberOfOtherApi(this, 'CanaryService', 'httpRoute', this.trafficApi, 'virtualService');
    return this.route;
  }

  /**
   * The DestinationRules: the one with a subset per version (TrafficApi.ISTIO), or one per
   * version Service (TrafficApi.GATEWAY_API).
   */
  public get destinationRules(): DestinationRule[] {
    return this.istioDestinationRule ? [this.istioDestinationRule] : [...this.versionDestinationRules];
  }

  /**
   * The Services of the versions, in order (`<serviceName>-<version>`): the HTTPRoute's
   * backends. Empty with TrafficApi.ISTIO, where subsets select the versions.
   */
  public get versionServices(): kplus.k8s.KubeService[] {
    return this.versionList.map((v) => this.servicesByVersion.get(v.name)).filter((x): x is kplus.k8s.KubeService => x !== undefined);
  }

  /** The subsets, one per version, in order (empty with TrafficApi.GATEWAY_API). */
  public get subsets(): DestinationRuleSubset[] {
    return this.versionList.filter((v) => this.subsetsByVersion.has(v.name)).map((v) => this.subsetsByVersion.get(v.name)!);
  }

  /** The traffic share of a version in percent, as emitted. */
  public weightOf(version: string): number {
    const weight = this.weights.get(version);
    if (weight === undefined) invalid(this, 'version', version, 'must name a version of this service', `use one of ${[...this.weights.keys()].join(', ')}`);
    return weight;
  }

  /**
   * The timeout and retries of calls to this service.
   *
   * @internal
   */
  public get _resilience(): ResilienceOptions {
    return this.resilience;
  }

  /**
   * The HTTP routes that reproduce this service's split, dark launch, mirroring and resilience,
   * each narrowed by `matches` (e.g. a path on a gateway). Gateways use them so ingress traffic
   * is treated like mesh traffic.
   *
   * @internal
   */
  public _httpRoutes(matches: HttpMatch[]): HttpRouteOptions[] {
    if (this.trafficApi !== TrafficApi.ISTIO) {
      invalid(this, 'trafficApi', this.trafficApi, 'must be TrafficApi.ISTIO for an Istio VirtualService route to this service: only then has it subsets',
        "set the same 'trafficApi' on the gateway and on this CanaryService (or MeshSettings.setTrafficApi on the App)");
    }
    const mirror = this.mirror;
    const { timeout, retries } = this.resilience;
    const to = (version: string) => Destination.toSubset(this.subsetsByVersion.get(version)!);
    // A dark launch narrows the given matches: both its conditions and theirs must hold, and a
    // match that names one header (or query parameter) with two values can never hold.
    const darkLaunch: HttpRouteOptions[] = this.matchRoutes.flatMap((route) => {
      const extraHeaders = { ...route.headers, ...(route.cookie ? { cookie: StringMatch.regex(cookieRegex(route.cookie)) } : {}) };
      const match = matches.flatMap((m) => {
        const headers = allOf(m.headers, extraHeaders, sameStringMatch, true);
        const queryParams = allOf(m.queryParams, route.queryParams, sameStringMatch, false);
        if (headers === null || queryParams === null) return [];
        return [{ ...m, headers: headers ?? {}, queryParams }];
      });
      return match.length === 0 ? [] : [{ name: `${route.version}-match`, match, destinations: [{ destination: to(route.version) }], timeout, retries }];
    });
    const hasMatch = matches.some((m) => Object.keys(m).length > 0);
    const split: HttpRouteOptions = {
      name: 'split',
      match: hasMatch ? matches : undefined,
      destinations: this.versionList.map((v) => ({ destination: to(v.name), weight: this.weights.get(v.name) })),
      mirrors: mirror ? [{ destination: to(mirror.version), percentage: mirror.percentage }] : undefined,
      timeout,
      retries,
    };
    return [...darkLaunch, split];
  }

  /**
   * The HTTPRoute rules that reproduce this service's split, dark launch, mirroring and timeout,
   * each narrowed by `matches` (e.g. a path on a gateway), for the Gateway API routes of a
   * gateway. Rules are named `<prefix><version>-match` and `<prefix>split`.
   *
   * @internal
   */
  public _gatewayApiRules(matches: HttpRouteMatch[], namePrefix = ''): HttpRouteRule[] {
    if (this.trafficApi !== TrafficApi.GATEWAY_API) {
      invalid(this, 'trafficApi', this.trafficApi, 'must be TrafficApi.GATEWAY_API for a Gateway API route to this service: only then has it a Service per version',
        "set 'trafficApi: TrafficApi.GATEWAY_API' on this CanaryService too (or MeshSettings.setTrafficApi on the App)");
    }
    const backend = (version: string, weight?: number) => BackendRef.service(this.servicesByVersion.get(version)!, this.port, weight);
    const timeouts = this.resilience.timeout ? { request: this.resilience.timeout } : undefined;
    // Rule names are unique in a route: a second dark launch of one version gets `-2`, ...
    const seen = new Map<string, number>();
    const darkLaunch: HttpRouteRule[] = this.matchRoutes.flatMap((route, i) => {
      const headerList = [
        ...valueMatches(this, `matchRoutes[${i}].headers`, route.headers) ?? [],
        ...(route.cookie ? [{ name: 'cookie', value: cookieRegex(route.cookie), type: RouteMatchType.REGULAR_EXPRESSION }] : []),
      ];
      const extraHeaders = Object.fromEntries(headerList.map((h) => [h.name, h]));
      const extraQuery = Object.fromEntries((valueMatches(this, `matchRoutes[${i}].queryParams`, route.queryParams) ?? []).map((q) => [q.name, q]));
      const ruleMatches = matches.flatMap((m) => {
        const headers = allOf(byName(m.headers), extraHeaders, sameRouteMatch, true);
        const queryParams = allOf(byName(m.queryParams), extraQuery, sameRouteMatch, false);
        if (headers === null || queryParams === null) return [];
        return [{ ...m, headers: headers && Object.values(headers), queryParams: queryParams && Object.values(queryParams) }];
      });
      if (ruleMatches.length === 0) return [];
      const n = (seen.get(route.version) ?? 0) + 1;
      seen.set(route.version, n);
      return [{ name: `${namePrefix}${route.version}-match${n === 1 ? '' : `-${n}`}`, matches: ruleMatches, backendRefs: [backend(route.version)], timeouts }];
    });
    const mirror = this.mirror;
    const split: HttpRouteRule = {
      name: `${namePrefix}split`,
      matches,
      backendRefs: this.versionList.map((v) => backend(v.name, this.weights.get(v.name))),
      filters: mirror ? [HttpRouteFilter.requestMirror(backend(mirror.version), mirrorShare(mirror.percentage))] : undefined,
      timeouts,
    };
    return [...darkLaunch, split];
  }

  /** The Service of one version, and its DestinationRule (mTLS, pool, the version's policy). */
  private addVersionService(version: CanaryVersion, protocol: ServiceProtocol, containerPort: number): void {
    const name = `${this.serviceName}-${version.name}`;
    const labels = { app: this.serviceName, version: version.name };
    this.servicesByVersion.set(version.name, new kplus.k8s.KubeService(this, `Service-${version.name}`, {
      metadata: { name, labels },
      spec: {
        selector: labels,
        ports: [{ name: protocol, appProtocol: protocol, port: this.port, targetPort: kplus.k8s.IntOrString.fromNumber(containerPort), protocol: 'TCP' }],
      },
    }));
    const { timeout: _t, retries: _r, ...policy } = this.resilience;
    this.versionDestinationRules.push(new DestinationRule(this, `DestinationRule-${version.name}`, {
      metadata: { name },
      host: name,
      trafficPolicy: { ...policy, tls: { mode: ClientTlsMode.ISTIO_MUTUAL }, ...version.trafficPolicy },
    }));
  }

  private checkProps(props: CanaryServiceProps): void {
    if (!isDns1123Label(this.serviceName) || this.serviceName !== this.serviceName.toLowerCase()) {
      invalid(this, 'serviceName', this.serviceName, 'must be a lower-case DNS-1123 label', "set 'serviceName', e.g. 'reviews'");
    }
    checkPort(this, 'port', this.port);
    if (props.containerPort !== undefined) checkPort(this, 'containerPort', props.containerPort);
    if (this.versionList.length < 2) {
      invalid(this, 'versions', this.versionList.map((v) => v.name), 'must list at least two versions (stable and canary)', 'add the canary version');
    }
    const names = new Set<string>();
    this.versionList.forEach((v, i) => {
      if (!isDns1123Label(v.name) || v.name !== v.name.toLowerCase()) {
        invalid(this, `versions[${i}].name`, v.name, 'must be a lower-case DNS-1123 label (it names the subset)', "use names like 'v1' or 'canary'");
      }
      if (names.has(v.name)) invalid(this, `versions[${i}].name`, v.name, 'must be unique', 'rename one of the versions');
      names.add(v.name);
      if ((v.image === undefined) === (v.deployment === undefined)) {
        invalid(this, `versions[${i}]`, v.name, 'must set exactly one of image and deployment', 'give an image to create a Deployment, or pass an existing one');
      }
      if (v.replicas !== undefined && (!Number.isInteger(v.replicas) || v.replicas < 0 || v.replicas > 2 ** 31 - 1)) {
        invalid(this, `versions[${i}].replicas`, v.replicas, 'must be a whole number from 0 to 2147483647', 'give the number of pods, e.g. 2');
      }
      const weight = v.weight ?? 0;
      if (!Number.isInteger(weight) || weight < 0 || weight > 100) {
        invalid(this, `versions[${i}].weight`, weight, 'must be a whole percentage from 0 to 100', 'give the share of traffic in percent');
      }
      if (v.deployment && [v.command, v.args, v.readiness, v.liveness, v.startup, v.volumeMounts, v.writablePaths, v.envFrom, v.serviceAccount,
        v.resources, v.envVariables, v.securityContext, v.replicas].some((x) => x !== undefined)) {
        invalid(this, `versions[${i}]`, v.name, 'sets container settings, which apply only to a Deployment created from image',
          'set them on the existing workload itself, or give an image instead of a deployment');
      }
      (v.writablePaths ?? []).forEach((path, j) => {
        if (!path.startsWith('/')) invalid(this, `versions[${i}].writablePaths[${j}]`, path, 'must be an absolute path', "e.g. '/var/cache/nginx'");
      });
      if (v.securityContext?.user === ISTIO_PROXY_UID) {
        invalid(this, `versions[${i}].securityContext.user`, ISTIO_PROXY_UID, 'must not be 1337, the UID reserved for the Istio sidecar (IST0144)', 'run the container as another non-root UID');
      }
    });
    this.matchRoutes.forEach((r, i) => {
      if (!names.has(r.version)) invalid(this, `matchRoutes[${i}].version`, r.version, 'must name a version of this service', `use one of ${[...names].join(', ')}`);
      if (!r.headers && !r.cookie && !r.queryParams) {
        invalid(this, `matchRoutes[${i}]`, r.version, 'must match on headers, a cookie or query parameters', 'add a condition, or give the version a weight instead');
      }
    });
    if (props.mirror) {
      if (!names.has(props.mirror.version)) invalid(this, 'mirror.version', props.mirror.version, 'must name a version of this service', `use one of ${[...names].join(', ')}`);
      if (props.mirror.percentage < 0 || props.mirror.percentage > 100) invalid(this, 'mirror.percentage', props.mirror.percentage, 'must be within 0-100', 'give a percentage');
    }
    checkResilience(this, 'resilience.', this.resilience);
    if (this.trafficApi === TrafficApi.GATEWAY_API) this.checkGatewayApiProps(props);
  }

  /** What the Gateway API cannot express, refused with the way to get it. */
  private checkGatewayApiProps(props: CanaryServiceProps): void {
    const istioOnly = keepOnIstio('service');
    if (props.gateways && props.gateways.length > 0) {
      invalid(this, 'gateways', props.gateways.length, 'binds Istio Gateways, which Gateway API routes do not use',
        `route ingress to it with SecureGateway.addRoute({ destination: GatewayRouteTarget.fromCanary(...) }) or an HttpRoute on a KubernetesGateway, ${istioOnly}`);
    }
    if (props.hosts && props.hosts.length > 0) {
      invalid(this, 'hosts', props.hosts, 'are ignored by a mesh route attached to a Service (GAMMA)', `remove them and route the external names from a gateway, ${istioOnly}`);
    }
    if (this.resilience.retries) {
      invalid(this, 'resilience.retries', this.resilience.retries.attempts,
        'is not in the Gateway API standard channel (HTTPRoute `retry` is Experimental in v1.6.1)',
        `leave it unset (Istio then retries twice on connection failures), ${istioOnly}`);
    }
    // Istio orders an HTTPRoute's rules by precedence, not as written (conversion.go sortHTTPRoutes):
    // for the same path, more headers first, then more query parameters. A dark launch listed after
    // one it outranks would take its requests in this API and not in the Istio API.
    const rank = (r: CanaryMatchRoute) => [Object.keys(r.headers ?? {}).length + (r.cookie ? 1 : 0), Object.keys(r.queryParams ?? {}).length];
    this.matchRoutes.forEach((later, j) => this.matchRoutes.slice(0, j).forEach((earlier, i) => {
      const [a, b] = [rank(earlier), rank(later)];
      if (b[0] > a[0] || (b[0] === a[0] && b[1] > a[1])) {
        invalid(this, `matchRoutes[${j}]`, later.version,
          `has more conditions than matchRoutes[${i}] (${b[0]} headers and ${b[1]} query parameters against ${a[0]} and ${a[1]}), and the Gateway API tries `
          + 'the rule with more headers (then query parameters) first, whatever the order',
          `list it before matchRoutes[${i}], so that both APIs try it first`);
      }
    }));
    const tooLong = this.versionList.find((v) => `${this.serviceName}-${v.name}`.length > 63);
    if (tooLong) {
      invalid(this, 'versions[*].name', tooLong.name, `makes the version Service name ${this.serviceName}-${tooLong.name} longer than 63 characters`,
        'shorten the service or version name');
    }
  }


  /** Weights per version; the first version takes the remainder, so the total is always 100. */
  private splitWeights(): Map<string, number> {
    const others = this.versionList.slice(1).reduce((sum, v) => sum + (v.weight ?? 0), 0);
    if (others > 100) {
      invalid(this, 'versions[*].weight', others, 'must not total more than 100 for the non-stable versions',
        `lower the weights so that ${this.versionList[0].name} gets the remainder`);
    }
    if (this.versionList[0].weight !== undefined && this.versionList[0].weight !== 100 - others) {
      invalid(this, 'versions[0].weight', this.versionList[0].weight, `must be ${100 - others} (100 minus the other versions' weights) or unset`,
        'leave the stable version\'s weight unset; it gets the remainder');
    }
    return new Map(this.versionList.map((v, i) => [v.name, i === 0 ? 100 - others : v.weight ?? 0]));
  }

  private versionDeployment(version: CanaryVersion, index: number, labels: { [key: string]: string }, containerPort: number): ApiObject {
    if (version.deployment) {
      const field = `versions[${index}].deployment`;
      const object = apiObjectOfKind(this, field, version.deployment, WORKLOAD_KINDS);
      addPodLabels(version.deployment, object, labels);
      this.node.addValidation({ validate: () => existingWorkloadProblems(object, field, labels, containerPort) });
      this.identityReaders.push(identitiesOf(this, field, version.deployment));
      return object;
    }
    const deployment = new kplus.Deployment(this, `Deployment-${version.name}`, {
      metadata: { name: `${this.serviceName}-${version.name}`, labels },
      replicas: version.replicas ?? 1,
      select: false,
      podMetadata: { labels },
      serviceAccount: version.serviceAccount ?? this.serviceAccount,
      containers: [{
        name: this.serviceName,
        image: version.image!,
        portNumber: containerPort,
        command: version.command,
        args: version.args,
        resources: version.resources,
        envVariables: version.envVariables,
        envFrom: version.envFrom,
        securityContext: version.securityContext,
        readiness: version.readiness,
        liveness: version.liveness,
        startup: version.startup,
        volumeMounts: [
          ...(version.volumeMounts ?? []),
          ...(version.writablePaths ?? []).map((path, i) => ({
            path,
            volume: kplus.Volume.fromEmptyDir(this, `Writable-${version.name}-${i}`, `writable-${i}`),
          })),
        ],
      }],
    });
    deployment.select(kplus.LabelSelector.of({ labels }));
    // The account is the one set here; reading it back would render every Deployment again
    // for every grant that names this service.
    const account = version.serviceAccount ?? this.serviceAccount;
    this.identityReaders.push(account
      ? accountIdentity(this, `versions[${index}]`, ApiObject.of(deployment), account.name)
      : identitiesOf(this, `versions[${index}]`, deployment));
    return ApiObject.of(deployment);
  }
}

/** The first port declared by the containers of the versions given as existing workloads. */
function declaredContainerPort(versions: CanaryVersion[]): number | undefined {
  for (const v of versions) {
    if (!v.deployment) continue;
    let object: ApiObject;
    try {
      object = ApiObject.of(v.deployment);
    } catch {
      continue; // refused with its field when the version is built
    }
    const ports = containerPorts(v.deployment, object);
    if (ports.length > 0) return ports[0];
  }
  return undefined;
}

/**
 * What an existing workload must satisfy once the app is complete (after escape-hatch
 * patches): pods that carry the version's labels, no container running as Istio's UID, and a
 * container that listens on the Service's target port.
 */
function existingWorkloadProblems(object: ApiObject, field: string, labels: { [key: string]: string }, containerPort: number): string[] {
  const manifest = object.toJson();
  const template = manifest?.spec?.template ?? {};
  const podLabels: { [key: string]: string } = template.metadata?.labels ?? {};
  const where = `${manifest.kind} ${object.name}`;
  const problems: string[] = [];
  for (const [key, value] of Object.entries(labels)) {
    if (podLabels[key] !== value) {
      problems.push(`'${field}' (${where}) has pod label ${key}=${podLabels[key] ?? '(none)'} after patches, but the version's subset selects ${key}=${value}; `
        + 'remove the patch or label that overrides it');
    }
  }
  // A selector that no longer selects the pods is reported by the analyzer's object rules (CKI0003).
  const pod = template.spec ?? {};
  const containers: any[] = [...(pod.containers ?? []), ...(pod.initContainers ?? [])];
  const uids = [pod.securityContext?.runAsUser, ...containers.map((c) => c?.securityContext?.runAsUser)];
  if (uids.includes(ISTIO_PROXY_UID)) {
    problems.push(`'${field}.securityContext.runAsUser' (${ISTIO_PROXY_UID}) must not be 1337, the UID reserved for the Istio sidecar (IST0144); run the pods as another non-root UID`);
  }
  const declared = (pod.containers ?? []).flatMap((c: any) => (c?.ports ?? []).map((p: any) => p?.containerPort)).filter((p: unknown) => typeof p === 'number');
  if (declared.length > 0 && !declared.includes(containerPort)) {
    problems.push(`'containerPort' (${containerPort}) is not a port of ${where}, whose containers listen on ${declared.join(', ')}; `
      + 'set \'containerPort\' to the port the container listens on (the Service sends traffic there)');
  }
  return problems;
}

/**
 * Conditions by name that must all hold: `base`'s and `extra`'s. Null when they cannot (one
 * name with two different conditions), undefined when there are none. Header names compare
 * without case.
 */
function allOf<T>(base: { [name: string]: T } | undefined, extra: { [name: string]: T } | undefined, same: (a: T, b: T) => boolean,
  caseInsensitive: boolean): { [name: string]: T } | undefined | null {
  if (!base && !extra) return undefined;
  const key = (name: string) => (caseInsensitive ? name.toLowerCase() : name);
  const merged: { [name: string]: T } = { ...base };
  const byKey = new Map(Object.keys(merged).map((name) => [key(name), name]));
  for (const [name, condition] of Object.entries(extra ?? {})) {
    const existing = byKey.get(key(name));
    if (existing === undefined) {
      merged[name] = condition;
      byKey.set(key(name), name);
    } else if (!same(merged[existing], condition)) {
      return null;
    }
  }
  return merged;
}

function sameStringMatch(a: StringMatch, b: StringMatch): boolean {
  return a.kind === b.kind && a.value === b.value;
}

function sameRouteMatch(a: RouteHeaderMatch, b: RouteHeaderMatch): boolean {
  return a.value === b.value && (a.type ?? RouteMatchType.EXACT) === (b.type ?? RouteMatchType.EXACT);
}

function byName(matches: RouteHeaderMatch[] | undefined): { [name: string]: RouteHeaderMatch } | undefined {
  return matches && Object.fromEntries(matches.map((m) => [m.name, m]));
}

/** A mirror share in percent as the Gateway API writes it: whole percent, else a fraction. */
function mirrorShare(percentage: number): MirrorOptions {
  if (Number.isInteger(percentage)) return { percent: percentage };
  return { fraction: { numerator: Math.round(percentage * 10_000), denominator: 1_000_000 } };
}
