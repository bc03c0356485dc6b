import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { SCENARIOS } from './fixtures';
import * as analyzeModule from '../../src/analysis/analyze';
import { PathGlob } from '../../src/cli/glob';
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

describe('a real repository: what is not a manifest is reported, the rest analyzed', () => {
  const SERVICE = 'apiVersion: v1\nkind: Service\nmetadata: { name: web, namespace: shop }\nspec: { ports: [{ name: http-web, port: 80 }] }\n';
  const json = (...args: string[]) => {
    const result = cli('analyze', '--format', 'json', ...args);
    const report = JSON.parse(result.out.join('\n'));
    return { ...result, findings: report.findings as any[], summary: report.summary };
  };
  /** `[file relative to dir, code, level]` of each finding. */
  const located = (dir: string, findings: any[]) => findings.map((f) => [path.relative(dir, f.source), f.code, f.level]);

  test('a Helm chart: templates are CKI0010 warnings, Chart.yaml and values.yaml CKI0011 infos; plain manifests are analyzed', () => {
    const dir = writeTemp({
      'chart/Chart.yaml': 'apiVersion: v2\nname: shop\nversion: 1.0.0\n',
      'chart/values.yaml': 'replicas: 2\nimage: shop:1\n',
      // Parses as YAML (a flow mapping), but is a template: reported as one, not as a strange object.
      'chart/templates/service.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n',
      // Within a chart's templates, even when the template parses as plain strings.
      'chart/templates/sa.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: shop-{{ .Release.Name }}\n',
      'chart/templates/_helpers.tpl': '{{- define "x" -}}{{- end -}}',
      'chart/templates/plain.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: plain, namespace: shop }\n',
      'manifests/service.yaml': SERVICE,
    });
    const result = json(dir);
    expect(located(dir, result.findings)).toEqual([
      ['chart/Chart.yaml', 'CKI0011', 'Info'],
      ['chart/templates/sa.yaml', 'CKI0010', 'Warning'],
      ['chart/templates/service.yaml', 'CKI0010', 'Warning'],
      ['chart/values.yaml', 'CKI0011', 'Info'],
    ]);
    expect(result.findings[1].message).toBe('Not a manifest: a template of a Helm chart; analyze its rendering (helm template CHART > rendered.yaml) instead, '
      + 'or skip it with --ignore-path');
    expect(result.findings[0].message).toBe('Not a Kubernetes object: the document at line 1 has no kind (a values or configuration file?); '
      + 'if it is meant to be one, add kind; else skip it with --ignore-path');
    expect(result.summary).toEqual({ files: 6, objects: 2, errors: 0, warnings: 2, infos: 2, ignoredPaths: 0 });
    expect(result.code).toBe(0);
    // The same when the templates, or one of them, are given.
    expect(located(dir, json(path.join(dir, 'chart/templates')).findings)).toEqual([['chart/templates/sa.yaml', 'CKI0010', 'Warning'], ['chart/templates/service.yaml', 'CKI0010', 'Warning']]);
    expect(located(dir, json(path.join(dir, 'chart/templates/sa.yaml')).findings)).toEqual([['chart/templates/sa.yaml', 'CKI0010', 'Warning']]);
  });

  test('Go templates outside a chart: reported when {{ }} is YAML syntax, read when it is inside strings', () => {
    const dir = writeTemp({
      'broken-template.yaml': '{{- if .Values.enabled }}\napiVersion: v1\nkind: Service\n{{- end }}\n',
      'flow-template.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: {{ .name }} }\n',
      // Prometheus rules and Argo workflows carry {{ }} in strings: they are manifests.
      'alerts.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: alerts, namespace: shop }\n'
        + 'data:\n  rule: "{{ $labels.instance }} is down"\n  other: |\n    {{ .x }}\n',
    });
    const result = json(dir);
    expect(located(dir, result.findings)).toEqual([['broken-template.yaml', 'CKI0010', 'Warning'], ['flow-template.yaml', 'CKI0010', 'Warning']]);
    expect(result.findings[0].message).toBe('Not a manifest: a Go or Helm template ({{ ... }} outside strings); '
      + 'analyze its rendering (e.g. helm template) instead, or skip it with --ignore-path');
    expect(result.summary.objects).toBe(1);
  });

  test('kustomization.yaml, CI files, JSON that is not an object, tool configs: CKI0011 infos', () => {
    const dir = writeTemp({
      'base/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [service.yaml]\n',
      'overlay/kustomization.yml': 'resources: [../base]\n',
      'base/service.yaml': SERVICE,
      'ci/pipeline.yml': 'stages: [test]\ntest:\n  script: npm test\n',
      '.github/workflows/ci.yml': 'on: push\n', // hidden directories are not read
      'data/list.json': '[1, 2]',
      'data/string.json': '"text"',
      'data/package.json': '{ "name": "shop", "version": "1.0.0" }',
      'kind-cluster.yaml': 'apiVersion: kind.x-k8s.io/v1alpha4\nkind: Cluster\nnodes: [{ role: control-plane }]\n',
    });
    const result = json(dir);
    expect(located(dir, result.findings)).toEqual([
      ['base/kustomization.yaml', 'CKI0011', 'Info'],
      ['ci/pipeline.yml', 'CKI0011', 'Info'],
      ['data/list.json', 'CKI0011', 'Info'],
      ['data/package.json', 'CKI0011', 'Info'],
      ['data/string.json', 'CKI0011', 'Info'],
      ['kind-cluster.yaml', 'CKI0011', 'Info'],
      ['overlay/kustomization.yml', 'CKI0011', 'Info'],
    ]);
    const messages = result.findings.map((f) => f.message);
    expect(messages[0]).toBe('Not a Kubernetes object: the document at line 1 is a Kustomize Kustomization; '
      + 'analyze its rendering (kustomize build DIR > rendered.yaml) instead, or skip it with --ignore-path');
    expect(result.findings[0].kind).toBe('Kustomization');
    expect(messages[2]).toBe('Not a Kubernetes object: the document at line 1 is a list, not a mapping with apiVersion, kind and metadata; skip it with --ignore-path');
    expect(messages[4]).toContain('is a string (text), not a mapping');
    expect(messages[5]).toBe('Not a Kubernetes object: the document at line 1 has no metadata (kind.x-k8s.io/v1alpha4 Cluster: a file some tool reads, '
      + 'not for the API server?); if it is meant to be one, add metadata.name; else skip it with --ignore-path');
    expect(messages[6]).toContain('is a Kustomize Kustomization');
    expect(result.summary).toMatchObject({ files: 8, objects: 1 });
    expect(result.code).toBe(0);
    expect(json('--fail-on', 'info', dir).code).toBe(1);
  });

  test('YAML syntax errors: an error in a file that says it is a manifest, a warning otherwise; the other documents are read', () => {
    const dir = writeTemp({
      'broken.yaml': `${SERVICE}---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: x\n---\n${SERVICE.replace('web', 'api')}`,
      'notes.yaml': 'title: [unclosed\n',
      'tsconfig.json': '{\n  "compilerOptions": { "strict": [true }\n}\n',
    });
    const result = json(dir);
    expect(located(dir, result.findings)).toEqual([
      ['broken.yaml', 'CKI0010', 'Error'],
      ['notes.yaml', 'CKI0010', 'Warning'],
      ['tsconfig.json', 'CKI0010', 'Warning'],
    ]);
    expect(result.findings[0].message).toMatch(/^Not parsable as YAML or JSON: .+ \(line \d+\); kubectl would refuse it too: fix the syntax$/);
    expect(result.findings[1].message).toMatch(/^Not parsable as YAML or JSON: .+ \(line \d\); fix it, or skip it with --ignore-path$/);
    // The Services before and after the broken document are both read.
    expect(result.summary.objects).toBe(2);
    expect(result.code).toBe(1);
  });

  test('empty files are one CKI0011 info; empty documents between objects (a trailing ---) are skipped as kubectl skips them', () => {
    const dir = writeTemp({ 'empty.yaml': '', 'comments.yaml': '# nothing yet\n', 'separators.yaml': '---\n---\n', 'service.yaml': `---\n${SERVICE}---\n\n---\n` });
    const result = json(dir);
    expect(located(dir, result.findings)).toEqual([
      ['comments.yaml', 'CKI0011', 'Info'],
      ['empty.yaml', 'CKI0011', 'Info'],
      ['separators.yaml', 'CKI0011', 'Info'],
    ]);
    expect(result.findings[0].message).toBe('Not a Kubernetes object: the file is empty (no document, or only empty ones); remove it, or skip it with --ignore-path');
    expect(result.summary).toMatchObject({ files: 4, objects: 1 });
  });

  test('items of a List that are not objects are reported with their line', () => {
    const dir = writeTemp({ 'list.yaml': `apiVersion: v1\nkind: List\nitems:\n  - 42\n  - ${SERVICE.trim().split('\n').join('\n    ')}\n` });
    const result = json(dir);
    expect(result.findings.map((f) => [f.code, f.message])).toEqual([['CKI0011', expect.stringMatching(/^Not a Kubernetes object: item 0 of the List at line 1 is a number \(42\)/)]]);
    expect(result.summary.objects).toBe(1);
  });

  test('--ignore-path skips files and directories by glob, relative to the directory given', () => {
    const dir = writeTemp({
      'chart/Chart.yaml': 'apiVersion: v2\nname: shop\n',
      'chart/templates/x.yaml': 'a: {{ .b }}\n',
      'manifests/service.yaml': SERVICE,
      'manifests/kustomization.yaml': 'resources: [service.yaml]\n',
      'manifests/dev/extra.json': '[]',
      'manifests/prod/extra.json': '[]',
      'ci.yml': 'a: 1\n',
    });
    const all = json(dir);
    expect(all.summary).toMatchObject({ files: 7, ignoredPaths: 0 });
    const some = json(dir, '--ignore-path', 'chart', '--ignore-path', 'kustomization.yaml', '--ignore-path', 'manifests/*/extra.json', '--ignore-path=*.yml');
    expect(some.findings).toEqual([]);
    expect(some.summary).toMatchObject({ files: 1, objects: 1, ignoredPaths: 5 });
    // A directory that matches is skipped whole (counted as one); '**' spans directories.
    expect(json(dir, '--ignore-path', 'manifests/**/*.json').summary).toMatchObject({ files: 5, ignoredPaths: 2 });
    expect(json(dir, '--ignore-path', '{chart,manifests}/').summary).toMatchObject({ files: 1, ignoredPaths: 2 });
    // The path as printed matches too.
    expect(json(dir, '--ignore-path', `${dir}/chart/**`).summary).toMatchObject({ files: 5, ignoredPaths: 2 });
    const text = cli('analyze', '--ignore-path', 'chart', dir);
    expect(text.out.at(-1)).toMatch(/^1 objects in 5 files \(1 paths ignored\): /);
  });

  test('--fail-on sets the level that fails', () => {
    const warning = writeTemp({ 'notes.yaml': 'title: [unclosed\n', 'service.yaml': SERVICE });
    expect(json(warning).code).toBe(0);
    expect(json('--fail-on', 'warning', warning).code).toBe(1);
    expect(json('--fail-on=error', warning).code).toBe(0);
    const info = writeTemp({ 'values.yaml': 'a: 1\n', 'service.yaml': SERVICE });
    expect(json('--fail-on', 'warning', info).code).toBe(0);
    expect(json('--fail-on', 'info', info).code).toBe(1);
    expect(json('--fail-on', 'info', '--ignore', 'CKI0011', info).code).toBe(0);
    expect(cli('analyze', '--fail-on', 'fatal', info).err[0]).toBe('cdk8s-istio: --fail-on must be error, warning or info, not "fatal"');
  });

  test('exit 2 only when nothing at all could be read', () => {
    const empty = writeTemp({ 'README.md': '# docs' });
    const none = cli('analyze', empty);
    expect(none.code).toBe(2);
    expect(none.err).toEqual([`cdk8s-istio: nothing to analyze: no .yaml, .yml or .json file in ${empty}`]);
    const templates = writeTemp({ 'a.yaml': '{{ if }}\nkind: [\n', 'b.json': '{ broken' });
    const unread = cli('analyze', templates);
    expect(unread.code).toBe(2);
    expect(unread.err).toEqual(['cdk8s-istio: nothing could be read: none of the 2 files parses as YAML or JSON']);
    // The findings are printed all the same.
    expect(unread.out.join('\n')).toContain('Warning CKI0010');
    expect(cli('analyze', '--ignore-path', '*', writeTemp({ 'a.yaml': SERVICE })).err[0]).toMatch(/^cdk8s-istio: nothing to analyze: .* but ignored ones$/);
    // One readable file is enough.
    expect(cli('analyze', writeTemp({ 'a.yaml': '{{ if }}\nkind: [\n', 'b.yaml': SERVICE })).code).toBe(0);
  });

  test('a file given twice, or through a link, is read once', () => {
    const dir = writeTemp({ 'service.yaml': SERVICE });
    fs.symlinkSync(path.join(dir, 'service.yaml'), path.join(dir, 'link.yaml'));
    fs.symlinkSync(dir, path.join(dir, 'loop'));
    const result = json(dir, path.join(dir, 'service.yaml'));
    expect(result.findings).toEqual([]);
    expect(result.summary).toMatchObject({ files: 1, objects: 1 });
  });

  test('a file that cannot be read is a CKI0010 error', () => {
    const dir = writeTemp({ 'service.yaml': SERVICE });
    fs.symlinkSync(path.join(dir, 'gone.yaml'), path.join(dir, 'dangling.yaml'));
    const result = json(dir);
    expect(located(dir, result.findings)).toEqual([['dangling.yaml', 'CKI0010', 'Error']]);
    expect(result.findings[0].message).toMatch(/^File cannot be read: ENOENT.*; fix its permissions or the link, or skip it with --ignore-path$/);
  });
});

