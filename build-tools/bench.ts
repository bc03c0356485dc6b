/**
 * `npx projen bench [sizes...]`: fleet-scale synthesis, measured against plain cdk8s.
 *
 * For each size N (default 100, 1,000 and 5,000 services), in separate processes, median of 3
 * runs each: `ours` builds the fleet of build-tools/fleet-app.ts with cdk8s-istio and
 * synthesizes it (validation and analysis included); `raw` builds the same manifests as plain
 * cdk8s ApiObjects and synthesizes them (the YAML must be byte-identical to ours); `floor`
 * only serializes them with cdk8s's YAML writer. Prints construct / synth / analysis / checks
 * times, peak RSS, objects and bytes per mode, and the ratios as its last lines.
 *
 * `--gateway-api` (`npx projen bench -- --gateway-api 1000 5000`) measures the same fleet
 * written in the Kubernetes Gateway API (`MeshSettings.setTrafficApi(app, TrafficApi.GATEWAY_API)`,
 * without retries, which that API refuses) the same way; raw and floor then serialize its
 * manifests.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const RUNS = 3;
const args = process.argv.slice(2);
const GATEWAY_API = args.includes('--gateway-api');
const unknown = args.filter((a) => a.startsWith('-') && a !== '--' && a !== '--gateway-api');
if (unknown.length > 0) throw new Error(`unknown option(s) ${unknown.join(' ')}: the only option is --gateway-api`);
const sizes = args.map(Number).filter((n) => n > 0);
const SIZES = sizes.length > 0 ? sizes : [100, 1000, 5000];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-bench-'));

interface Result { mode: string; construct: number; synth: number; analysis: number; checks: number; rssMb: number; objects: number; bytes: number }

function worker(mode: string, services: number, dump: string, extra: string[] = []): Result {
  const out = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'bench-worker.ts'), mode, String(services), dump, ...extra], {
    encoding: 'utf8', env: { ...process.env, TS_NODE_PROJECT: path.join(__dirname, '..', 'test', 'tsconfig.json') }, stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out.trim().split('\n').pop()!);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const total = (r: Result) => r.construct + r.synth;

function medianOf(results: Result[]): Result {
  const pick = (k: keyof Result) => median(results.map((r) => r[k] as number));
  return {
    mode: results[0].mode,
    construct: pick('construct'),
    synth: pick('synth'),
    analysis: pick('analysis'),
    checks: pick('checks'),
    rssMb: pick('rssMb'),
    objects: results[0].objects,
    bytes: results[0].bytes,
  };
}

const apiFlags = GATEWAY_API ? ['--gateway-api'] : [];
console.log(`node ${process.version}, ${os.cpus().length} cores, median of ${RUNS} runs per mode, `
  + `${GATEWAY_API ? 'Kubernetes Gateway API' : 'Istio API'} fleet`);
console.log('services  mode    objects     bytes  construct ms  synth ms  total ms  analysis ms  checks ms  peak RSS MB');
const byMode = new Map<string, Map<number, Result>>();
for (const services of SIZES) {
  const dump = path.join(tmp, `fleet-${services}.json`);
  worker('ours', services, dump, ['--dump', ...apiFlags]);
  for (const mode of ['ours', 'raw', 'floor']) {
    const result = medianOf(Array.from({ length: RUNS }, () => worker(mode, services, dump, apiFlags)));
    if (!byMode.has(mode)) byMode.set(mode, new Map());
    byMode.get(mode)!.set(services, result);
    console.log(`${String(services).padStart(8)}  ${mode.padEnd(6)} ${String(result.objects).padStart(7)} ${String(result.bytes).padStart(9)} `
      + `${result.construct.toFixed(0).padStart(13)} ${result.synth.toFixed(0).padStart(9)} ${total(result).toFixed(0).padStart(9)} `
      + `${result.analysis.toFixed(0).padStart(12)} ${result.checks.toFixed(0).padStart(10)} ${result.rssMb.toFixed(0).padStart(12)}`);
  }
}
fs.rmSync(tmp, { recursive: true, force: true });

const ours = byMode.get('ours')!;
const raw = byMode.get('raw')!;
console.log('');
for (const services of SIZES) {
  const o = ours.get(services)!;
  console.log(`N=${services}: time ours/raw ${(total(o) / total(raw.get(services)!)).toFixed(2)}; peak RSS ours/raw ${(o.rssMb / raw.get(services)!.rssMb).toFixed(2)}; `
    + `checks (admission + analysis) ${(100 * o.checks / o.synth).toFixed(1)}% of synthesis, ${(1000 * o.checks / o.objects).toFixed(1)} µs per object`);
}
if (SIZES.length > 1) {
  const [small, large] = [SIZES[SIZES.length - 2], SIZES[SIZES.length - 1]];
  console.log(`growth ${small} → ${large} services (×${large / small}): ours ×${(total(ours.get(large)!) / total(ours.get(small)!)).toFixed(2)}, `
    + `raw ×${(total(raw.get(large)!) / total(raw.get(small)!)).toFixed(2)}`);
}
