/**
 * The validation plugin end to end: `cdk8s synth` (cdk8s-cli, as pinned in devDependencies) runs
 * a small app that uses none of this library's constructs, loads the plugin named in cdk8s.yaml,
 * and prints the construct-aware report.
 *
 * The library is compiled from `src/` into a throw-away package (tsc, ~4 s), so the test needs
 * neither a prior build nor the network, and never writes the repository's `lib/`.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

jest.setTimeout(60_000);

const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
const CDK8S = path.join(ROOT, 'node_modules', 'cdk8s');
const VERSION: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;

let tmp: string;
/** The compiled library, laid out as an installed npm package. */
let pkg: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-synth-'));
  pkg = path.join(tmp, 'cdk8s-istio');
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(ROOT, 'tsconfig.json'),
      '--outDir', path.join(pkg, 'lib'), '--declaration', 'false', '--inlineSourceMap', 'false', '--inlineSources', 'false'], { stdio: 'pipe' });
  } catch (e) {
    throw new Error(`the library does not compile:\n${(e as { stdout?: Buffer }).stdout ?? e}`);
  }
  fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'cdk8s-istio', version: VERSION, main: 'lib/index.js' }));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(pkg, 'node_modules'), 'dir');
});

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** A cdk8s app in JavaScript: `body` adds objects to `chart` (cdk8s's `ApiObject` is in scope). */
function appSource(body: string): string {
  return `const { App, Chart, ApiObject } = require(${JSON.stringify(CDK8S)});
const app = new App();
const chart = new Chart(app, 'mesh');
${body}
app.synth();
`;
}

interface Synth {
  readonly status: number | null;
  readonly output: string;
  readonly report: any;
}

/** Writes the app and its cdk8s.yaml into `<tmp>/<name>` and runs `cdk8s synth` there. */
function synth(name: string, body: string, validation: { [key: string]: unknown }): Synth {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'app.js'), appSource(body));
  fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), JSON.stringify({ language: 'typescript', app: 'node app.js', validations: [validation] }, undefined, 2));
  const reportFile = path.join(dir, 'report.json');
  const run = spawnSync(process.execPath, [CLI, 'synth', '--no-check-upgrade', '--plugins-dir', path.join(dir, 'plugins'),
    '--validation-reports-output-file', reportFile], { cwd: dir, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  const report = fs.existsSync(reportFile) ? JSON.parse(fs.readFileSync(reportFile, 'utf8')).reports[0] : undefined;
  return { status: run.status, output: `${run.stdout}${run.stderr}`, report };
}

const BROKEN = `
new ApiObject(chart, 'reviews-route', {
  apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'reviews' },
  spec: { hosts: ['reviews.example.com'], gateways: ['public-gw'], http: [{ route: [{ destination: { host: 'reviews-svc' } }] }] },
});
new ApiObject(chart, 'reviews-svc', {
  apiVersion: 'v1', kind: 'Service', metadata: { name: 'reviews-svc' },
  spec: { selector: { app: 'reviews' }, ports: [{ name: 'http', port: 9080 }] },
});
`;

test('a VirtualService written as a plain ApiObject, bound to a missing Gateway, fails synth with IST0101 under its construct path', () => {
  // GIVEN the plugin loaded from a local path (absolute), as cdk8s.yaml allows
  // WHEN
  const result = synth('broken', BROKEN, { package: pkg, version: VERSION, class: 'IstioValidation' });

  // THEN the CLI exits with its validation-failure status and prints the construct-aware report
  expect(result.status).toBe(2);
  expect(result.output).toContain('IST0101 [Error] (1 occurrences)');
  expect(result.output).toContain('- Construct Path: mesh/reviews-route');
  expect(result.output).toContain('- Manifest Path: dist/mesh.k8s.yaml');
  expect(result.output).toContain('- Resource Name: reviews');
  expect(result.output).toContain('> VirtualService default/reviews');
  expect(result.output).toContain('Recommendation: Referenced gateway not found: "public-gw" (looked for Gateway default/public-gw)');
  expect(result.output).toContain('How to fix: define the Gateway');
  expect(result.output).toContain('Validation failed');
  expect(result.report.summary).toMatchObject({ status: 'failure', metadata: { 'Objects': '2', 'Errors': '1', 'Fails on': 'error' } });
  expect(result.report.violations).toContainEqual(expect.objectContaining({
    ruleName: 'IST0101 [Error]',
    violatingConstructs: [{
      constructPath: 'mesh/reviews-route', resourceName: 'reviews', manifestPath: 'dist/mesh.k8s.yaml', locations: ['VirtualService default/reviews'],
    }],
  }));
});

test('a correct app written with `cdk8s import` classes passes', () => {
  // GIVEN Istio objects made with the classes `cdk8s import` generates from Istio's CRDs
  const imports = JSON.stringify(path.join(pkg, 'lib', 'imports', 'networking.istio.io'));
  const body = `
const istio = require(${imports});
new istio.Gateway(chart, 'public', {
  metadata: { name: 'public-gw' },
  spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['reviews.example.com'] }] },
});
new istio.VirtualService(chart, 'reviews-route', {
  metadata: { name: 'reviews' },
  spec: { hosts: ['reviews.example.com'], gateways: ['public-gw'], http: [{ route: [{ destination: { host: 'reviews-svc' } }] }] },
});
new ApiObject(chart, 'reviews-svc', {
  apiVersion: 'v1', kind: 'Service', metadata: { name: 'reviews-svc' },
  spec: { selector: { app: 'reviews' }, ports: [{ name: 'http', port: 9080 }] },
});
`;

  // WHEN
  const result = synth('clean', body, { package: pkg, version: VERSION, class: 'IstioValidation' });

  // THEN
  expect(result.output).toContain('Validations ended succesfully');
  expect(result.status).toBe(0);
  expect(result.report.summary).toMatchObject({ status: 'success', metadata: { Objects: '3', Errors: '0' } });
  expect(result.report.violations).toEqual([]);
});

test('named as an npm package (`package: cdk8s-istio`), the plugin is loaded from the CLI plugin directory with its properties', () => {
  // GIVEN the package where the CLI's `npm install --prefix <plugins>/cdk8s-istio/<version>` puts it
  // (seeded, so that the test needs no registry), and a property naming the gateway as external
  const dir = path.join(tmp, 'by-name');
  const installed = path.join(dir, 'plugins', 'cdk8s-istio', VERSION, 'node_modules');
  fs.mkdirSync(installed, { recursive: true });
  fs.symlinkSync(pkg, path.join(installed, 'cdk8s-istio'), 'dir');

  // WHEN
  const byName = { package: 'cdk8s-istio', version: VERSION, class: 'IstioValidation' };
  const external = synth('by-name', BROKEN, { ...byName, properties: { externalGateways: ['default/public-gw'] } });

  // THEN the title names the package, and the external gateway is not reported
  expect(external.output).toContain(`Validation Report (cdk8s-istio@${VERSION})`);
  expect(external.status).toBe(0);
  expect(external.report.violations).toEqual([]);
});

test('a misspelt property fails synth with the known names', () => {
  const result = synth('typo', BROKEN, { package: pkg, version: VERSION, class: 'IstioValidation', properties: { externalGateway: ['default/public-gw'] } });

  expect(result.status).not.toBe(0);
  expect(result.output).toContain("cdk8s-istio validation plugin: unknown property 'externalGateway' (known: ignore, externalGateways,");
});
