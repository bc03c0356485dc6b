import { checkDuration, checkPort } from './common';
import { parseDuration } from './duration';
import { Findings } from './findings';

const NON_NEGATIVE_HTTP = ['http1MaxPendingRequests', 'http2MaxRequests', 'maxRequestsPerConnection', 'maxRetries', 'maxConcurrentStreams'];

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

function checkOutlierDetection(f: Findings, field: string, outlier: any): void {
  if (!outlier) return;
  checkDuration(f, `${field}.baseEjectionTime`, outlier.baseEjectionTime);
  checkDuration(f, `${field}.interval`, outlier.interval);
  if (outlier.consecutiveErrors !== undefined) {
    f.warning(`${field}.consecutiveErrors`, outlier.consecutiveErrors, 'is deprecated', 'use consecutive5xxErrors or consecutiveGatewayErrors');
  }
  if (!outlier.splitExternalLocalOriginErrors && (outlier.consecutiveLocalOriginFailures ?? 0) > 0) {
    f.error(`${field}.consecutiveLocalOriginFailures`, outlier.consecutiveLocalOriginFailures,
      'needs splitExternalLocalOriginErrors: true to take effect', 'set splitExternalLocalOriginErrors, or remove consecutiveLocalOriginFailures');
  }
  checkPercent(f, `${field}.maxEjectionPercent`, outlier.maxEjectionPercent);
  checkPercent(f, `${field}.minHealthPercent`, outlier.minHealthPercent);
  for (const key of ['consecutive5xxErrors', 'consecutiveGatewayErrors', 'consecutiveLocalOriginFailures']) {
    checkNonNegative(f, `${field}.${key}`, outlier[key]);
  }
}

function checkConnectionPool(f: Findings, field: string, pool: any): void {
  if (!pool) return;
  if (!pool.http && !pool.tcp) {
    f.error(field, pool, 'must set http or tcp settings', 'add limits, or remove the connection pool');
  }
  const http = pool.http;
  if (http) {
    for (const key of NON_NEGATIVE_HTTP) checkNonNegative(f, `${field}.http.${key}`, http[key]);
    checkDuration(f, `${field}.http.idleTimeout`, http.idleTimeout);
    if (http.h2UpgradePolicy === 'UPGRADE' && http.useClientProtocol) {
      f.error(`${field}.http.useClientProtocol`, true, 'must not be true when h2UpgradePolicy is UPGRADE', 'drop one of the two settings');
    }
  }
  const tcp = pool.tcp;
  if (tcp) {
    checkNonNegative(f, `${field}.tcp.maxConnections`, tcp.maxConnections);
    checkDuration(f, `${field}.tcp.connectTimeout`, tcp.connectTimeout);
    checkDuration(f, `${field}.tcp.maxConnectionDuration`, tcp.maxConnectionDuration);
    // An idle timeout of 0s disables the timeout.
    if (tcp.idleTimeout !== undefined && parseDuration(tcp.idleTimeout) !== 0) checkDuration(f, `${field}.tcp.idleTimeout`, tcp.idleTimeout);
    checkDuration(f, `${field}.tcp.tcpKeepalive.time`, tcp.tcpKeepalive?.time);
    checkDuration(f, `${field}.tcp.tcpKeepalive.interval`, tcp.tcpKeepalive?.interval);
  }
}

function isPrime(x: number): boolean {
  if (x !== 0 && x < 4) return true;
  if (x % 2 === 0) return false;
  for (let factor = 3; factor * factor <= x; factor += 2) {
    if (x % factor === 0) return false;
  }
  return true;
}

function checkLocality(f: Findings, field: string, locality: any, outlier: any): void {
  if (!locality) return;
  const distribute: any[] = locality.distribute ?? [];
  const failover: any[] = locality.failover ?? [];
  if (distribute.length > 0 && failover.length > 0) {
    f.error(field, 'distribute + failover', 'must not set both distribute and failover', 'keep one of them');
    return;
  }
  distribute.forEach((d, i) => {
    const weights = Object.values<number>(d?.to ?? {});
    if (weights.some((w) => !Number.isInteger(w) || w < 1 || w > 100)) {
      f.error(`${field}.distribute[${i}].to`, d.to, 'must give every locality a weight from 1 to 100', 'fix the weights');
    } else {
      const total = weights.reduce((a, b) => a + b, 0);
      if (total !== 100) f.error(`${field}.distribute[${i}].to`, d.to, `must have weights that total exactly 100 (they total ${total})`, 'adjust the weights');
    }
  });
  if ((failover.length > 0 || (locality.failoverPriority ?? []).length > 0) && !outlier) {
    f.warning(`${field}.failover`, failover, 'has no effect without outlier detection', 'add outlierDetection to the same traffic policy');
  }
  failover.forEach((fo, i) => {
    if (fo.from === fo.to) f.error(`${field}.failover[${i}]`, fo, 'must fail over to a different region', 'fix from/to');
    if (`${fo.from}${fo.to}`.includes('/')) f.error(`${field}.failover[${i}]`, fo, 'must name regions only (no zone after "/")', 'use region names');
    if (`${fo.from}${fo.to}`.includes('*')) f.error(`${field}.failover[${i}]`, fo, 'must not use "*" wildcards', 'use region names');
  });
}

