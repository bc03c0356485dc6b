import { checkPort } from './common';
import { Findings } from './findings';
import { isDns1123Label, isIpAddress, isPort } from './names';
import { asList, asRecord, isRecord } from './shape';
import { checkConnectionPool } from './traffic-policy';

// Sidecar port and ingress listener rules (Istio's ValidateSidecar and its ingress/port helpers).

/** Protocols Istio parses on Sidecar ports (case-insensitive); an empty protocol means sniffing. */
const SIDECAR_PROTOCOLS = ['HTTP', 'HTTPS', 'HTTP2', 'HTTP_PROXY', 'GRPC', 'GRPC-WEB', 'TLS', 'MONGO', 'REDIS', 'MYSQL', 'TCP', 'UDP'];
const HTTP_PROTOCOLS = ['HTTP', 'HTTP2', 'HTTP_PROXY', 'GRPC', 'GRPC-WEB'];
const TLS_PROTOCOLS = ['HTTPS', 'TLS'];
const LOOPBACK_OR_ANY = ['', '127.0.0.1', '0.0.0.0', '::1', '::'];
const OLD_TLS = ['TLSV1_0', 'TLSV1_1'];
export const UNIX_PREFIX = 'unix://';

/** The upper-case protocol of a Sidecar port, or '' when unset. */
export function protocolOf(port: Record<string, any>): string {
  return typeof port.protocol === 'string' ? port.protocol.toUpperCase() : '';
}

/** Why the path after `unix://` is not a usable socket address, or undefined. */
export function unixAddressProblem(path: string): string | undefined {
  if (path === '') return 'must give a socket path after unix://';
  if (path.startsWith('@')) return undefined;
  if (!path.startsWith('/') || path.endsWith('/')) return 'must be an absolute path to a socket file (or @name for an abstract socket) after unix://';
  return undefined;
}

/** The name, protocol and targetPort of a Sidecar port (ingress or egress). */
export function checkSidecarPortFields(f: Findings, field: string, port: Record<string, any>): void {
  if (typeof port.targetPort === 'number' && port.targetPort > 0) {
    f.error(`${field}.targetPort`, port.targetPort, 'has no effect on Sidecars', 'remove targetPort');
  }
  const name = port.name;
  if (name !== undefined && name !== '' && (typeof name !== 'string' || !isDns1123Label(name))) {
    f.error(`${field}.name`, name, 'must be a DNS-1123 label (at most 63 letters, digits and "-")', 'rename the port, e.g. "http-8080"');
  }
  const protocol = port.protocol;
  if (protocol !== undefined && protocol !== '' && !SIDECAR_PROTOCOLS.includes(protocolOf(port))) {
    f.error(`${field}.protocol`, protocol, `must be one of ${SIDECAR_PROTOCOLS.join(', ')} (or unset, to detect it)`, 'use the Protocol enum');
  }
}

/** Why a defaultEndpoint is unusable, or undefined: `127.0.0.1:<port>`, `0.0.0.0:<port>`, `[::1]:<port>`, `[::]:<port>` or unix://. */
function defaultEndpointProblem(endpoint: string): string | undefined {
  if (endpoint.startsWith(UNIX_PREFIX)) return unixAddressProblem(endpoint.slice(UNIX_PREFIX.length));
  let host: string;
  let port: string;
  if (endpoint.startsWith('[')) {
    const close = endpoint.indexOf(']');
    if (close < 0 || endpoint[close + 1] !== ':') return 'must be <address>:<port>, with an IPv6 address in brackets';
    host = endpoint.slice(1, close);
    port = endpoint.slice(close + 2);
  } else {
    const colon = endpoint.lastIndexOf(':');
    if (colon < 0) return 'must be <address>:<port> (the port is missing)';
    host = endpoint.slice(0, colon);
    port = endpoint.slice(colon + 1);
    if (host.includes(':')) return 'must be <address>:<port>, with an IPv6 address in brackets';
  }
  if (!LOOPBACK_OR_ANY.includes(host)) return 'must use the address 127.0.0.1, 0.0.0.0, [::1] or [::] (the workload itself), or a unix:// path';
  if (!/^[+-]?[0-9]+$/.test(port)) return `must end in a port number (${JSON.stringify(port)} is not a number)`;
  if (!isPort(Number(port))) return `must end in a port number from 1 to 65535 (not ${port})`;
  return undefined;
}

