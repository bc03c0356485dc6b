/**
 * The fleet of the performance benchmark and the determinism test: N CanaryServices (two
 * versions, a header dark launch, resilience) spread over 10 team namespaces, behind one
 * SecureGateway in namespace `edge` that serves 50 hosts, each routed to one of the services.
 * Zero trust: each team namespace is a MeshNamespace (STRICT, deny-by-default), each service
 * may be called by the one before it (often across namespaces), and the gateway is granted
 * access to the services it routes to.
 *
 * With `TrafficApi.GATEWAY_API` (set on the App with `MeshSettings.setTrafficApi`) the same
 * fleet writes the Kubernetes Gateway API: HTTPRoutes instead of VirtualServices, a Service per
 * version, a Kubernetes Gateway; retries are left out (HTTPRoute retry is Experimental, so the
 * patterns refuse `resilience.retries` in that API).
 */
import { App, Chart, Duration } from 'cdk8s';
import type * as source from '../src';

const TEAMS = 10;
const PUBLIC_HOSTS = 50;

/**
 * Builds the fleet into `app`, with the library given (the benchmark passes the compiled
 * package, as users run it; the tests use the TypeScript source), in the traffic API given
 * (default Istio's, whose output is the fleet's original YAML).
 */
export function buildFleet(app: App, services: number, lib: typeof source, trafficApi?: source.TrafficApi): void {
  const { CanaryService, GatewayRouteTarget, MeshNamespace, MeshSettings, RetryOn, SecureGateway, StringMatch, TrafficApi } = lib;
  const gatewayApi = trafficApi === TrafficApi.GATEWAY_API;
  if (trafficApi !== undefined) MeshSettings.setTrafficApi(app, trafficApi);
  const teams = Array.from({ length: TEAMS }, (_, i) => new Chart(app, `team-${i}`, { namespace: `team-${i}` }));
  teams.forEach((team, i) => new MeshNamespace(team, 'namespace', { name: `team-${i}` }));
  const canaries: source.CanaryService[] = [];
  const retries = { attempts: 2, perTryTimeout: Duration.seconds(3), retryOn: [RetryOn.GATEWAY_ERROR, RetryOn.CONNECT_FAILURE] };
  for (let i = 0; i < services; i++) {
    canaries.push(new CanaryService(teams[i % TEAMS], `svc-${i}`, {
      port: 8080,
      versions: [{ name: 'v1', image: `registry.example.com/svc-${i}:1.0.0` }, { name: 'v2', image: `registry.example.com/svc-${i}:1.1.0`, weight: 10 }],
      matchRoutes: [{ version: 'v2', headers: { 'x-canary': StringMatch.exact('v2') } }],
      resilience: {
        timeout: Duration.seconds(10),
        ...(gatewayApi ? {} : { retries }),
        connectionPool: { http: { http1MaxPendingRequests: 64 } },
        outlierDetection: { consecutive5xxErrors: 5, interval: Duration.seconds(10), baseEjectionTime: Duration.seconds(30) },
      },
    }));
    if (i > 0) canaries[i].allowFrom(canaries[i - 1], { methods: ['GET'] });
  }
  const edge = new Chart(app, 'edge', { namespace: 'edge' });
  const hosts = Array.from({ length: Math.min(PUBLIC_HOSTS, services) }, (_, i) => `svc-${i}.example.com`);
  const gateway = new SecureGateway(edge, 'public', { metadata: { name: 'public' }, hosts, credentialName: 'public-cert' });
  hosts.forEach((host, i) => gateway.addRoute({ host, destination: GatewayRouteTarget.fromCanary(canaries[i]) }));
}
