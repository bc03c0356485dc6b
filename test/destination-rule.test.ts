import { Duration, Testing } from 'cdk8s';
import { ClientTlsMode, ConsistentHash, DestinationRule, H2UpgradePolicy, LoadBalancerAlgorithm, TrafficPolicy } from '../src';
import { only, synthError, synthValid } from './support/schema';

describe('DestinationRule', () => {
  test('subsets with labels and a per-subset policy', () => {
    // GIVEN
    const chart = Testing.chart();
    const rule = new DestinationRule(chart, 'reviews', {
      host: 'reviews',
      trafficPolicy: { loadBalancer: { algorithm: LoadBalancerAlgorithm.LEAST_REQUEST }, tls: { mode: ClientTlsMode.ISTIO_MUTUAL } },
    });
    // WHEN
    const v1 = rule.addSubset({ name: 'v1', labels: { version: 'v1' } });
    rule.addSubset({ name: 'v2', labels: { version: 'v2' }, trafficPolicy: { loadBalancer: { algorithm: LoadBalancerAlgorithm.RANDOM } } });
    // THEN
    const manifests = synthValid(chart);
    const dr = only(manifests, 'DestinationRule');
    expect(dr.spec.host).toBe('reviews');
    expect(dr.spec.trafficPolicy).toEqual({ loadBalancer: { simple: 'LEAST_REQUEST' }, tls: { mode: 'ISTIO_MUTUAL' } });
    expect(dr.spec.subsets).toEqual([
      { name: 'v1', labels: { version: 'v1' } },
      { name: 'v2', labels: { version: 'v2' }, trafficPolicy: { loadBalancer: { simple: 'RANDOM' } } },
    ]);
    expect(v1.host).toBe('reviews');
    expect(v1.subsetName).toBe('v1');
    expect(rule.subsets.map((s) => s.subsetName)).toEqual(['v1', 'v2']);
    expect(manifests).toMatchSnapshot();
  });

  test('circuit breaking: connection pool and outlier detection', () => {
    const chart = Testing.chart();
    new DestinationRule(chart, 'ratings', {
      host: 'ratings.prod.svc.cluster.local',
      trafficPolicy: {
        connectionPool: {
          tcp: {
            maxConnections: 100,
            connectTimeout: Duration.millis(500),
            tcpKeepalive: { time: Duration.minutes(2), interval: Duration.seconds(30) },
          },
          http: { http1MaxPendingRequests: 10, maxRequestsPerConnection: 1, h2UpgradePolicy: H2UpgradePolicy.DO_NOT_UPGRADE },
        },
        outlierDetection: { consecutive5xxErrors: 5, interval: Duration.seconds(10), baseEjectionTime: Duration.seconds(30), maxEjectionPercent: 50 },
      },
    });
    const policy = only(synthValid(chart), 'DestinationRule').spec.trafficPolicy;
    expect(policy.connectionPool.tcp).toEqual({ maxConnections: 100, connectTimeout: '0.5s', tcpKeepalive: { time: '120s', interval: '30s' } });
    expect(policy.connectionPool.http).toEqual({ http1MaxPendingRequests: 10, maxRequestsPerConnection: 1, h2UpgradePolicy: 'DO_NOT_UPGRADE' });
    expect(policy.outlierDetection).toEqual({ consecutive5xxErrors: 5, interval: '10s', baseEjectionTime: '30s', maxEjectionPercent: 50 });
  });

  test('consistent hashing, locality and warm-up', () => {
    const chart = Testing.chart();
    new DestinationRule(chart, 'cart', {
      host: 'cart',
      trafficPolicy: {
        loadBalancer: {
          consistentHash: ConsistentHash.httpCookie({ name: 'session', ttl: Duration.hours(1) }),
          hashRing: { maglevTableSize: 65537 },
          locality: { distribute: [{ from: 'us-west/*', to: { 'us-west/*': 80, 'us-east/*': 20 } }] },
          warmup: { duration: Duration.seconds(60) },
        },
        outlierDetection: { consecutiveGatewayErrors: 3 },
        portLevelSettings: [{ port: 8443, tls: { mode: ClientTlsMode.SIMPLE, sni: 'cart.example.com' } }],
      },
      exportTo: ['.'],
    });
    const dr = only(synthValid(chart), 'DestinationRule');
    expect(dr.spec.trafficPolicy.loadBalancer).toEqual({
      consistentHash: { httpCookie: { name: 'session', ttl: '3600s' }, maglev: { tableSize: 65537 } },
      localityLbSetting: { distribute: [{ from: 'us-west/*', to: { 'us-east/*': 20, 'us-west/*': 80 } }] },
      warmup: { duration: '60s' },
    });
    expect(dr.spec.trafficPolicy.portLevelSettings).toEqual([{ port: { number: 8443 }, tls: { mode: 'SIMPLE', sni: 'cart.example.com' } }]);
    expect(dr.spec.exportTo).toEqual(['.']);
  });

  test('other consistent-hash keys', () => {
    const chart = Testing.chart();
    new DestinationRule(chart, 'a', { host: 'a', trafficPolicy: { loadBalancer: { consistentHash: ConsistentHash.httpHeader('x-user') } } });
    new DestinationRule(chart, 'b', { host: 'b', trafficPolicy: { loadBalancer: { consistentHash: ConsistentHash.sourceIp() } } });
    new DestinationRule(chart, 'c', { host: 'c', trafficPolicy: { loadBalancer: { consistentHash: ConsistentHash.queryParameter('u') } } });
    const hashes = synthValid(chart).map((m) => m.spec.trafficPolicy.loadBalancer.consistentHash);
    expect(hashes).toEqual([{ httpHeaderName: 'x-user' }, { useSourceIp: true }, { httpQueryParameterName: 'u' }]);
  });

  test('workload selector', () => {
    const chart = Testing.chart();
    new DestinationRule(chart, 'dr', { host: 'api', workloadSelector: { app: 'frontend' }, trafficPolicy: { tls: { mode: ClientTlsMode.ISTIO_MUTUAL } } });
    expect(only(synthValid(chart), 'DestinationRule').spec.workloadSelector).toEqual({ matchLabels: { app: 'frontend' } });
  });
});

