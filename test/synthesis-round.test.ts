/**
 * The library validates and renders each object once per synthesis, although cdk8s validates
 * the App again inside every chart's toJson(); these tests pin what that must never change:
 * every synthesis sees the app as it is at that moment.
 */
import * as fs from 'fs';
import { App, Chart, JsonPatch, Testing } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { Destination, Gateway, Protocol, VirtualService } from '../src';
import * as analyze from '../src/analysis/analyze';

/** Counts the analyses of the App (each one renders and checks every object). */
function countRuns(): { runs: () => number; restore: () => void } {
  const module = analyze as any;
  const original = module.analyzeObjects;
  let runs = 0;
  module.analyzeObjects = function counted(...args: unknown[]) {
    runs++;
    return original(...args);
  };
  return { runs: () => runs, restore: () => { module.analyzeObjects = original; } };
}

function app(charts: number): { app: App; services: VirtualService[] } {
  const a = Testing.app();
  const services = Array.from({ length: charts }, (_, i) => new VirtualService(new Chart(a, `c${i}`, { namespace: `ns${i}` }), 'vs', {
    hosts: ['reviews'], http: [{ destinations: [{ destination: Destination.toHost('reviews') }] }],
  }));
  return { app: a, services };
}

test('App.synthYaml() with ten charts validates once, and the YAML is what each object renders', () => {
  const { app: a, services } = app(10);
  const counter = countRuns();
  try {
    const docs = parseAllDocuments(a.synthYaml()).map((d) => d.toJS());
    expect(counter.runs()).toBe(1);
    expect(docs).toEqual(services.map((s) => s.resource.toJson()));
  } finally {
    counter.restore();
  }
});

test('Testing.synth() of each chart validates each time (no App.synth() around it)', () => {
  const { app: a } = app(3);
  const counter = countRuns();
  try {
    for (const chart of a.charts) Testing.synth(chart);
    expect(counter.runs()).toBe(3);
  } finally {
    counter.restore();
  }
});

test('a change between two syntheses in the same synchronous code is validated and written', () => {
  const { app: a, services } = app(2);
  expect(a.synthYaml()).toContain('host: reviews');
  services[1].resource.addJsonPatch(JsonPatch.replace('/spec/hosts/0', 'ratings'));
  expect(a.synthYaml()).toContain('- ratings');
  // and right after, a direct rendering is fresh too
  services[1].resource.addJsonPatch(JsonPatch.replace('/spec/hosts/0', 'details'));
  expect(services[1].resource.toJson().spec.hosts).toEqual(['details']);
  // a broken change is caught by the next synthesis, not hidden by the previous one
  services[0].resource.addJsonPatch(JsonPatch.replace('/spec/http/0/timeout', '0.5ms'));
  expect(() => a.synthYaml()).toThrow("[c0/vs] 'spec.http[0].timeout' (0.5ms) must be at least 1ms");
});

test('App.synth() writes the same files as a fresh synthesis of each chart', () => {
  const { app: a } = app(3);
  const outdir = (a as any).outdir as string;
  a.synth();
  for (const chart of a.charts) {
    const file = fs.readFileSync(`${outdir}/${chart.node.id}.k8s.yaml`, 'utf8');
    expect(parseAllDocuments(file).map((d) => d.toJS())).toEqual(Testing.synth(chart));
  }
});

test('a validation of one construct right after a synthesis is not skipped', () => {
  const { app: a, services } = app(2);
  a.synthYaml();
  // In the same synchronous code: bind a VirtualService in ns1 to a Gateway without a namespace.
  const gateway = new Gateway(new Chart(a, 'gw-chart'), 'gw', { servers: [{ port: 80, protocol: Protocol.HTTP, hosts: ['a.example.com'] }] });
  services[1].addGateway(gateway);
  expect(services[1].node.validate()).toEqual([expect.stringContaining('which has no namespace (it lands in whatever namespace it is applied to), from namespace ns1')]);
});