/** The server TLS settings of an ingress listener: a Sidecar terminates TLS with files only. */
function checkIngressTls(f: Findings, field: string, tls: Record<string, any>, protocol: string): void {
  const unsupported: Array<[string, string]> = [
    ['subjectAltNames', 'remove subjectAltNames (the sidecar does not check client SANs)'],
    ['httpsRedirect', 'remove httpsRedirect (only Gateways redirect)'],
    ['credentialName', 'mount the certificate files and set serverCertificate and privateKey'],
    ['credentialNames', 'mount the certificate files and set serverCertificate and privateKey'],
    ['tlsCertificates', 'set a single serverCertificate and privateKey'],
  ];
  for (const [key, fix] of unsupported) {
    const value = tls[key];
    if (value === undefined || value === null || value === false || value === '' || (Array.isArray(value) && value.length === 0)) continue;
    f.error(`${field}.${key}`, value, 'is not supported on Sidecar ingress listeners', fix);
  }
  const mode = tls.mode ?? 'PASSTHROUGH';
  if (mode === 'ISTIO_MUTUAL' || mode === 'AUTO_PASSTHROUGH') {
    f.error(`${field}.mode`, mode, 'is not allowed on Sidecar ingress listeners', 'use SIMPLE or MUTUAL with certificate files, or drop tls (mesh mTLS needs no settings)');
  }
  if (!TLS_PROTOCOLS.includes(protocol)) {
    f.error(field, tls, `must not be set on a port with protocol ${protocol || 'unset'}`, 'set the port protocol to HTTPS or TLS, or remove tls');
  }
  if (OLD_TLS.includes(tls.minProtocolVersion) && !(Array.isArray(tls.cipherSuites) && tls.cipherSuites.length > 0)) {
    f.warning(`${field}.minProtocolVersion`, tls.minProtocolVersion, 'needs cipherSuites: the default ciphers no longer include ones for TLS below 1.2',
      'use TLSV1_2, or list compatible cipherSuites');
  }
  const files = ['caCrl', 'serverCertificate', 'privateKey', 'caCertificates'].filter((key) => tls[key]);
  if (mode === 'PASSTHROUGH' && files.length > 0) {
    f.warning(`${field}.mode`, mode, `does not terminate TLS, so ${files.join(', ')} are ignored`, 'remove the certificate settings, or use SIMPLE or MUTUAL');
  }
  if (mode === 'SIMPLE' || mode === 'MUTUAL' || mode === 'OPTIONAL_MUTUAL') {
    if (mode !== 'SIMPLE' && !tls.caCertificates) f.error(`${field}.caCertificates`, undefined, `is required for ${mode} TLS`, 'give the CA bundle that signs client certificates');
    if (!tls.serverCertificate) f.error(`${field}.serverCertificate`, undefined, `is required for ${mode} TLS`, 'give the path of the mounted certificate');
    if (!tls.privateKey) f.error(`${field}.privateKey`, undefined, `is required for ${mode} TLS`, 'give the path of the mounted private key');
  }
  if (tls.caCrl && mode === 'SIMPLE') f.error(`${field}.caCrl`, tls.caCrl, 'is not supported with SIMPLE TLS', 'remove caCrl, or use MUTUAL');
}

function checkIngressListener(f: Findings, field: string, listener: Record<string, any>, ports: Set<number>): void {
  const port = listener.port;
  if (port === undefined || port === null) {
    f.error(`${field}.port`, port, 'is required for ingress listeners', 'give the port the workload listens on');
    return;
  }
  if (!asRecord(f, `${field}.port`, port)) return;
  checkSidecarPortFields(f, `${field}.port`, port);
  checkPort(f, `${field}.port.number`, port.number ?? 0);
  const bind = listener.bind;
  if (bind !== undefined && bind !== '' && !(typeof bind === 'string' && isIpAddress(bind))) {
    f.error(`${field}.bind`, bind, 'must be an IP address (unix sockets are only allowed on egress listeners)', 'fix the bind address, or remove it');
  }
  if (ports.has(port.number)) f.error(`${field}.port.number`, port.number, 'must be unique across ingress listeners', 'merge the listeners');
  ports.add(port.number);
  const endpoint = listener.defaultEndpoint;
  if (endpoint !== undefined && endpoint !== '') {
    const problem = typeof endpoint === 'string' ? defaultEndpointProblem(endpoint) : 'must be a string';
    if (problem) f.error(`${field}.defaultEndpoint`, endpoint, problem, 'use e.g. 127.0.0.1:8080, or leave it unset');
  }
  const protocol = protocolOf(port);
  if (asRecord(f, `${field}.tls`, listener.tls)) checkIngressTls(f, `${field}.tls`, listener.tls, protocol);
  const pool = listener.connectionPool;
  checkConnectionPool(f, `${field}.connectionPool`, pool);
  if (isRecord(pool) && pool.http !== undefined && pool.http !== null && !HTTP_PROTOCOLS.includes(protocol)) {
    f.warning(`${field}.connectionPool.http`, pool.http, `only applies to HTTP ports, and this port's protocol is ${protocol || 'unset'}, so only the tcp settings apply`,
      'set the port protocol to an HTTP protocol, or remove the http settings');
  }
}

/** The ingress listeners of a Sidecar. */
export function checkIngressListeners(f: Findings, list: unknown): void {
  const ports = new Set<number>();
  asList(f, 'spec.ingress', list).forEach((listener: unknown, i: number) => {
    const field = `spec.ingress[${i}]`;
    if (listener === null || listener === undefined) {
      f.error(field, listener, 'must not be null', 'remove the empty listener');
      return;
    }
    if (asRecord(f, field, listener)) checkIngressListener(f, field, listener, ports);
  });
}
