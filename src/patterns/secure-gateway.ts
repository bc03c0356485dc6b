import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';
import { GatewayApiIngress } from './gateway-api-ingress';
import { checkRouteOptions, gatewayHttpRoutes, hasConditions, routeMatches, routePolicyProblem, servicePolicy } from './gateway-routes';
import { SecureGatewayRouteOptions } from './secure-gateway-route';
import { KubernetesGateway } from '../gateway-api/gateway';
import { HttpRoute } from '../gateway-api/http-route';
import { MeshSettings } from '../mesh-settings';
import { Gateway, GatewayServerOptions } from '../networking/gateway';
import { Protocol } from '../networking/protocol';
import { StringMatch } from '../networking/string-match';
import { TlsMode, TlsProtocolVersion } from '../networking/tls';
import { VirtualService } from '../networking/virtual-service';
import { deployedGatewayAccount } from '../private/gateway-deployment';
import { referenceScopeOf } from '../private/host-reference';
import { recordIngressGrant } from '../private/ingress-grants';
import { checkPort, invalid } from '../private/invalid';
import { keepOnIstio, memberOfOtherApi } from '../private/traffic-api-choice';
import { AuthorizationAction, AuthorizationPolicy } from '../security/authorization-policy';
import { PolicyAttachment, PolicyTarget } from '../security/policy-target';
import { JwtRule, RequestAuthentication } from '../security/request-authentication';
import { WorkloadAuthorization } from '../security/workload-authorization';
import { WorkloadIdentity } from '../security/workload-identity';
import { TrafficApi } from '../traffic-api';
import { isDns1123Label, isIpAddress, subnetProblem, wildcardDomainProblem } from '../validation/names';

/** The defined values of a list. */
function definedOnly(items: Array<string | undefined>): string[] {
  return items.filter((i): i is string => i !== undefined);
}

/** A JWT required at the gateway: the issuer's rule, and where it is required. */
export interface JwtRequirement extends JwtRule {
  /**
   * Paths that require the token: exact, prefix (`/api/*`) or suffix.
   *
   * @default - every path of the gateway's hosts
   */
  readonly paths?: string[];
}

/** The objects `SecureGateway.requireJwt()` creates. */
export interface JwtEnforcement {
  /** Validates the tokens on the gateway workload. */
  readonly requestAuthentication: RequestAuthentication;

  /** Rejects requests without a valid token. */
  readonly authorizationPolicy: AuthorizationPolicy;
}

/** How a SecureGateway handles TLS. */
export enum SecureGatewayTlsMode {
  /** Terminate TLS with the certificate in `credentialName`. */
  SIMPLE = 'SIMPLE',
  /** Terminate TLS and require client certificates signed by the CA in the credential (`ca.crt`). */
  MUTUAL = 'MUTUAL',
  /** Pass TLS through to the destination, routed by SNI; the destination terminates it. */
  PASSTHROUGH = 'PASSTHROUGH',
}

/** Properties of a SecureGateway. */
export interface SecureGatewayProps {
  /**
   * Host names served, e.g. `bookinfo.example.com`. The Gateway servers and the VirtualService
   * hosts are both derived from this one list, so they cannot disagree. `*` and wildcards
   * need `allowWildcardHosts`.
   */
  readonly hosts: string[];

  /**
   * Name of the `kubernetes.io/tls` Secret with the certificate (`tls.crt`, `tls.key`, and
   * `ca.crt` for MUTUAL). It must live in `gatewayNamespace`, the namespace of the gateway
   * workload, not in the app's namespace.
   *
   * @default - none; required unless tlsMode is PASSTHROUGH
   */
  readonly credentialName?: string;

  /**
   * How TLS is handled.
   *
   * @default SecureGatewayTlsMode.SIMPLE
   */
  readonly tlsMode?: SecureGatewayTlsMode;

  /**
   * Lowest TLS version accepted.
   *
   * @default TlsProtocolVersion.TLSV1_2
   */
  readonly minProtocolVersion?: TlsProtocolVersion;

  /**
   * Subject alternative names accepted in client certificates (MUTUAL).
   *
   * @default - any certificate signed by the CA
   */
  readonly subjectAltNames?: string[];

  /**
   * Serve port 80 with a redirect of every request to HTTPS.
   *
   * @default true
   */
  readonly httpsRedirect?: boolean;

