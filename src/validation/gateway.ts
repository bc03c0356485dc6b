import { checkLabels } from './common';
import { Findings } from './findings';
import { isDns1123Label, isIpAddress, isPort, wildcardDomainProblem } from './names';

/** Server port protocols Istio accepts on a Gateway (matched without regard to case). */
const GATEWAY_PROTOCOLS = ['HTTP', 'HTTPS', 'HTTP2', 'HTTP_PROXY', 'GRPC', 'GRPC-WEB', 'TLS', 'MONGO', 'REDIS', 'MYSQL', 'TCP', 'UDP'];
const TLS_PROTOCOLS = ['HTTPS', 'TLS'];
const HTTP_PROTOCOLS = ['HTTP', 'HTTP2', 'HTTP_PROXY', 'GRPC', 'GRPC-WEB'];
const PASSTHROUGH_MODES = ['PASSTHROUGH', 'AUTO_PASSTHROUGH'];
const UNIX = 'unix://';

/** The cipher suites Envoy accepts by name (BoringSSL names). */
const CIPHER_SUITES = [
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES128-SHA', 'ECDHE-RSA-AES128-SHA', 'ECDHE-ECDSA-AES256-SHA', 'ECDHE-RSA-AES256-SHA',
  'AES128-GCM-SHA256', 'AES256-GCM-SHA384', 'AES128-SHA', 'AES256-SHA', 'DES-CBC3-SHA',
];

/** `host` or `namespace/host` in a Gateway server or Sidecar egress listener. */
export function checkNamespacedHost(f: Findings, field: string, value: string, isGateway: boolean): void {
  const slash = value.indexOf('/');
  const ns = slash < 0 ? undefined : value.slice(0, slash);
  const host = slash < 0 ? value : value.slice(slash + 1);
  if (ns !== undefined) {
    if (ns === '' || host === '') {
      f.error(field, value, 'must have both a namespace and a host around the "/"', 'write "<namespace>/<host>"');
      return;
    }
    const special = isGateway ? ['*', '.'] : ['*', '.', '~'];
    if (!special.includes(ns) && !isDns1123Label(ns)) {
      f.error(field, value, `must start with ${special.map((s) => `"${s}"`).join(', ')} or a namespace name before the "/"`, 'fix the namespace');
    }
  } else if (!isGateway) {
    f.error(field, value, 'must be of the form "<namespace>/<host>"', `write "*/${value}" or "./${value}"`);
    return;
  }
  if (host !== '*' && !host.includes('.')) {
    f.error(field, value, 'must be a fully qualified name, not a short name', `write e.g. "${host}.example.com"`);
  }
  const problem = wildcardDomainProblem(host);
  if (problem && !(isGateway && isIpAddress(host))) f.error(field, value, problem, 'fix the host name');
  if (host.includes('*') && host !== '*' && !host.startsWith('*.')) {
    f.error(field, value, 'must not use a partial wildcard (only "*" or "*.<domain>")', 'use "*.<domain>"');
  }
}

