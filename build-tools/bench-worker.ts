/**
 * One measured process of the benchmark: `worker.ts <mode> <services> <dump.json> [--dump]
 * [--gateway-api]`, printing one JSON line. `--gateway-api` builds the fleet in the Kubernetes
 * Gateway API (`TrafficApi.GATEWAY_API`) instead of Istio's; it only matters to `ours`, as the
 * other modes read the manifests `ours --dump` wrote. Modes:
 * - `ours`: build the fleet with cdk8s-istio and synthesize it (validation and analysis
 *   included); `--dump` also writes its manifests and YAML for the other modes.
 * - `raw`: the same manifests as plain cdk8s ApiObjects, synthesized (the YAML must be
 *   byte-identical to ours).
 * - `floor`: the same manifests through cdk8s's YAML serializer alone.
 */
import * as fs from 'fs';
import { performance } from 'perf_hooks';
import { ApiObject, App, Chart, Yaml } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { buildFleet } from './fleet-app';

// The compiled package (lib/, built by `npx projen compile`), as users run it: measuring the
// TypeScript source would add the TypeScript compiler's time and memory to every figure.
/* eslint-disable @typescript-eslint/no-require-imports */
const lib = require('../lib');
const analyzeModule = require('../lib/analysis/analyze');
const admissionModule = require('../lib/validation/admission');
/* eslint-enable @typescript-eslint/no-require-imports */

const [mode, servicesArg, dumpFile, ...flags] = process.argv.slice(2);
const dumpFlag = flags.includes('--dump');
const trafficApi = flags.includes('--gateway-api') ? lib.TrafficApi.GATEWAY_API : undefined;
const services = Number(servicesArg);
const now = () => performance.now();

/** Time spent in the synth-time analyzer: rendering each object once, then checking them. */
let analysisMs = 0;
/** Of that, the checks alone: admission rules (schema, CEL, webhook) and cross-object analysis. */
let checksMs = 0;
function timed(owner: any, name: string, add: (ms: number) => void): void {
  const original = owner[name];
  owner[name] = function measured(this: unknown, ...args: unknown[]) {
    const start = now();
    try {
      return original.apply(this, args);
    } finally {
      add(now() - start);
    }
  };
}
timed(lib.IstioAnalyzer.prototype, 'run', (ms) => analysisMs += ms);
// The analyzer calls these through their modules' exports, so wrapping the exports times them.
timed(analyzeModule, 'analyzeObjects', (ms) => checksMs += ms);
timed(admissionModule, 'admissionFindings', (ms) => checksMs += ms);

function report(construct: number, synth: number, yaml: string, objects: number): void {
  const rssMb = process.resourceUsage().maxRSS / 1024;
  const bytes = Buffer.byteLength(yaml);
  console.log(JSON.stringify({ mode, services, construct, synth, analysis: analysisMs, checks: checksMs, rssMb, objects, bytes }));
}

if (mode === 'ours') {
  const t0 = now();
  const app = new App({ outdir: '/dev/null' });
  buildFleet(app, services, lib, trafficApi);
  const t1 = now();
  const yaml = app.synthYaml();
  const t2 = now();
  const objects = yaml.split('\n---\n').length;
  if (dumpFlag) {
    // Read back from the YAML: chart.toJson() would validate the whole app once more per chart.
    const manifests = parseAllDocuments(yaml).map((d) => d.toJS());
    fs.writeFileSync(dumpFile, JSON.stringify({ manifests, yaml }));
  }
  report(t1 - t0, t2 - t1, yaml, objects);
} else {
  const dump = JSON.parse(fs.readFileSync(dumpFile, 'utf8')) as { manifests: any[]; yaml: string };
  const all = dump.manifests;
  if (mode === 'raw') {
    const t0 = now();
    const app = new App({ outdir: '/dev/null' });
    // Every object carries its namespace, so one chart emits the same YAML as the teams' charts.
    const chart = new Chart(app, 'fleet');
    all.forEach((o, i) => new ApiObject(chart, `o${i}`, o));
    const t1 = now();
    const yaml = app.synthYaml();
    const t2 = now();
    if (yaml !== dump.yaml) throw new Error('raw cdk8s does not emit the same bytes as cdk8s-istio');
    report(t1 - t0, t2 - t1, yaml, all.length);
  } else if (mode === 'floor') {
    const t0 = now();
    const yaml = Yaml.stringify(...all);
    report(0, now() - t0, yaml, all.length);
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
}
