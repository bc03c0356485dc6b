/**
 * The library as Python, Java, .NET and Go programs use it: through the jsii kernel, with
 * structs, enums, `Duration` and errors crossing the process boundary as jsii values, and with
 * objects made by another cdk8s-plus (cdk8s-plus-33, what `cdk8s init` brings).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { ensureAssembly, ROOT } from './support/assembly';
import { JsiiError, JsiiHost, ObjRef, packTarball } from './support/jsii-host';
import { expectValidManifests } from './support/schema';

jest.setTimeout(180_000);

const LIB = 'cdk8s-istio';
const enumOf = (type: string, member: string) => JsiiHost.enumValue(`${LIB}.${type}`, member);
let tmp: string;
let host: JsiiHost;

beforeAll(async () => {
  ensureAssembly();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bindings-'));
  const nodeModules = path.join(ROOT, 'node_modules');
  // Dependencies before dependents: the kernel installs each package beside the others.
  const tarballs = [...['constructs', 'cdk8s', 'cdk8s-plus-28', 'cdk8s-plus-33'].map((p) => path.join(nodeModules, p)), ROOT]
    .map((dir) => packTarball(dir, tmp));
  host = JsiiHost.start();
  for (const tarball of tarballs) await host.load(tarball);
}, 300_000);

afterAll(async () => {
  await host?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** `Class.method(args)` on this library. */
const sinvoke = (type: string, method: string, args: unknown[] = []) => host.sinvoke(`${LIB}.${type}`, method, args) as Promise<ObjRef>;
const seconds = (n: number) => host.sinvoke('cdk8s.Duration', 'seconds', [n]) as Promise<ObjRef>;

