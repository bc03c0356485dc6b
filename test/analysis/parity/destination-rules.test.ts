import { analyze, messagesOf, reported } from './support';

// Parity with Istio 1.30.3's analyzer test grid (pkg/config/analysis/analyzers/analyzers_test.go)
// for destinationrule.CaCertificateAnalyzer and destinationrule.PodNotSelectedAnalyzer, on inputs
// of our own. Istio's test objects without a namespace are in `default` here (the CLI's default).

const CA_CODES = ['IST0128', 'IST0129'];
const POD_CODES = ['IST0173', 'IST0174'];

/** A DestinationRule in `default` for an external database host, with a traffic policy (YAML, indented by four). */
function dbRule(name: string, trafficPolicy: string, extra = ''): string {
  return `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: ${name}
spec:
  host: db.example.com
  trafficPolicy:
${trafficPolicy}${extra}
`;
}

const SIMPLE = '      mode: SIMPLE\n';
const MUTUAL = '      mode: MUTUAL\n      clientCertificate: /etc/certs/client.pem\n      privateKey: /etc/certs/client-key.pem\n';
const CREDENTIAL = '      mode: SIMPLE\n      credentialName: db-credential\n';
const SELECTOR = '  workloadSelector:\n    matchLabels:\n      app: billing\n';

/** Destination-level TLS. */
const tls = (settings: string) => `    tls:\n${settings}`;
/** Port-level TLS on port 5432 (settings re-indented for the port level). */
const portTls = (settings: string) => `    portLevelSettings:
    - port:
        number: 5432
      tls:
${settings.replace(/^ {6}/gm, '        ')}`;

