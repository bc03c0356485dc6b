import { Duration, Testing, Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { CanaryService, CanaryServiceProps, Gateway, MtlsMode, RetryOn, ServiceProtocol, StringMatch } from '../../src';
import { synthError, synthValid } from '../support/schema';

function canary(props: Partial<CanaryServiceProps> = {}) {
  const chart = Testing.chart();
  const service = new CanaryService(chart, 'reviews', {
    port: 9080,
    versions: [{ name: 'v1', image: 'reviews:1' }, { name: 'v2', image: 'reviews:2', weight: 10 }],
    ...props,
  });
  return { chart, service };
}
const of = (manifests: any[], kind: string) => manifests.filter((m) => m.kind === kind);

describe('CanaryService', () => {
  test('stable + canary: Deployments, Service, DestinationRule, VirtualService, PeerAuthentication', () => {
    // GIVEN / WHEN
    const { chart, service } = canary();
    // THEN
    const manifests = synthValid(chart);
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([
      'ServiceAccount/reviews', 'Deployment/reviews-v1', 'Deployment/reviews-v2', 'Service/reviews', 'DestinationRule/reviews', 'VirtualService/reviews',
      'PeerAuthentication/reviews',
    ]);
    // One identity for the whole service: every version runs as its ServiceAccount.
    expect(of(manifests, 'Deployment').map((d: any) => d.spec.template.spec.serviceAccountName)).toEqual(['reviews', 'reviews']);
    const [vs] = of(manifests, 'VirtualService');
    expect(vs.spec.hosts).toEqual(['reviews']);
    expect(vs.spec.gateways).toBeUndefined();
    expect(vs.spec.http).toEqual([{
      name: 'split',
      route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 90 }, { destination: { host: 'reviews', subset: 'v2' }, weight: 10 }],
    }]);
    expect(service.weightOf('v1')).toBe(90);
    expect(manifests).toMatchSnapshot();
  });

  test('subset labels are the pod labels of each version', () => {
    const manifests = synthValid(canary().chart);
    const [dr] = of(manifests, 'DestinationRule');
    for (const deployment of of(manifests, 'Deployment')) {
      const labels = deployment.spec.template.metadata.labels;
      const subset = dr.spec.subsets.find((s: any) => s.name === labels.version);
      for (const [key, value] of Object.entries(subset.labels)) expect(labels[key]).toBe(value);
      expect(deployment.spec.selector.matchLabels).toEqual(subset.labels);
    }
    expect(dr.spec.trafficPolicy.tls).toEqual({ mode: 'ISTIO_MUTUAL' });
  });

  test('the Service selects all versions, with an Istio port name and appProtocol', () => {
    const manifests = synthValid(canary({ protocol: ServiceProtocol.GRPC, containerPort: 8080 }).chart);
    const [svc] = of(manifests, 'Service');
    expect(svc.spec.selector).toEqual({ app: 'reviews' });
    expect(svc.spec.ports).toEqual([{ name: 'grpc', appProtocol: 'grpc', port: 9080, targetPort: 8080, protocol: 'TCP' }]);
    expect(of(manifests, 'Deployment')[0].spec.template.spec.containers[0].ports).toEqual([{ containerPort: 8080 }]);
  });

  test('secure pod defaults are kept: non-root, read-only root FS, no escalation, resource requests', () => {
    const [deployment] = of(synthValid(canary().chart), 'Deployment');
    const pod = deployment.spec.template.spec;
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.containers[0].securityContext).toMatchObject({
      runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false,
    });
    expect(pod.containers[0].resources.requests).toEqual({ cpu: '1000m', memory: '512Mi' });
  });

  test('three versions with fixed shares always sum to 100', () => {
    const { chart } = canary({ versions: [{ name: 'v1', image: 'r:1' }, { name: 'v2', image: 'r:2', weight: 30 }, { name: 'v3', image: 'r:3', weight: 20 }] });
    const route = of(synthValid(chart), 'VirtualService')[0].spec.http[0].route;
    expect(route.map((r: any) => r.weight)).toEqual([50, 30, 20]);
    expect(route.reduce((sum: number, r: any) => sum + r.weight, 0)).toBe(100);
  });

  test('promotion: the canary at 100 leaves the stable version at 0, never an all-zero split', () => {
    const route = of(synthValid(canary({ versions: [{ name: 'v1', image: 'r:1' }, { name: 'v2', image: 'r:2', weight: 100 }] }).chart), 'VirtualService')[0].spec.http[0].route;
    expect(route.map((r: any) => r.weight)).toEqual([0, 100]);
  });

  test('moving a rollout from 10 to 25 changes only the weight lines of the YAML', () => {
    const yaml = (weight: number) => Yaml.stringify(...Testing.synth(canary({ versions: [{ name: 'v1', image: 'r:1' }, { name: 'v2', image: 'r:2', weight }] }).chart));
    const before = yaml(10).split('\n');
    const after = yaml(25).split('\n');
    expect(after).toHaveLength(before.length);
    const changed = before.map((line, i) => [line, after[i]]).filter(([a, b]) => a !== b);
    expect(changed).toEqual([['          weight: 90', '          weight: 75'], ['          weight: 10', '          weight: 25']]);
  });

  test('dark launch by header, cookie and query parameter comes before the split', () => {
    const { chart } = canary({
      matchRoutes: [
        { version: 'v2', headers: { 'x-dark-launch': StringMatch.exact('v2') } },
        { version: 'v2', cookie: 'user=jason' },
        { version: 'v2', queryParams: { canary: StringMatch.exact('true') } },
      ],
    });
    const http = of(synthValid(chart), 'VirtualService')[0].spec.http;
    expect(http.map((r: any) => r.name)).toEqual(['v2-match', 'v2-match', 'v2-match', 'split']);
    expect(http[0].match).toEqual([{ headers: { 'x-dark-launch': { exact: 'v2' } } }]);
    expect(http[1].match).toEqual([{ headers: { cookie: { regex: '^(.*?;\\s*)?(user=jason)(;.*)?$' } } }]);
    expect(http[2].match).toEqual([{ queryParams: { canary: { exact: 'true' } } }]);
    expect(http[0].route).toEqual([{ destination: { host: 'reviews', subset: 'v2' } }]);
  });

  test('mirroring a share of traffic to the canary', () => {
    const http = of(synthValid(canary({ mirror: { version: 'v2', percentage: 25 } }).chart), 'VirtualService')[0].spec.http;
    expect(http[0].mirror).toEqual({ host: 'reviews', subset: 'v2' });
    expect(http[0].mirrorPercentage).toEqual({ value: 25 });
  });

  test('gateway binding keeps the mesh, and extra hosts are added', () => {
    const gw = Gateway.fromGatewayName('istio-system/public');
    const vs = of(synthValid(canary({ gateways: [gw], hosts: ['reviews.example.com'] }).chart), 'VirtualService')[0];
    expect(vs.spec.gateways).toEqual(['istio-system/public', 'mesh']);
    expect(vs.spec.hosts).toEqual(['reviews', 'reviews.example.com']);
  });

  test('resilience applies to every route and to the DestinationRule', () => {
    const { chart } = canary({
      matchRoutes: [{ version: 'v2', headers: { 'x-b': StringMatch.exact('1') } }],
      resilience: {
        timeout: Duration.seconds(6),
        retries: { attempts: 2, perTryTimeout: Duration.seconds(2), retryOn: [RetryOn.FIVE_XX] },
        connectionPool: { http: { http1MaxPendingRequests: 10 } },
        outlierDetection: { consecutive5xxErrors: 3 },
      },
    });
    const manifests = synthValid(chart);
    for (const rule of of(manifests, 'VirtualService')[0].spec.http) {
      expect(rule.timeout).toBe('6s');
      expect(rule.retries).toEqual({ attempts: 2, perTryTimeout: '2s', retryOn: '5xx' });
    }
    expect(of(manifests, 'DestinationRule')[0].spec.trafficPolicy).toEqual({
      connectionPool: { http: { http1MaxPendingRequests: 10 } }, outlierDetection: { consecutive5xxErrors: 3 }, tls: { mode: 'ISTIO_MUTUAL' },
    });
  });

  test('STRICT mTLS on the workloads by default, PERMISSIVE on request', () => {
    expect(of(synthValid(canary().chart), 'PeerAuthentication')[0].spec).toEqual({ selector: { matchLabels: { app: 'reviews' } }, mtls: { mode: 'STRICT' } });
    expect(of(synthValid(canary({ mtls: MtlsMode.PERMISSIVE }).chart), 'PeerAuthentication')[0].spec.mtls.mode).toBe('PERMISSIVE');
  });

  test('existing Deployments are labelled with app and version', () => {
    const chart = Testing.chart();
    const existing = new kplus.Deployment(chart, 'legacy', { containers: [{ image: 'reviews:0', portNumber: 9080 }] });
    new CanaryService(chart, 'reviews', { port: 9080, versions: [{ name: 'v1', deployment: existing }, { name: 'v2', image: 'reviews:2', weight: 5 }] });
    const deployments = of(synthValid(chart), 'Deployment');
    expect(deployments[0].spec.template.metadata.labels).toMatchObject({ app: 'reviews', version: 'v1' });
  });

  test('synthesis is byte-identical across runs', () => {
    const yaml = () => Yaml.stringify(...Testing.synth(canary({ matchRoutes: [{ version: 'v2', cookie: 'u=1' }] }).chart));
    expect(yaml()).toEqual(yaml());
  });
});

