import { checkDuration, checkPort } from './common';
import { parseDuration } from './duration';
import { Findings } from './findings';
import { checkLoadBalancer } from './load-balancer';
import { fqdnProblem, isIpAddress, isPort } from './names';
import { asList, asRecord, hasAnyField, isRecord } from './shape';

const NON_NEGATIVE_HTTP = ['http1MaxPendingRequests', 'http2MaxRequests', 'maxRequestsPerConnection', 'maxRetries', 'maxConcurrentStreams'];
const CLIENT_TLS_MODES = ['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL'];
const TUNNEL_PROTOCOLS = ['CONNECT', 'POST'];
// The proxy protocol versions, by name or by their enum number.
const PROXY_PROTOCOL_VERSIONS: unknown[] = ['V1', 'V2', 0, 1];
const CONFIGMAP_URI = 'configmap://';

function checkNonNegative(f: Findings, field: string, value: unknown): void {
  if (value !== undefined && (!Number.isInteger(value) || (value as number) < 0)) {
    f.error(field, value, 'must be a whole number of at least 0', 'give a non-negative count');
  }
}

function checkPercent(f: Findings, field: string, value: unknown): void {
  if (value !== undefined && (typeof value !== 'number' || value < 0 || value > 100)) {
    f.error(field, value, 'must be within 0-100', 'give a percentage between 0 and 100');
  }
}

function checkOutlierDetection(f: Findings, field: string, outlier: unknown): void {
  if (!asRecord(f, field, outlier)) return;
  checkDuration(f, `${field}.baseEjectionTime`, outlier.baseEjectionTime);
  checkDuration(f, `${field}.interval`, outlier.interval);
  if (outlier.consecutiveErrors !== undefined && outlier.consecutiveErrors !== 0) {
    f.warning(`${field}.consecutiveErrors`, outlier.consecutiveErrors, 'is deprecated', 'use consecutive5xxErrors or consecutiveGatewayErrors');
  }
  const localOrigin = outlier.consecutiveLocalOriginFailures;
  if (!outlier.splitExternalLocalOriginErrors && typeof localOrigin === 'number' && localOrigin > 0) {
    f.error(`${field}.consecutiveLocalOriginFailures`, localOrigin,
      'needs splitExternalLocalOriginErrors: true to take effect', 'set splitExternalLocalOriginErrors, or remove consecutiveLocalOriginFailures');
  }
  checkPercent(f, `${field}.maxEjectionPercent`, outlier.maxEjectionPercent);
  checkPercent(f, `${field}.minHealthPercent`, outlier.minHealthPercent);
  for (const key of ['consecutive5xxErrors', 'consecutiveGatewayErrors', 'consecutiveLocalOriginFailures']) {
    checkNonNegative(f, `${field}.${key}`, outlier[key]);
  }
}

/** A connectionPool block (DestinationRule policies, Sidecar inboundConnectionPool and ingress listeners). */
export function checkConnectionPool(f: Findings, field: string, pool: unknown): void {
  if (!asRecord(f, field, pool)) return;
  const http = pool.http;
  const tcp = pool.tcp;
  if ((http === undefined || http === null) && (tcp === undefined || tcp === null)) {
    f.error(field, pool, 'must set http or tcp settings', 'add limits, or remove the connection pool');
    return;
  }
  if (asRecord(f, `${field}.http`, http)) {
    for (const key of NON_NEGATIVE_HTTP) checkNonNegative(f, `${field}.http.${key}`, http[key]);
    checkDuration(f, `${field}.http.idleTimeout`, http.idleTimeout);
    if (http.h2UpgradePolicy === 'UPGRADE' && http.useClientProtocol === true) {
      f.error(`${field}.http.useClientProtocol`, true, 'must not be true when h2UpgradePolicy is UPGRADE', 'drop one of the two settings');
    }
  }
  if (asRecord(f, `${field}.tcp`, tcp)) {
    checkNonNegative(f, `${field}.tcp.maxConnections`, tcp.maxConnections);
    checkDuration(f, `${field}.tcp.connectTimeout`, tcp.connectTimeout);
    checkDuration(f, `${field}.tcp.maxConnectionDuration`, tcp.maxConnectionDuration);
    // An idle timeout of 0s disables the timeout.
    if (tcp.idleTimeout !== undefined && parseDuration(tcp.idleTimeout) !== 0) checkDuration(f, `${field}.tcp.idleTimeout`, tcp.idleTimeout);
    if (isRecord(tcp.tcpKeepalive)) {
      checkDuration(f, `${field}.tcp.tcpKeepalive.time`, tcp.tcpKeepalive.time);
      checkDuration(f, `${field}.tcp.tcpKeepalive.interval`, tcp.tcpKeepalive.interval);
    }
  }
}

