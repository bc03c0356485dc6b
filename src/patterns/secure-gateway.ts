import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';
import { checkRouteOptions, gatewayHttpRoutes, hasConditions, routeMatches, routePolicyProblem, servicePolicy } from './gateway-routes';
import { SecureGatewayRouteOptions } from './secure-gateway-route';
import * as security from '../imports/security.istio.io';
import { Gateway, GatewayServerOptions } from '../networking/gateway';
import { Protocol } from '../networking/protocol';
import { StringMatch } from '../networking/string-match';
import { TlsMode, TlsProtocolVersion } from '../networking/tls';
import { VirtualService } from '../networking/virtual-service';
import { referenceScopeOf } from '../private/host-reference';
import { invalid } from '../private/invalid';
import { isDns1123Label, isIpAddress, subnetProblem, wildcardDomainProblem } from '../validation/names';

/** The defined values of a list. */
function definedOnly(items: Array<string | undefined>): string[] {
  return items.filter((i): i is string => i !== undefined);
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
    checkRouteOptions(this, options, passthrough);
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