  /**
   * Labels of the gateway workload.
   *
   * @default { istio: 'ingressgateway' }
   */
  readonly selector?: { [key: string]: string };

  /**
   * Namespace of the gateway workload: where the TLS Secret must be, and where the source
   * allow-list policy is created.
   *
   * @default 'istio-system'
   */
  readonly gatewayNamespace?: string;

  /**
   * Service account of the gateway workload: its identity, granted access to the
   * CanaryServices it routes to when they are deny-by-default (see `MeshNamespace`).
   *
   * @default 'istio-ingressgateway-service-account' (Istio's default ingress gateway) with
   * TrafficApi.ISTIO; with TrafficApi.GATEWAY_API the account Istio creates for the Gateway:
   * the `gateway.istio.io/service-account` annotation of `metadata`, else `<name>-<gatewayClassName>`
   */
  readonly gatewayServiceAccount?: string;

  /**
   * Container port of the gateway workload behind the Gateway's port 443: the port the
   * gateway's authorization policies (source allow-list, `requireJwt()`) match, so that they
   * apply to these HTTPS requests only and not to plain-TCP servers of the same workload.
   * Istio's istioctl-installed ingress gateway listens on 8443; the `gateway` Helm chart on 443.
   * Istio API only: the gateway Istio deploys for a Gateway API Gateway listens on the listener
   * ports themselves (443 and 80), which the policies then match.
   *
   * @default 8443
   */
  readonly httpsContainerPort?: number;

  /**
   * Container port of the gateway workload behind the Gateway's port 80 (the HTTPS redirect).
   * Istio API only (see `httpsContainerPort`).
   *
   * @default 8080
   */
  readonly httpContainerPort?: number;

  /**
   * Allow `*` or wildcard hosts (`*.example.com`).
   *
   * @default false
   */
  readonly allowWildcardHosts?: boolean;

  /**
   * Client CIDR blocks allowed to reach these hosts (e.g. `203.0.113.0/24`); other clients get
   * 403. Creates an AuthorizationPolicy on the gateway workload that denies other sources for
   * these hosts only. The gateway must see real client IPs (e.g. `externalTrafficPolicy: Local`
   * or `numTrustedProxies`). Not available with PASSTHROUGH.
   *
   * @default - all sources
   */
  readonly allowedSourceCidrs?: string[];

  /**
   * Metadata of the Gateway object.
   *
   * @default - a generated name, in the chart's namespace (TrafficApi.ISTIO) or in
   * `gatewayNamespace` (TrafficApi.GATEWAY_API, where Istio deploys the gateway workload in the
   * Gateway's namespace)
   */
  readonly metadata?: ApiObjectMetadata;

  /**
   * The API the gateway and its routes are written in. With TrafficApi.GATEWAY_API: a Gateway
   * (Istio deploys its workload in `gatewayNamespace`), an HTTPS listener per host, an HTTP
   * listener whose only HTTPRoute redirects to HTTPS, one HTTPRoute per host in the Gateway's
   * namespace, ReferenceGrants for Secrets and Services in other namespaces, and policies
   * attached to the Gateway with `targetRefs`. PASSTHROUGH, `selector`, `subjectAltNames`,
   * TLS 1.3 as the minimum, direct responses and route retries are Istio API only.
   *
   * @default - MeshSettings.trafficApiOf(scope): TrafficApi.ISTIO unless the App or Chart says otherwise
   */
  readonly trafficApi?: TrafficApi;

  /**
   * GatewayClass of the Gateway (TrafficApi.GATEWAY_API only).
   *
   * @default 'istio'
   */
  readonly gatewayClassName?: string;

  /**
   * Namespace of the TLS Secret (TrafficApi.GATEWAY_API only): when it is not the Gateway's, a
   * ReferenceGrant there lets the Gateway read it. With TrafficApi.ISTIO the Secret must be in
   * `gatewayNamespace`.
   *
   * @default - gatewayNamespace
   */
  readonly credentialNamespace?: string;
}

/** The label Istio puts on the pods it deploys for a Gateway API Gateway. */
const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';


/**
 * TLS ingress done right by default: an Istio Gateway with an HTTPS server (SIMPLE TLS with a
 * credentialName, TLS 1.2 or later) and a port-80 server that only redirects to HTTPS, plus
 * one VirtualService per host bound to it. Routes are added with `addRoute()`. With
 * `trafficApi: TrafficApi.GATEWAY_API` the same is written as a Gateway API Gateway and
 * HTTPRoutes.
 */
