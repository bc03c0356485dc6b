import { Construct, IConstruct } from 'constructs';
import { invalid } from './private/invalid';
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

  private constructor() {}
}
