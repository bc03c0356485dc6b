/**
 * Benchmarks, run with `npx projen benchmark` (sizes can be given: `npx projen benchmark -- 100 1000`).
 *
 * 1. Synthesis: N services, each with a DestinationRule (2 subsets, a traffic policy) and a
 *    VirtualService (header match + weighted split + retries), synthesized to YAML with
 *    validation and analysis.
 * 2. Analysis alone: the cross-object analyzer over N services of plain manifests (2
 *    Deployments, a Service, a DestinationRule, a VirtualService each), all in one namespace
 *    and behind one Gateway, so that any all-pairs loop would show.
 * The time per object should stay flat as N grows: both are linear.
 */
import { performance } from 'perf_hooks';
import { App, Chart, Duration } from 'cdk8s';
import { Destination, DestinationRule, IstioAnalyzer, RetryOn, StringMatch, VirtualService } from '../src';
import { analyzeObjects } from '../src/analysis/analyze';

function build(services: number): App {
  const app = new App({ outdir: '/dev/null' });
  // The hosts' Services are not part of this benchmark.
  new IstioAnalyzer(app, 'analysis', { ignore: ['IST0174'] });
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

function manifests(services: number): any[] {
  const out: any[] = [{
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: { name: 'public', namespace: 'bench' },
    spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['*.example.com'], tls: { mode: 'SIMPLE', credentialName: 'c' } }] },
  }];
  for (let i = 0; i < services; i++) {
    const app = `svc-${i}`;
    for (const version of ['v1', 'v2']) {
      out.push({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: `${app}-${version}`, namespace: 'bench' },
        spec: { selector: { matchLabels: { app, version } }, template: { metadata: { labels: { app, version } }, spec: { containers: [{ name: app, image: 'x' }] } } },
      });
    }
    out.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: app, namespace: 'bench' }, spec: { selector: { app }, ports: [{ name: 'http', port: 80 }] } });
    out.push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: app, namespace: 'bench' },
      spec: { host: app, subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] },
    });
    out.push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: app, namespace: 'bench' },
      spec: {
        hosts: [app, `${app}.example.com`],
        gateways: ['public', 'mesh'],
        http: [{ route: [{ destination: { host: app, subset: 'v1' }, weight: 90 }, { destination: { host: app, subset: 'v2' }, weight: 10 }] }],
      },
    });
  }
  return out;
}

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
console.log('== synthesis (constructs → validated YAML)');
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

console.log('== analysis alone (plain manifests)');
console.log('services  objects  analyze (ms)  per object (µs)  findings');
for (const services of sizes.length > 0 ? sizes : [500, 1000, 2000, 4000]) {
  const objects = manifests(services).map((manifest) => ({ manifest, source: 'bench' }));
  analyzeObjects(objects.slice(0, 50), { defaultNamespace: 'default', rootNamespace: 'istio-system', externalGateways: new Set(), ignore: new Set(), clusterDomain: 'cluster.local' });
  const start = performance.now();
  const findings = analyzeObjects(objects, { defaultNamespace: 'default', rootNamespace: 'istio-system', externalGateways: new Set(), ignore: new Set(), clusterDomain: 'cluster.local' });
  const ms = performance.now() - start;
  if (findings.length !== 0) throw new Error(`benchmark app should be clean, got ${findings.length} findings, e.g. ${findings[0].message}`);
  console.log(`${String(services).padStart(8)}  ${String(objects.length).padStart(7)}  ${ms.toFixed(0).padStart(12)}  ${((ms * 1000) / objects.length).toFixed(1).padStart(15)}  ${String(findings.length).padStart(8)}`);
}