export class SecureGateway extends Construct {
  /** The API the gateway and its routes are written in. */
  public readonly trafficApi: TrafficApi;

  /** Host names served. */
  public readonly hosts: string[];

  /** Namespace of the gateway workload. */
  public readonly gatewayNamespace: string;

  /** The source allow-list policy, when `allowedSourceCidrs` is set. */
  public readonly authorizationPolicy?: AuthorizationPolicy;

  /**
   * Labels of the gateway workload (with TrafficApi.GATEWAY_API, the label Istio puts on the
   * pods it deploys for the Gateway).
   */
  public readonly selector: { [key: string]: string };

  /** Service account of the gateway workload. */
  public readonly gatewayServiceAccount: string;

  private readonly tlsMode: SecureGatewayTlsMode;
  private readonly credentialName?: string;
  private readonly virtualServices = new Map<string, VirtualService>();
  private readonly istioGateway?: Gateway;
  private readonly ingress?: GatewayApiIngress;
  private readonly credentialNamespace: string;
  private readonly pathsByHost = new Map<string, StringMatch[]>();
  private jwtCount = 0;
  private readonly httpsContainerPort: number;
  private readonly httpContainerPort: number;

  /** Defines a SecureGateway in `scope`. */
  public constructor(scope: Construct, id: string, props: SecureGatewayProps) {
    super(scope, id);
    this.hosts = [...props.hosts];
    this.tlsMode = props.tlsMode ?? SecureGatewayTlsMode.SIMPLE;
    this.credentialName = props.credentialName;
    this.trafficApi = props.trafficApi ?? MeshSettings.trafficApiOf(scope);
    const gatewayApi = this.trafficApi === TrafficApi.GATEWAY_API;
    this.gatewayNamespace = props.gatewayNamespace ?? (gatewayApi ? props.metadata?.namespace : undefined) ?? 'istio-system';
    this.credentialNamespace = props.credentialNamespace ?? this.gatewayNamespace;
    // Istio's gateways for the Gateway API listen on the listener ports themselves.
    this.httpsContainerPort = props.httpsContainerPort ?? (gatewayApi ? 443 : 8443);
    this.httpContainerPort = props.httpContainerPort ?? (gatewayApi ? 80 : 8080);
    this.checkProps(props);
    if (gatewayApi) this.checkGatewayApiProps(props);
    else this.checkIstioProps(props);
    const passthrough = this.tlsMode === SecureGatewayTlsMode.PASSTHROUGH;

    if (gatewayApi) {
      this.ingress = new GatewayApiIngress(this, {
        hosts: this.hosts,
        namespace: this.gatewayNamespace,
        metadata: props.metadata,
        gatewayClassName: props.gatewayClassName ?? 'istio',
        credentialName: props.credentialName!,
        credentialNamespace: this.credentialNamespace,
        mutual: this.tlsMode === SecureGatewayTlsMode.MUTUAL,
        httpsRedirect: props.httpsRedirect ?? true,
        clusterDomain: MeshSettings.clusterDomainOf(this),
      });
      const name = this.ingress.gateway.name;
      this.selector = { [GATEWAY_NAME_LABEL]: name };
      this.gatewayServiceAccount = props.gatewayServiceAccount ?? deployedGatewayAccount(name, props.gatewayClassName ?? 'istio', props.metadata?.annotations);
    } else {
      const selector = props.selector ?? { istio: 'ingressgateway' };
      this.selector = { ...selector };
      this.gatewayServiceAccount = props.gatewayServiceAccount ?? 'istio-ingressgateway-service-account';
      const servers: GatewayServerOptions[] = [{
        port: 443,
        protocol: passthrough ? Protocol.TLS : Protocol.HTTPS,
        hosts: this.hosts,
        tls: passthrough ? { mode: TlsMode.PASSTHROUGH } : {
          mode: this.tlsMode === SecureGatewayTlsMode.MUTUAL ? TlsMode.MUTUAL : TlsMode.SIMPLE,
          credentialName: props.credentialName,
          minProtocolVersion: props.minProtocolVersion ?? TlsProtocolVersion.TLSV1_2,
          subjectAltNames: props.subjectAltNames,
        },
      }];
      if (props.httpsRedirect ?? true) {
        servers.push({ port: 80, protocol: Protocol.HTTP, hosts: this.hosts, httpsRedirect: true });
      }
      this.istioGateway = new Gateway(this, 'Gateway', { metadata: props.metadata, selector, servers });
    }
    this.checkServiceAccount();

    if (props.allowedSourceCidrs) {
      this.authorizationPolicy = new AuthorizationPolicy(this, 'SourceAllowList', {
        metadata: { name: `${this.gatewayName}-source-allow-list`, namespace: this.gatewayNamespace },
        ...this.policyAttachment(),
        action: AuthorizationAction.DENY,
        rules: [{
          from: [{ notRemoteIpBlocks: [...props.allowedSourceCidrs] }],
          to: [{ hosts: this.hostPatterns(), ports: this.policyPorts(props.httpsRedirect ?? true) }],
        }],
      });
    }
    this.node.addValidation({ validate: () => this.secretProblems() });
  }

