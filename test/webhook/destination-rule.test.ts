import { verdictOf, WebhookCase } from './verdict';
import { AnalysisLevel } from '../../src/analysis/finding';
import { admissionFindings } from '../../src/validation/admission';
import { validateDestinationRuleSpec } from '../../src/validation/destination-rule';
import { Findings } from '../../src/validation/findings';

// One case per case of Istio 1.30.3's own DestinationRule validation tests (pkg/config/validation
// and pkg/config/validation/agent, plus testdata/crds/destinationrule-*.yaml), with inputs of our
// own that exercise the same rule. Tests of a helper (traffic policy, connection pool, TLS, ...)
// are mirrored through a DestinationRule that carries the value where the helper checks it. The
// verdict is what Istio's admission webhook answers: 'refuse' (an error), 'warn' (accepted with
// warnings) or 'accept'. For refusals, `field` is a piece of our message naming the field.

/** The namespace Istio's DestinationRule tests validate in. */
const NAMESPACE = 'bar';

const subsets = [{ name: 'stable', labels: { track: 'stable' } }, { name: 'canary', labels: { track: 'canary' } }];
const lbSimple = { simple: 'LEAST_REQUEST' };
const goodPool = { tcp: { maxConnections: 40 }, http: { http2MaxRequests: 80 } };
const goodPolicy = { loadBalancer: lbSimple, connectionPool: goodPool, outlierDetection: { minHealthPercent: 25 } };
/** A rule carrying a traffic policy. */
const policy = (trafficPolicy: any): any => ({ host: 'ratings', trafficPolicy });
const pool = (connectionPool: any): any => policy({ connectionPool });
const lb = (loadBalancer: any): any => policy({ loadBalancer });
const outlier = (outlierDetection: any): any => policy({ outlierDetection });
const tls = (settings: any): any => policy({ tls: settings });
const locality = (localityLbSetting: any, outlierDetection?: any): any =>
  policy({ loadBalancer: { localityLbSetting }, ...(outlierDetection ? { outlierDetection } : {}) });
/** A rule whose distribute entries come from the given source localities. */
const fromLocalities = (sources: string[]): any => locality({ distribute: sources.map((from) => ({ from, to: { 'eu-north/*': 100 } })) });
const cookieHash = (httpCookie: any, extra: any = {}): any => lb({ consistentHash: { httpCookie, ...extra } });
const exportTo = (list: string[] | undefined, selector = false): any =>
  ({ host: 'ratings', ...(list ? { exportTo: list } : {}), ...(selector ? { workloadSelector: { matchLabels: { app: 'checkout' } } } : {}) });
const SAN = ['ratings.shop.svc'];
const CERTS = { clientCertificate: '/etc/certs/client.pem', privateKey: '/etc/certs/client-key.pem' };

const DR = 'TestValidateDestinationRule';
const TP = 'TestValidateTrafficPolicy';
const CP = 'TestValidateConnectionPool';
const LB = 'TestValidateLoadBalancer';
const OD = 'TestValidateOutlierDetection';
const TLS = 'agent TestValidateTLS';
const LOC = 'agent TestValidateLocalityLbSetting';
const LOCS = 'agent TestValidateLocalities';
const EXP = 'Test_validateExportTo';
const WD = 'agent TestValidateWildcardDomain';
const DUR = 'agent TestValidateDuration';

