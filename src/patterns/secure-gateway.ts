import { ApiObject, ApiObjectMetadata, Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Destination } from '../destination';
import { Gateway, GatewayServerOptions } from '../gateway';
import { HttpRouteOptions } from '../http-route';
import * as security from '../imports/security.istio.io';
import { ObjectHost } from '../private/host-reference';
import { invalid } from '../private/invalid';
import { apiObjectOfKind, servicePorts } from '../private/object-reference';
import { Protocol } from '../protocol';
import { StringMatch } from '../string-match';
import { TlsMode, TlsProtocolVersion } from '../tls';
import { isDns1123Label, isIpAddress, subnetProblem, wildcardDomainProblem } from '../validation/names';
import { VirtualService } from '../virtual-service';
import { CanaryService } from './canary-service';

/** How a SecureGateway handles TLS. */
export enum SecureGatewayTlsMode {
  /** Terminate TLS with the certificate in `credentialName`. */
  SIMPLE = 'SIMPLE',
  /** Terminate TLS and require client certificates signed by the CA in the credential (`ca.crt`). */
  MUTUAL = 'MUTUAL',
  /** Pass TLS through to the destination, routed by SNI; the destination terminates it. */
  PASSTHROUGH = 'PASSTHROUGH',
}

/** Where a SecureGateway route sends traffic. */
export class GatewayRouteTarget {
  /**
   * A Kubernetes Service of the app, on the given port or its only port. Any Service works:
   * cdk8s-plus 28 to 33, an imported `KubeService`, or a plain `ApiObject` of kind Service.
   * When the Service is in another namespace than the gateway's routes, it is named by its FQDN.
   */
  public static fromService(service: IConstruct, port?: number): GatewayRouteTarget {
    const object = apiObjectOfKind(service, 'GatewayRouteTarget.fromService(service)', service, ['Service']);
    const ports = servicePorts(service, object);
    if (port === undefined && ports.length !== 1) {
      invalid(service, 'GatewayRouteTarget.fromService(port)', ports, `must be given: Service ${object.name} ${ports.length === 0 ? 'has no ports yet' : 'has several ports'}`,
        'pass the port to route to as the second argument');
    }
    if (port !== undefined && ports.length > 0 && !ports.includes(port)) {
      invalid(service, 'GatewayRouteTarget.fromService(port)', port, `is not a port of Service ${object.name} (${ports.join(', ')})`, 'pass one of its ports');
    }
    const target: ObjectHost = { name: object.name, namespace: object.metadata.namespace, definedBy: `Service ${service.node.path}` };
    return new GatewayRouteTarget(object.name, port ?? ports[0], target);
  }

  /**
   * A CanaryService: ingress traffic follows the same split and dark-launch matches as mesh
   * traffic, in whatever namespace the CanaryService is.
   */
  public static fromCanary(canary: CanaryService): GatewayRouteTarget {
    return new GatewayRouteTarget(canary.serviceName, canary.port, undefined, canary);
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
  ) {}

  /** @internal */
  public _destination(): Destination {
    return this.target ? Destination._toObjectHost(this.target, { port: this.port }) : Destination.toHost(this.host, { port: this.port });
  }
}

/** A route from the gateway to a destination. */
export interface SecureGatewayRouteOptions {
  /** Where to send the traffic. */
  readonly destination: GatewayRouteTarget;

  /**
   * Host of the gateway this route serves; one of the gateway's hosts.
   *
   * @default - every host of the gateway
   */
  readonly host?: string;

  /**
   * Request path. Routes are matched in the order they are added, so add more specific paths
   * first. Not used with PASSTHROUGH.
   *
   * @default StringMatch.prefix('/')
   */
  readonly path?: StringMatch;

  /**
   * Replace the matched path prefix before forwarding, e.g. `/`.
   *
   * @default - path unchanged
   */
  readonly rewriteUri?: string;

  /**
   * Timeout for requests on this route.
   *
   * @default - no timeout (Istio's default)
   */
  readonly timeout?: Duration;
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
   * @default - a generated name in the chart's namespace
   */
  readonly metadata?: ApiObjectMetadata;
}

/**
 * TLS ingress done right by default: an Istio Gateway with an HTTPS server (SIMPLE TLS with a
 * credentialName, TLS 1.2 or later) and a port-80 server that only redirects to HTTPS, plus
 * one VirtualService per host bound to it. Routes are added with `addRoute()`.
 */
export class SecureGateway extends Construct {
  /** The Istio Gateway. */
  public readonly gateway: Gateway;

  /** Host names served. */
  public readonly hosts: string[];

  /** Namespace of the gateway workload. */
  public readonly gatewayNamespace: string;

  /** The source allow-list policy, when `allowedSourceCidrs` is set. */
  public readonly authorizationPolicy?: ApiObject;