describe('through the jsii runtime, as a foreign-language host', () => {
  test('charts in two namespaces, a CanaryService over a cdk8s-plus-33 Deployment, a SecureGateway routing to it', async () => {
    const app = await host.create('cdk8s.App');
    const shop = await host.create('cdk8s.Chart', [app, 'shop', { namespace: 'shop' }]);
    const edge = await host.create('cdk8s.Chart', [app, 'edge', { namespace: 'edge' }]);
    const legacy = await host.create('cdk8s-plus-33.Deployment', [shop, 'legacy', {
      metadata: { name: 'reviews-v1' },
      containers: [{ image: 'example/reviews:1', portNumber: 9080 }],
    }]);
    const reviews = await host.create(`${LIB}.CanaryService`, [shop, 'reviews', JsiiHost.struct(`${LIB}.CanaryServiceProps`, {
      port: 9080,
      protocol: enumOf('ServiceProtocol', 'HTTP'),
      mtls: enumOf('MtlsMode', 'STRICT'),
      versions: [{ name: 'v1', deployment: legacy }, { name: 'v2', image: 'example/reviews:2', weight: 25 }],
      matchRoutes: [{ version: 'v2', headers: { 'x-dark-launch': await sinvoke('StringMatch', 'exact', ['v2']) } }],
      resilience: {
        timeout: await seconds(5),
        retries: { attempts: 1, perTryTimeout: await seconds(2), retryOn: [await host.sget(`${LIB}.RetryOn`, 'GATEWAY_ERROR')] },
      },
    })]);
    const gateway = await host.create(`${LIB}.SecureGateway`, [edge, 'ingress', {
      metadata: { name: 'public' },
      hosts: ['shop.example.com'],
      credentialName: 'shop-cert',
      minProtocolVersion: enumOf('TlsProtocolVersion', 'TLSV1_3'),
    }]);
    await host.invoke(gateway, 'addRoute', [{
      path: await sinvoke('StringMatch', 'prefix', ['/reviews']),
      destination: await sinvoke('GatewayRouteTarget', 'fromCanary', [reviews]),
    }]);
    expect(await host.invoke(reviews, 'weightOf', ['v1'])).toBe(75);

    const manifests = expectValidManifests(parseAllDocuments(await host.invoke(app, 'synthYaml') as string).map((d) => d.toJS()));
    const gatewayRoutes = manifests.find((m) => m.kind === 'VirtualService' && m.metadata.namespace === 'edge');
    expect(gatewayRoutes.spec.http.map((r: any) => r.route.map((d: any) => [d.destination.host, d.destination.subset, d.weight]))).toEqual([
      [['reviews.shop.svc.cluster.local', 'v2', undefined]],
      [['reviews.shop.svc.cluster.local', 'v1', 75], ['reviews.shop.svc.cluster.local', 'v2', 25]],
    ]);
    expect(gatewayRoutes.spec.http[1]).toMatchObject({ timeout: '5s', retries: { attempts: 1, perTryTimeout: '2s', retryOn: 'gateway-error' } });
    expect(manifests.find((m) => m.kind === 'Gateway').spec.servers[0].tls.minProtocolVersion).toBe('TLSV1_3');
    expect(manifests.find((m) => m.metadata.name === 'reviews-v1').spec.template.metadata.labels).toMatchObject({ app: 'reviews', version: 'v1' });
  });

  test('zero trust across namespaces: MeshNamespace, grants by object, rules with typed condition keys, requireJwt', async () => {
    const app = await host.create('cdk8s.App');
    const shop = await host.create('cdk8s.Chart', [app, 'shop', { namespace: 'shop' }]);
    const web = await host.create('cdk8s.Chart', [app, 'web', { namespace: 'web' }]);
    const ns = await host.create(`${LIB}.MeshNamespace`, [shop, 'ns', { name: 'shop', dataplane: await sinvoke('DataplaneMode', 'ambient') }]);
    const ratings = await host.create(`${LIB}.CanaryService`, [shop, 'ratings', JsiiHost.struct(`${LIB}.CanaryServiceProps`, {
      versions: [{ name: 'v1', image: 'example/ratings:1' }, { name: 'v2', image: 'example/ratings:2', weight: 10 }],
    })]);
    const frontend = await host.create('cdk8s-plus-33.Deployment', [web, 'frontend', {
      metadata: { name: 'frontend' }, containers: [{ image: 'example/frontend:1', portNumber: 8080 }],
    }]);
    await host.invoke(ratings, 'allowFrom', [frontend, { methods: ['GET'] }]);
    // Ambient: ztunnel cannot read HTTP, so the GET grant needs the namespace's waypoint (defined after the grant).
    await host.create(`${LIB}.Waypoint`, [shop, 'waypoint', { enrolNamespace: ns }]);
    await host.create(`${LIB}.AuthorizationPolicy`, [shop, 'block', {
      metadata: { name: 'block' },
      action: enumOf('AuthorizationAction', 'DENY'),
      targetRefs: [await sinvoke('PolicyTarget', 'service', ['ratings'])],
      rules: [{ when: [{ key: await sinvoke('ConditionKey', 'requestHeader', ['x-tenant']), values: ['blocked'] }], to: [{ ports: [9080] }] }],
    }]);
    const gateway = await host.create(`${LIB}.SecureGateway`, [web, 'gw', { hosts: ['shop.example.com'], credentialName: 'cert' }]);
    // The returned struct crosses as a reference to a JwtEnforcement, whose members the host reads.
    const enforcement = await host.invoke(gateway, 'requireJwt', [{ issuer: 'https://auth.example.com', timeout: await seconds(3) }]) as ObjRef;
    expect(enforcement['$jsii.interfaces']).toEqual([`${LIB}.JwtEnforcement`]);
    const required = await host.get(enforcement, 'authorizationPolicy') as ObjRef;
    expect(await host.get(required, 'action')).toEqual(enumOf('AuthorizationAction', 'DENY'));

    const manifests = expectValidManifests(parseAllDocuments(await host.invoke(app, 'synthYaml') as string).map((d) => d.toJS()));
    const policy = (name: string) => manifests.find((m) => m.kind === 'AuthorizationPolicy' && m.metadata.name === name).spec;
    expect(manifests.find((m) => m.kind === 'Namespace').metadata.labels).toEqual({ 'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'waypoint' });
    expect(policy('ratings-waypoint')).toMatchObject({ targetRefs: [{ group: '', kind: 'Service', name: 'ratings' }] });
    expect(policy('ratings-waypoint').rules).toEqual([{ from: [{ source: { principals: ['cluster.local/ns/web/sa/default'] } }], to: [{ operation: { methods: ['GET'] } }] }]);
    expect(policy('ratings').rules).toEqual([{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/waypoint'] } }] }]);
    expect(policy('block')).toMatchObject({ action: 'DENY', targetRefs: [{ group: '', kind: 'Service', name: 'ratings' }] });
    expect(policy('block').rules[0].when).toEqual([{ key: 'request.headers[x-tenant]', values: ['blocked'] }]);
    expect(manifests.find((m) => m.kind === 'RequestAuthentication').spec.jwtRules).toEqual([{ issuer: 'https://auth.example.com', timeout: '3s' }]);
  });

  test('one switch on the App: the patterns write the Gateway API; Gateway API L2s with typed refs; a struct spread from a method', async () => {
    const app = await host.create('cdk8s.App');
    await host.sinvoke(`${LIB}.MeshSettings`, 'setTrafficApi', [app, enumOf('TrafficApi', 'GATEWAY_API')]);
    const shop = await host.create('cdk8s.Chart', [app, 'shop', { namespace: 'shop' }]);
    const edge = await host.create('cdk8s.Chart', [app, 'edge', { namespace: 'edge' }]);
    const reviews = await host.create(`${LIB}.CanaryService`, [shop, 'reviews', {
      port: 9080,
      versions: [{ name: 'v1', image: 'example/reviews:1' }, { name: 'v2', image: 'example/reviews:2', weight: 30 }],
      mirror: { version: 'v2', percentage: 5 },
    }]);
    expect(await host.get(reviews, 'trafficApi')).toEqual(enumOf('TrafficApi', 'GATEWAY_API'));
    const gateway = await host.create(`${LIB}.SecureGateway`, [edge, 'ingress', {
      metadata: { name: 'public' }, hosts: ['shop.example.com'], credentialName: 'shop-cert', gatewayNamespace: 'edge',
    }]);
    await host.invoke(gateway, 'addRoute', [{ destination: await sinvoke('GatewayRouteTarget', 'fromCanary', [reviews]) }]);
    // What other languages use instead of spreading: the struct the method returns.
    const attachment = await host.invoke(gateway, 'policyAttachment') as any;
    const targetRefs = attachment.targetRefs ?? (await host.get(attachment, 'targetRefs'));
    expect(targetRefs).toHaveLength(1);
    // An HTTPRoute L2 on the gateway's Gateway, with a typed backend (a cdk8s-plus-33 Service).
    const legacy = await host.create('cdk8s-plus-33.Service', [edge, 'legacy', { metadata: { name: 'legacy' }, ports: [{ name: 'http', port: 8080 }] }]);
    const kubernetesGateway = await host.get(gateway, 'kubernetesGateway') as ObjRef;
    await host.create(`${LIB}.HttpRoute`, [edge, 'legacy-route', {
      metadata: { name: 'legacy', namespace: 'edge' },
      parentRefs: [await sinvoke('ParentRef', 'of', [kubernetesGateway, 'http'])],
      rules: [{
        matches: [{ path: await sinvoke('HttpPathMatch', 'prefix', ['/legacy']) }],
        backendRefs: [await sinvoke('BackendRef', 'service', [legacy])],
        timeouts: { request: await seconds(3) },
      }],
    }]);

    const manifests = expectValidManifests(parseAllDocuments(await host.invoke(app, 'synthYaml') as string).map((d) => d.toJS()));
    expect(manifests.filter((m) => m.kind === 'VirtualService')).toEqual([]);
    const mesh = manifests.find((m) => m.kind === 'HTTPRoute' && m.metadata.name === 'reviews');
    expect(mesh.spec.parentRefs).toEqual([{ group: '', kind: 'Service', name: 'reviews' }]);
    expect(mesh.spec.rules[0].backendRefs.map((b: any) => [b.name, b.weight])).toEqual([['reviews-v1', 70], ['reviews-v2', 30]]);
    expect(mesh.spec.rules[0].filters).toEqual([{ type: 'RequestMirror', requestMirror: { backendRef: { group: '', kind: 'Service', name: 'reviews-v2', port: 9080 }, percent: 5 } }]);
    const ingress = manifests.find((m) => m.kind === 'HTTPRoute' && m.metadata.name === 'public-shop-example-com');
    expect(ingress.metadata.namespace).toBe('edge');
    expect(ingress.spec.rules[0].backendRefs.map((b: any) => `${b.namespace}/${b.name}`)).toEqual(['shop/reviews-v1', 'shop/reviews-v2']);
    expect(manifests.find((m) => m.kind === 'ReferenceGrant').metadata).toEqual({ name: 'public-backends', namespace: 'shop' });
    const legacyRoute = manifests.find((m) => m.kind === 'HTTPRoute' && m.metadata.name === 'legacy');
    expect(legacyRoute.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public', sectionName: 'http' }]);
    expect(legacyRoute.spec.rules[0]).toMatchObject({ backendRefs: [{ name: 'legacy', port: 8080 }], timeouts: { request: '3s' } });
  });

  test('a props error reaches the host with the construct path, the field and the fix', async () => {
    const app = await host.create('cdk8s.App');
    const chart = await host.create('cdk8s.Chart', [app, 'c', { namespace: 'shop' }]);
    const error = await host.create(`${LIB}.CanaryService`, [chart, 'orders', {
      versions: [{ name: 'v1', image: 'o:1' }, { name: 'v2', image: 'o:2', weight: 150 }],
    }]).catch((e) => e);
    expect(error).toBeInstanceOf(JsiiError);
    expect(error.message).toContain("[c/orders] 'versions[1].weight' (150) must be a whole percentage from 0 to 100; give the share of traffic in percent");
  });

  test('a synth-time error reaches the host with the construct path', async () => {
    const app = await host.create('cdk8s.App');
    const chart = await host.create('cdk8s.Chart', [app, 'c', { namespace: 'shop' }]);
    const vs = await host.create(`${LIB}.VirtualService`, [chart, 'vs', { hosts: ['reviews'] }]);
    await host.invoke(vs, 'addHttpRoute', [{ destinations: [{ destination: await sinvoke('Destination', 'toHost', ['reviews']) }], timeout: await host.sinvoke('cdk8s.Duration', 'millis', [0.5]) }]);
    const error: any = await host.invoke(app, 'synthYaml').catch((e) => e);
    expect(error).toBeInstanceOf(JsiiError);
    expect(error.message).toContain("[c/vs] 'spec.http[0].timeout' (0.0005s) must be at least 1ms");
  });

  test('a wrong enum value is refused by the kernel before the library runs', async () => {
    const app = await host.create('cdk8s.App');
    const chart = await host.create('cdk8s.Chart', [app, 'c']);
    const error = await host.create(`${LIB}.CanaryService`, [chart, 'x', {
      protocol: enumOf('ServiceProtocol', 'SPDY'), versions: [{ name: 'v1', image: 'a' }, { name: 'v2', image: 'b' }],
    }]).catch((e) => e);
    expect(error).toBeInstanceOf(JsiiError);
    expect(error.message).toMatch(/SPDY/);
  });
});

describe('the Python quickstart', () => {
  const example = path.join(ROOT, 'examples', 'python', 'quickstart.py');
  const checker = path.join(ROOT, 'test', 'support', 'check_python_names.py');
  let generated: string;

  beforeAll(() => {
    const out = path.join(tmp, 'python');
    execFileSync('npx', ['jsii-pacmak', '--code-only', '--targets', 'python', '-o', out], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    generated = path.join(out, 'python', 'src', 'cdk8s_istio', '__init__.py');
  });

  const check = (file: string) => {
    try {
      return { code: 0, out: execFileSync('python3', [checker, generated, file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
    } catch (e: any) {
      return { code: e.status as number, out: `${e.stdout}${e.stderr}` };
    }
  };

  test('uses only names, parameters and members the generated Python bindings have', () => {
    const result = check(example);
    expect(result).toEqual({ code: 0, out: expect.stringMatching(/^checked \d+ uses of cdk8s_istio: all found\n$/) });
    expect(Number(/checked (\d+)/.exec(result.out)![1])).toBeGreaterThan(15);
  });

  test('the check fails on a TypeScript name, an unknown parameter or member', () => {
    const source = fs.readFileSync(example, 'utf8');
    for (const [from, to, problem] of [
      ['per_try_timeout=', 'perTryTimeout=', "RetryPolicy() has no parameter 'perTryTimeout'"],
      ['.to_subset(', '.toSubset(', "Destination has no member 'toSubset'"],
      ['RetryOn.GATEWAY_ERROR', 'RetryOn.GATEWAY_ERRORS', "RetryOn has no member 'GATEWAY_ERRORS'"],
      ['.add_subset(', '.add_subsets(', "DestinationRule has no member 'add_subsets'"],
    ]) {
      expect(source).toContain(from);
      const mutated = path.join(tmp, 'mutated.py');
      fs.writeFileSync(mutated, source.replace(from, to));
      const result = check(mutated);
      expect(result.code).toBe(1);
      expect(result.out).toContain(problem);
    }
  });
});