  /** The Istio Gateway (TrafficApi.ISTIO). */
  public get gateway(): Gateway {
    if (!this.istioGateway) memberOfOtherApi(this, 'SecureGateway', 'gateway', this.trafficApi, 'kubernetesGateway');
    return this.istioGateway;
  }

  /** The Gateway API Gateway (TrafficApi.GATEWAY_API). */
  public get kubernetesGateway(): KubernetesGateway {
    if (!this.ingress) memberOfOtherApi(this, 'SecureGateway', 'kubernetesGateway', this.trafficApi, 'gateway');
    return this.ingress.gateway;
  }

  /**
   * The HTTPRoutes (TrafficApi.GATEWAY_API): one per host with routes, then the HTTPS redirect.
   * Empty with TrafficApi.ISTIO.
   */
  public get httpRoutes(): HttpRoute[] {
    return this.ingress ? this.ingress.httpRoutes : [];
  }

  /**
   * Routes requests for one host (or all hosts) that match a path (and headers, method or
   * query) to a destination, a weighted split, a redirect or a direct response. Routes to a
   * service get the service's own timeout and retries (a CanaryService's `resilience`, or the
   * ResilientRoute for its host) unless they set their own, and the two are checked together.
   * Returns this SecureGateway.
   */
  public addRoute(options: SecureGatewayRouteOptions): SecureGateway {
    const hosts = options.host === undefined ? this.hosts : [options.host];
    if (options.host !== undefined && !this.hosts.includes(options.host)) {
      invalid(this, 'host', options.host, `must be one of the gateway's hosts (${this.hosts.join(', ')})`, "add it to 'hosts', or fix the name");
    }
    const passthrough = this.tlsMode === SecureGatewayTlsMode.PASSTHROUGH;
    checkRouteOptions(this, options, passthrough, this.ingress !== undefined);
    for (const target of [options.destination, ...(options.destinations ?? []).map((d) => d.target)]) {
      const backend = target?._backend;
      if (backend) recordIngressGrant(backend, target._backendNamespace, () => WorkloadAuthorization.of(backend).allowFrom(this));
    }
    if (this.ingress) {
      // The routes are in the Gateway's namespace; their policy resolves at synth.
      const from = { namespace: this.gatewayNamespace, clusterDomain: MeshSettings.clusterDomainOf(this) };
      const policy = () => servicePolicy(this.node.root, options, from);
      this.ingress.addRoute(options, hosts, () => {
        const p = policy();
        return p === 'conflict' ? {} : p;
      });
      for (const host of hosts) this.node.addValidation({ validate: () => definedOnly([routePolicyProblem(options, policy(), host)]) });
      return this;
    }
    for (const host of hosts) {
      const vs = this.virtualServiceFor(host);
      this.checkShadowing(host, options);
      if (passthrough) {
        vs.addTlsRoute({ match: [{ sniHosts: [host], port: 443 }], destinations: [{ destination: options.destination!._destination() }] });
        continue;
      }
      const matches = routeMatches(options);
      // The target's policy may come from a ResilientRoute defined later: resolve it at synth.
      const policy = () => servicePolicy(this.node.root, options, referenceScopeOf(vs.resource));
      vs._addHttpRouteProducer(() => {
        const p = policy();
        return gatewayHttpRoutes(options, matches, p === 'conflict' ? {} : p);
      });
      this.node.addValidation({ validate: () => definedOnly([routePolicyProblem(options, policy(), host)]) });
    }
    return this;
  }

