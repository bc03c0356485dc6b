import { Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Destination } from '../destination';
import { DestinationRule } from '../destination-rule';
import { FaultInjection } from '../fault';
import { HttpMatch, HttpRouteOptions } from '../http-route';
import { MeshSettings } from '../mesh-settings';
import { resolvedHost } from '../private/host-reference';
import { invalid } from '../private/invalid';
import { checkResilience } from '../private/resilience-check';
import { RetryOn, RetryPolicy } from '../retry';
import { ClientTlsMode } from '../tls';
import { VirtualService } from '../virtual-service';
import { CanaryService } from './canary-service';
import { ResilienceOptions } from './resilience';

/** Properties of a ResilientRoute. */
export interface ResilientRouteProps extends ResilienceOptions {
  /**
   * The service called: a short name (`ratings`) or an FQDN. It must not also be the host of a
   * CanaryService in the app: give the CanaryService `resilience` instead, so the host keeps
   * one VirtualService.
   */
  readonly host: string;

  /**
   * Port of the service, when it exposes more than one.
   *
   * @default - the service's only port
   */
  readonly port?: number;

  /**
   * Fault injection for chaos testing. Istio disables retries on a route with faults, so
   * faults are only injected into requests that match `faultMatch`, on a rule of their own.
   *
   * @default - no faults
   */
  readonly fault?: FaultInjection;

  /**
   * Which requests get the faults, e.g. a header `x-chaos: ratings`. Required with `fault`.
   *
   * @default - none
   */
  readonly faultMatch?: HttpMatch;
}

/** The retry policy of a ResilientRoute when none is given. */
const DEFAULT_RETRIES: RetryPolicy = {
  attempts: 2,
  perTryTimeout: Duration.seconds(3),
  retryOn: [RetryOn.CONNECT_FAILURE, RetryOn.REFUSED_STREAM, RetryOn.GATEWAY_ERROR],
};

/**
 * Timeouts, retries and circuit breaking for calls to one service, with the budget checked.
 *
 * Creates a VirtualService (timeout, retries, optional fault injection on a separate match rule)
 * and a DestinationRule (connection pool, outlier detection, load balancing, ISTIO_MUTUAL).
 * Checks Istio itself lacks: `timeout ≥ (attempts + 1) × perTryTimeout`, no fault injection on
 * the retried rule (Istio silently disables retries there), and outlier detection without a
 * connection pool is reported.
 *
 * Defaults: timeout 10s; 2 retries of at most 3s on connect-failure, refused-stream and
 * gateway-error. (Without any retry policy Istio retries twice on connection failures.)
 */
export class ResilientRoute extends Construct {
  /** The VirtualService for the host. */
  public readonly virtualService: VirtualService;

  /** The DestinationRule for the host. */
  public readonly destinationRule: DestinationRule;

  /** The service called. */
  public readonly host: string;

  /** Timeout of a whole request, retries included. */
  public readonly timeout: Duration;

  /** The retry policy. */
  public readonly retries: RetryPolicy;

  /** Defines a ResilientRoute in `scope`. */
  public constructor(scope: Construct, id: string, props: ResilientRouteProps) {
    super(scope, id);
    this.host = props.host;
    const timeout = this.timeout = props.timeout ?? Duration.seconds(10);
    const retries = this.retries = props.retries ?? DEFAULT_RETRIES;
    checkResilience(this, '', { ...props, timeout, retries });
    if (props.fault && !props.faultMatch) {
      invalid(this, 'fault', props.fault, 'must come with faultMatch: Istio disables retries and timeouts on a route with faults',
        "give 'faultMatch' (e.g. a header such as x-chaos) so faults go to matching requests only");
    }
    if (props.faultMatch && !props.fault) {
      invalid(this, 'faultMatch', props.faultMatch, 'has no effect without fault', "add 'fault', or remove 'faultMatch'");
    }

    const destination = Destination.toHost(props.host, { port: props.port });
    const routes: HttpRouteOptions[] = [];
    if (props.fault && props.faultMatch) {
      routes.push({ name: 'chaos', match: [props.faultMatch], fault: props.fault, destinations: [{ destination }] });
    }
    routes.push({ name: 'resilient', destinations: [{ destination }], timeout, retries });
    this.virtualService = new VirtualService(this, 'VirtualService', { hosts: [props.host], http: routes });
    this.destinationRule = new DestinationRule(this, 'DestinationRule', {
      host: props.host,
      trafficPolicy: {
        connectionPool: props.connectionPool,
        outlierDetection: props.outlierDetection,
        loadBalancer: props.loadBalancer,
        tls: { mode: ClientTlsMode.ISTIO_MUTUAL },
      },
    });
    // One VirtualService per host: a CanaryService for the same host would conflict.
    this.node.addValidation({ validate: () => this.conflicts() });
  }

  private conflicts(): string[] {
    const root: IConstruct = this.node.root;
    const domain = MeshSettings.clusterDomainOf(this);
    // Compare the names Istio resolves, so `ratings` in one namespace and a CanaryService
    // `ratings` in another are different hosts, and an FQDN matches its short form.
    const host = resolvedHost(this.host, this.virtualService.resource.metadata.namespace, domain);
    const canaries = root.node.findAll().filter((c): c is CanaryService => c instanceof CanaryService);
    return canaries.filter((c) => resolvedHost(c.serviceName, c.service.metadata.namespace, domain) === host).map((c) =>
      `'host' (${this.host}) is also the host of CanaryService ${c.node.path}, and two VirtualServices for one host conflict (IST0109); `
      + "remove this ResilientRoute and give the CanaryService the same settings in its 'resilience' prop");
  }
}
