import { Construct, IConstruct } from 'constructs';
import { invalid } from './private/invalid';
import { TrafficApi } from './traffic-api';
import { fqdnProblem } from './validation/names';

/**
 * Mesh-wide settings that decide how the constructs of an App write names, read from the
 * construct tree's context so that one setting on the App covers every chart.
 *
 * Set them on the App before adding charts (context cannot change once children exist):
 * `MeshSettings.setClusterDomain(app, 'corp.local')`, or in `cdk8s.yaml`/App context under
 * the key `MeshSettings.CLUSTER_DOMAIN_CONTEXT`.
 */
export class MeshSettings {
  /** Context key of the cluster domain. */
  public static readonly CLUSTER_DOMAIN_CONTEXT = 'cdk8s-istio:clusterDomain';

  /** The cluster domain when none is set, as in Kubernetes and Istio. */
  public static readonly DEFAULT_CLUSTER_DOMAIN = 'cluster.local';

  /** Context key of the trust domain. */
  public static readonly TRUST_DOMAIN_CONTEXT = 'cdk8s-istio:trustDomain';

  /** The trust domain when none is set, as in Istio's default mesh config. */
  public static readonly DEFAULT_TRUST_DOMAIN = 'cluster.local';

  /** Context key of the traffic API the patterns write. */
  public static readonly TRAFFIC_API_CONTEXT = 'cdk8s-istio:trafficApi';

  /**
   * Sets the cluster domain (Istio's domain suffix) for everything under `scope`: hosts that
   * cross namespaces are written as `<name>.<namespace>.svc.<cluster domain>`.
   */
  public static setClusterDomain(scope: Construct, clusterDomain: string): void {
    const problem = fqdnProblem(clusterDomain) ?? (clusterDomain.endsWith('.') ? 'must not end with a dot' : undefined);
    if (problem) invalid(scope, 'clusterDomain', clusterDomain, problem, "give the cluster's DNS domain, e.g. 'cluster.local'");
    scope.node.setContext(MeshSettings.CLUSTER_DOMAIN_CONTEXT, clusterDomain);
  }

  /** The cluster domain in effect at `scope`. */
  public static clusterDomainOf(scope: IConstruct): string {
    const value = scope.node.tryGetContext(MeshSettings.CLUSTER_DOMAIN_CONTEXT);
    return typeof value === 'string' && value.length > 0 ? value : MeshSettings.DEFAULT_CLUSTER_DOMAIN;
  }

  /**
   * Sets the mesh's trust domain (`meshConfig.trustDomain`) for everything under `scope`:
   * workload identities in authorization policies are written as
   * `<trust domain>/ns/<namespace>/sa/<service account>`.
   */
  public static setTrustDomain(scope: Construct, trustDomain: string): void {
    const problem = fqdnProblem(trustDomain) ?? (trustDomain.endsWith('.') ? 'must not end with a dot' : undefined);
    if (problem) invalid(scope, 'trustDomain', trustDomain, problem, "give the mesh's trust domain, e.g. 'cluster.local'");
    scope.node.setContext(MeshSettings.TRUST_DOMAIN_CONTEXT, trustDomain);
  }

  /** The trust domain in effect at `scope`. */
  public static trustDomainOf(scope: IConstruct): string {
    const value = scope.node.tryGetContext(MeshSettings.TRUST_DOMAIN_CONTEXT);
    return typeof value === 'string' && value.length > 0 ? value : MeshSettings.DEFAULT_TRUST_DOMAIN;
  }

  /**
   * Sets the API the patterns under `scope` write their routing in (a construct's own
   * `trafficApi` prop overrides it). Switching an app to the Gateway API is this one call.
   */
  public static setTrafficApi(scope: Construct, api: TrafficApi): void {
    if (!Object.values(TrafficApi).includes(api)) {
      invalid(scope, 'trafficApi', api, 'must be TrafficApi.ISTIO or TrafficApi.GATEWAY_API', 'pick one of the two');
    }
    scope.node.setContext(MeshSettings.TRAFFIC_API_CONTEXT, api);
  }

  /**
   * The traffic API in effect at `scope`: the context set with `setTrafficApi()` (the key
   * `MeshSettings.TRAFFIC_API_CONTEXT`), else TrafficApi.ISTIO.
   */
  public static trafficApiOf(scope: IConstruct): TrafficApi {
    const value = scope.node.tryGetContext(MeshSettings.TRAFFIC_API_CONTEXT);
    if (value === undefined) return TrafficApi.ISTIO;
    if (!Object.values(TrafficApi).includes(value)) {
      invalid(scope, `context '${MeshSettings.TRAFFIC_API_CONTEXT}'`, value, 'must be ISTIO or GATEWAY_API', 'fix the context value');
    }
    return value;
  }

  private constructor() {}
}
