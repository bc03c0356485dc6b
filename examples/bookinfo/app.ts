/**
 * Istio's Bookinfo, written with cdk8s-istio's patterns, laid out as production meshes are:
 * the apps in namespace `bookinfo`, the ingress routes in a namespace of their own
 * (`bookinfo-ingress`), the gateway workload and its certificate in `istio-system`.
 * - productpage behind a SecureGateway (HTTPS only, HTTP redirected, TLS 1.2+), whose routes
 *   name the services of `bookinfo` by their FQDNs;
 * - reviews as a CanaryService with v1/v2/v3, a header-based dark launch of v3, and a split
 *   that a rollout moves by changing one number;
 * - ratings behind a ResilientRoute (timeout, retries within budget, circuit breaking);
 * - egress limited to the namespace, the control plane and one external API;
 * - zero trust: the namespace is a MeshNamespace (STRICT mTLS, deny-by-default); each service
 *   runs as its own ServiceAccount; only the ingress gateway may call productpage, productpage
 *   may call details and reviews, reviews may call ratings; `/api/` needs a valid JWT;
 * - observability: mesh-wide tracing of 10% of requests and access logs of errors only, and a
 *   WasmPlugin on the ingress gateway pinned by digest.
 *
 * The same code writes Istio's networking API (the default) or the Kubernetes Gateway API:
 * `MeshSettings.setTrafficApi(app, TrafficApi.GATEWAY_API)` is the whole switch. Only the retry
 * policies are left out under the Gateway API, whose HTTPRoute `retry` is not in the standard
 * channel (Istio's default retries apply).
 */
import { App, Chart, ChartProps, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  CanaryService, GatewayRouteTarget, MeshNamespace, MeshSettings, OutboundTrafficPolicyMode, Protocol, ResilientRoute, SecureGateway, ServiceEntry,
  Sidecar, StringMatch, RetryOn, Telemetry, TrafficApi, WasmPlugin, WorkloadAuthorization,
} from '../../src';

const IMAGES = 'docker.io/istio/examples-bookinfo';
const PORT = 9080;

/** A single-version Bookinfo service: its identity, a Deployment and a Service with an Istio-conformant port name. */
function simpleService(scope: Construct, name: string): { deployment: kplus.Deployment; service: kplus.Service } {
  const deployment = new kplus.Deployment(scope, name, {
    metadata: { name },
    // Its own identity in the mesh: cluster.local/ns/bookinfo/sa/bookinfo-<name>.
    serviceAccount: new kplus.ServiceAccount(scope, `${name}-identity`, { metadata: { name: `bookinfo-${name}` } }),
    podMetadata: { labels: { app: name, version: 'v1' } },
    select: false,
    containers: [{ name, image: `${IMAGES}-${name}-v1:1.20.2`, portNumber: PORT }],
  });
  // Selected by the app label, so the Deployment, the Service and policies read `app: <name>`.
  deployment.select(kplus.LabelSelector.of({ labels: { app: name } }));
  const service = new kplus.Service(scope, `${name}-service`, { metadata: { name }, ports: [{ name: 'http', port: PORT, targetPort: PORT }] });
  service.selectLabel('app', name);
  return { deployment, service };
}

export class BookinfoChart extends Chart {
  /** The reviews canary, which the ingress routes to. */
  public readonly reviews: CanaryService;

  /** The productpage Service, which the ingress routes to. */
  public readonly productpage: kplus.Service;

