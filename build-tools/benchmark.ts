/**
 * Synthesis benchmark: N services, each with a DestinationRule (2 subsets, a traffic policy) and
 * a VirtualService (header match + weighted split + retries), synthesized to YAML with
 * validation. Prints the time per size and per object; cost should grow linearly with N.
 *
 * Run with `npx projen benchmark` (sizes can be given: `npx projen benchmark -- 100 1000`).
 */
import { performance } from 'perf_hooks';
import { App, Chart, Duration } from 'cdk8s';
import { Destination, DestinationRule, RetryOn, StringMatch, VirtualService } from '../src';

function build(services: number): App {
  const app = new App({ outdir: '/dev/null' });
  const chart = new Chart(app, 'bench', { namespace: 'bench' });
  for (let i = 0; i < services; i++) {
    const host = `svc-${i}`;
    const rule = new DestinationRule(chart, `${host}-dr`, {
      host,
      trafficPolicy: { connectionPool: { http: { http1MaxPendingRequests: 100 } }, outlierDetection: { consecutive5xxErrors: 5 } },
    });
    const stable = rule.addSubset({ name: 'stable', labels: { app: host, version: 'v1' } });
    const canary = rule.addSubset({ name: 'canary', labels: { app: host, version: 'v2' } });
    new VirtualService(chart, `${host}-vs`, { hosts: [host] })
      .addHttpRoute({ match: [{ headers: { 'x-canary': StringMatch.exact('1') } }], destinations: [{ destination: Destination.toSubset(canary) }] })
      .addHttpRoute({
        destinations: [{ destination: Destination.toSubset(stable), weight: 90 }, { destination: Destination.toSubset(canary), weight: 10 }],
        timeout: Duration.seconds(10),
        retries: { attempts: 3, perTryTimeout: Duration.seconds(2), retryOn: [RetryOn.GATEWAY_ERROR] },
      });
  }
  return app;
}

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
console.log('services  objects  synth+validate+YAML (ms)  per object (ms)');
for (const services of sizes.length > 0 ? sizes : [100, 250, 500, 1000]) {
  const app = build(services);
  const start = performance.now();
  const yaml = app.synthYaml();
  const ms = performance.now() - start;
  const objects = services * 2;
  if (!yaml.includes(`svc-${services - 1}`)) throw new Error('benchmark output is incomplete');
  console.log(`${String(services).padStart(8)}  ${String(objects).padStart(7)}  ${ms.toFixed(0).padStart(24)}  ${(ms / objects).toFixed(3).padStart(15)}`);
}
