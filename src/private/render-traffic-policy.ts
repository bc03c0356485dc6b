import { compact, mapRecord, nonEmpty, renderDuration } from './render';
import { ClientTlsOptions } from '../networking/tls';
import { ConnectionPoolOptions, LoadBalancerOptions, OutlierDetectionOptions, TrafficPolicy } from '../networking/traffic-policy';

function renderLoadBalancer(lb: LoadBalancerOptions | undefined): any {
  if (!lb) return undefined;
  const key = lb.consistentHash?._key;
  const consistentHash = key && compact({
    ...key,
    httpCookie: key.httpCookie && compact({ ...key.httpCookie, ttl: renderDuration(key.httpCookie.ttl) }),
    maglev: lb.hashRing?.maglevTableSize !== undefined ? { tableSize: lb.hashRing.maglevTableSize } : undefined,
    ringHash: lb.hashRing?.minimumRingSize !== undefined ? { minimumRingSize: lb.hashRing.minimumRingSize } : undefined,
  });
  const locality = lb.locality;
  return compact({
    simple: lb.algorithm,
    consistentHash,
    localityLbSetting: locality && compact({
      enabled: locality.enabled,
      distribute: nonEmpty(locality.distribute?.map((d) => ({ from: d.from, to: mapRecord(d.to, (w) => w) }))),
      failover: nonEmpty(locality.failover?.map((f) => ({ from: f.from, to: f.to }))),
      failoverPriority: nonEmpty(locality.failoverPriority),
    }),
    warmup: lb.warmup && compact({
      duration: renderDuration(lb.warmup.duration),
      minimumPercent: lb.warmup.minimumPercent,
      aggression: lb.warmup.aggression,
    }),
  });
}

function renderConnectionPool(pool: ConnectionPoolOptions | undefined): any {
  if (!pool) return undefined;
  const tcp = pool.tcp;
  const http = pool.http;
  // Not compacted: an empty pool must reach validation as `{}` so the message names it.
  return {
    tcp: tcp && compact({
      maxConnections: tcp.maxConnections,
      connectTimeout: renderDuration(tcp.connectTimeout),
      tcpKeepalive: tcp.tcpKeepalive && compact({
        probes: tcp.tcpKeepalive.probes,
        time: renderDuration(tcp.tcpKeepalive.time),
        interval: renderDuration(tcp.tcpKeepalive.interval),
      }),
      maxConnectionDuration: renderDuration(tcp.maxConnectionDuration),
      idleTimeout: renderDuration(tcp.idleTimeout),
    }),
    http: http && compact({
      http1MaxPendingRequests: http.http1MaxPendingRequests,
      http2MaxRequests: http.http2MaxRequests,
      maxRequestsPerConnection: http.maxRequestsPerConnection,
      maxRetries: http.maxRetries,
      idleTimeout: renderDuration(http.idleTimeout),
      h2UpgradePolicy: http.h2UpgradePolicy,
      useClientProtocol: http.useClientProtocol,
      maxConcurrentStreams: http.maxConcurrentStreams,
    }),
  };
}

function renderOutlierDetection(outlier: OutlierDetectionOptions | undefined): any {
  if (!outlier) return undefined;
  // The L1 type spells consecutive5xxErrors as consecutive5XxErrors.
  return compact({
    consecutive5XxErrors: outlier.consecutive5xxErrors,
    consecutiveGatewayErrors: outlier.consecutiveGatewayErrors,
    consecutiveLocalOriginFailures: outlier.consecutiveLocalOriginFailures,
    splitExternalLocalOriginErrors: outlier.splitExternalLocalOriginErrors,
    interval: renderDuration(outlier.interval),
    baseEjectionTime: renderDuration(outlier.baseEjectionTime),
    maxEjectionPercent: outlier.maxEjectionPercent,
    minHealthPercent: outlier.minHealthPercent,
  });
}

function renderClientTls(tls: ClientTlsOptions | undefined): any {
  if (!tls) return undefined;
  return compact({
    mode: tls.mode,
    credentialName: tls.credentialName,
    clientCertificate: tls.clientCertificate,
    privateKey: tls.privateKey,
    caCertificates: tls.caCertificates,
    caCrl: tls.caCrl,
    subjectAltNames: nonEmpty(tls.subjectAltNames),
    sni: tls.sni,
    insecureSkipVerify: tls.insecureSkipVerify,
  });
}

/** Renders a TrafficPolicy in the L1 (TypeScript) shape; the same for top level and subsets. */
export function renderTrafficPolicy(policy: TrafficPolicy | undefined): any {
  if (!policy) return undefined;
  return {
    loadBalancer: renderLoadBalancer(policy.loadBalancer),
    connectionPool: renderConnectionPool(policy.connectionPool),
    outlierDetection: renderOutlierDetection(policy.outlierDetection),
    tls: renderClientTls(policy.tls),
    portLevelSettings: nonEmpty(policy.portLevelSettings?.map((p) => compact({
      port: { number: p.port },
      loadBalancer: renderLoadBalancer(p.loadBalancer),
      connectionPool: renderConnectionPool(p.connectionPool),
      outlierDetection: renderOutlierDetection(p.outlierDetection),
      tls: renderClientTls(p.tls),
    }))),
  };
}