/** A `configmap://<namespace>/<name>` credential is read from the config cluster and must live in the rule's namespace. */
function checkConfigMapCredential(f: Findings, field: string, name: string, namespace: string | undefined): void {
  const [ns, object] = name.slice(CONFIGMAP_URI.length).split('/');
  if (!ns || !object) {
    f.error(field, name, 'must be of the form configmap://<namespace>/<name>', 'give the ConfigMap namespace and name');
  } else if (namespace !== undefined && ns !== namespace) {
    f.error(field, name, `must name a ConfigMap in the rule's own namespace (${namespace})`, `use configmap://${namespace}/${object}, or move the ConfigMap`);
  }
}

/** Client-side TLS settings (ClientTLSSettings), as Istio's agent.ValidateTLS checks them. */
function checkClientTls(f: Findings, field: string, tls: unknown, namespace: string | undefined): void {
  if (!asRecord(f, field, tls)) return;
  const mode = tls.mode ?? 'DISABLE';
  if (!CLIENT_TLS_MODES.includes(mode)) {
    f.error(`${field}.mode`, mode, `must be one of ${CLIENT_TLS_MODES.join(', ')}`, 'use the ClientTlsMode enum');
  }
  if (typeof tls.credentialName === 'string' && tls.credentialName.startsWith(CONFIGMAP_URI)) {
    checkConfigMapCredential(f, `${field}.credentialName`, tls.credentialName, namespace);
  }
  const sans = tls.subjectAltNames !== undefined && tls.subjectAltNames !== null;
  if (tls.insecureSkipVerify === true) {
    if (mode === 'SIMPLE' && (tls.caCertificates || tls.credentialName || sans)) {
      f.error(`${field}.insecureSkipVerify`, true, 'must not be combined with caCertificates, credentialName or subjectAltNames',
        'verify the server, or skip verification, not both');
    }
    if (mode === 'MUTUAL' && (tls.caCertificates || sans)) {
      f.error(`${field}.insecureSkipVerify`, true, 'must not be combined with caCertificates or subjectAltNames', 'verify the server, or skip verification, not both');
    }
  }
  if ((mode === 'SIMPLE' || mode === 'MUTUAL') && tls.credentialName) {
    if (tls.clientCertificate || tls.caCertificates || tls.privateKey || tls.caCrl) {
      f.error(`${field}.credentialName`, tls.credentialName, 'must not be combined with clientCertificate, privateKey, caCertificates or caCrl',
        'put the certificates in the credential Secret, or drop credentialName');
    }
    return;
  }
  if (mode === 'MUTUAL') {
    if (!tls.clientCertificate) f.error(`${field}.clientCertificate`, undefined, 'is required for MUTUAL TLS', 'set credentialName, or clientCertificate and privateKey');
    if (!tls.privateKey) f.error(`${field}.privateKey`, undefined, 'is required for MUTUAL TLS', 'set credentialName, or clientCertificate and privateKey');
  }
}