describe('DestinationRule validation', () => {
  function drError(props: { host?: string; trafficPolicy?: TrafficPolicy; subsets?: any[]; exportTo?: string[]; workloadSelector?: any }): string {
    const chart = Testing.chart();
    new DestinationRule(chart, 'dr', { host: 'reviews', ...props });
    return synthError(chart);
  }

  test('invalid host is rejected, with path and fix', () => {
    const message = drError({ host: 'reviews..svc' });
    expect(message).toContain("[test/dr] 'spec.host' (reviews..svc) must be a valid DNS name");
  });

  test('duplicate subset names are rejected', () => {
    expect(drError({ subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v1', labels: { version: 'v2' } }] }))
      .toContain("'spec.subsets[1].name' (v1) must be unique (duplicate subset names)");
  });

  test('subset names must be DNS-1123 labels', () => {
    expect(drError({ subsets: [{ name: 'v1.0', labels: { version: 'v1' } }] })).toContain("'spec.subsets[0].name' (v1.0) must be a DNS-1123 label");
  });

  test('subset labels must be valid', () => {
    expect(drError({ subsets: [{ name: 'v1', labels: { version: 'not valid' } }] })).toContain("'spec.subsets[0].labels.version' (not valid)");
  });

  test('empty traffic policy is rejected', () => {
    expect(drError({ trafficPolicy: {} })).toContain("'spec.trafficPolicy' ({}) must set at least one field");
  });

  test('empty connection pool is rejected', () => {
    expect(drError({ trafficPolicy: { connectionPool: {} } })).toContain("'spec.trafficPolicy.connectionPool' ({}) must set http or tcp settings");
  });

  test('negative counts are rejected', () => {
    expect(drError({ trafficPolicy: { connectionPool: { http: { maxRetries: -1 } } } })).toContain("'spec.trafficPolicy.connectionPool.http.maxRetries' (-1) must be a whole number of at least 0");
    expect(drError({ trafficPolicy: { connectionPool: { tcp: { maxConnections: -5 } } } })).toContain("'spec.trafficPolicy.connectionPool.tcp.maxConnections' (-5)");
  });

  test('useClientProtocol with UPGRADE is rejected', () => {
    expect(drError({ trafficPolicy: { connectionPool: { http: { h2UpgradePolicy: H2UpgradePolicy.UPGRADE, useClientProtocol: true } } } }))
      .toContain('must not be true when h2UpgradePolicy is UPGRADE');
  });

  test('durations are checked', () => {
    expect(drError({ trafficPolicy: { outlierDetection: { interval: Duration.millis(0.1) } } })).toContain("'spec.trafficPolicy.outlierDetection.interval' (0.0001s) must be at least 1ms");
  });

  test('outlier percentages must be within 0-100', () => {
    expect(drError({ trafficPolicy: { outlierDetection: { maxEjectionPercent: 150 } } })).toContain("'spec.trafficPolicy.outlierDetection.maxEjectionPercent' (150) must be within 0-100");
  });

  test('local origin failures need splitExternalLocalOriginErrors', () => {
    expect(drError({ trafficPolicy: { outlierDetection: { consecutiveLocalOriginFailures: 3 } } })).toContain('needs splitExternalLocalOriginErrors: true');
  });

  test('maglev table size must be prime and below 5000011', () => {
    const hash = ConsistentHash.sourceIp();
    expect(drError({ trafficPolicy: { loadBalancer: { consistentHash: hash, hashRing: { maglevTableSize: 65536 } } } })).toContain('(65536) must be a prime number');
    expect(drError({ trafficPolicy: { loadBalancer: { consistentHash: hash, hashRing: { maglevTableSize: 5000011 } } } })).toContain('must be less than 5000011');
  });

  test('cookie hash needs a name', () => {
    expect(drError({ trafficPolicy: { loadBalancer: { consistentHash: ConsistentHash.httpCookie({ name: '' }) } } })).toContain("'spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.name' (\"\") is required");
  });

  test('locality weights must total 100', () => {
    expect(drError({ trafficPolicy: { loadBalancer: { locality: { distribute: [{ from: 'a/*', to: { 'a/*': 50, 'b/*': 40 } }] } } } }))
      .toContain('must have weights that total exactly 100 (they total 90)');
  });

  test('locality weights must be 1-100 each', () => {
    expect(drError({ trafficPolicy: { loadBalancer: { locality: { distribute: [{ from: 'a/*', to: { 'a/*': 0, 'b/*': 100 } }] } } } }))
      .toContain('must give every locality a weight from 1 to 100');
  });

  test('distribute and failover are exclusive', () => {
    expect(drError({ trafficPolicy: { loadBalancer: { locality: { distribute: [{ from: 'a', to: { b: 100 } }], failover: [{ from: 'a', to: 'b' }] } } } }))
      .toContain('must not set both distribute and failover');
  });

  test('failover needs outlier detection and distinct regions', () => {
    expect(drError({ trafficPolicy: { loadBalancer: { locality: { failover: [{ from: 'us-east', to: 'us-west' }] } } } })).toContain('has no effect without outlier detection');
    expect(drError({ trafficPolicy: { loadBalancer: { locality: { failover: [{ from: 'us-east', to: 'us-east' }] } }, outlierDetection: { consecutive5xxErrors: 1 } } }))
      .toContain('must fail over to a different region');
  });

  test('warm-up aggression must be at least 1', () => {
    expect(drError({ trafficPolicy: { loadBalancer: { warmup: { duration: Duration.seconds(10), aggression: 0.5 } } } })).toContain("'spec.trafficPolicy.loadBalancer.warmup.aggression' (0.5) must be at least 1");
  });

  test('client TLS: MUTUAL needs certificates or credentialName', () => {
    expect(drError({ trafficPolicy: { tls: { mode: ClientTlsMode.MUTUAL } } })).toContain("'spec.trafficPolicy.tls.clientCertificate' (unset) is required for MUTUAL TLS");
  });

  test('client TLS: credentialName excludes inline certificates', () => {
    expect(drError({ trafficPolicy: { tls: { mode: ClientTlsMode.SIMPLE, credentialName: 'c', caCertificates: '/etc/ca.pem' } } }))
      .toContain('must not be combined with clientCertificate, privateKey, caCertificates or caCrl');
  });

  test('client TLS: insecureSkipVerify excludes verification settings', () => {
    expect(drError({ trafficPolicy: { tls: { mode: ClientTlsMode.SIMPLE, insecureSkipVerify: true, subjectAltNames: ['a'] } } }))
      .toContain("'spec.trafficPolicy.tls.insecureSkipVerify' (true) must not be combined");
  });

  test('port-level settings need at least one setting', () => {
    expect(drError({ trafficPolicy: { portLevelSettings: [{ port: 80 }] } })).toContain("'spec.trafficPolicy.portLevelSettings[0]' ({\"port\":{\"number\":80}}) must set at least one of");
  });

  test('workloadSelector: exportTo must stay in the namespace, no wildcards', () => {
    expect(drError({ workloadSelector: { app: 'a' }, exportTo: ['*'], trafficPolicy: { tls: { mode: ClientTlsMode.DISABLE } } }))
      .toContain('must export only to the own namespace when workloadSelector is set');
    expect(drError({ workloadSelector: { app: '*' }, trafficPolicy: { tls: { mode: ClientTlsMode.DISABLE } } })).toContain('must not contain wildcards');
  });
});