describe('destinationrule.CaCertificateAnalyzer', () => {
  test('mirrors "destinationrule with no cacert, simple at destinationlevel" (destinationrule.CaCertificateAnalyzer)', () => {
    const findings = analyze(dbRule('db-tls', tls(SIMPLE)));
    expect(reported(findings, ...CA_CODES)).toEqual([['IST0128', 'DestinationRule default/db-tls']]);
    expect(findings.find((f) => f.code === 'IST0128')!.level).toBe('Warning');
    expect(messagesOf(findings, 'IST0128')[0]).toContain('DestinationRule default/db-tls in namespace default has TLS mode set to SIMPLE but no caCertificates '
      + 'are set to validate server identity for host: db.example.com; set caCertificates');
  });

  test('mirrors "destinationrule with no cacert, mutual at destinationlevel" (destinationrule.CaCertificateAnalyzer)', () => {
    const findings = analyze(dbRule('db-mtls', tls(MUTUAL)));
    expect(reported(findings, ...CA_CODES)).toEqual([['IST0128', 'DestinationRule default/db-mtls']]);
    expect(messagesOf(findings, 'IST0128')[0]).toContain('has TLS mode set to MUTUAL but no caCertificates');
  });

  test('mirrors "destinationrule with no cacert, simple at portlevel" (destinationrule.CaCertificateAnalyzer)', () => {
    const findings = analyze(dbRule('db-tls', portTls(SIMPLE)));
    expect(reported(findings, ...CA_CODES)).toEqual([['IST0129', 'DestinationRule default/db-tls']]);
    expect(findings.find((f) => f.code === 'IST0129')!.level).toBe('Warning');
    expect(messagesOf(findings, 'IST0129')[0]).toContain('no caCertificates are set to validate server identity for host: db.example.com at port 5432; ');
  });

  test('mirrors "destinationrule with credentialname, simple at destinationlevel, no workloadSelector" (destinationrule.CaCertificateAnalyzer)', () => {
    expect(reported(analyze(dbRule('db-tls', tls(CREDENTIAL))), ...CA_CODES)).toEqual([['IST0128', 'DestinationRule default/db-tls']]);
  });

  test('mirrors "destinationrule with credentialname, simple at destinationlevel, workloadSelector" (destinationrule.CaCertificateAnalyzer)', () => {
    const findings = analyze(dbRule('db-tls', tls(CREDENTIAL), SELECTOR));
    expect(findings.filter((f) => f.level === 'Error')).toEqual([]);
    expect(reported(findings, ...CA_CODES)).toEqual([]);
  });

  test('mirrors "destinationrule with credentialname, simple at portlevel, no workloadSelector" (destinationrule.CaCertificateAnalyzer)', () => {
    expect(reported(analyze(dbRule('db-tls', portTls(CREDENTIAL))), ...CA_CODES)).toEqual([['IST0129', 'DestinationRule default/db-tls']]);
  });

  test('mirrors "destinationrule with credentialname, simple at portlevel, workloadSelector" (destinationrule.CaCertificateAnalyzer)', () => {
    const findings = analyze(dbRule('db-tls', portTls(CREDENTIAL), SELECTOR));
    expect(findings.filter((f) => f.level === 'Error')).toEqual([]);
    expect(reported(findings, ...CA_CODES)).toEqual([]);
  });

  test('mirrors "destinationrule with no cacert, mutual at portlevel" (destinationrule.CaCertificateAnalyzer)', () => {
    const findings = analyze(dbRule('db-mtls', portTls(MUTUAL)));
    expect(reported(findings, ...CA_CODES)).toEqual([['IST0129', 'DestinationRule default/db-mtls']]);
    expect(messagesOf(findings, 'IST0129')[0]).toContain('has TLS mode set to MUTUAL but no caCertificates');
  });

  test('mirrors "destinationrule with no cacert, mutual at destinationlevel and simple at port level" (destinationrule.CaCertificateAnalyzer)', () => {
    expect(reported(analyze(dbRule('db-mtls', tls(MUTUAL) + portTls(SIMPLE))), ...CA_CODES)).toEqual([
      ['IST0128', 'DestinationRule default/db-mtls'],
      ['IST0129', 'DestinationRule default/db-mtls'],
    ]);
  });

  test('mirrors "destinationrule with no cacert, simple at destinationlevel and mutual at port level" (destinationrule.CaCertificateAnalyzer)', () => {
    expect(reported(analyze(dbRule('db-mtls', tls(SIMPLE) + portTls(MUTUAL))), ...CA_CODES)).toEqual([
      ['IST0128', 'DestinationRule default/db-mtls'],
      ['IST0129', 'DestinationRule default/db-mtls'],
    ]);
  });

  test('mirrors "destinationrule with both cacerts" (destinationrule.CaCertificateAnalyzer)', () => {
    const ca = '      caCertificates: /etc/certs/root.pem\n';
    const findings = analyze(dbRule('db-mtls', tls(MUTUAL + ca) + portTls(SIMPLE + ca)));
    expect(findings.filter((f) => f.level === 'Error')).toEqual([]);
    expect(reported(findings, ...CA_CODES)).toEqual([]);
  });

  test('not reported: Istio mTLS, DISABLE, no TLS, and subsets (which Istio\'s analyzer does not read)', () => {
    const findings = analyze(dbRule('a', tls('      mode: ISTIO_MUTUAL\n')) + '---\n' + dbRule('b', tls('      mode: DISABLE\n'))
      + '---\n' + dbRule('c', '    connectionPool:\n      tcp:\n        maxConnections: 10\n', `  subsets:
  - name: v1
    labels:
      version: v1
    trafficPolicy:
      tls:
        mode: SIMPLE
`));
    expect(findings.filter((f) => f.level === 'Error')).toEqual([]);
    expect(reported(findings, ...CA_CODES)).toEqual([]);
  });
});

const HTTPBIN_SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: httpbin
  namespace: default
spec:
  selector:
    app: httpbin
  ports:
  - name: http
    port: 8000
`;

/** A DestinationRule for httpbin with subsets (`name: labels` pairs, labels as a flow map). */
function httpbinRule(name: string, subsets: Array<[string, string]>): string {
  return `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: ${name}
  namespace: default
spec:
  host: httpbin.default.svc.cluster.local
  subsets:
${subsets.map(([n, labels]) => `  - name: ${n}\n    labels: ${labels}`).join('\n')}
`;
}

/** An httpbin v1 pod on a node, and the node with the given labels (flow map). */
function podOnNode(nodeLabels: string): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: httpbin-v1
  namespace: default
  labels:
    app: httpbin
    version: v1
spec:
  nodeName: worker-1
  containers:
  - name: httpbin
    image: kennethreitz/httpbin
---
apiVersion: v1
kind: Node
metadata:
  name: worker-1
  labels: ${nodeLabels}
`;
}