function checkTunnel(f: Findings, field: string, tunnel: unknown): void {
  if (!asRecord(f, field, tunnel)) return;
  if (tunnel.protocol !== undefined && tunnel.protocol !== '' && !TUNNEL_PROTOCOLS.includes(tunnel.protocol)) {
    f.error(`${field}.protocol`, tunnel.protocol, 'must be "CONNECT" or "POST"', 'use CONNECT (the default) or POST');
  }
  const host = tunnel.targetHost;
  if (typeof host !== 'string' || (fqdnProblem(host) !== undefined && !isIpAddress(host))) {
    f.error(`${field}.targetHost`, host, 'must be a fully qualified host name or an IP address', 'give the host the tunnel connects to');
  }
  if (!isPort(tunnel.targetPort)) {
    f.error(`${field}.targetPort`, tunnel.targetPort, 'must be a port number from 1 to 65535', 'give the port the tunnel connects to');
  }
}

function checkProxyProtocol(f: Findings, field: string, proxyProtocol: unknown): void {
  if (!asRecord(f, field, proxyProtocol)) return;
  const version = proxyProtocol.version;
  if (version !== undefined && !PROXY_PROTOCOL_VERSIONS.includes(version)) {
    f.error(`${field}.version`, version, 'must be V1 or V2', 'use V1 (the default) or V2');
  }
}

function checkPolicyParts(f: Findings, field: string, policy: Record<string, any>, namespace: string | undefined): void {
  checkOutlierDetection(f, `${field}.outlierDetection`, policy.outlierDetection);
  checkConnectionPool(f, `${field}.connectionPool`, policy.connectionPool);
  checkLoadBalancer(f, `${field}.loadBalancer`, policy.loadBalancer, policy.outlierDetection);
  checkClientTls(f, `${field}.tls`, policy.tls, namespace);
}

function checkPortLevelSettings(f: Findings, field: string, list: unknown, namespace: string | undefined): void {
  asList(f, field, list).forEach((settings: unknown, i: number) => {
    const pfield = `${field}[${i}]`;
    if (settings === null || settings === undefined) {
      f.error(pfield, settings, 'must not be null', 'remove the empty entry');
      return;
    }
    if (!asRecord(f, pfield, settings)) return;
    if (!settings.port) f.error(`${pfield}.port`, undefined, 'is required', 'give the port number the settings apply to');
    // Istio only requires the port; a number outside 1-65535 can never match a service port.
    else checkPort(f, `${pfield}.port.number`, settings.port.number);
    const parts = ['outlierDetection', 'connectionPool', 'loadBalancer', 'tls'];
    if (parts.every((key) => settings[key] === undefined || settings[key] === null)) {
      f.error(pfield, settings, 'must set at least one of outlierDetection, connectionPool, loadBalancer or tls', 'add a setting, or remove the entry');
    } else {
      checkPolicyParts(f, pfield, settings, namespace);
    }
  });
}

/** A DestinationRule trafficPolicy (top level or per subset); `namespace` is the rule's own, if known. */
export function checkTrafficPolicy(f: Findings, field: string, policy: unknown, namespace?: string): void {
  if (!asRecord(f, field, policy)) return;
  if (!hasAnyField(policy)) {
    f.error(field, policy, 'must set at least one field', 'set a policy, or remove trafficPolicy');
    return;
  }
  const set = (value: unknown): boolean => value !== undefined && value !== null;
  if (set(policy.tunnel) && set(policy.proxyProtocol)) {
    f.error(field, 'tunnel + proxyProtocol', 'must not set both tunnel and proxyProtocol', 'keep one of them');
    return;
  }
  checkPolicyParts(f, field, policy, namespace);
  checkPortLevelSettings(f, `${field}.portLevelSettings`, policy.portLevelSettings, namespace);
  checkTunnel(f, `${field}.tunnel`, policy.tunnel);
  checkProxyProtocol(f, `${field}.proxyProtocol`, policy.proxyProtocol);
}
