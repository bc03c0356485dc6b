import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Callback, JsiiError, JsiiHost, ObjRef, packTarball } from './support/jsii-host';

jest.setTimeout(60_000);

const NODE_MODULES = path.join(__dirname, '..', 'node_modules');

// Host-side implementation of overridden methods, keyed by the override cookie.
function onCallback(cb: Callback): unknown {
  if (cb.cookie === 'name-generator' && cb.invoke?.method === 'generateObjectName') return 'from-host';
  throw new Error(`host refuses callback ${cb.cookie}`);
}

let tmp: string;
let tarballs: string[];
let host: JsiiHost;
let app: ObjRef;
let chart: ObjRef;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jsii-host-'));
  // Dependencies first: the kernel installs each package under its own node_modules.
  tarballs = ['constructs', 'cdk8s'].map((name) => packTarball(path.join(NODE_MODULES, name), tmp));
  host = JsiiHost.start({ onCallback });
  for (const tarball of tarballs) await host.load(tarball);
  app = await host.create('cdk8s.App');
  chart = await host.create('cdk8s.Chart', [app, 'c', { namespace: 'ns1' }]);
}, 120_000);

afterAll(async () => {
  await host?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('the runtime greets with its version', async () => {
  const { version } = JSON.parse(fs.readFileSync(path.join(NODE_MODULES, '@jsii', 'runtime', 'package.json'), 'utf8'));
  expect(await host.hello).toBe(`@jsii/runtime@${version}`);
});

test('objects come back as references', () => {
  expect(app['$jsii.byref']).toMatch(/^cdk8s\.App@\d+$/);
  expect(chart['$jsii.byref']).toMatch(/^cdk8s\.Chart@\d+$/);
});

test('an ApiObject renders through the kernel', async () => {
  const obj = await host.create('cdk8s.ApiObject', [chart, 'obj', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }]);
  expect(await host.invoke(obj, 'toJson')).toEqual({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'x', namespace: 'ns1' },
  });
  expect(await host.get(obj, 'name')).toBe('x');
  expect(await host.get(chart, 'namespace')).toBe('ns1');
});

test('static methods return references to instances', async () => {
  const duration = await host.sinvoke('cdk8s.Duration', 'seconds', [2]) as ObjRef;
  expect(duration['$jsii.byref']).toMatch(/^cdk8s\.Duration@/);
  expect(await host.invoke(duration, 'toHumanString')).toBe('2 seconds');
});

test('enums and wire-tagged structs are accepted', async () => {
  const size = await host.sinvoke('cdk8s.Size', 'mebibytes', [1536]) as ObjRef;
  const floor = JsiiHost.struct('cdk8s.SizeConversionOptions', { rounding: JsiiHost.enumValue('cdk8s.SizeRoundingBehavior', 'FLOOR') });
  expect(await host.invoke(size, 'toGibibytes', [floor])).toBe(1);
  // Errors thrown inside invoke/sinvoke/get/set are wrapped: name RuntimeError, message "Error: ...".
  const err = await host.invoke(size, 'toGibibytes').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(JsiiError);
  expect(err).toMatchObject({
    name: '@jsii/kernel.RuntimeError',
    message: "Error: '1536 mebibytes' cannot be converted into a whole number of gibibytes.",
  });
});

test('library errors reject with JsiiError carrying the library message', async () => {
  const props = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dup' } };
  await host.create('cdk8s.ApiObject', [chart, 'dup', props]);
  const err = await host.create('cdk8s.ApiObject', [chart, 'dup', props]).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(JsiiError);
  // Errors thrown by constructors come through unwrapped, with the JS error's own name.
  expect(err).toMatchObject({ name: 'Error', message: "There is already a Construct with name 'dup' in Chart [c]" });
  // The host stays usable after an error.
  expect(await host.stats()).toEqual({ objectCount: expect.any(Number) });
});

test('kernel-side argument checks reject before reaching the library', async () => {
  const err = await host.sinvoke('cdk8s.Size', 'mebibytes', ['not-a-number']).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(JsiiError);
  expect((err as JsiiError).name).toBe('@jsii/kernel.RuntimeError');
  expect((err as JsiiError).message).toMatch(/^@jsii\/kernel\.SerializationError: Passed to parameter amount of static method cdk8s\.Size\.mebibytes/);
});

test('overridden methods are answered by the host callback', async () => {
  const custom = await host.create('cdk8s.Chart', [app, 'custom'], [{ method: 'generateObjectName', cookie: 'name-generator' }]);
  const obj = await host.create('cdk8s.ApiObject', [custom, 'obj', { apiVersion: 'v1', kind: 'ConfigMap' }]);
  expect(await host.invoke(obj, 'toJson')).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'from-host' } });

  const refused = await host.create('cdk8s.Chart', [app, 'refused'], [{ method: 'generateObjectName', cookie: 'other' }]);
  await expect(host.create('cdk8s.ApiObject', [refused, 'obj', { apiVersion: 'v1', kind: 'ConfigMap' }]))
    .rejects.toThrow('host refuses callback other');
});

test('without onCallback, callbacks are answered with an error', async () => {
  const bare = JsiiHost.start();
  try {
    for (const tarball of tarballs) await bare.load(tarball);
    const bareApp = await bare.create('cdk8s.App');
    const custom = await bare.create('cdk8s.Chart', [bareApp, 'custom'], [{ method: 'generateObjectName' }]);
    await expect(bare.create('cdk8s.ApiObject', [custom, 'obj', { apiVersion: 'v1', kind: 'ConfigMap' }]))
      .rejects.toThrow('callbacks are not supported');
  } finally {
    await bare.close();
  }
  // Requests after close fail fast instead of hanging.
  await expect(bare.stats()).rejects.toThrow('jsii host closed');
});
