import { analyze as analyzeYaml, messagesOf, reported } from './support';

// Parity with Istio 1.30.3's analyzer test grid for deployment.ServiceAssociationAnalyzer
// (IST0116, IST0137) and deployment.ApplicationUIDAnalyzer (IST0144)
// (pkg/config/analysis/analyzers/analyzers_test.go), on inputs of our own.
// Istio's inputs give one Service `protocol: HTTP`, which the API server refuses (TCP, UDP or
// SCTP); the "different protocol" here is UDP.

/** Analyzes, checking first that the API server would accept every input (a refused object is left out of the checks). */
function analyze(yaml: string) {
  const findings = analyzeYaml(yaml);
  expect(reported(findings, 'CKI0003', 'IST0106')).toEqual([]);
  return findings;
}

function namespace(name: string, labels: Record<string, string> = {}): string {
  return `apiVersion: v1
kind: Namespace
metadata: { name: ${name}, labels: ${JSON.stringify(labels)} }
---
`;
}

interface WorkloadOptions {
  readonly kind?: string;
  readonly labels?: Record<string, string>;
  readonly templateLabels?: Record<string, string>;
  readonly templateAnnotations?: Record<string, string>;
  readonly podSecurity?: string;
  readonly containers?: string;
}

const APP = '  - name: app\n    image: example/app:1';

/** A Deployment (or another controller) whose pods carry `podLabels`. */
function deployment(ns: string, name: string, podLabels: Record<string, string>, o: WorkloadOptions = {}): string {
  const containers = (o.containers ?? APP).split('\n').map((l) => `      ${l}`).join('\n');
  return `apiVersion: apps/v1
kind: ${o.kind ?? 'Deployment'}
metadata:
  name: ${name}
  namespace: ${ns}
  labels: ${JSON.stringify(o.labels ?? {})}
spec:
  selector:
    matchLabels: ${JSON.stringify(podLabels)}
  template:
    metadata:
      labels: ${JSON.stringify({ ...podLabels, ...o.templateLabels })}
      annotations: ${JSON.stringify(o.templateAnnotations ?? {})}
    spec:
${o.podSecurity ? `      securityContext: { runAsUser: ${o.podSecurity} }\n` : ''}      containers:
${containers}
---
`;
}

/** A Service selecting `selector`, with ports as YAML flow mappings. */
function service(ns: string, name: string, selector: Record<string, string> | undefined, ...ports: string[]): string {
  return `apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: ${ns} }
spec:
${selector ? `  selector: ${JSON.stringify(selector)}\n` : ''}  ports:
${ports.map((p) => `  - ${p}`).join('\n')}
---
`;
}

function pod(ns: string, name: string, spec: string, labels: Record<string, string> = {}): string {
  return `apiVersion: v1
kind: Pod
metadata: { name: ${name}, namespace: ${ns}, labels: ${JSON.stringify(labels)} }
spec:
${spec}
---
`;
}

const ASSOCIATION = ['IST0116', 'IST0137'];
const INJECTED = { 'istio-injection': 'enabled' };

