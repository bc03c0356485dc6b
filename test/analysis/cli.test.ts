import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { SCENARIOS } from './fixtures';
import { runCli } from '../../src/cli/run';

function writeTemp(files: { [name: string]: string }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-cli-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

function cli(...args: string[]): { code: number; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const code = runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

describe.each(SCENARIOS)('$code: $title (CLI on raw YAML)', ({ code, bad, good }) => {
  test('reported on the broken YAML', () => {
    const dir = writeTemp({ 'app.yaml': bad });
    const result = cli('analyze', '--format', 'json', dir);
    const findings = JSON.parse(result.out.join('\n')).findings;
    expect(findings.map((f: any) => f.code)).toContain(code);
    const errors = findings.filter((f: any) => f.level === 'Error');
    expect(result.code).toBe(errors.length > 0 ? 1 : 0);
  });

  test('not reported on the fixed YAML', () => {
    const dir = writeTemp({ 'app.yaml': good });
    const result = cli('analyze', '--format', 'json', dir);
    expect(JSON.parse(result.out.join('\n')).findings).toEqual([]);
    expect(result.code).toBe(0);
  });
});

describe('cdk8s-istio analyze', () => {
  const missingGateway = SCENARIOS[0].bad;

  test('text output: one line per finding with file, kind/namespace/name, level and code; exit 1 on errors', () => {
    const dir = writeTemp({ 'routes/ingress.yaml': missingGateway });
    const result = cli('analyze', dir);
    expect(result.code).toBe(1);
    expect(result.out[0]).toBe(`${path.join(dir, 'routes/ingress.yaml')}: VirtualService/shop/ingress: Error IST0101 Referenced gateway not found: "shop/public" `
      + '(looked for Gateway shop/public); define the Gateway, fix the reference, or use Gateway.fromGatewayName() for a gateway defined outside this app');
    // The warning: IST0132, a Gateway that is not there serves no host (as Istio's GatewayAnalyzer reports it).
    expect(result.out.at(-1)).toBe('3 objects in 1 files: 1 errors, 1 warnings, 0 infos');
  });

  test('objects spread over several files and directories are analyzed together', () => {
    const [deployment, svc, vs] = SCENARIOS[1].good.split('\n---');
    const rule = SCENARIOS[1].good.split('\n---').find((d) => d.includes('DestinationRule'))!;
    const dir = writeTemp({ 'a/deploy.yaml': deployment, 'b/svc.yml': svc, 'c/rule.json': JSON.stringify(parse(rule)), 'c/vs.yaml': vs, 'c/notes.txt': 'ignored' });
    const result = cli('analyze', dir);
    expect(result.code).toBe(0);
    expect(result.out.at(-1)).toMatch(/^4 objects in 4 files: 0 errors/);
  });

  test('warnings alone exit 0', () => {
    const dir = writeTemp({ 'dr.yaml': SCENARIOS.find((s) => s.code === 'IST0174')!.bad });
    const result = cli('analyze', dir);
    expect(result.code).toBe(0);
    expect(result.out.join('\n')).toContain('Warning IST0174');
  });

  test('--ignore, --external-gateway and --namespace', () => {
    const dir = writeTemp({ 'app.yaml': missingGateway });
    expect(cli('analyze', '--ignore', 'IST0101', dir).code).toBe(0);
    expect(cli('analyze', '--external-gateway', 'shop/public', dir).code).toBe(0);
    const unnamespaced = writeTemp({ 'vs.yaml': missingGateway.replace(/, namespace: shop/g, '').replace('shop/public', 'public') });
    expect(cli('analyze', '--namespace', 'team-a', unnamespaced).out[0]).toContain('VirtualService/team-a/ingress: Error IST0101');
  });

  test('kind: List is flattened', () => {
    const dir = writeTemp({ 'list.yaml': 'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Service\n    metadata: { name: web }\n    spec: { ports: [{ name: web, port: 80 }] }\n' });
    expect(cli('analyze', dir).out.join('\n')).toContain('Service/default/web: Info IST0118');
  });

  test('usage errors and unreadable input exit 2', () => {
    expect(cli('analyze').code).toBe(2);
    expect(cli('lint', '.').err[0]).toBe('cdk8s-istio: unknown command "lint"');
    expect(cli('analyze', '--format', 'xml', '.').err[0]).toBe('cdk8s-istio: --format must be text or json, not "xml"');
    expect(cli('analyze', '/no/such/dir').err[0]).toBe('cdk8s-istio: /no/such/dir: no such file or directory');
    const broken = writeTemp({ 'bad.yaml': 'kind: [unclosed' });
    expect(cli('analyze', broken).code).toBe(2);
    expect(cli('--help').code).toBe(0);
  });

  test('the bin entry point runs as a program and sets the exit code', () => {
    const dir = writeTemp({ 'app.yaml': missingGateway });
    const main = path.join(__dirname, '..', '..', 'src', 'cli', 'main.ts');
    const run = spawnSync(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--transpile-only', main, 'analyze', dir], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('Error IST0101');
  });
});

describe('cross-namespace references', () => {
  const scenario = (title: string) => SCENARIOS.find((s) => s.title.startsWith(title))!.bad;

  test('a subset reached by the short host from another namespace: the fix names the FQDN, not a missing subset', () => {
    const result = cli('analyze', writeTemp({ 'app.yaml': scenario('a gateway route in another namespace names a subset') }));
    expect(result.out.join('\n')).toContain('Error IST0101 Referenced host+subset in destinationrule not found: "reviews+v2" (spec.http[0].route[0].destination); '
      + 'requests get 503 — the DestinationRule in namespace shop defines it for reviews.shop.svc.cluster.local, but "reviews" in this VirtualService resolves '
      + 'in its own namespace to reviews.edge.svc.cluster.local; write the host as reviews.shop.svc.cluster.local');
  });

  test('a Service reached by the short host from another namespace', () => {
    const result = cli('analyze', writeTemp({ 'app.yaml': scenario('a route in another namespace names a Service') }));
    expect(result.out.join('\n')).toContain('Error IST0101 Referenced host not found: "reviews" (spec.http[0].route[0].destination); it resolves in the '
      + "VirtualService's namespace to reviews.edge.svc.cluster.local, but the Service reviews is in namespace shop; write reviews.shop.svc.cluster.local");
  });

  test('--cluster-domain changes how short names resolve', () => {
    const good = SCENARIOS.find((s) => s.title.startsWith('a route in another namespace names a Service'))!.good;
    expect(cli('analyze', writeTemp({ 'app.yaml': good })).code).toBe(0);
    // With another cluster domain, the cluster.local FQDN names nothing the app defines.
    const result = cli('analyze', '--cluster-domain', 'corp.internal', '--format', 'json', writeTemp({ 'app.yaml': good.replace('reviews.shop.svc.cluster.local', 'reviews') }));
    expect(JSON.parse(result.out.join('\n')).findings.map((f: any) => f.message)).toEqual([expect.stringContaining('write reviews.shop.svc.corp.internal')]);
  });
});