  /**
   * Requires a valid JWT from one issuer for requests to these hosts (or some of their paths):
   * a RequestAuthentication on the gateway workload that validates tokens, and the DENY policy
   * that rejects requests without one (a RequestAuthentication alone lets requests with no
   * token through). Both are created in the gateway workload's namespace. Returns them.
   */
  public requireJwt(options: JwtRequirement): JwtEnforcement {
    const n = ++this.jwtCount;
    const id = `Jwt${n}`;
    const suffix = n === 1 ? '' : `-${n}`;
    const { paths, ...rule } = options;
    (paths ?? []).forEach((path, i) => {
      if (!path.startsWith('/') && !path.startsWith('*')) invalid(this, `requireJwt.paths[${i}]`, path, 'must start with / (or * for a suffix match)', "e.g. '/api/*'");
    });
    const namespace = this.gatewayNamespace;
    const requestAuthentication = new RequestAuthentication(this, `${id}Authentication`, {
      metadata: { name: `${this.gatewayName}-jwt${suffix}`, namespace }, ...this.policyAttachment(), jwtRules: [rule],
    });
    const authorizationPolicy = new AuthorizationPolicy(this, `${id}Required`, {
      metadata: { name: `${this.gatewayName}-require-jwt${suffix}`, namespace },
      ...this.policyAttachment(),
      action: AuthorizationAction.DENY,
      rules: [{
        // Denies requests without a valid token of this issuer (Istio's principal is `<iss>/<sub>`).
        from: [{ notRequestPrincipals: [`${options.issuer}/*`] }],
        to: [{ hosts: this.hostPatterns(), ports: [this.httpsContainerPort], paths: paths && paths.length > 0 ? [...paths] : undefined }],
      }],
    });
    return { requestAuthentication, authorizationPolicy };
  }

  /**
   * How policies in `gatewayNamespace` select the gateway workload: its `selector`
   * (TrafficApi.ISTIO), or `targetRefs` to the Gateway (TrafficApi.GATEWAY_API, whose pods
   * ignore selectors, IST0166). Spread it into a policy's props.
   */
  public policyAttachment(): PolicyAttachment {
    return this.ingress ? { targetRefs: [PolicyTarget.gateway(this.ingress.gateway.name)] } : { selector: { ...this.selector } };
  }

  /**
   * The identity of the gateway workload.
   *
   * @internal
   */
  public _workloadIdentities(): WorkloadIdentity[] {
    return [{ namespace: this.gatewayNamespace, serviceAccount: this.gatewayServiceAccount }];
  }

  /** The name of the Gateway object, in either API. */
  private get gatewayName(): string {
    return this.ingress ? this.ingress.gateway.name : this.istioGateway!.name;
  }

  /** What the Gateway API (or Istio's implementation of it) cannot express, refused with the way to get it. */
  private checkGatewayApiProps(props: SecureGatewayProps): void {
    const istioOnly = keepOnIstio('gateway');
    if (this.tlsMode === SecureGatewayTlsMode.PASSTHROUGH) {
      invalid(this, 'tlsMode', this.tlsMode, 'needs a TLSRoute, which this library does not write yet', `terminate TLS at the gateway (SIMPLE or MUTUAL), ${istioOnly}`);
    }
    for (const [field, value] of [['httpsContainerPort', props.httpsContainerPort], ['httpContainerPort', props.httpContainerPort]] as const) {
      // A policy on a port the deployed gateway does not listen on would never apply.
      if (value !== undefined) {
        invalid(this, field, value, 'is not used: the gateway Istio deploys for a Gateway API Gateway listens on the listener ports (443 and 80), which its policies match',
          `remove it, ${istioOnly}`);
      }
    }
    if (props.selector) {
      invalid(this, 'selector', props.selector, 'is not used: Istio deploys the workload of a Gateway API Gateway and selects its pods itself',
        `remove it (set 'gatewayNamespace' for where the workload runs), ${istioOnly}`);
    }
    if (props.subjectAltNames) {
      invalid(this, 'subjectAltNames', props.subjectAltNames,
        'are not implemented by Istio for Gateway API listeners (its conversion skips them), so any client certificate signed by the CA would pass',
        `remove them and check the client identity in an AuthorizationPolicy, ${istioOnly}`);
    }
    if (props.minProtocolVersion === TlsProtocolVersion.TLSV1_3) {
      invalid(this, 'minProtocolVersion', props.minProtocolVersion, 'cannot be set on a Gateway API listener (Istio has no listener option for it); Envoy\'s minimum, TLS 1.2, applies',
        `leave it unset or TLSV1_2, ${istioOnly}`);
    }
    if (props.metadata?.namespace && props.gatewayNamespace && props.metadata.namespace !== props.gatewayNamespace) {
      invalid(this, 'metadata.namespace', props.metadata.namespace, `differs from 'gatewayNamespace' (${props.gatewayNamespace}), but Istio deploys a Gateway API gateway's workload in the Gateway's namespace`,
        'set only one of them');
    }
    if (!isDns1123Label(this.credentialNamespace)) invalid(this, 'credentialNamespace', this.credentialNamespace, 'must be a namespace name', 'e.g. istio-system');
    const listeners = this.hosts.length + ((props.httpsRedirect ?? true) ? 1 : 0);
    if (listeners > 64) {
      invalid(this, 'hosts', this.hosts.length, `need ${listeners} listeners with the Gateway API (one HTTPS listener per host, and the HTTP one), and a Gateway has at most 64`,
        `split the hosts across several SecureGateways, or serve a wildcard host ('allowWildcardHosts'), ${istioOnly}`);
    }
    this.hosts.forEach((host, i) => {
      if (host !== host.toLowerCase()) {
        invalid(this, `hosts[${i}]`, host, 'must be lower case with the Gateway API, whose listener hostnames are lower-case DNS names',
          `write '${host.toLowerCase()}' (host names are case-insensitive), ${istioOnly}`);
      }
    });
  }