describe('deployment.ServiceAssociationAnalyzer', () => {
  // The shop namespace is injected. Each Deployment below is one situation of Istio's input.
  const shop = [
    namespace('shop', INJECTED),
    // Two Services on port 7000, one TCP, one UDP: reported.
    deployment('shop', 'inventory', { app: 'inventory', version: 'v1' }, { containers: `${APP}\n    ports: [{ containerPort: 7000 }]` }),
    service('shop', 'inventory-stream', { app: 'inventory' }, '{ name: tcp-stream, port: 7000 }'),
    service('shop', 'inventory-events', { app: 'inventory' }, '{ name: udp-events, port: 7000, protocol: UDP }'),
    // Ports 7000 and 7100 both sent to targetPort 7000: reported.
    deployment('shop', 'billing', { app: 'billing' }),
    service('shop', 'billing-a', { app: 'billing' }, '{ name: tcp-a, port: 7000, targetPort: 7000 }'),
    service('shop', 'billing-b', { app: 'billing' }, '{ name: http-b, port: 7100, targetPort: 7000 }'),
    // Two Services on two different ports: fine.
    deployment('shop', 'search', { app: 'search' }),
    service('shop', 'search-http', { app: 'search' }, '{ name: http, port: 7000 }'),
    service('shop', 'search-admin', { app: 'search' }, '{ name: http, port: 7100 }'),
    // No Service at all: fine.
    deployment('shop', 'lonely', { app: 'lonely' }),
    // No container port declared, two protocols on one port: reported.
    deployment('shop', 'front', { app: 'front', version: 'v1' }),
    service('shop', 'front-tcp', { app: 'front' }, '{ name: tcp, port: 7000 }'),
    service('shop', 'front-udp', { app: 'front' }, '{ name: udp, port: 7000, protocol: UDP }'),
    // Selected by front's Services, but opted out of injection: not in the mesh, not reported.
    deployment('shop', 'front-legacy', { app: 'front', version: 'legacy' }, { templateAnnotations: { 'sidecar.istio.io/inject': 'false' } }),
    // Injected by annotation in a namespace without injection, no Service: fine.
    namespace('plain'),
    deployment('plain', 'opted-in', { app: 'opted-in' }, { templateAnnotations: { 'sidecar.istio.io/inject': 'true' } }),
    // A waypoint (deployed by Istio), with a proxy container: skipped.
    deployment('shop', 'shop-waypoint', { 'gateway.networking.k8s.io/gateway-name': 'shop-waypoint' }, {
      labels: { 'gateway.istio.io/managed': 'istio.io-mesh-controller' },
      templateLabels: { 'sidecar.istio.io/inject': 'false' },
      containers: '  - name: istio-proxy\n    image: istio/proxyv2:1.30.3',
    }),
  ].join('');

  test('mirrors "serviceMultipleDeployments" (ServiceAssociationAnalyzer)', () => {
    const findings = analyze(shop);
    expect(reported(findings, ...ASSOCIATION)).toEqual([
      ['IST0116', 'Deployment shop/front'],
      ['IST0116', 'Deployment shop/inventory'],
      ['IST0137', 'Deployment shop/billing'],
    ]);
    expect(messagesOf(findings, 'IST0116')).toContain('This deployment inventory is associated with multiple services using port 7000 but different protocols: '
      + '[shop/inventory-events shop/inventory-stream]; the sidecar has one listener per port: use one protocol for port 7000 in every Service '
      + 'that selects these pods, or another port number');
    expect(messagesOf(findings, 'IST0137')).toEqual([expect.stringMatching(
      /^This deployment billing is associated with multiple services \[shop\/billing-a shop\/billing-b\] using targetPort "7000" but different ports: \[7000 7100\]; /)]);
  });

  test('mirrors "deploymentMultiServicesInDifferentNamespace" (ServiceAssociationAnalyzer)', () => {
    const findings = analyze([
      namespace('shop', INJECTED), namespace('shop-2', INJECTED),
      deployment('shop', 'billing', { app: 'billing' }),
      service('shop', 'billing', { app: 'billing' }, '{ name: tcp, port: 7000, targetPort: 7000 }'),
      // Same labels, another namespace: selects the pods of shop-2 only.
      service('shop-2', 'billing', { app: 'billing' }, '{ name: udp, port: 7100, targetPort: 7000, protocol: UDP }'),
    ].join(''));
    expect(reported(findings, ...ASSOCIATION)).toEqual([]);
  });

  test('mirrors "serviceWithNoSelector" (ServiceAssociationAnalyzer)', () => {
    const findings = analyze([
      service('default', 'apiserver-proxy', undefined, '{ name: https, port: 443, targetPort: 6443 }'),
      service('default', 'apiserver-proxy-2', undefined, '{ name: https, port: 8443, targetPort: 6443 }'),
      deployment('default', 'hello', { app: 'hello' }, { templateLabels: { 'sidecar.istio.io/inject': 'true' } }),
    ].join(''));
    expect(reported(findings, ...ASSOCIATION)).toEqual([]);
  });

  test('not reported when the namespace is not among the objects: whether its pods are injected is unknown', () => {
    const findings = analyze([
      deployment('elsewhere', 'front', { app: 'front' }),
      service('elsewhere', 'front-tcp', { app: 'front' }, '{ name: tcp, port: 7000 }'),
      service('elsewhere', 'front-udp', { app: 'front' }, '{ name: udp, port: 7000, protocol: UDP }'),
    ].join(''));
    expect(reported(findings, ...ASSOCIATION)).toEqual([]);
  });

  test('not reported for a namespace that turns injection off, reported when the pod template opts in', () => {
    const services = [
      service('batch', 'front-tcp', { app: 'front' }, '{ name: tcp, port: 7000 }'),
      service('batch', 'front-udp', { app: 'front' }, '{ name: udp, port: 7000, protocol: UDP }'),
    ].join('');
    const off = namespace('batch', { 'istio-injection': 'disabled' });
    expect(reported(analyze(off + services + deployment('batch', 'front', { app: 'front' })), ...ASSOCIATION)).toEqual([]);
    expect(reported(analyze(off + services + deployment('batch', 'front', { app: 'front' }, { templateLabels: { 'sidecar.istio.io/inject': 'true' } })), ...ASSOCIATION))
      .toEqual([['IST0116', 'Deployment batch/front']]);
  });

  test('beyond Istio: a namespace injected by revision (istio.io/rev) is in the mesh, and StatefulSets are checked too', () => {
    const findings = analyze([
      namespace('canary', { 'istio.io/rev': 'canary' }),
      deployment('canary', 'db', { app: 'db' }, { kind: 'StatefulSet' }),
      service('canary', 'db', { app: 'db' }, '{ name: tcp-main, port: 5432 }'),
      service('canary', 'db-replica', { app: 'db' }, '{ name: tcp-replica, port: 6432, targetPort: 5432 }'),
    ].join(''));
    expect(reported(findings, ...ASSOCIATION)).toEqual([['IST0137', 'StatefulSet canary/db']]);
    expect(messagesOf(findings, 'IST0137')[0]).toMatch(/^This statefulset db is associated with multiple services \[canary\/db canary\/db-replica\]/);
  });

  test('as Istio: one Service listing a port for both TCP and UDP is reported', () => {
    const findings = analyze(namespace('dns', INJECTED) + deployment('dns', 'resolver', { app: 'resolver' })
      + service('dns', 'resolver', { app: 'resolver' }, '{ name: tcp-dns, port: 53 }', '{ name: udp-dns, port: 53, protocol: UDP }'));
    expect(messagesOf(findings, 'IST0116')).toEqual([expect.stringContaining('using port 53 but different protocols: [dns/resolver dns/resolver]')]);
  });

  test('a Service selecting a subset of the pod labels counts; one selecting a label the pods lack does not', () => {
    const findings = analyze([
      namespace('shop', INJECTED),
      deployment('shop', 'api', { app: 'api', tier: 'web' }),
      service('shop', 'api', { app: 'api' }, '{ name: http, port: 80 }'),
      service('shop', 'api-web', { tier: 'web', app: 'api' }, '{ name: udp-x, port: 80, protocol: UDP }'),
      service('shop', 'api-other', { app: 'api', tier: 'db' }, '{ name: tcp, port: 81, targetPort: 80 }'),
    ].join(''));
    expect(reported(findings, ...ASSOCIATION)).toEqual([['IST0116', 'Deployment shop/api']]);
  });
});

