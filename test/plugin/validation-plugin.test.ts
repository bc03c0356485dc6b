/**
 * The validation plugin against the CLI's contract, without the CLI: a context that records what
 * the plugin adds to the report (cdk8s-synth.test.ts runs it under the real `cdk8s synth`).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import * as analyze from '../../src/analysis/analyze';
import { AnalysisFinding, AnalysisLevel } from '../../src/analysis/finding';
import { IstioValidation, ValidationContext, ValidationViolation } from '../../src/plugin/validation-plugin';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-validation-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
afterEach(() => jest.restoreAllMocks());

let files = 0;
/** Writes YAML to a new manifest file and returns its path. */
function manifest(yaml: string): string {
  const file = path.join(tmp, `m${files++}.k8s.yaml`);
  fs.writeFileSync(file, yaml);
  return file;
}

interface Run {
  readonly violations: ValidationViolation[];
  readonly status?: string;
  readonly metadata?: { readonly [key: string]: string };
}

async function validate(plugin: IstioValidation, ...manifests: string[]): Promise<Run> {
  const run: { violations: ValidationViolation[]; status?: string; metadata?: { readonly [key: string]: string } } = { violations: [] };
  const context: ValidationContext = {
    manifests,
    report: {
      addViolation: (v) => run.violations.push(v),
      submit: (status, metadata) => {
        run.status = status;
        run.metadata = metadata;
      },
    },
  };
  await plugin.validate(context);
  return run;
}

/** A VirtualService bound to a gateway that is not there (IST0101), routing to DETAILS. */
const missingGateway = (name: string) => `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: shop}
spec: {hosts: [reviews.example.com], gateways: [public], http: [{route: [{destination: {host: details}}]}]}
`;
const DETAILS = `
apiVersion: v1
kind: Service
metadata: {name: details, namespace: shop}
spec: {selector: {app: details}, ports: [{name: http, port: 9080}]}
`;
const MISSING_GATEWAY = `${missingGateway('reviews')}---${DETAILS}`;
const UNNAMED_PORT_SERVICE = `
apiVersion: v1
kind: Service
metadata: {name: ratings, namespace: shop}
spec: {selector: {app: ratings}, ports: [{name: web, port: 9080}]}
`;

/** The analyzer returns `findings` (so that these tests do not depend on which checks exist). */
function stubFindings(...findings: Array<Partial<AnalysisFinding>>) {
  return jest.spyOn(analyze, 'analyzeObjects').mockImplementation(() => findings.map((f) => ({
    code: 'IST0101', level: AnalysisLevel.ERROR, message: 'Referenced thing not found: "x"; define it', kind: 'VirtualService', namespace: 'shop', name: 'reviews', source: 'in.yaml', ...f,
  })));
}