describe('CanaryService validation', () => {
  const versions = (...v: any[]) => ({ versions: v });

  test('at least two versions', () => {
    expect(() => canary(versions({ name: 'v1', image: 'r:1' }))).toThrow("[test/reviews] 'versions' ([\"v1\"]) must list at least two versions (stable and canary); add the canary version");
  });

  test('version names are unique DNS-1123 labels', () => {
    expect(() => canary(versions({ name: 'v1', image: 'a' }, { name: 'v1', image: 'b' }))).toThrow("'versions[1].name' (v1) must be unique");
    expect(() => canary(versions({ name: 'v1', image: 'a' }, { name: 'V2.0', image: 'b' }))).toThrow("'versions[1].name' (V2.0) must be a lower-case DNS-1123 label");
  });

  test('exactly one of image and deployment', () => {
    expect(() => canary(versions({ name: 'v1', image: 'a' }, { name: 'v2' }))).toThrow("'versions[1]' (v2) must set exactly one of image and deployment");
  });

  test('weights are whole percentages and the non-stable ones total at most 100', () => {
    expect(() => canary(versions({ name: 'v1', image: 'a' }, { name: 'v2', image: 'b', weight: 12.5 }))).toThrow("'versions[1].weight' (12.5) must be a whole percentage from 0 to 100");
    expect(() => canary(versions({ name: 'v1', image: 'a' }, { name: 'v2', image: 'b', weight: 60 }, { name: 'v3', image: 'c', weight: 50 })))
      .toThrow("'versions[*].weight' (110) must not total more than 100");
  });

  test('an explicit stable weight must be the remainder', () => {
    expect(() => canary(versions({ name: 'v1', image: 'a', weight: 80 }, { name: 'v2', image: 'b', weight: 10 }))).toThrow("'versions[0].weight' (80) must be 90");
  });

  test('UID 1337 is refused', () => {
    expect(() => canary(versions({ name: 'v1', image: 'a', securityContext: { user: 1337 } }, { name: 'v2', image: 'b' })))
      .toThrow("'versions[0].securityContext.user' (1337) must not be 1337, the UID reserved for the Istio sidecar (IST0144)");
    // An existing workload is checked as it is written, at synth (its security context may be
    // set after the CanaryService is defined).
    const chart = Testing.chart();
    const existing = new kplus.Deployment(chart, 'd', { containers: [{ image: 'a', securityContext: { user: 1337 } }] });
    new CanaryService(chart, 'r', { versions: [{ name: 'v1', deployment: existing }, { name: 'v2', image: 'b' }] });
    expect(synthError(chart)).toContain("[test/r] 'versions[0].deployment.securityContext.runAsUser' (1337) must not be 1337");
  });

  test('match routes and mirrors must name a version', () => {
    expect(() => canary({ matchRoutes: [{ version: 'v9', headers: { a: StringMatch.exact('b') } }] })).toThrow("'matchRoutes[0].version' (v9) must name a version of this service; use one of v1, v2");
    expect(() => canary({ mirror: { version: 'v9', percentage: 5 } })).toThrow("'mirror.version' (v9) must name a version");
    expect(() => canary({ mirror: { version: 'v2', percentage: 150 } })).toThrow("'mirror.percentage' (150) must be within 0-100");
  });

  test('match routes need a condition', () => {
    expect(() => canary({ matchRoutes: [{ version: 'v2' }] })).toThrow("'matchRoutes[0]' (v2) must match on headers, a cookie or query parameters");
  });

  test('service names must be lower-case DNS labels', () => {
    expect(() => canary({ serviceName: 'Reviews' })).toThrow("'serviceName' (Reviews) must be a lower-case DNS-1123 label");
  });

  test('the retry budget must fit in the timeout', () => {
    expect(() => canary({ resilience: { timeout: Duration.seconds(5), retries: { attempts: 3, perTryTimeout: Duration.seconds(2) } } }))
      .toThrow("'resilience.timeout' (5s) must be at least (attempts + 1) × perTryTimeout = 4 × 2s = 8s, or the later retries never run; raise 'resilience.timeout'");
  });

  test('weightOf rejects unknown versions', () => {
    expect(() => canary().service.weightOf('v7')).toThrow("'version' (v7) must name a version of this service");
  });

  test('bad extra hosts are still caught by the L2 validation, with the nested path', () => {
    const { chart } = canary({ hosts: ['bad_host'] });
    expect(() => Testing.synth(chart)).toThrow("[test/reviews/VirtualService] 'spec.hosts[1]' (bad_host) must be a valid DNS name");
  });
});