describe('objects defined twice', () => {
  const vs = (file: string) => 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: reviews, namespace: shop }\n'
    + `spec: { hosts: [reviews.example.com], http: [{ route: [{ destination: { host: reviews.example.com } }] }] }\n# ${file}\n`;
  const se = 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: { name: reviews, namespace: shop }\n'
    + 'spec: { hosts: [reviews.example.com], ports: [{ number: 80, name: http, protocol: HTTP }], resolution: DNS }\n';

  test('are reported once, naming both files, and analyzed once (no IST0109 conflict with its own copy)', () => {
    const dir = writeTemp({ 'a/vs.yaml': vs('a'), 'b/vs.yaml': `${se}---\n${vs('b')}` });
    const result = cli('analyze', '--format', 'json', dir);
    const findings = JSON.parse(result.out.join('\n')).findings;
    expect(findings).toEqual([{
      code: 'CKI0002',
      level: 'Error',
      message: `VirtualService shop/reviews is defined twice: by ${path.join(dir, 'a/vs.yaml')}:1 and by ${path.join(dir, 'b/vs.yaml')}:6; `
        + 'applied together, one replaces the other — rename one of them (e.g. the metadata.name or serviceName), or remove the duplicate',
      kind: 'VirtualService',
      name: 'reviews',
      namespace: 'shop',
      source: path.join(dir, 'b/vs.yaml'),
    }]);
  });

  test('in one file, with another version of the same API group, several times', () => {
    const twice = writeTemp({ 'vs.yaml': `${se}---\n${vs('1')}---\n${vs('2').replace('networking.istio.io/v1', 'networking.istio.io/v1beta1')}` });
    expect(cli('analyze', twice).out[0]).toBe(`${path.join(twice, 'vs.yaml')}: VirtualService/shop/reviews: Error CKI0002 VirtualService shop/reviews is defined twice: `
      + `by ${path.join(twice, 'vs.yaml')}:6 and by ${path.join(twice, 'vs.yaml')}:12; applied together, one replaces the other — rename one of them `
      + '(e.g. the metadata.name or serviceName), or remove the duplicate');
    const many = writeTemp(Object.fromEntries([['se.yaml', se], ...[1, 2, 3, 4, 5, 6].map((i) => [`vs-${i}.yaml`, vs(String(i))])]));
    const result = cli('analyze', many);
    expect(result.out.length).toBe(2);
    expect(result.out[0]).toContain(`VirtualService shop/reviews is defined 6 times: by ${path.join(many, 'vs-1.yaml')}:1, by ${path.join(many, 'vs-2.yaml')}:1, `
      + `by ${path.join(many, 'vs-3.yaml')}:1, by ${path.join(many, 'vs-4.yaml')}:1 and 2 more; applied together`);
    // The same name in another namespace or group is another object.
    const distinct = writeTemp({ 'vs.yaml': `${se}---\n${vs('1')}---\n${vs('2').replace('namespace: shop', 'namespace: web')}`, 'x.yaml': vs('3').replace('networking.istio.io', 'example.com') });
    expect(cli('analyze', '--format', 'json', distinct).out.join('\n')).not.toContain('CKI0002');
  });
});