describe('report', () => {
  test('a finding of the analyzer reaches the report, under the object name, its message split into recommendation and fix', async () => {
    // GIVEN
    const file = manifest(MISSING_GATEWAY);

    // WHEN
    const run = await validate(new IstioValidation(), file);

    // THEN
    expect(run.status).toBe('failure');
    expect(run.violations).toContainEqual({
      ruleName: 'IST0101 [Error]',
      recommendation: 'Referenced gateway not found: "public" (looked for Gateway shop/public)',
      fix: expect.stringContaining('define the Gateway'),
      violatingResources: [{ resourceName: 'reviews', locations: ['VirtualService shop/reviews'], manifestPath: file }],
    });
    expect(run.metadata).toMatchObject({ 'Objects': '2', 'Fails on': 'error' });
    expect(Number(run.metadata?.Errors)).toBeGreaterThanOrEqual(1);
  });

  test('objects of a List and of several manifests are analyzed together; the field a message names is the location', async () => {
    // GIVEN a route to a subset no DestinationRule defines, in a List, in a second file
    const services = manifest('apiVersion: v1\nkind: Service\nmetadata: {name: reviews}\nspec: {selector: {app: reviews}, ports: [{name: http, port: 9080}]}\n');
    const list = manifest(`apiVersion: v1
kind: List
items:
  - apiVersion: networking.istio.io/v1
    kind: VirtualService
    metadata: {name: reviews-route}
    spec: {hosts: [reviews], http: [{route: [{destination: {host: reviews, subset: v3}}]}]}
`);

    // WHEN
    const run = await validate(new IstioValidation(), services, list);

    // THEN
    expect(run.violations).toContainEqual(expect.objectContaining({
      ruleName: 'IST0101 [Error]',
      violatingResources: [{
        resourceName: 'reviews-route', locations: ['VirtualService default/reviews-route at spec.http[0].route[0].destination'], manifestPath: list,
      }],
    }));
    expect(run.metadata?.Objects).toBe('2');
  });

  test('the counts of the summary', async () => {
    stubFindings({}, { level: AnalysisLevel.WARNING }, { level: AnalysisLevel.INFO }, { level: AnalysisLevel.INFO });

    const run = await validate(new IstioValidation(), manifest(MISSING_GATEWAY));

    expect(run.metadata).toEqual({ 'Objects': '2', 'Errors': '1', 'Warnings': '1', 'Infos': '2', 'Fails on': 'error' });
  });

  test('a name that several objects share is reported as Kind namespace/name, so that the CLI attaches no construct path of another object', async () => {
    // GIVEN a Service and a VirtualService both named reviews (the CLI's construct metadata is keyed by name)
    const file = manifest(`${MISSING_GATEWAY}---
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: shop}
spec: {selector: {app: reviews}, ports: [{name: http, port: 9080}]}
`);
    stubFindings({ source: file }, { name: 'details', kind: 'Service', source: file });

    // WHEN
    const run = await validate(new IstioValidation(), file);

    // THEN
    expect(run.violations[0].violatingResources.map((r) => r.resourceName)).toEqual(['details', 'VirtualService shop/reviews']);
  });

  test('findings with the same code, level and message are one violation with several resources; violations are sorted, errors first', async () => {
    stubFindings(
      { code: 'IST0118', level: AnalysisLevel.INFO, message: 'Port name web does not follow the convention; name it http-web', kind: 'Service', name: 'ratings' },
      { name: 'reviews-b', source: 'b.yaml' },
      { code: 'IST0132', level: AnalysisLevel.WARNING, message: 'host not found in gateway; add it' },
      { name: 'reviews-a', source: 'b.yaml' },
      { name: 'reviews-c', source: 'a.yaml', message: 'Referenced host not found: "h" (spec.http[1].route[0].destination); define it' },
    );

    const run = await validate(new IstioValidation(), manifest(''));

    expect(run.violations.map((v) => [v.ruleName, v.recommendation, v.fix])).toEqual([
      ['IST0101 [Error]', 'Referenced host not found: "h" (spec.http[1].route[0].destination)', 'define it'],
      ['IST0101 [Error]', 'Referenced thing not found: "x"', 'define it'],
      ['IST0132 [Warning]', 'host not found in gateway', 'add it'],
      ['IST0118 [Info]', 'Port name web does not follow the convention', 'name it http-web'],
    ]);
    expect(run.violations[0].violatingResources).toEqual([
      { resourceName: 'VirtualService shop/reviews-c', locations: ['VirtualService shop/reviews-c at spec.http[1].route[0].destination'], manifestPath: 'a.yaml' },
    ]);
    expect(run.violations[1].violatingResources.map((r) => [r.manifestPath, r.locations[0]])).toEqual([
      ['b.yaml', 'VirtualService shop/reviews-a'], ['b.yaml', 'VirtualService shop/reviews-b'],
    ]);
  });

  test('a message without "; " is the recommendation, with no fix', async () => {
    stubFindings({ message: 'Something is off' });

    const run = await validate(new IstioValidation(), manifest(''));

    expect(run.violations[0]).toMatchObject({ recommendation: 'Something is off', fix: '-' });
  });

  test('a manifest that is not YAML is a failure of its own (CKI0010, as the CLI reads it); the other manifests are still analyzed', async () => {
    const broken = manifest('apiVersion: v1\nkind: [unclosed\n');
    const good = manifest(MISSING_GATEWAY);

    const run = await validate(new IstioValidation(), broken, good);

    expect(run.status).toBe('failure');
    expect(run.violations.map((v) => v.ruleName)).toContain('IST0101 [Error]');
    expect(run.violations[0]).toEqual({
      ruleName: 'CKI0010 [Error]',
      recommendation: expect.stringMatching(/^Not parsable as YAML or JSON: .* \(line \d+\)$/),
      fix: 'its objects were not analyzed: fix the YAML the app writes',
      violatingResources: [{ resourceName: path.basename(broken), locations: [expect.stringMatching(/^line \d+$/)], manifestPath: broken }],
    });
    expect(run.metadata?.Objects).toBe('2');
  });

  test("the CLI reader's limits apply: a document nested too deeply is not parsed (CKI0012); a missing manifest is CKI0010", async () => {
    const deep = manifest(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: {x: ${'['.repeat(300)}${']'.repeat(300)}}\n`);
    const missing = path.join(tmp, 'missing.k8s.yaml');

    const run = await validate(new IstioValidation(), deep, missing, manifest(DETAILS));

    expect(run.status).toBe('failure');
    expect(run.violations.map((v) => [v.ruleName, v.violatingResources.map((r) => r.manifestPath)])).toEqual([
      ['CKI0010 [Error]', [missing]],
      ['CKI0012 [Error]', [deep]],
    ]);
    expect(run.metadata).toMatchObject({ Objects: '1', Errors: '2' });
  });

  test('no objects, or only empty documents: success', async () => {
    const run = await validate(new IstioValidation(), manifest('---\n---\n'));

    expect(run).toEqual({ violations: [], status: 'success', metadata: expect.objectContaining({ Objects: '0' }) });
  });
});

describe('properties', () => {
  test('failOn: the lowest level that fails; findings below it are listed all the same', async () => {
    const statuses = async (level: AnalysisLevel) => {
      stubFindings({ level });
      const runs = [];
      for (const failOn of [undefined, 'error', 'warning', 'info']) runs.push(await validate(new IstioValidation({ failOn }), manifest('')));
      jest.restoreAllMocks();
      expect(runs.every((r) => r.violations.length === 1)).toBe(true);
      return runs.map((r) => `${r.metadata?.['Fails on']}: ${r.status}`);
    };

    expect(await statuses(AnalysisLevel.ERROR)).toEqual(['error: failure', 'error: failure', 'warning: failure', 'info: failure']);
    expect(await statuses(AnalysisLevel.WARNING)).toEqual(['error: success', 'error: success', 'warning: failure', 'info: failure']);
    expect(await statuses(AnalysisLevel.INFO)).toEqual(['error: success', 'error: success', 'warning: success', 'info: failure']);
  });

  test('ignore, externalGateways, rootNamespace, clusterDomain and defaultNamespace reach the analyzer', async () => {
    // GIVEN
    const spy = jest.spyOn(analyze, 'analyzeObjects');
    const plugin = new IstioValidation({
      ignore: ['IST0118'], externalGateways: ['shop/public'], rootNamespace: 'mesh-root', clusterDomain: 'corp.internal', defaultNamespace: 'shop',
    });

    // WHEN
    const run = await validate(plugin, manifest(`${MISSING_GATEWAY}---${UNNAMED_PORT_SERVICE}`));

    // THEN
    expect(run.violations.map((v) => v.recommendation)).not.toContainEqual(expect.stringContaining('Referenced gateway not found'));
    expect(run.violations.map((v) => v.ruleName)).not.toContain('IST0118 [Info]');
    expect(spy.mock.calls[0][1]).toEqual({
      ignore: new Set(['IST0118']),
      externalGateways: new Set(['shop/public']),
      rootNamespace: 'mesh-root',
      clusterDomain: 'corp.internal',
      defaultNamespace: 'shop',
      meshConfig: undefined,
    });
  });

  test('meshConfig: a mapping, a mesh config file or the istio ConfigMap', async () => {
    const spy = jest.spyOn(analyze, 'analyzeObjects');
    const meshFile = manifest('outboundTrafficPolicy: {mode: REGISTRY_ONLY}\n');
    const configMap = manifest('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: istio, namespace: istio-system}\ndata:\n  mesh: |-\n    rootNamespace: mesh-root\n');
    const empty = manifest('');

    for (const meshConfig of [{ enableTracing: false }, meshFile, configMap]) {
      await validate(new IstioValidation({ meshConfig }), empty);
    }

    expect(spy.mock.calls.map((c) => c[1].meshConfig)).toEqual([
      { enableTracing: false }, { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } }, { rootNamespace: 'mesh-root' },
    ]);
  });

  test.each([
    [{ externalGateway: ['a/b'] }, "unknown property 'externalGateway' (known: ignore, externalGateways, rootNamespace, clusterDomain, defaultNamespace, failOn, meshConfig)"],
    [{ ignore: 'IST0118' }, "'ignore' must be a list of strings"],
    [{ externalGateways: [1] }, "'externalGateways' must be a list of strings"],
    [{ rootNamespace: 3 }, "'rootNamespace' must be a string"],
    [{ failOn: 'fatal' }, "'failOn' must be error, warning or info, not \"fatal\""],
    [{ meshConfig: ['a'] }, "'meshConfig' must be a file path or a mapping"],
  ])('refused: %j', (properties, message) => {
    expect(() => new IstioValidation(properties as any)).toThrow(`cdk8s-istio validation plugin: ${message}`);
  });

  test('the CLI passes {} when the entry has no properties; a missing meshConfig file fails', async () => {
    expect(() => new IstioValidation({})).not.toThrow();
    await expect(validate(new IstioValidation({ meshConfig: path.join(tmp, 'nope.yaml') }), manifest(''))).rejects.toThrow(/nope\.yaml/);
  });
});

test("the README's cdk8s.yaml entry names this package's plugin class, with properties it accepts", () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Validation plugin for `cdk8s synth`'));
  const block = /```yaml\n([\s\S]*?)```/.exec(section)![1];
  const [entry] = parse(block).validations;

  expect(entry).toMatchObject({ package: 'cdk8s-istio', class: 'IstioValidation' });
  expect(entry.version).toMatch(/^\d+\.\d+\.\d+$/);
  expect(Object.keys(entry.properties).sort()).toEqual(['clusterDomain', 'defaultNamespace', 'externalGateways', 'failOn', 'ignore', 'meshConfig', 'rootNamespace']);
  expect(() => new IstioValidation(entry.properties)).not.toThrow();
});