function checkServerTls(f: Findings, field: string, tls: any): void {
  const mode = tls.mode ?? 'PASSTHROUGH';
  const credentialNames: string[] = Array.isArray(tls.credentialNames) ? tls.credentialNames : [];
  const certificates: any[] = Array.isArray(tls.tlsCertificates) ? tls.tlsCertificates : [];
  if ((tls.minProtocolVersion === 'TLSV1_0' || tls.minProtocolVersion === 'TLSV1_1') && !(tls.cipherSuites?.length)) {
    f.warning(`${field}.minProtocolVersion`, tls.minProtocolVersion, 'needs cipherSuites: the default ciphers no longer include ones for TLS below 1.2',
      'use TLSV1_2, or list compatible cipherSuites');
  }
  const ciphers = new Set<string>();
  for (const cipher of Array.isArray(tls.cipherSuites) ? tls.cipherSuites : []) {
    // '' and 'ALL' are accepted, and so is anything starting with an operator such as '-' or '+'.
    const operator = typeof cipher === 'string' && !/^[A-Za-z0-9]/.test(cipher);
    if (cipher !== 'ALL' && !operator && !CIPHER_SUITES.includes(cipher)) {
      f.warning(`${field}.cipherSuites`, cipher, 'is not a cipher suite Envoy knows, so it is ignored', 'use the CipherSuite constants');
    } else if (ciphers.has(cipher)) {
      f.warning(`${field}.cipherSuites`, cipher, 'is listed twice', 'remove the duplicate');
    }
    ciphers.add(cipher);
  }
  // Stricter than Istio: Envoy refuses a listener whose minimum TLS version is above its maximum.
  const order = ['TLSV1_0', 'TLSV1_1', 'TLSV1_2', 'TLSV1_3'];
  const min = order.indexOf(tls.minProtocolVersion);
  const max = order.indexOf(tls.maxProtocolVersion);
  if (min >= 0 && max >= 0 && min > max) {
    f.error(`${field}.minProtocolVersion`, tls.minProtocolVersion, `must not be above maxProtocolVersion (${tls.maxProtocolVersion})`, 'raise maxProtocolVersion or lower minProtocolVersion');
  }

  if (mode === 'ISTIO_MUTUAL') {
    for (const key of ['serverCertificate', 'privateKey', 'caCertificates', 'credentialName']) {
      if (tls[key]) f.error(`${field}.${key}`, tls[key], 'must not be set with ISTIO_MUTUAL (Istio provides the certificates)', `remove ${key}`);
    }
    if (certificates.length) f.error(`${field}.tlsCertificates`, certificates.length, 'must not be set with ISTIO_MUTUAL', 'remove tlsCertificates');
    if (credentialNames.length) f.error(`${field}.credentialNames`, credentialNames, 'must not be set with ISTIO_MUTUAL', 'remove credentialNames');
    return;
  }
  if ((mode === 'PASSTHROUGH' || mode === 'AUTO_PASSTHROUGH')
    && (tls.caCrl || tls.serverCertificate || tls.privateKey || tls.caCertificates || certificates.length
      || tls.credentialName || credentialNames.length)) {
    f.warning(`${field}.mode`, mode, 'does not terminate TLS, so the certificates given are ignored', 'remove the certificate settings, or use SIMPLE or MUTUAL');
  }
  const sources = [tls.serverCertificate && tls.privateKey, tls.credentialName, credentialNames.length > 0, certificates.length > 0]
    .filter(Boolean).length;
  if (sources > 1) {
    f.error(field, 'several certificate sources', 'must set only one of credentialName, credentialNames, serverCertificate/privateKey or tlsCertificates', 'keep one certificate source');
  }
  const terminating = mode === 'SIMPLE' || mode === 'MUTUAL' || mode === 'OPTIONAL_MUTUAL';
  // With a credential name the certificates (and the CRL) come from the Secret: nothing else is checked.
  if (terminating && (tls.credentialName || credentialNames.length)) return;
  if (terminating) {
    if ((mode === 'MUTUAL' || mode === 'OPTIONAL_MUTUAL') && !tls.caCertificates) {
      f.error(`${field}.caCertificates`, undefined, `is required for ${mode} TLS without a credentialName`, 'set credentialName (a Secret holding cert, key and cacert), or caCertificates');
    }
    if (certificates.length > 2) f.warning(`${field}.tlsCertificates`, certificates.length, 'can hold at most 2 server certificates', 'remove extra certificates');
    const pairs = certificates.length ? certificates : [{ serverCertificate: tls.serverCertificate, privateKey: tls.privateKey }];
    for (const pair of pairs) {
      if (!pair.serverCertificate || !pair.privateKey) {
        f.error(`${field}.credentialName`, undefined, `is required for ${mode} TLS unless a server certificate and private key are given`,
          'set credentialName to the name of a kubernetes.io/tls Secret in the gateway workload\'s namespace');
        break;
      }
    }
  }
  if (tls.caCrl) {
    if (tls.credentialName) f.error(`${field}.caCrl`, tls.caCrl, 'must not be combined with credentialName', 'put the CRL in the credential Secret');
    if (mode === 'SIMPLE') f.error(`${field}.caCrl`, tls.caCrl, 'is not supported with SIMPLE TLS', 'remove caCrl, or use MUTUAL');
  }
}