describe('destinationrule.PodNotSelectedAnalyzer', () => {
  test('mirrors "DestinationRuleWithFakeHost" (destinationrule.PodNotSelectedAnalyzer)', () => {
    const findings = analyze(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: fake-host
  namespace: default
spec:
  host: no-such-svc.default.svc.cluster.local
  trafficPolicy:
    loadBalancer:
      simple: ROUND_ROBIN
`);
    expect(reported(findings, ...POD_CODES)).toEqual([['IST0174', 'DestinationRule default/fake-host']]);
    expect(findings.find((f) => f.code === 'IST0174')!.level).toBe('Warning');
    expect(messagesOf(findings, 'IST0174')[0]).toContain('The host no-such-svc.default.svc.cluster.local defined in the DestinationRule does not match any services in the mesh');
  });

  test('mirrors "DestinationRuleSubsetsNotSelectPods" (destinationrule.PodNotSelectedAnalyzer)', () => {
    // As in Istio's analyzer, a subset is reported when no pod among the objects has its labels,
    // even when no pod of the Service is among them at all.
    const findings = analyze(HTTPBIN_SERVICE + '---\n' + httpbinRule('subsets-not-select-pods', [['v3', '{ version: v3 }']]));
    expect(reported(findings, ...POD_CODES)).toEqual([['IST0173', 'DestinationRule default/subsets-not-select-pods']]);
    expect(findings.find((f) => f.code === 'IST0173')!.level).toBe('Error');
    expect(messagesOf(findings, 'IST0173')[0]).toContain('The Subset v3 defined in the DestinationRule does not select any pods');
    expect(messagesOf(findings, 'IST0173')[0]).toContain('Which may lead to 503 UH (NoHealthyUpstream); ');
  });

  test('mirrors "DestinationRuleSubsetsWithTopologyLabels" (destinationrule.PodNotSelectedAnalyzer)', () => {
    // The node's locality labels count as labels of the pods on it, as Istio adds them to endpoints.
    const findings = analyze(HTTPBIN_SERVICE + '---\n' + podOnNode('{ topology.kubernetes.io/region: eu-west-1, topology.kubernetes.io/zone: eu-west-1b }')
      + '---\n' + httpbinRule('subsets-with-topology-labels', [
      ['region', '{ topology.kubernetes.io/region: eu-west-1 }'],
      ['zone', '{ topology.kubernetes.io/zone: eu-west-1b }'],
      ['v1', '{ version: v1 }'],
      ['v1-in-region', '{ version: v1, topology.kubernetes.io/region: eu-west-1 }'],
      ['on-node', '{ kubernetes.io/hostname: worker-1 }'],
    ]));
    expect(findings.filter((f) => f.level === 'Error')).toEqual([]);
    expect(reported(findings, ...POD_CODES)).toEqual([]);
  });

  test('mirrors "DestinationRuleEmptyTopologyLabels" (destinationrule.PodNotSelectedAnalyzer)', () => {
    // An empty node label is not added: a subset asking for the empty value selects nothing.
    const findings = analyze(HTTPBIN_SERVICE + '---\n' + podOnNode('{ topology.kubernetes.io/region: "" }')
      + '---\n' + httpbinRule('empty-topology-labels', [['empty-region', '{ topology.kubernetes.io/region: "" }'], ['v1', '{ version: v1 }']]));
    expect(reported(findings, ...POD_CODES)).toEqual([['IST0173', 'DestinationRule default/empty-topology-labels']]);
    expect(messagesOf(findings, 'IST0173')[0]).toContain('The Subset empty-region defined');
  });

  test('a subset zone without a node zone, another node\'s name, and a subzone without a zone select nothing', () => {
    const findings = analyze(HTTPBIN_SERVICE + '---\n' + podOnNode('{ topology.kubernetes.io/region: eu-west-1, topology.istio.io/subzone: rack-1 }')
      + '---\n' + httpbinRule('topology', [
      ['zone', '{ topology.kubernetes.io/zone: eu-west-1b }'],
      ['other-node', '{ kubernetes.io/hostname: worker-2 }'],
      ['subzone', '{ topology.istio.io/subzone: rack-1 }'],
      ['region', '{ topology.kubernetes.io/region: eu-west-1 }'],
    ]));
    expect(reported(findings, 'IST0173')).toEqual([
      ['IST0173', 'DestinationRule default/topology'],
      ['IST0173', 'DestinationRule default/topology'],
      ['IST0173', 'DestinationRule default/topology'],
    ]);
    expect(messagesOf(findings, 'IST0173').map((m) => m.split(' ')[2])).toEqual(['zone', 'other-node', 'subzone']);
  });

  test('not reported: subsets of a Deployment\'s pods, a host from a ServiceEntry, a Service without selector', () => {
    const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: httpbin-v2
  namespace: default
spec:
  selector:
    matchLabels: { app: httpbin, version: v2 }
  template:
    metadata:
      labels: { app: httpbin, version: v2 }
    spec:
      containers:
      - name: httpbin
        image: kennethreitz/httpbin
`;
    const serviceEntry = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: payments
  namespace: default
spec:
  hosts: [payments.example.com]
  location: MESH_EXTERNAL
  resolution: DNS
  ports:
  - number: 443
    name: tls
    protocol: TLS
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: payments
  namespace: default
spec:
  host: payments.example.com
  subsets:
  - name: eu
    labels: { region: eu }
`;
    const manual = `apiVersion: v1
kind: Service
metadata:
  name: legacy
  namespace: default
spec:
  ports:
  - name: http
    port: 80
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: legacy
  namespace: default
spec:
  host: legacy
  subsets:
  - name: blue
    labels: { color: blue }
`;
    const findings = analyze(HTTPBIN_SERVICE + '---\n' + deployment + '---\n' + httpbinRule('httpbin', [['v2', '{ version: v2 }']]) + '---\n' + serviceEntry
      + '---\n' + manual);
    expect(findings.filter((f) => f.level === 'Error')).toEqual([]);
    expect(reported(findings, ...POD_CODES)).toEqual([]);
  });

  test('a ServiceEntry with a workloadSelector: its pods and WorkloadEntries count', () => {
    const mesh = (subset: string) => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: legacy
  namespace: vms
spec:
  hosts: [legacy.vms.internal]
  location: MESH_INTERNAL
  resolution: STATIC
  ports:
  - { number: 8080, name: http, protocol: HTTP }
  workloadSelector:
    labels: { app: legacy }
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata:
  name: vm-1
  namespace: vms
spec:
  address: 10.0.0.5
  labels: { app: legacy, version: vm }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: legacy
  namespace: vms
spec:
  host: legacy.vms.internal
  subsets:
  - name: ${subset}
    labels: { version: ${subset} }
`;
    expect(reported(analyze(mesh('vm')), ...POD_CODES)).toEqual([]);
    expect(reported(analyze(mesh('v9')), ...POD_CODES)).toEqual([['IST0173', 'DestinationRule vms/legacy']]);
    expect(messagesOf(analyze(mesh('v9')), 'IST0173')[0]).toContain('(no pod of ServiceEntry legacy has labels {"version":"v9"})');
  });

  test('pods of another namespace, or outside the Service, do not count', () => {
    const otherPod = `apiVersion: v1
kind: Pod
metadata:
  name: stray
  namespace: other
  labels: { app: httpbin, version: v4 }
spec:
  containers:
  - name: httpbin
    image: kennethreitz/httpbin
---
apiVersion: v1
kind: Pod
metadata:
  name: not-httpbin
  namespace: default
  labels: { app: echo, version: v5 }
spec:
  containers:
  - name: echo
    image: echo
`;
    const findings = analyze(HTTPBIN_SERVICE + '---\n' + otherPod + '---\n' + httpbinRule('httpbin', [['v4', '{ version: v4 }'], ['v5', '{ version: v5 }']]));
    expect(reported(findings, 'IST0173')).toEqual([['IST0173', 'DestinationRule default/httpbin'], ['IST0173', 'DestinationRule default/httpbin']]);
  });
});