  public constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'bookinfo', ...props });
    // Retry policies are Istio API only (HTTPRoute `retry` is Experimental in Gateway API v1.6.1).
    const istioApi = MeshSettings.trafficApiOf(this) === TrafficApi.ISTIO;

    // Sidecar injection, STRICT mTLS, and deny-by-default: only granted calls get through.
    new MeshNamespace(this, 'namespace', { name: 'bookinfo' });

    const productpage = simpleService(this, 'productpage');
    const details = simpleService(this, 'details');
    const ratings = simpleService(this, 'ratings');
    this.productpage = productpage.service;

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
      resilience: {
        timeout: Duration.seconds(5),
        retries: istioApi ? { attempts: 1, perTryTimeout: Duration.seconds(2), retryOn: [RetryOn.GATEWAY_ERROR] } : undefined,
      },
    });

    // Who may call whom, named by object. (The gateway's grants come from its routes.)
    WorkloadAuthorization.of(details.service).allowFrom(productpage.deployment, { methods: ['GET'] });
    this.reviews.allowFrom(productpage.deployment, { methods: ['GET'] });
    WorkloadAuthorization.of(ratings.service).allowFrom(this.reviews, { methods: ['GET'], paths: ['/ratings/*'] });

    // ratings: 2 retries of at most 2s fit in the 10s timeout; failing pods are ejected.
    new ResilientRoute(this, 'ratings-resilience', {
      host: 'ratings',
      port: PORT,
      timeout: Duration.seconds(10),
      retries: istioApi ? { attempts: 2, perTryTimeout: Duration.seconds(2), retryOn: [RetryOn.GATEWAY_ERROR, RetryOn.CONNECT_FAILURE] } : undefined,
      connectionPool: { http: { http1MaxPendingRequests: 32, maxRequestsPerConnection: 10 } },
      outlierDetection: { consecutive5xxErrors: 5, interval: Duration.seconds(10), baseEjectionTime: Duration.seconds(30) },
    });

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

/** Properties of the ingress chart: the app it exposes. */
export interface BookinfoIngressProps extends ChartProps {
  readonly bookinfo: BookinfoChart;
}

/** The public entry point, owned by the platform team, in a namespace of its own. */
export class BookinfoIngressChart extends Chart {
  public constructor(scope: Construct, id: string, props: BookinfoIngressProps) {
    super(scope, id, { namespace: 'bookinfo-ingress', ...props });
    // The certificate Secret `bookinfo-cert` lives in istio-system, next to the gateway pods.
    const gateway = new SecureGateway(this, 'ingress', {
      metadata: { name: 'bookinfo-gateway' },
      hosts: ['bookinfo.example.com'],
      credentialName: 'bookinfo-cert',
    })
      // Ingress follows the reviews canary's split and dark launch, across namespaces. The
      // gateway's identity is granted access to reviews and productpage (deny-by-default).
      .addRoute({ path: StringMatch.prefix('/reviews'), destination: GatewayRouteTarget.fromCanary(props.bookinfo.reviews) })
      .addRoute({ destination: GatewayRouteTarget.fromService(props.bookinfo.productpage), timeout: Duration.seconds(15) });

    // The API needs a valid token: validated, and required (requests without one get 403).
    gateway.requireJwt({
      issuer: 'https://auth.example.com',
      jwksUri: 'https://auth.example.com/.well-known/jwks.json',
      audiences: ['bookinfo'],
      paths: ['/api/*'],
    });
    // Security headers on every response of the gateway: a Wasm module pinned by its digest,
    // so the next pull cannot change what runs.
    new WasmPlugin(this, 'security-headers', {
      metadata: { name: 'bookinfo-security-headers', namespace: gateway.gatewayNamespace },
      ...gateway.policyAttachment(),
      url: 'oci://ghcr.io/example/wasm/security-headers@sha256:4f3c2a1b0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b',
      pluginConfig: { headers: { 'strict-transport-security': 'max-age=31536000', 'x-content-type-options': 'nosniff' } },
    });

    // The whole mesh (owned by the platform team): 10% of requests traced (to the mesh config's
    // default tracing provider), access logs of errors only.
    Telemetry.forMesh(this, 'mesh-telemetry')
      .sampleTraces(10)
      .logAccess({ filter: 'response.code >= 400' });
  }
}

/** Builds the example's charts into `app`. */
export function bookinfo(app: App): { bookinfo: BookinfoChart; ingress: BookinfoIngressChart } {
  const apps = new BookinfoChart(app, 'bookinfo');
  return { bookinfo: apps, ingress: new BookinfoIngressChart(app, 'bookinfo-ingress', { bookinfo: apps }) };
}

/** Synthesizes the example into `outdir`, one YAML file per chart, in one traffic API. */
export function synthBookinfo(outdir: string, trafficApi: TrafficApi = TrafficApi.ISTIO): App {
  const app = new App({ outdir });
  MeshSettings.setTrafficApi(app, trafficApi);
  bookinfo(app);
  app.synth();
  return app;
}
