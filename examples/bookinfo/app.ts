/**
 * Istio's Bookinfo, written with cdk8s-istio's patterns:
 * - productpage behind a SecureGateway (HTTPS only, HTTP redirected, TLS 1.2+);
 * - reviews as a CanaryService with v1/v2/v3, a header-based dark launch of v3, and a split
 *   that a rollout moves by changing one number;
 * - ratings behind a ResilientRoute (timeout, retries within budget, circuit breaking);
 * - egress limited to the namespace, the control plane and one external API.
 */
import { App, Chart, ChartProps, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  CanaryService, GatewayRouteTarget, OutboundTrafficPolicyMode, Protocol, ResilientRoute, SecureGateway, ServiceEntry,
  Sidecar, StringMatch, RetryOn,
} from '../../src';

const IMAGES = 'docker.io/istio/examples-bookinfo';
const PORT = 9080;

/** A single-version Bookinfo service: a Deployment and a Service with an Istio-conformant port name. */
function simpleService(scope: Construct, name: string): kplus.Service {
  const deployment = new kplus.Deployment(scope, name, {
    metadata: { name },
    podMetadata: { labels: { app: name, version: 'v1' } },
    containers: [{ name, image: `${IMAGES}-${name}-v1:1.20.2`, portNumber: PORT }],
  });
  return deployment.exposeViaService({ name, ports: [{ name: 'http', port: PORT, targetPort: PORT }] });
}

export class BookinfoChart extends Chart {
  /** The reviews canary, exposed for tests. */
  public readonly reviews: CanaryService;

  public constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'bookinfo', ...props });

    const productpage = simpleService(this, 'productpage');
    simpleService(this, 'details');
    simpleService(this, 'ratings');

    // reviews: v1 is stable and gets the remainder; moving the rollout is editing one weight.
    this.reviews = new CanaryService(this, 'reviews', {
      port: PORT,
      versions: [
        { name: 'v1', image: `${IMAGES}-reviews-v1:1.20.2` },
        { name: 'v2', image: `${IMAGES}-reviews-v2:1.20.2`, weight: 20 },
        { name: 'v3', image: `${IMAGES}-reviews-v3:1.20.2`, weight: 0 },
      ],
      // Testers send `x-dark-launch: v3` to see v3 before it gets any share.
      matchRoutes: [{ version: 'v3', headers: { 'x-dark-launch': StringMatch.exact('v3') } }],
      resilience: { timeout: Duration.seconds(5), retries: { attempts: 1, perTryTimeout: Duration.seconds(2), retryOn: [RetryOn.GATEWAY_ERROR] } },
    });

    // ratings: 2 retries of at most 2s fit in the 10s timeout; failing pods are ejected.
    new ResilientRoute(this, 'ratings-resilience', {
      host: 'ratings',
      timeout: Duration.seconds(10),
      retries: { attempts: 2, perTryTimeout: Duration.seconds(2), retryOn: [RetryOn.GATEWAY_ERROR, RetryOn.CONNECT_FAILURE] },
      connectionPool: { http: { http1MaxPendingRequests: 32, maxRequestsPerConnection: 10 } },
      outlierDetection: { consecutive5xxErrors: 5, interval: Duration.seconds(10), baseEjectionTime: Duration.seconds(30) },
    });

    // Ingress: the certificate Secret `bookinfo-cert` lives in istio-system, next to the gateway pods.
    new SecureGateway(this, 'ingress', {
      metadata: { name: 'bookinfo-gateway' },
      hosts: ['bookinfo.example.com'],
      credentialName: 'bookinfo-cert',
    })
      .addRoute({ path: StringMatch.prefix('/reviews'), destination: GatewayRouteTarget.fromCanary(this.reviews) })
      .addRoute({ destination: GatewayRouteTarget.fromService(productpage), timeout: Duration.seconds(15) });

    // Egress: only the namespace itself, the control plane and one external API.
    new ServiceEntry(this, 'isbn-api', {
      metadata: { name: 'isbn-api' },
      hosts: ['www.googleapis.com'],
      ports: [{ number: 443, protocol: Protocol.TLS }],
    });
    new Sidecar(this, 'egress-scope', {
      metadata: { name: 'default' },
      egress: [{ hosts: ['./*', 'istio-system/*'] }],
      outboundTrafficPolicy: OutboundTrafficPolicyMode.REGISTRY_ONLY,
    });
  }
}

/** Synthesizes the example into `outdir`, one YAML file per chart. */
export function synthBookinfo(outdir: string): App {
  const app = new App({ outdir });
  new BookinfoChart(app, 'bookinfo');
  app.synth();
  return app;
}
