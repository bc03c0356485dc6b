/**
 * A resource a security policy attaches to instead of a workload selector: a Kubernetes Gateway
 * (the gateway's proxies), a Service or a ServiceEntry (its waypoint), or a GatewayClass (every
 * gateway of the class; root namespace only). The target is in the policy's namespace.
 */
export class PolicyTarget {
  /** A Gateway API Gateway (`gateway.networking.k8s.io`) in the policy's namespace. */
  public static gateway(name: string): PolicyTarget {
    return new PolicyTarget('gateway.networking.k8s.io', 'Gateway', name);
  }

  /** A GatewayClass: every gateway of the class. Only for policies in Istio's root namespace. */
  public static gatewayClass(name: string): PolicyTarget {
    return new PolicyTarget('gateway.networking.k8s.io', 'GatewayClass', name);
  }

  /** A Kubernetes Service in the policy's namespace, enforced by its waypoint (ambient mode). */
  public static service(name: string): PolicyTarget {
    return new PolicyTarget('', 'Service', name);
  }

  /** An Istio ServiceEntry in the policy's namespace, enforced by its waypoint (ambient mode). */
  public static serviceEntry(name: string): PolicyTarget {
    return new PolicyTarget('networking.istio.io', 'ServiceEntry', name);
  }

  /** Any other target, by API group (`''` for the core group), kind and name. */
  public static of(group: string, kind: string, name: string): PolicyTarget {
    return new PolicyTarget(group, kind, name);
  }

  private constructor(
    /** API group of the target (`''` for the core group). */
    public readonly group: string,
    /** Kind of the target. */
    public readonly kind: string,
    /** Name of the target. */
    public readonly name: string,
  ) {}

  /** @internal */
  public _toIstio(): { group: string; kind: string; name: string } {
    return { group: this.group, kind: this.kind, name: this.name };
  }
}

/**
 * How a policy (AuthorizationPolicy, RequestAuthentication, Telemetry, WasmPlugin) selects a
 * workload: by pod labels, or by the resource it attaches to. Spread it into the policy's
 * props: `{ ...gateway.policyAttachment(), ... }`.
 */
export interface PolicyAttachment {
  /**
   * Labels of the pods the policy applies to.
   *
   * @default - none; `targetRefs` is set instead
   */
  readonly selector?: { [key: string]: string };

  /**
   * Resources the policy attaches to.
   *
   * @default - none; `selector` is set instead
   */
  readonly targetRefs?: PolicyTarget[];
}