  /** Options of the Gateway API mode, refused on the Istio API instead of ignored. */
  private checkIstioProps(props: SecureGatewayProps): void {
    if (props.gatewayClassName !== undefined) {
      invalid(this, 'gatewayClassName', props.gatewayClassName, 'applies to a Gateway API Gateway only', "remove it, or set 'trafficApi: TrafficApi.GATEWAY_API'");
    }
    if (props.credentialNamespace !== undefined && props.credentialNamespace !== this.gatewayNamespace) {
      invalid(this, 'credentialNamespace', props.credentialNamespace, `must be the gateway workload's namespace (${this.gatewayNamespace}) with the Istio API, which reads the Secret there`,
        `create the Secret in ${this.gatewayNamespace}, or set 'trafficApi: TrafficApi.GATEWAY_API' (a ReferenceGrant then lets the Gateway read it)`);
    }
  }

  private checkServiceAccount(): void {
    if (!isDns1123Label(this.gatewayServiceAccount) && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(this.gatewayServiceAccount)) {
      invalid(this, 'gatewayServiceAccount', this.gatewayServiceAccount, 'must be a service account name', 'e.g. istio-ingressgateway-service-account');
    }
  }

  /**
   * The workload ports a gateway DENY policy matches: a DENY rule of HTTP attributes only
   * would deny every plain-TCP connection to the workload (Istio warns about it).
   */
  private policyPorts(withRedirect: boolean): number[] {
    return withRedirect ? [this.httpContainerPort, this.httpsContainerPort].sort((a, b) => a - b) : [this.httpsContainerPort];
  }

  /** The gateway's hosts as `to.hosts` matches: with and without a port in the Host header. */
  private hostPatterns(): string[] {
    return this.hosts.flatMap((h) => [h, `${h}:*`]);
  }

  private virtualServiceFor(host: string): VirtualService {
    let vs = this.virtualServices.get(host);
    if (!vs) {
      vs = new VirtualService(this, `Routes-${host.replace(/\./g, '-')}`, { hosts: [host], gateways: [this.gateway] });
      this.virtualServices.set(host, vs);
    }
    return vs;
  }

  /**
   * A path after a prefix that already covers it would never be reached. Only routes that match
   * on the path alone shadow later ones.
   */
  private checkShadowing(host: string, options: SecureGatewayRouteOptions): void {
    const path = options.path ?? StringMatch.prefix('/');
    const earlier = this.pathsByHost.get(host) ?? [];
    const covering = earlier.find((p) => p.kind === 'prefix' && path.kind !== 'regex' && path.value.startsWith(p.value));
    if (covering) {
      invalid(this, 'path', path.value, `is unreachable on ${host}: the earlier route for prefix '${covering.value}' already matches it`,
        `add the route for '${path.value}' before the one for '${covering.value}'`);
    }
    if (!hasConditions(options)) this.pathsByHost.set(host, [...earlier, path]);
  }

