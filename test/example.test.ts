import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, JsonPatch, Testing } from 'cdk8s';
import { expectValidManifests } from './support/schema';
import { BookinfoChart, synthBookinfo } from '../examples/bookinfo/app';

describe('bookinfo example', () => {
  test('every object is valid, and the routes are wired as described', () => {
    const manifests = expectValidManifests(Testing.synth(new BookinfoChart(Testing.app(), 'bookinfo')));
    const byName = (kind: string, name: string) => manifests.find((m) => m.kind === kind && m.metadata.name === name);
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([
      'Gateway/bookinfo-gateway', 'VirtualService/productpage', 'DestinationRule/reviews', 'VirtualService/reviews',
      'VirtualService/ratings', 'DestinationRule/ratings', 'ServiceEntry/isbn-api', 'Sidecar/default',
    ]);
    expect(byName('VirtualService', 'productpage').spec.gateways).toEqual(['bookinfo/bookinfo-gateway']);
    const reviews = byName('VirtualService', 'reviews').spec.http;
    expect(reviews[0].match[0].headers).toEqual({ 'x-dark-launch': { exact: 'v2' } });
    expect(reviews[1].route.map((r: any) => r.weight)).toEqual([90, 10]);
    // Every subset a route names exists in the DestinationRule for its host.
    const subsets = byName('DestinationRule', 'reviews').spec.subsets.map((s: any) => s.name);
    for (const rule of reviews) for (const r of rule.route) expect(subsets).toContain(r.destination.subset);
    expect(manifests.every((m) => m.metadata.namespace === 'bookinfo')).toBe(true);
  });

  test('the main job writes byte-identical YAML on every run', () => {
    const read = () => {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bookinfo-'));
      synthBookinfo(outdir);
      return fs.readFileSync(path.join(outdir, 'bookinfo.k8s.yaml'), 'utf8');
    };
    const first = read();
    expect(first).toContain('kind: VirtualService');
    expect(read()).toEqual(first);
  });

  test('an escape-hatch patch that breaks a rule fails synthesis instead of writing YAML', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bookinfo-'));
    const app = new App({ outdir });
    const chart = new BookinfoChart(app, 'bookinfo');
    const ratings = chart.node.findChild('ratings').node.findChild('Resource') as ApiObject;
    ratings.addJsonPatch(JsonPatch.replace('/spec/http/0/retries/attempts', 0));
    expect(() => app.synth()).toThrow("[bookinfo/ratings] 'spec.http[0].retries.attempts' (0) must be at least 1");
    expect(fs.readdirSync(outdir)).toEqual([]);
  });
});