const cases: WebhookCase[] = [
  // TestValidateDestinationRule
  { mirrors: `${DR} "simple destination rule"`, spec: { host: 'ratings', subsets }, verdict: 'accept' },
  { mirrors: `${DR} "simple destination rule with empty selector labels"`, spec: { host: 'ratings', subsets, workloadSelector: {} }, verdict: 'warn' },
  { mirrors: `${DR} "missing destination name"`, spec: { host: '', subsets }, verdict: 'refuse', field: "'spec.host'" },
  {
    mirrors: `${DR} "missing subset name"`,
    spec: { host: 'ratings', subsets: [{ name: '', labels: { track: 'stable' } }, subsets[1]] },
    verdict: 'refuse',
    field: "'spec.subsets[0].name'",
  },
  {
    mirrors: `${DR} "duplicate subset names"`,
    spec: { host: 'ratings', subsets: [{ name: 'blue', labels: { track: 'a' } }, { name: 'blue', labels: { track: 'b' } }] },
    verdict: 'refuse',
    field: "'spec.subsets[1].name'",
  },
  { mirrors: `${DR} "valid traffic policy, top level"`, spec: { host: 'ratings', trafficPolicy: goodPolicy, subsets }, verdict: 'accept' },
  {
    mirrors: `${DR} "invalid traffic policy, top level"`,
    spec: { host: 'ratings', trafficPolicy: { ...goodPolicy, connectionPool: {} }, subsets },
    verdict: 'refuse',
    field: "'spec.trafficPolicy.connectionPool'",
  },
  {
    mirrors: `${DR} "valid traffic policy, subset level"`,
    spec: { host: 'ratings', subsets: [{ ...subsets[0], trafficPolicy: goodPolicy }, subsets[1]] },
    verdict: 'accept',
  },
  {
    mirrors: `${DR} "invalid traffic policy, subset level"`,
    spec: { host: 'ratings', subsets: [{ ...subsets[0], trafficPolicy: { ...goodPolicy, connectionPool: {} } }, subsets[1]] },
    verdict: 'refuse',
    field: "'spec.subsets[0].trafficPolicy.connectionPool'",
  },
  {
    mirrors: `${DR} "valid traffic policy, both levels"`,
    spec: { host: 'ratings', trafficPolicy: goodPolicy, subsets: [{ ...subsets[0], trafficPolicy: { ...goodPolicy, outlierDetection: { minHealthPercent: 35 } } }, subsets[1]] },
    verdict: 'accept',
  },
  {
    mirrors: `${DR} "InsecureSkipVerify is not specified with tls mode simple, and the ca cert is specified by CaCertificates"`,
    spec: tls({ mode: 'SIMPLE', caCertificates: '/etc/certs/ca.pem', subjectAltNames: SAN }),
    verdict: 'accept',
  },
  {
    mirrors: `${DR} "InsecureSkipVerify is not specified with tls mode simple, and the ca cert is specified by CredentialName"`,
    spec: tls({ mode: 'SIMPLE', credentialName: 'ratings-ca', subjectAltNames: SAN }),
    verdict: 'accept',
  },
  {
    mirrors: `${DR} "InsecureSkipVerify is set false with tls mode simple, and the ca cert is specified by CaCertificates"`,
    spec: tls({ mode: 'SIMPLE', caCertificates: '/etc/certs/ca.pem', subjectAltNames: SAN, insecureSkipVerify: false }),
    verdict: 'accept',
  },
  {
    mirrors: `${DR} "InsecureSkipVerify is set false with tls mode simple, and the ca cert is specified by CredentialName"`,
    spec: tls({ mode: 'SIMPLE', credentialName: 'ratings-ca', subjectAltNames: SAN, insecureSkipVerify: false }),
    verdict: 'accept',
  },
  {
    // The Istio case name says CaCertificates, its input sets credentialName; mirrored by input.
    mirrors: `${DR} "InsecureSkipVerify is set true with tls mode simple, and the ca cert is specified by CaCertificates"`,
    spec: tls({ mode: 'SIMPLE', credentialName: 'ratings-ca', insecureSkipVerify: true }),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.tls.insecureSkipVerify'",
  },
  {
    // The Istio case name says CredentialName, its input sets caCertificates; mirrored by input.
    mirrors: `${DR} "InsecureSkipVerify is set true with tls mode simple, and the ca cert is specified by CredentialName"`,
    spec: tls({ mode: 'SIMPLE', caCertificates: '/etc/certs/ca.pem', insecureSkipVerify: true }),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.tls.insecureSkipVerify'",
  },
  {
    mirrors: `${DR} "InsecureSkipVerify is set true with tls mode simple, and the san is specified"`,
    spec: tls({ mode: 'SIMPLE', subjectAltNames: SAN, insecureSkipVerify: true }),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.tls.insecureSkipVerify'",
  },
  {
    mirrors: `${DR} "InsecureSkipVerify is not specified with tls mode mutual, and the ca cert is specified by CaCertificates"`,
    spec: tls({ mode: 'MUTUAL', caCertificates: '/etc/certs/ca.pem', ...CERTS, subjectAltNames: SAN }),
    verdict: 'accept',
  },
  {
    mirrors: `${DR} "InsecureSkipVerify is not specified with tls mode mutual, and the ca cert is specified by CredentialName"`,
    spec: tls({ mode: 'MUTUAL', credentialName: 'ratings-client', subjectAltNames: SAN }),
    verdict: 'accept',
  },
  {
    mirrors: `${DR} "InsecureSkipVerify is set false with tls mode mutual, and the ca cert is specified by CaCertificates"`,
    spec: tls({ mode: 'MUTUAL', caCertificates: '/etc/certs/ca.pem', ...CERTS, subjectAltNames: SAN, insecureSkipVerify: false }),
    verdict: 'accept',
  },
  {
    mirrors: `${DR} "InsecureSkipVerify is set false with tls mode mutual, and the ca cert is specified by CredentialName"`,
    spec: tls({ mode: 'MUTUAL', credentialName: 'ratings-client', subjectAltNames: SAN, insecureSkipVerify: false }),
    verdict: 'accept',
  },
  {
    mirrors: `${DR} "InsecureSkipVerify is set true with tls mode mutual, and the ca cert is specified by CaCertificates" (1st)`,
    spec: tls({ mode: 'MUTUAL', caCertificates: '/etc/certs/ca.pem', ...CERTS, insecureSkipVerify: true }),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.tls.insecureSkipVerify'",
  },
  {
    // Istio has two cases of this name; the second sets credentialName (which MUTUAL may keep when skipping verification).
    mirrors: `${DR} "InsecureSkipVerify is set true with tls mode mutual, and the ca cert is specified by CaCertificates" (2nd)`,
    spec: tls({ mode: 'MUTUAL', credentialName: 'ratings-client', insecureSkipVerify: true }),
    verdict: 'accept',
  },
  {
    mirrors: `${DR} "InsecureSkipVerify is set true with tls mode mutual, and the ca cert is not specified"`,
    spec: tls({ mode: 'MUTUAL', ...CERTS, insecureSkipVerify: true }),
    verdict: 'accept',
  },
  {
    mirrors: `${DR} "InsecureSkipVerify is set true with tls mode mutual, and the san is specified"`,
    spec: tls({ mode: 'MUTUAL', ...CERTS, subjectAltNames: SAN, insecureSkipVerify: true }),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.tls.insecureSkipVerify'",
  },

  // TestValidateTrafficPolicy
  { mirrors: `${TP} "valid traffic policy"`, spec: policy(goodPolicy), verdict: 'accept' },
  { mirrors: `${TP} "invalid traffic policy, nil entries"`, spec: policy({}), verdict: 'refuse', field: "'spec.trafficPolicy' ({})" },
  {
    mirrors: `${TP} "invalid traffic policy, missing port in port level settings"`,
    spec: policy({ portLevelSettings: [goodPolicy] }),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.portLevelSettings[0].port'",
  },
  {
    mirrors: `${TP} "invalid traffic policy, bad connection pool"`,
    spec: policy({ ...goodPolicy, connectionPool: {} }),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.connectionPool'",
  },
  {
    mirrors: `${TP} "invalid traffic policy, bad max connection duration"`,
    spec: policy({ loadBalancer: lbSimple, connectionPool: { tcp: { maxConnectionDuration: '0.000000700s' } } }),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.connectionPool.tcp.maxConnectionDuration'",
  },
  {
    mirrors: `${TP} "invalid traffic policy, panic threshold too low"`,
    spec: policy({ ...goodPolicy, outlierDetection: { minHealthPercent: -5 } }),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.outlierDetection.minHealthPercent'",
  },
  {
    mirrors: `${TP} "invalid traffic policy, both upgrade and use client protocol set"`,
    spec: pool({ http: { h2UpgradePolicy: 'UPGRADE', useClientProtocol: true } }),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.connectionPool.http.useClientProtocol'",
  },

  // TestValidateConnectionPool
  {
    mirrors: `${CP} "valid connection pool, tcp and http"`,
    spec: pool({
      tcp: { maxConnections: 12, connectTimeout: '3s' },
      http: { http1MaxPendingRequests: 3, http2MaxRequests: 20, maxRequestsPerConnection: 8, maxRetries: 2, idleTimeout: '45s', maxConcurrentStreams: 16 },
    }),
    verdict: 'accept',
  },
  { mirrors: `${CP} "valid connection pool, tcp only"`, spec: pool({ tcp: { maxConnections: 12, connectTimeout: '3s' } }), verdict: 'accept' },
  {
    mirrors: `${CP} "valid connection pool, http only"`,
    spec: pool({ http: { http1MaxPendingRequests: 3, http2MaxRequests: 20, maxRequestsPerConnection: 8, maxRetries: 2, idleTimeout: '45s', maxConcurrentStreams: 16 } }),
    verdict: 'accept',
  },
  {
    mirrors: `${CP} "valid connection pool, http only with empty idle timeout"`,
    spec: pool({ http: { http1MaxPendingRequests: 3, http2MaxRequests: 20, maxRequestsPerConnection: 8, maxRetries: 2, maxConcurrentStreams: 16 } }),
    verdict: 'accept',
  },
  { mirrors: `${CP} "invalid connection pool, empty"`, spec: pool({}), verdict: 'refuse', field: "'spec.trafficPolicy.connectionPool' ({})" },
  {
    mirrors: `${CP} "invalid connection pool, bad max connections"`,
    spec: pool({ tcp: { maxConnections: -3 } }),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.connectionPool.tcp.maxConnections'",
  },
  {
    mirrors: `${CP} "invalid connection pool, bad connect timeout"`,
    spec: pool({ tcp: { connectTimeout: '3.000000007s' } }),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.connectionPool.tcp.connectTimeout'",
  },
  {
    mirrors: `${CP} "invalid connection pool, bad max pending requests"`,
    spec: pool({ http: { http1MaxPendingRequests: -2 } }),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.connectionPool.http.http1MaxPendingRequests'",
  },
  {
    mirrors: `${CP} "invalid connection pool, bad max requests"`,
    spec: pool({ http: { http2MaxRequests: -2 } }),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.connectionPool.http.http2MaxRequests'",
  },
  {
    mirrors: `${CP} "invalid connection pool, bad max requests per connection"`,
    spec: pool({ http: { maxRequestsPerConnection: -2 } }),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.connectionPool.http.maxRequestsPerConnection'",
  },
  {
    mirrors: `${CP} "invalid connection pool, bad max retries"`,
    spec: pool({ http: { maxRetries: -2 } }),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.connectionPool.http.maxRetries'",
  },
  {
    mirrors: `${CP} "invalid connection pool, bad idle timeout"`,
    spec: pool({ http: { idleTimeout: '45.000000009s' } }),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.connectionPool.http.idleTimeout'",
  },
  { mirrors: `${CP} "valid connection pool, tcp timeout disabled"`, spec: pool({ tcp: { idleTimeout: '0s' } }), verdict: 'accept' },
  {
    mirrors: `${CP} "invalid connection pool, bad max concurrent streams"`,
    spec: pool({ http: { maxConcurrentStreams: -2 } }),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.connectionPool.http.maxConcurrentStreams'",
  },

  // TestValidateLoadBalancer (Istio's unit test looks at errors only; the webhook also warns about minimumRingSize)
  { mirrors: `${LB} "valid load balancer with simple load balancing"`, spec: lb({ simple: 'RANDOM' }), verdict: 'accept' },
  {
    mirrors: `${LB} "valid load balancer with consistentHash load balancing"`,
    spec: cookieHash({ name: 'session-id', ttl: '1800s' }, { minimumRingSize: 2048 }),
    verdict: 'warn',
  },
  {
    mirrors: `${LB} "invalid load balancer with consistentHash load balancing, missing name"`,
    spec: cookieHash({ ttl: '1800s' }, { minimumRingSize: 2048 }),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.name'",
  },
  {
    mirrors: `${LB} "invalid load balancer with consistentHash load balancing, maglev not prime"`,
    spec: lb({ consistentHash: { useSourceIp: true, maglev: { tableSize: 4096 } } }),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize'",
  },
  {
    mirrors: `${LB} "valid load balancer with consistentHash load balancing and unique cookie attributes"`,
    spec: cookieHash({ name: 'session-id', ttl: '1800s', attributes: [{ name: 'SameSite', value: 'Lax' }, { name: 'Secure' }, { name: 'Partitioned' }] }),
    verdict: 'accept',
  },
  {
    mirrors: `${LB} "invalid load balancer with consistentHash load balancing and duplicate cookie attribute names"`,
    spec: cookieHash({ name: 'session-id', ttl: '1800s', attributes: [{ name: 'Secure' }, { name: 'SameSite', value: 'Lax' }, { name: 'Secure' }] }),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.attributes'",
  },
  {
    mirrors: `${LB} "invalid load balancer with consistentHash load balancing and empty cookie attribute name"`,
    spec: cookieHash({ name: 'session-id', ttl: '1800s', attributes: [{ name: 'Secure' }, { name: '', value: 'x' }] }),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.attributes'",
  },

  // TestValidateOutlierDetection
  { mirrors: `${OD} "valid outlier detection"`, spec: outlier({ interval: '5s', baseEjectionTime: '15s', maxEjectionPercent: 30 }), verdict: 'accept' },
  {
    mirrors: `${OD} "invalid outlier detection, bad interval"`,
    spec: outlier({ interval: '5.000000003s' }),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.outlierDetection.interval'",
  },
  {
    mirrors: `${OD} "invalid outlier detection, bad base ejection time"`,
    spec: outlier({ baseEjectionTime: '15.000000003s' }),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.outlierDetection.baseEjectionTime'",
  },
  {
    mirrors: `${OD} "invalid outlier detection, bad max ejection percent"`,
    spec: outlier({ maxEjectionPercent: 120 }),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.outlierDetection.maxEjectionPercent'",
  },
  {
    mirrors: `${OD} "invalid outlier detection, panic threshold too low"`,
    spec: outlier({ minHealthPercent: -10 }),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.outlierDetection.minHealthPercent'",
  },
  {
    mirrors: `${OD} "invalid outlier detection, panic threshold too high"`,
    spec: outlier({ minHealthPercent: 150 }),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.outlierDetection.minHealthPercent'",
  },
  { mirrors: `${OD} "deprecated outlier detection, ConsecutiveErrors"`, spec: outlier({ consecutiveErrors: 7 }), verdict: 'warn' },
  {
    mirrors: `${OD} "consecutive local origin errors is set but split local origin errors is not set"`,
    spec: outlier({ consecutiveLocalOriginFailures: 4 }),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.outlierDetection.consecutiveLocalOriginFailures'",
  },

  // agent TestValidateTLS (client TLS settings of a DestinationRule)
  { mirrors: `${TLS} "SIMPLE: Credential Name set correctly"`, spec: tls({ mode: 'SIMPLE', credentialName: 'upstream-ca' }), verdict: 'accept' },
  {
    mirrors: `${TLS} "SIMPLE CredentialName set with ClientCertificate specified"`,
    spec: tls({ mode: 'SIMPLE', credentialName: 'upstream-ca', clientCertificate: '/etc/certs/client.pem' }),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.tls.credentialName'",
  },
  {
    mirrors: `${TLS} "SIMPLE: CredentialName set with PrivateKey specified"`,
    spec: tls({ mode: 'SIMPLE', credentialName: 'upstream-ca', privateKey: '/etc/certs/client-key.pem' }),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.tls.credentialName'",
  },
  {
    mirrors: `${TLS} "SIMPLE: CredentialName set with CACertficiates specified"`,
    spec: tls({ mode: 'SIMPLE', credentialName: 'upstream-ca', caCertificates: '/etc/certs/ca.pem' }),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.tls.credentialName'",
  },
  { mirrors: `${TLS} "MUTUAL: Credential Name set correctly"`, spec: tls({ mode: 'MUTUAL', credentialName: 'upstream-client' }), verdict: 'accept' },
  {
    mirrors: `${TLS} "MUTUAL CredentialName set with ClientCertificate specified"`,
    spec: tls({ mode: 'MUTUAL', credentialName: 'upstream-client', clientCertificate: '/etc/certs/client.pem' }),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.tls.credentialName'",
  },
  {
    mirrors: `${TLS} "MUTUAL: CredentialName set with PrivateKey specified"`,
    spec: tls({ mode: 'MUTUAL', credentialName: 'upstream-client', privateKey: '/etc/certs/client-key.pem' }),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.tls.credentialName'",
  },
  {
    mirrors: `${TLS} "MUTUAL: CredentialName set with CACertficiates specified"`,
    spec: tls({ mode: 'MUTUAL', credentialName: 'upstream-client', caCertificates: '/etc/certs/ca.pem' }),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.tls.credentialName'",
  },
  {
    mirrors: `${TLS} "MUTUAL: CredentialName set with CACRL specified"`,
    spec: tls({ mode: 'MUTUAL', credentialName: 'upstream-client', caCrl: '/etc/certs/crl.pem' }),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.tls.credentialName'",
  },
  { mirrors: `${TLS} "MUTUAL: CredentialName not set with ClientCertificate and Key specified"`, spec: tls({ mode: 'MUTUAL', ...CERTS }), verdict: 'accept' },
  {
    mirrors: `${TLS} "MUTUAL: CredentialName not set with ClientCertificate specified and Key missing"`,
    spec: tls({ mode: 'MUTUAL', clientCertificate: CERTS.clientCertificate }),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.tls.privateKey'",
  },
  {
    mirrors: `${TLS} "MUTUAL: CredentialName not set with ClientCertificate missing and Key specified"`,
    spec: tls({ mode: 'MUTUAL', privateKey: CERTS.privateKey }),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.tls.clientCertificate'",
  },

  // agent TestValidateLocalityLbSetting (the outlier detection of the same policy goes with it)
  { mirrors: `${LOC} "valid mesh config without LocalityLoadBalancerSetting"`, spec: lb(lbSimple), verdict: 'accept' },
  {
    mirrors: `${LOC} "invalid LocalityLoadBalancerSetting_Distribute total weight > 100"`,
    spec: locality({ distribute: [{ from: 'eu/west1/a', to: { 'eu/west1/a': 70, 'eu/west2': 40 } }] }, {}),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.loadBalancer.localityLbSetting.distribute[0].to'",
  },
  {
    mirrors: `${LOC} "invalid LocalityLoadBalancerSetting_Distribute total weight < 100"`,
    spec: locality({ distribute: [{ from: 'eu/west1/a', to: { 'eu/west1/a': 70, 'eu/west2': 20 } }] }, {}),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.loadBalancer.localityLbSetting.distribute[0].to'",
  },
  {
    mirrors: `${LOC} "invalid LocalityLoadBalancerSetting_Distribute weight = 0"`,
    spec: locality({ distribute: [{ from: 'eu/west1/a', to: { 'eu/west1/a': 0, 'eu/west2': 100 } }] }, {}),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.loadBalancer.localityLbSetting.distribute[0].to'",
  },
  {
    mirrors: `${LOC} "invalid LocalityLoadBalancerSetting specify both distribute and failover"`,
    spec: locality({ distribute: [{ from: 'eu/west1/a', to: { 'eu/west1/a': 60, 'eu/west2': 40 } }], failover: [{ from: 'eu', to: 'us' }] }, {}),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.loadBalancer.localityLbSetting'",
  },
  {
    mirrors: `${LOC} "invalid failover src and dst have same region"`,
    spec: locality({ failover: [{ from: 'apac', to: 'apac' }] }, {}),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.loadBalancer.localityLbSetting.failover[0]'",
  },
  {
    mirrors: `${LOC} "invalid failover src contain '*' wildcard"`,
    spec: locality({ failover: [{ from: '*', to: 'apac' }] }, {}),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.loadBalancer.localityLbSetting.failover[0]'",
  },
  {
    mirrors: `${LOC} "invalid failover dst contain '*' wildcard"`,
    spec: locality({ failover: [{ from: 'apac', to: '*' }] }, {}),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.loadBalancer.localityLbSetting.failover[0]'",
  },
  {
    mirrors: `${LOC} "invalid failover src contain '/' separator"`,
    spec: locality({ failover: [{ from: 'apac/tokyo1', to: 'eu' }] }, {}),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.loadBalancer.localityLbSetting.failover[0]'",
  },
  {
    mirrors: `${LOC} "invalid failover dst contain '/' separator"`,
    spec: locality({ failover: [{ from: 'apac', to: 'eu/paris2' }] }, {}),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.loadBalancer.localityLbSetting.failover[0]'",
  },
  {
    mirrors: `${LOC} "failover priority provided without outlier detection policy"`,
    spec: locality({ failoverPriority: ['topology.kubernetes.io/region', 'topology.kubernetes.io/zone'] }),
    verdict: 'warn',
  },
  {
    mirrors: `${LOC} "failover provided without outlier detection policy"`,
    spec: locality({ failover: [{ from: 'apac', to: 'eu' }, { from: 'us', to: 'sa' }] }),
    verdict: 'warn',
  },
  {
    mirrors: `${LOC} "invalid LocalityLoadBalancerSetting specify both failoverPriority and region in failover"`,
    spec: locality({ failover: [{ from: 'apac', to: 'eu' }], failoverPriority: ['topology.kubernetes.io/zone'] }, {}),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.loadBalancer.localityLbSetting.failoverPriority'",
  },

  // agent TestValidateLocalities, through the source localities of distribute entries
  { mirrors: `${LOCS} "multi wildcard locality"`, spec: fromLocalities(['*/west1/*']), verdict: 'refuse', field: "'spec.trafficPolicy.loadBalancer.localityLbSetting.distribute'" },
  { mirrors: `${LOCS} "wildcard not in suffix"`, spec: fromLocalities(['*/west1']), verdict: 'refuse', field: "'spec.trafficPolicy.loadBalancer.localityLbSetting.distribute'" },
  {
    mirrors: `${LOCS} "explicit wildcard region overlap"`,
    spec: fromLocalities(['*', 'eu/west1/a']),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.loadBalancer.localityLbSetting.distribute'",
  },
  {
    mirrors: `${LOCS} "implicit wildcard region overlap"`,
    spec: fromLocalities(['eu', 'eu/west1/a']),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.loadBalancer.localityLbSetting.distribute'",
  },
  {
    mirrors: `${LOCS} "explicit wildcard zone overlap"`,
    spec: fromLocalities(['eu/*', 'eu/west1/a']),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.loadBalancer.localityLbSetting.distribute'",
  },
  {
    mirrors: `${LOCS} "implicit wildcard zone overlap"`,
    spec: fromLocalities(['eu/west1', 'eu/west1/a']),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.loadBalancer.localityLbSetting.distribute'",
  },
  {
    mirrors: `${LOCS} "explicit wildcard subzone overlap"`,
    spec: fromLocalities(['eu/west1/*', 'eu/west1/a']),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.loadBalancer.localityLbSetting.distribute'",
  },
  {
    // Istio lists this name twice with the same input; the second is mirrored with a region-level pair.
    mirrors: `${LOCS} "implicit wildcard subzone overlap"`,
    spec: fromLocalities(['us/east2', 'us/east2/b']),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.loadBalancer.localityLbSetting.distribute'",
  },
  { mirrors: `${LOCS} "valid localities"`, spec: fromLocalities(['eu/*', 'us/*', 'ap/tokyo/a', 'sa/rio', 'af/cpt/*']), verdict: 'accept' },

  // Test_validateExportTo (the cases that are not ServiceEntry-only), in namespace ns5
  { mirrors: `${EXP} "empty exportTo is okay"`, spec: exportTo(undefined), namespace: 'ns5', verdict: 'accept' },
  { mirrors: `${EXP} "* is allowed"`, spec: exportTo(['*']), namespace: 'ns5', verdict: 'accept' },
  { mirrors: `${EXP} ". and ns1 are allowed"`, spec: exportTo(['.', 'payments']), namespace: 'ns5', verdict: 'accept' },
  { mirrors: `${EXP} "bunch of namespaces in exportTo is okay"`, spec: exportTo(['payments', 'orders', 'ns5']), namespace: 'ns5', verdict: 'accept' },
  { mirrors: `${EXP} "~ not allowed for non service entry configs"`, spec: exportTo(['~', 'payments']), namespace: 'ns5', verdict: 'refuse', field: "'spec.exportTo'" },
  { mirrors: `${EXP} ". and * together are not allowed"`, spec: exportTo(['*', '.']), namespace: 'ns5', verdict: 'refuse', field: "'spec.exportTo'" },
  { mirrors: `${EXP} "* and ns1 together are not allowed"`, spec: exportTo(['orders', '*']), namespace: 'ns5', verdict: 'refuse', field: "'spec.exportTo'" },
  { mirrors: `${EXP} ". and same namespace in exportTo is not okay"`, spec: exportTo(['ns5', '.']), namespace: 'ns5', verdict: 'refuse', field: "'spec.exportTo'" },
  {
    mirrors: `${EXP} "duplicate namespaces in exportTo is not okay"`,
    spec: exportTo(['orders', 'payments', 'orders']),
    namespace: 'ns5',
    verdict: 'refuse',
    field: "'spec.exportTo'",
  },
  { mirrors: `${EXP} "invalid namespace names are not okay"`, spec: exportTo(['Orders.v2']), namespace: 'ns5', verdict: 'refuse', field: "'spec.exportTo'" },
  {
    mirrors: `${EXP} "destination rule with workloadselector cannot have exportTo (*)"`,
    spec: exportTo(['*'], true),
    namespace: 'ns5',
    verdict: 'refuse',
    field: "'spec.exportTo'",
  },
  { mirrors: `${EXP} "destination rule with workloadselector can have only exportTo (.)"`, spec: exportTo(['.'], true), namespace: 'ns5', verdict: 'accept' },
  {
    mirrors: `${EXP} "destination rule with workloadselector cannot have another ns in exportTo (.)"`,
    spec: exportTo(['orders'], true),
    namespace: 'ns5',
    verdict: 'refuse',
    field: "'spec.exportTo'",
  },
  {
    mirrors: `${EXP} "destination rule with workloadselector cannot have another ns in addition to own ns in exportTo (.)"`,
    spec: exportTo(['.', 'orders'], true),
    namespace: 'ns5',
    verdict: 'refuse',
    field: "'spec.exportTo'",
  },

  // agent TestValidateWildcardDomain, through the rule's host
  { mirrors: `${WD} "empty"`, spec: { host: '' }, verdict: 'refuse', field: "'spec.host'" },
  { mirrors: `${WD} "too long"`, spec: { host: `${'a'.repeat(62)}.`.repeat(4) + 'info' /* 256 characters */ }, verdict: 'refuse', field: "'spec.host'" },
  { mirrors: `${WD} "happy"`, spec: { host: 'r'.repeat(63) }, verdict: 'accept' },
  { mirrors: `${WD} "wildcard"`, spec: { host: '*' }, verdict: 'accept' },
  { mirrors: `${WD} "wildcard multi-segment"`, spec: { host: '*.shop.example.org' }, verdict: 'accept' },
  { mirrors: `${WD} "wildcard single segment"`, spec: { host: '*ratings' }, verdict: 'accept' },
  { mirrors: `${WD} "wildcard prefix"`, spec: { host: '*ratings.shop.example.org' }, verdict: 'accept' },
  { mirrors: `${WD} "wildcard prefix dash"`, spec: { host: '*-ratings.shop.example.org' }, verdict: 'accept' },
  { mirrors: `${WD} "bad wildcard" (wildcard in a later label)`, spec: { host: 'ratings.*.example.org' }, verdict: 'refuse', field: "'spec.host'" },
  { mirrors: `${WD} "bad wildcard" (wildcard at the end of the first label)`, spec: { host: 'ratings*.example.org' }, verdict: 'refuse', field: "'spec.host'" },
  { mirrors: `${WD} "IP address"`, spec: { host: '10.20.30.40' }, verdict: 'refuse', field: "'spec.host'" },

  // agent TestValidateDuration, through a connect timeout
  { mirrors: `${DUR} {Seconds: 1}`, spec: pool({ tcp: { connectTimeout: '4s' } }), verdict: 'accept' },
  {
    mirrors: `${DUR} {Seconds: 1, Nanos: -1}`,
    spec: pool({ tcp: { connectTimeout: '3.999999999s' } }),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.connectionPool.tcp.connectTimeout'",
  },
  {
    mirrors: `${DUR} {Seconds: -11, Nanos: -1}`,
    spec: pool({ tcp: { connectTimeout: '-7.000000001s' } }),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.connectionPool.tcp.connectTimeout'",
  },
  { mirrors: `${DUR} {Nanos: 1}`, spec: pool({ tcp: { connectTimeout: '5ns' } }), verdict: 'refuse', field: "'spec.trafficPolicy.connectionPool.tcp.connectTimeout'" },
  {
    mirrors: `${DUR} {Seconds: 1, Nanos: 1}`,
    spec: pool({ tcp: { connectTimeout: '4.000000005s' } }),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.connectionPool.tcp.connectTimeout'",
  },
];