describe('output', () => {
  test('sorted by file, then kind/namespace/name, then code; the same on every run, in text and json', () => {
    const service = (name: string) => `apiVersion: v1\nkind: Service\nmetadata: { name: ${name}, namespace: shop }\nspec: { ports: [{ name: ${name}, port: 80 }] }\n`;
    const dir = writeTemp({
      'z.yaml': [service('b'), service('a')].join('---\n'),
      'a.yaml': [service('y'), 'x: 1\n', SCENARIOS[0].bad].join('---\n'),
      'm/n.yaml': 'kind: [\n',
    });
    const text = cli('analyze', dir);
    const located = text.out.slice(0, -1).map((l) => l.slice(dir.length + 1).split(' ').slice(0, 4).join(' '));
    expect(located).toEqual([
      'a.yaml: Info CKI0011 Not',
      'a.yaml: Service/shop/y: Info IST0118',
      expect.stringMatching(/^a\.yaml: VirtualService\/shop\/ingress: Error IST0101$/),
      ...located.slice(3, -3),
      'm/n.yaml: Error CKI0010 Not',
      'z.yaml: Service/shop/a: Info IST0118',
      'z.yaml: Service/shop/b: Info IST0118',
    ]);
    const sorted = [...located].sort();
    expect(located.map((l) => l.split(':')[0])).toEqual(sorted.map((l) => l.split(':')[0]));
    expect(cli('analyze', dir).out).toEqual(text.out);
    const json = cli('analyze', '--format', 'json', dir).out;
    expect(cli('analyze', '--format', 'json', dir).out).toEqual(json);
    expect(JSON.parse(json.join('\n')).findings.map((f: any) => f.source.slice(dir.length + 1))).toEqual(located.map((l) => l.split(':')[0]));
  });

  test('--mesh-config is read (a MeshConfig, or the istio ConfigMap) and handed to the checks', () => {
    const spy = jest.spyOn(analyzeModule, 'analyzeObjects');
    const dir = writeTemp({
      'service.yaml': 'apiVersion: v1\nkind: Service\nmetadata: { name: web }\nspec: { ports: [{ name: http, port: 80 }] }\n',
      'mesh.yaml': 'defaultConfig:\n  proxyMetadata: { ISTIO_META_DNS_AUTO_ALLOCATE: "true" }\n',
      'istio.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: istio, namespace: istio-system }\ndata:\n  mesh: |\n    trustDomain: corp.example\n',
    });
    try {
      cli('analyze', '--mesh-config', path.join(dir, 'mesh.yaml'), path.join(dir, 'service.yaml'));
      expect(spy.mock.calls[0][1].meshConfig).toEqual({ defaultConfig: { proxyMetadata: { ISTIO_META_DNS_AUTO_ALLOCATE: 'true' } } });
      cli('analyze', '--mesh-config', path.join(dir, 'istio.yaml'), path.join(dir, 'service.yaml'));
      expect(spy.mock.calls[1][1].meshConfig).toEqual({ trustDomain: 'corp.example' });
      cli('analyze', path.join(dir, 'service.yaml'));
      expect(spy.mock.calls[2][1].meshConfig).toBeUndefined();
    } finally {
      spy.mockRestore();
    }
    expect(cli('analyze', '--mesh-config', '/no/mesh.yaml', dir).err[0]).toBe('cdk8s-istio: --mesh-config /no/mesh.yaml: no such file');
  });

  test('the usage text documents the options and the exit codes', () => {
    const help = cli('analyze', '--help').out.join('\n');
    for (const option of ['--format', '--fail-on', '--ignore-path', '--max-file-size', '--mesh-config', '--ignore ', '--external-gateway', 'CKI0010', 'CKI0011', 'CKI0012']) {
      expect(help).toContain(option);
    }
    expect(help).toMatch(/Exit codes:\n {2}0 .*\n {2}1 .*\n {2}2 /);
  });
});