describe('deployment.ApplicationUIDAnalyzer', () => {
  const helloSpec = (security: string) => `  ${security}containers:
  - name: hello
    image: example/hello:2
    ports: [{ containerPort: 5000 }]`;

  test('mirrors "Application Pod SecurityContext with UID 1337" (ApplicationUIDAnalyzer)', () => {
    const findings = analyze(pod('default', 'hello-pod', helloSpec('securityContext: { runAsUser: 1337 }\n  '), { app: 'hello' }));
    expect(reported(findings, 'IST0144')).toEqual([['IST0144', 'Pod default/hello-pod']]);
    expect(messagesOf(findings, 'IST0144')).toEqual(['User ID (UID) 1337 is reserved for the sidecar proxy (spec.securityContext.runAsUser); '
      + 'run the application as another UID, or its traffic bypasses the proxy']);
  });

  test('mirrors "Application Container SecurityContext with UID 1337" (ApplicationUIDAnalyzer)', () => {
    const findings = analyze(pod('default', 'hello-container', `  containers:
  - name: hello
    image: example/hello:1
    securityContext: { runAsUser: 1337 }`, { app: 'hello' }));
    expect(reported(findings, 'IST0144')).toEqual([['IST0144', 'Pod default/hello-container']]);
    expect(messagesOf(findings, 'IST0144')[0]).toContain('(spec.containers[0].securityContext.runAsUser)');
  });

  test('mirrors "Deployment Pod SecurityContext with UID 1337" (ApplicationUIDAnalyzer)', () => {
    const findings = analyze(deployment('default', 'hello-pod-level', { app: 'hello' }, { podSecurity: '1337' }));
    expect(reported(findings, 'IST0144')).toEqual([['IST0144', 'Deployment default/hello-pod-level']]);
  });

  test('mirrors "Deployment Container SecurityContext with UID 1337" (ApplicationUIDAnalyzer): both levels, reported once', () => {
    const findings = analyze(deployment('default', 'hello-both', { app: 'hello' }, {
      podSecurity: '1337', containers: `${APP}\n    securityContext: { runAsUser: 1337 }`,
    }));
    expect(reported(findings, 'IST0144')).toEqual([['IST0144', 'Deployment default/hello-both']]);
    expect(messagesOf(findings, 'IST0144')[0]).toContain('(spec.template.spec.securityContext.runAsUser, spec.template.spec.containers[0].securityContext.runAsUser)');
  });

  test('not reported: another UID, the istio-proxy and istio-operator containers, and the control plane', () => {
    const findings = analyze([
      deployment('default', 'other-uid', { app: 'a' }, { podSecurity: '1000', containers: `${APP}\n    securityContext: { runAsUser: 1338 }` }),
      pod('default', 'manual-sidecar', `  containers:
  - name: app
    image: example/app:1
  - name: istio-proxy
    image: istio/proxyv2:1.30.3
    securityContext: { runAsUser: 1337 }
  - name: istio-operator
    image: istio/operator:1.30.3
    securityContext: { runAsUser: 1337 }`),
      deployment('istio-system', 'istiod', { app: 'istiod' }, { labels: { istio: 'pilot' }, podSecurity: '1337' }),
      deployment('istio-system', 'legacy-control', { app: 'legacy' }, { labels: { release: 'istio' }, podSecurity: '1337' }),
      deployment('kube-system', 'ignored', { app: 'ignored' }, { podSecurity: '1337' }),
    ].join(''));
    expect(reported(findings, 'IST0144')).toEqual([]);
  });

  test('beyond Istio: the pod templates of other controllers are checked too', () => {
    const findings = analyze(['StatefulSet', 'DaemonSet', 'ReplicaSet'].map((kind) => deployment('default', kind.toLowerCase(), { app: kind.toLowerCase() }, { kind, podSecurity: '1337' })).join(''));
    expect(reported(findings, 'IST0144')).toEqual([
      ['IST0144', 'DaemonSet default/daemonset'], ['IST0144', 'ReplicaSet default/replicaset'], ['IST0144', 'StatefulSet default/statefulset'],
    ]);
  });
});