/** Whole objects, as in testdata/crds/destinationrule-*.yaml: CRD schema, CEL and webhook together. */
const manifest = (warmup: any): any => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'DestinationRule',
  metadata: { name: 'checkout-warmup', namespace: NAMESPACE },
  spec: { host: 'checkout.shop.svc.cluster.local', trafficPolicy: { loadBalancer: { warmup } } },
});
const CRD = 'testdata/crds';
const objectCases: WebhookCase[] = [
  {
    mirrors: `${CRD}/destinationrule-invalid.yaml #1 (warmup.minimumPercent)`,
    spec: manifest({ duration: '120s', minimumPercent: 101.5 }),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.loadBalancer.warmup.minimumPercent'",
  },
  {
    mirrors: `${CRD}/destinationrule-invalid.yaml #2 (warmup.duration)`,
    spec: manifest({ minimumPercent: 20 }),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.loadBalancer.warmup.duration'",
  },
  {
    mirrors: `${CRD}/destinationrule-invalid.yaml #3 (warmup.aggression)`,
    spec: manifest({ duration: '120s', aggression: -2.5 }),
    verdict: 'refuse',
    field: "'spec.trafficPolicy.loadBalancer.warmup.aggression'",
  },
  { mirrors: `${CRD}/destinationrule-valid.yaml #1`, spec: manifest({ duration: '120s' }), verdict: 'accept' },
  { mirrors: `${CRD}/destinationrule-valid.yaml #2`, spec: manifest({ duration: '120s', minimumPercent: 20 }), verdict: 'accept' },
  { mirrors: `${CRD}/destinationrule-valid.yaml #3`, spec: manifest({ duration: '120s', minimumPercent: 20, aggression: 2.5 }), verdict: 'accept' },
];