function checkServer(f: Findings, field: string, server: any): void {
  const hosts: any[] = Array.isArray(server.hosts) ? server.hosts : [];
  if (hosts.length === 0) f.error(`${field}.hosts`, server.hosts ?? [], 'must list at least one host', 'add the host names this server accepts');
  hosts.forEach((h, i) => checkNamespacedHost(f, `${field}.hosts[${i}]`, String(h), true));
  const port = server.port;
  const bind: string = typeof server.bind === 'string' ? server.bind : '';
  if (!port) {
    f.error(`${field}.port`, port, 'is required', 'give the port number, name and protocol');
    return;
  }
  const before = f.all.length;
  const protocol = String(port.protocol ?? '').toUpperCase();
  if (!GATEWAY_PROTOCOLS.includes(protocol)) {
    f.error(`${field}.port.protocol`, port.protocol, `must be one of ${GATEWAY_PROTOCOLS.join(', ')}`, 'use the Protocol enum');
  }
  const number = port.number ?? 0;
  if (!(number === 0 && bind.startsWith(UNIX)) && !isPort(number)) {
    f.error(`${field}.port.number`, port.number, 'must be a port number from 1 to 65535', 'use the port the gateway listens on');
  }
  if (port.targetPort) f.error(`${field}.port.targetPort`, port.targetPort, 'has no effect on Gateways', 'remove targetPort');
  if (!port.name) f.error(`${field}.port.name`, port.name, 'is required', 'name the port, e.g. "https"');
  const portValid = f.all.length === before;
  if (bind.startsWith(UNIX)) {
    const path = bind.slice(UNIX.length);
    if (!(path.startsWith('@') || (path.startsWith('/') && !path.endsWith('/')))) {
      f.error(`${field}.bind`, bind, 'must be an absolute file path after unix://', 'fix the socket path');
    }
    if (number !== 0) f.error(`${field}.port.number`, port.number, 'must be 0 for a unix domain socket bind', 'set the port number to 0');
  } else if (bind && !isIpAddress(bind)) {
    f.error(`${field}.bind`, bind, 'must be an IP address or unix:// path', 'fix the bind address');
  }
  const tls = server.tls && typeof server.tls === 'object' ? server.tls : undefined;
  if (tls) checkServerTls(f, `${field}.tls`, tls);
  if (tls?.httpsRedirect && !HTTP_PROTOCOLS.includes(protocol)) {
    f.warning(`${field}.tls.httpsRedirect`, true, 'only works on HTTP servers', 'remove httpsRedirect');
  }
  // Istio checks the TLS settings against the protocol only once the port is valid.
  if (!portValid) return;
  if (TLS_PROTOCOLS.includes(protocol) && !tls) {
    f.error(`${field}.tls`, undefined, `is required for ${protocol} servers`, 'add TLS settings (for example mode SIMPLE with a credentialName)');
  } else if (!TLS_PROTOCOLS.includes(protocol) && tls) {
    if (!HTTP_PROTOCOLS.includes(protocol)) {
      f.error(`${field}.tls`, tls, `must not be set on a ${protocol} server`, 'use protocol HTTPS or TLS to terminate TLS');
    } else {
      // A plain-text HTTP server may carry TLS settings that terminate nothing: httpsRedirect, or a passthrough mode
      // without certificate files.
      const terminates = !PASSTHROUGH_MODES.includes(tls.mode ?? 'PASSTHROUGH') || tls.caCertificates || tls.privateKey || tls.serverCertificate;
      if (terminates) {
        f.error(`${field}.tls`, tls, `must not be set on a ${protocol} server (except httpsRedirect)`, 'use protocol HTTPS to terminate TLS');
      }
    }
  }
}

/** Istio's admission rules for a Gateway (networking.istio.io/v1), as emitted YAML. */
export function validateGatewaySpec(spec: any, name?: string): Findings {
  const f = new Findings();
  spec = spec ?? {};
  if (name !== undefined && !isDns1123Label(name)) {
    f.error('metadata.name', name, 'must be a DNS-1123 label (no dots) for a Gateway', 'rename the Gateway');
  }
  const servers: any[] = Array.isArray(spec.servers) ? spec.servers : [];
  if (servers.length === 0) f.error('spec.servers', servers, 'must have at least one server', 'add a server with addServer()');
  const portNames = new Set<string>();
  servers.forEach((server, i) => {
    if (!server) {
      f.error(`spec.servers[${i}]`, server, 'must not be null', 'remove the empty server');
      return;
    }
    checkServer(f, `spec.servers[${i}]`, server);
    const portName = server.port?.name;
    if (portName) {
      if (portNames.has(portName)) f.error(`spec.servers[${i}].port.name`, portName, 'must be unique across servers', 'give each server port its own name');
      portNames.add(portName);
    }
  });
  checkLabels(f, 'spec.selector', spec.selector);
  return f;
}