function checkLoadBalancer(f: Findings, field: string, lb: any, outlier: any): void {
  if (!lb) return;
  const hash = lb.consistentHash;
  if (hash) {
    const cookie = hash.httpCookie;
    if (cookie && !cookie.name) f.error(`${field}.consistentHash.httpCookie.name`, cookie.name, 'is required', 'name the cookie');
    const attributeNames = new Set<string>();
    for (const attribute of cookie?.attributes ?? []) {
      if (!attribute.name) f.error(`${field}.consistentHash.httpCookie.attributes`, attribute, 'must have a name', 'name the attribute');
      else if (attributeNames.has(attribute.name)) f.error(`${field}.consistentHash.httpCookie.attributes`, attribute.name, 'must be unique', 'remove the duplicate');
      attributeNames.add(attribute.name);
    }
    if (hash.minimumRingSize !== undefined) {
      f.warning(`${field}.consistentHash.minimumRingSize`, hash.minimumRingSize, 'is deprecated', 'use ringHash.minimumRingSize');
      if (hash.ringHash || hash.maglev) {
        f.error(`${field}.consistentHash.minimumRingSize`, hash.minimumRingSize, 'must not be combined with ringHash or maglev', 'use ringHash.minimumRingSize');
      }
    }
    if (hash.maglev) {
      const size = hash.maglev.tableSize;
      if (!size) f.error(`${field}.consistentHash.maglev.tableSize`, size, 'is required', 'use a prime such as 65537');
      else if (size >= 5000011) f.error(`${field}.consistentHash.maglev.tableSize`, size, 'must be less than 5000011', 'use a smaller prime such as 65537');
      else if (!isPrime(size)) f.error(`${field}.consistentHash.maglev.tableSize`, size, 'must be a prime number', 'use a prime such as 65537');
    }
  }
  checkLocality(f, `${field}.localityLbSetting`, lb.localityLbSetting, outlier);
  const warmup = lb.warmup;
  if (warmup) {
    if (warmup.duration === undefined) f.error(`${field}.warmup.duration`, undefined, 'is required', 'give the warm-up duration');
    checkDuration(f, `${field}.warmup.duration`, warmup.duration);
    if ((warmup.minimumPercent ?? 0) > 100) f.error(`${field}.warmup.minimumPercent`, warmup.minimumPercent, 'must be at most 100', 'lower it');
    if (warmup.aggression !== undefined && warmup.aggression < 1) f.error(`${field}.warmup.aggression`, warmup.aggression, 'must be at least 1', 'raise it');
  }
}

/** Client-side TLS settings (ClientTLSSettings), as Istio's agent.ValidateTLS checks them. */
function checkClientTls(f: Findings, field: string, tls: any): void {
  if (!tls) return;
  const mode = tls.mode;
  if (tls.insecureSkipVerify) {
    if (mode === 'SIMPLE' && (tls.caCertificates || tls.credentialName || tls.subjectAltNames)) {
      f.error(`${field}.insecureSkipVerify`, true, 'must not be combined with caCertificates, credentialName or subjectAltNames', 'verify the server, or skip verification, not both');
    }
    if (mode === 'MUTUAL' && (tls.caCertificates || tls.subjectAltNames)) {
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

function checkPolicyParts(f: Findings, field: string, policy: any): void {
  checkOutlierDetection(f, `${field}.outlierDetection`, policy.outlierDetection);
  checkConnectionPool(f, `${field}.connectionPool`, policy.connectionPool);
  checkLoadBalancer(f, `${field}.loadBalancer`, policy.loadBalancer, policy.outlierDetection);
  checkClientTls(f, `${field}.tls`, policy.tls);
}

/** A DestinationRule trafficPolicy (top level or per subset). */
export function checkTrafficPolicy(f: Findings, field: string, policy: any): void {
  if (!policy) return;
  if (Object.keys(policy).length === 0) {
    f.error(field, policy, 'must set at least one field', 'set a policy, or remove trafficPolicy');
    return;
  }
  if (policy.tunnel && policy.proxyProtocol) {
    f.error(field, 'tunnel + proxyProtocol', 'must not set both tunnel and proxyProtocol', 'keep one of them');
  }
  checkPolicyParts(f, field, policy);
  (policy.portLevelSettings ?? []).forEach((settings: any, i: number) => {
    const pfield = `${field}.portLevelSettings[${i}]`;
    if (!settings?.port) f.error(`${pfield}.port`, undefined, 'is required', 'give the port number the settings apply to');
    else checkPort(f, `${pfield}.port.number`, settings.port.number);
    if (!settings?.outlierDetection && !settings?.connectionPool && !settings?.loadBalancer && !settings?.tls) {
      f.error(pfield, settings, 'must set at least one of outlierDetection, connectionPool, loadBalancer or tls', 'add a setting, or remove the entry');
    } else {
      checkPolicyParts(f, pfield, settings);
    }
  });
}