function expectVerdict(findings: Findings, c: WebhookCase): void {
  expect({ verdict: verdictOf(findings), messages: findings.messages }).toMatchObject({ verdict: c.verdict });
  if (c.verdict === 'refuse') {
    const errors = findings.all.filter((f) => f.severity === AnalysisLevel.ERROR).map((f) => f.message);
    expect(errors.join('\n')).toContain(c.field);
  }
}

describe('DestinationRule: the verdict of Istio 1.30.3\'s webhook', () => {
  test.each(cases.map((c) => [c.mirrors, c] as const))('%s', (_name, c) => {
    expectVerdict(validateDestinationRuleSpec(c.spec, c.namespace ?? NAMESPACE), c);
  });

  test.each(objectCases.map((c) => [c.mirrors, c] as const))('%s', (_name, c) => {
    expectVerdict(admissionFindings(c.spec, (m) => validateDestinationRuleSpec(m.spec, m.metadata?.namespace)), c);
  });

  test('never throws on values of the wrong type', () => {
    const odd = [
      'x', 7, [], { host: 7 }, { host: 'a', subsets: 'x' }, { host: 'a', subsets: [7, { name: 3, labels: 'x' }] }, { host: 'a', exportTo: 'x' },
      { host: 'a', trafficPolicy: 'x' }, { host: 'a', trafficPolicy: { connectionPool: { tcp: 'x', http: [] } } },
      { host: 'a', trafficPolicy: { loadBalancer: { localityLbSetting: { distribute: [null, { to: 'x' }], failover: [null, 7] } } } },
      { host: 'a', trafficPolicy: { loadBalancer: { consistentHash: { httpCookie: { name: 'c', attributes: [null, 'x'] }, maglev: { tableSize: 'x' } } } } },
      { host: 'a', trafficPolicy: { portLevelSettings: [null, 'x', { port: 'x', tls: 'x' }] } }, { host: 'a', trafficPolicy: { tunnel: 'x', tls: { credentialName: 4 } } },
      { host: 'a', workloadSelector: { matchLabels: 'x' } }, { host: 'a', trafficPolicy: { outlierDetection: { interval: 5, maxEjectionPercent: 'x' } } },
    ];
    for (const spec of odd) expect(() => validateDestinationRuleSpec(spec, NAMESPACE)).not.toThrow();
    expect(verdictOf(validateDestinationRuleSpec({ host: 'a', trafficPolicy: { tunnel: 'x' } }))).toBe('refuse');
  });

  test('mirrors every case of the DestinationRule tests', () => {
    const count = (prefix: string): number => cases.filter((c) => c.mirrors.startsWith(`${prefix} `)).length;
    expect([DR, TP, CP, LB, OD, TLS, LOC, LOCS, EXP, WD, DUR].map((p) => [p, count(p)])).toEqual([
      [DR, 25], [TP, 7], [CP, 14], [LB, 7], [OD, 8], [TLS, 12], [LOC, 13], [LOCS, 9], [EXP, 14], [WD, 11], [DUR, 5],
    ]);
    expect(objectCases).toHaveLength(6);
    expect(cases.length + objectCases.length).toBe(131);
  });
});
