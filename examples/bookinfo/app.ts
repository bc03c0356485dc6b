/**
 * Bookinfo's traffic management, written with the L2 constructs of cdk8s-istio: an HTTPS
 * ingress Gateway, a header-based dark launch of reviews v2, a 90/10 split for the rest, and
 * retries with a timeout budget for ratings.
 */
import { App, Chart, ChartProps, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import {
  ClientTlsMode, Destination, DestinationRule, Gateway, OutboundTrafficPolicyMode, Protocol, RetryOn, ServiceEntry, Sidecar,
  StringMatch, VirtualService,
} from '../../src';

export class BookinfoChart extends Chart {
  public constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'bookinfo', ...props });

    // Ingress: HTTPS only, plain HTTP redirected. The certificate Secret lives in istio-system,
    // the namespace of the ingress gateway workload.
    const gateway = new Gateway(this, 'gateway', {
      metadata: { name: 'bookinfo-gateway' },
      servers: [
        { port: 443, protocol: Protocol.HTTPS, hosts: ['bookinfo.example.com'], tls: { credentialName: 'bookinfo-cert' } },
        { port: 80, protocol: Protocol.HTTP, hosts: ['bookinfo.example.com'], httpsRedirect: true },
      ],
    });
    new VirtualService(this, 'productpage', {
      metadata: { name: 'productpage' },
      hosts: ['bookinfo.example.com'],
      gateways: [gateway],
      http: [{
        match: [{ uri: StringMatch.exact('/productpage') }, { uri: StringMatch.prefix('/static/') }, { uri: StringMatch.prefix('/api/v1/products') }],
        destinations: [{ destination: Destination.toHost('productpage', { port: 9080 }) }],
        timeout: Duration.seconds(15),
      }],
    });

    // Reviews: subsets taken from the version labels; testers see v2, everyone else 90/10.
    const reviews = new DestinationRule(this, 'reviews-versions', {
      metadata: { name: 'reviews' },
      host: 'reviews',
      trafficPolicy: { tls: { mode: ClientTlsMode.ISTIO_MUTUAL } },
    });
    const v1 = reviews.addSubset({ name: 'v1', labels: { app: 'reviews', version: 'v1' } });
    const v2 = reviews.addSubset({ name: 'v2', labels: { app: 'reviews', version: 'v2' } });
    new VirtualService(this, 'reviews', { metadata: { name: 'reviews' }, hosts: ['reviews'] })
      .addHttpRoute({
        name: 'dark-launch',
        match: [{ headers: { 'x-dark-launch': StringMatch.exact('v2') } }],
        destinations: [{ destination: Destination.toSubset(v2) }],
      })
      .addHttpRoute({
        name: 'split',
        destinations: [{ destination: Destination.toSubset(v1), weight: 90 }, { destination: Destination.toSubset(v2), weight: 10 }],
      });

    // Ratings: 3 retries of at most 2s each fit in the 10s timeout.
    new VirtualService(this, 'ratings', {
      metadata: { name: 'ratings' },
      hosts: ['ratings'],
      http: [{
        destinations: [{ destination: Destination.toHost('ratings') }],
        timeout: Duration.seconds(10),
        retries: { attempts: 3, perTryTimeout: Duration.seconds(2), retryOn: [RetryOn.GATEWAY_ERROR, RetryOn.CONNECT_FAILURE] },
      }],
    });
    new DestinationRule(this, 'ratings-policy', {
      metadata: { name: 'ratings' },
      host: 'ratings',
      trafficPolicy: {
        tls: { mode: ClientTlsMode.ISTIO_MUTUAL },
        connectionPool: { http: { http1MaxPendingRequests: 32, maxRequestsPerConnection: 10 } },
        outlierDetection: { consecutive5xxErrors: 5, interval: Duration.seconds(10), baseEjectionTime: Duration.seconds(30) },
      },
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

/** Synthesizes the example into `outdir`, one YAML file per chart. */
export function synthBookinfo(outdir: string): App {
  const app = new App({ outdir });
  new BookinfoChart(app, 'bookinfo');
  app.synth();
  return app;
}