  private checkProps(props: SecureGatewayProps): void {
    if (this.hosts.length === 0) invalid(this, 'hosts', this.hosts, 'must list at least one host', "give the public host names, e.g. ['shop.example.com']");
    this.hosts.forEach((host, i) => {
      if (host.includes('*') && !props.allowWildcardHosts) {
        invalid(this, `hosts[${i}]`, host, 'must be an explicit host name', "name the hosts, or set 'allowWildcardHosts: true' on purpose");
      }
      const problem = host === '*' ? undefined : wildcardDomainProblem(host);
      if (problem || (host !== '*' && !host.includes('.'))) {
        invalid(this, `hosts[${i}]`, host, problem ?? 'must be a fully qualified host name', 'use a public host name such as shop.example.com');
      }
    });
    if (this.tlsMode === SecureGatewayTlsMode.PASSTHROUGH) {
      if (props.credentialName) invalid(this, 'credentialName', props.credentialName, 'is ignored with PASSTHROUGH', 'remove it; the destination holds the certificate');
      if (props.allowedSourceCidrs) {
        invalid(this, 'allowedSourceCidrs', props.allowedSourceCidrs, 'is not available with PASSTHROUGH (the policy would cover the whole gateway port)',
          'terminate TLS at the gateway, or use a dedicated gateway workload');
      }
    } else if (!props.credentialName) {
      invalid(this, 'credentialName', undefined, `is required for ${this.tlsMode} TLS`,
        `name the kubernetes.io/tls Secret in namespace ${this.gatewayNamespace} (the gateway workload's namespace)`);
    }
    checkPort(this, 'httpsContainerPort', this.httpsContainerPort);
    checkPort(this, 'httpContainerPort', this.httpContainerPort);
    if (!isDns1123Label(this.gatewayNamespace)) {
      invalid(this, 'gatewayNamespace', this.gatewayNamespace, 'must be a namespace name', 'e.g. istio-system');
    }
    if ((props.minProtocolVersion === TlsProtocolVersion.TLSV1_0 || props.minProtocolVersion === TlsProtocolVersion.TLSV1_1)) {
      invalid(this, 'minProtocolVersion', props.minProtocolVersion, 'must be TLSV1_2 or later (TLS 1.0 and 1.1 are insecure)', 'use TLSV1_2 or TLSV1_3');
    }
    (props.allowedSourceCidrs ?? []).forEach((cidr, i) => {
      if (isIpAddress(cidr)) {
        invalid(this, `allowedSourceCidrs[${i}]`, cidr, 'must be a CIDR block, not a bare IP address', `write '${cidr}${cidr.includes(':') ? '/128' : '/32'}' for this single address`);
      }
      const problem = subnetProblem(cidr);
      if (problem) invalid(this, `allowedSourceCidrs[${i}]`, cidr, problem, 'fix the CIDR block');
    });
    if (props.allowedSourceCidrs && props.allowedSourceCidrs.length === 0) {
      invalid(this, 'allowedSourceCidrs', [], 'must not be empty (it would deny every client)', 'list the allowed CIDR blocks, or leave it unset');
    }
  }

  /** The TLS Secret, when the app defines it, must be in the gateway workload's namespace. */
  private secretProblems(): string[] {
    if (!this.credentialName) return [];
    const secrets = this.node.root.node.findAll()
      .filter((c): c is ApiObject => c instanceof ApiObject && c.kind === 'Secret' && c.name === this.credentialName);
    if (secrets.length === 0 || secrets.some((s) => s.metadata.namespace === this.credentialNamespace)) return [];
    const found = secrets.map((s) => s.metadata.namespace ?? '(no namespace)').join(', ');
    if (this.ingress) {
      return [`'credentialName' (${this.credentialName}) names a Secret in namespace ${found}, but the Gateway's certificateRef reads it from ${this.credentialNamespace}; `
        + `set 'credentialNamespace' to ${found}, or create the Secret in namespace ${this.credentialNamespace}`];
    }
    return [`'credentialName' (${this.credentialName}) names a Secret in namespace ${found}, but the gateway workload reads it from ${this.gatewayNamespace}; `
      + `create the Secret in namespace ${this.gatewayNamespace}`];
  }
}