describe('CanaryService container settings', () => {
  test('command, args, probes, env from a Secret, a service account and a volume reach the created container', () => {
    const chart = Testing.chart();
    const secret = new kplus.Secret(chart, 'creds', { metadata: { name: 'creds' } });
    const config = new kplus.ConfigMap(chart, 'config', { metadata: { name: 'config' }, data: { 'app.yaml': 'a: 1' } });
    const account = new kplus.ServiceAccount(chart, 'sa', { metadata: { name: 'reviews' } });
    new CanaryService(chart, 'reviews', {
      versions: [{
        name: 'v1',
        image: 'reviews:1',
        command: ['/app/serve'],
        args: ['--port', '80'],
        readiness: kplus.Probe.fromHttpGet('/ready'),
        liveness: kplus.Probe.fromHttpGet('/live'),
        envFrom: [kplus.Env.fromSecret(secret)],
        volumeMounts: [{ path: '/etc/app', volume: kplus.Volume.fromConfigMap(chart, 'config-volume', config) }],
      }, { name: 'v2', image: 'reviews:2' }],
      serviceAccount: account,
    });
    const [v1] = synthValid(chart).filter((m) => m.kind === 'Deployment');
    const pod = v1.spec.template.spec;
    expect(pod.serviceAccountName).toBe('reviews');
    expect(pod.containers[0]).toMatchObject({
      command: ['/app/serve'],
      args: ['--port', '80'],
      envFrom: [{ secretRef: { name: 'creds' } }],
      readinessProbe: { httpGet: { path: '/ready' } },
      livenessProbe: { httpGet: { path: '/live' } },
      volumeMounts: [{ mountPath: '/etc/app' }],
    });
  });

  test('writablePaths keep the root file system read-only and mount empty dirs (nginx)', () => {
    const chart = Testing.chart();
    new CanaryService(chart, 'web', {
      versions: [{ name: 'v1', image: 'nginx:1.27', writablePaths: ['/var/cache/nginx', '/var/run'] }, { name: 'v2', image: 'nginx:1.28' }],
    });
    const [v1, v2] = synthValid(chart).filter((m) => m.kind === 'Deployment');
    const container = v1.spec.template.spec.containers[0];
    expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(container.volumeMounts.map((m: any) => m.mountPath)).toEqual(['/var/cache/nginx', '/var/run']);
    expect(v1.spec.template.spec.volumes.map((v: any) => Object.keys(v).sort())).toEqual([['emptyDir', 'name'], ['emptyDir', 'name']]);
    expect(v2.spec.template.spec.containers[0].volumeMounts).toBeUndefined();
  });

  test('container settings with an existing workload are refused; writable paths must be absolute', () => {
    const chart = Testing.chart();
    const existing = new kplus.Deployment(chart, 'd', { containers: [{ image: 'a' }] });
    expect(() => new CanaryService(chart, 'r', { versions: [{ name: 'v1', deployment: existing, command: ['x'] }, { name: 'v2', image: 'b' }] }))
      .toThrow("'versions[0]' (v1) sets container settings, which apply only to a Deployment created from image");
    expect(() => new CanaryService(chart, 's', { versions: [{ name: 'v1', image: 'a', writablePaths: ['tmp'] }, { name: 'v2', image: 'b' }] }))
      .toThrow("'versions[0].writablePaths[0]' (tmp) must be an absolute path");
  });
});