  private readonly tlsMode: SecureGatewayTlsMode;
  private readonly credentialName?: string;
  private readonly virtualServices = new Map<string, VirtualService>();
  private readonly pathsByHost = new Map<string, StringMatch[]>();

  /** Defines a SecureGateway in `scope`. */
  public constructor(scope: Construct, id: string, props: SecureGatewayProps) {
    super(scope, id);
    this.hosts = [...props.hosts];
    this.tlsMode = props.tlsMode ?? SecureGatewayTlsMode.SIMPLE;
    this.credentialName = props.credentialName;
    this.gatewayNamespace = props.gatewayNamespace ?? 'istio-system';
    this.checkProps(props);
    const selector = props.selector ?? { istio: 'ingressgateway' };
    const passthrough = this.tlsMode === SecureGatewayTlsMode.PASSTHROUGH;

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
    this.gateway = new Gateway(this, 'Gateway', { metadata: props.metadata, selector, servers });

    if (props.allowedSourceCidrs) {
      this.authorizationPolicy = new security.AuthorizationPolicy(this, 'SourceAllowList', {
        metadata: { namespace: this.gatewayNamespace },
        spec: {
          selector: { matchLabels: { ...selector } },
          action: security.AuthorizationPolicySpecAction.DENY,
          rules: [{
            from: [{ source: { notRemoteIpBlocks: [...props.allowedSourceCidrs] } }],
            to: [{ operation: { hosts: this.hosts.flatMap((h) => [h, `${h}:*`]) } }],
          }],
        },
      });
    }
    this.node.addValidation({ validate: () => this.secretProblems() });
  }

  /**
   * Routes requests for one host (or all hosts) and path to a destination. Returns this
   * SecureGateway.
   */
  public addRoute(options: SecureGatewayRouteOptions): SecureGateway {
    const hosts = options.host === undefined ? this.hosts : [options.host];
    if (options.host !== undefined && !this.hosts.includes(options.host)) {
      invalid(this, 'host', options.host, `must be one of the gateway's hosts (${this.hosts.join(', ')})`, "add it to 'hosts', or fix the name");
    }
    const passthrough = this.tlsMode === SecureGatewayTlsMode.PASSTHROUGH;
    if (passthrough && (options.path || options.rewriteUri || options.timeout)) {
      invalid(this, 'path', options.path?.value ?? options.rewriteUri ?? 'timeout', 'is not available with PASSTHROUGH: the gateway does not see HTTP',
        'route by host only, or terminate TLS at the gateway');
    }
    const path = options.path ?? StringMatch.prefix('/');
    for (const host of hosts) {
      this.checkShadowing(host, path);
      const vs = this.virtualServiceFor(host);
      const target = options.destination;
      const destination = target._destination();
      if (passthrough) {
        vs.addTlsRoute({ match: [{ sniHosts: [host], port: 443 }], destinations: [{ destination }] });
        continue;
      }
      const match = [{ uri: path }];
      const routes: HttpRouteOptions[] = target._canary
        ? target._canary._httpRoutes(match)
        : [{ match, destinations: [{ destination }] }];
      for (const route of routes) {
        vs.addHttpRoute({
          ...route,
          rewrite: options.rewriteUri !== undefined ? { uri: options.rewriteUri } : undefined,
          timeout: options.timeout ?? route.timeout,
        });
      }
    }
    return this;
  }

  private virtualServiceFor(host: string): VirtualService {
    let vs = this.virtualServices.get(host);
    if (!vs) {
      vs = new VirtualService(this, `Routes-${host.replace(/\./g, '-')}`, { hosts: [host], gateways: [this.gateway] });
      this.virtualServices.set(host, vs);
    }
    return vs;
  }

  /** A path after a prefix that already covers it would never be reached. */
  private checkShadowing(host: string, path: StringMatch): void {
    const earlier = this.pathsByHost.get(host) ?? [];
    const covering = earlier.find((p) => p.kind === 'prefix' && path.kind !== 'regex' && path.value.startsWith(p.value));
    if (covering) {
      invalid(this, 'path', path.value, `is unreachable on ${host}: the earlier route for prefix '${covering.value}' already matches it`,
        `add the route for '${path.value}' before the one for '${covering.value}'`);
    }
    this.pathsByHost.set(host, [...earlier, path]);
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
    if (secrets.length === 0 || secrets.some((s) => s.metadata.namespace === this.gatewayNamespace)) return [];
    const found = secrets.map((s) => s.metadata.namespace ?? '(no namespace)').join(', ');
    return [`'credentialName' (${this.credentialName}) names a Secret in namespace ${found}, but the gateway workload reads it from ${this.gatewayNamespace}; `
      + `create the Secret in namespace ${this.gatewayNamespace}`];
  }
}