describe('--ignore-path globs', () => {
  test.each([
    ['kustomization.yaml', ['kustomization.yaml', 'a/b/kustomization.yaml'], ['kustomization.yml', 'a/kustomization.yaml.bak']],
    ['*.json', ['x.json', 'a/b/x.json'], ['x.yaml', 'x.json.bak']],
    ['charts', ['charts', 'charts/a.yaml', 'x/charts/templates/b.yaml'], ['charts.yaml', 'mycharts/a.yaml']],
    ['charts/', ['charts/a.yaml'], ['x.yaml']],
    ['a/*/x.yaml', ['a/b/x.yaml'], ['a/x.yaml', 'a/b/c/x.yaml', 'z/a/b/x.yaml']],
    ['a/**/x.yaml', ['a/x.yaml', 'a/b/x.yaml', 'a/b/c/x.yaml'], ['b/x.yaml', 'a/xx.yaml']],
    ['**/templates/**', ['templates/a.yaml', 'c/templates/a/b.yaml'], ['templatesx/a.yaml']],
    ['./ci/*.{yml,yaml}', ['ci/a.yml', 'ci/a.yaml'], ['ci/a.ymml', 'x/ci/a.yml']],
    ['ci/?.yaml', ['ci/a.yaml'], ['ci/ab.yaml', 'ci/.yaml']],
    ['/top.yaml', ['top.yaml'], ['a/top.yaml']],
    ['env-[0-9].yaml', ['env-1.yaml'], ['env-a.yaml']],
    ['env-[!0-9].yaml', ['env-a.yaml'], ['env-1.yaml', 'env-/.yaml']],
    ['{dev,prod}/*.yaml', ['dev/a.yaml', 'prod/a.yaml'], ['test/a.yaml']],
    ['a+b(1).yaml', ['a+b(1).yaml'], ['aab1.yaml']],
  ])('%s', (pattern, matching, notMatching) => {
    const glob = new PathGlob(pattern);
    for (const p of matching) expect([p, glob.matches(p)]).toEqual([p, true]);
    for (const p of notMatching) expect([p, glob.matches(p)]).toEqual([p, false]);
  });
});
