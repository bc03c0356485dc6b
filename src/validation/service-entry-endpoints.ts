import { checkPort } from './common';
import { Findings } from './findings';
import { fqdnProblem, isIpAddress, labelKeyProblem, labelValueProblem } from './names';
import { asRecord, isRecord } from './shape';

// ServiceEntry endpoints (WorkloadEntry objects inside spec.endpoints) and label maps, as Istio
// 1.30's webhook checks them (validateWorkloadEntry for STATIC, the DNS branch of
// ValidateServiceEntry). Every helper takes the raw YAML value and reports wrong types.

const UNIX_PREFIX = 'unix://';

/** The entries of a YAML mapping field; reports a value that is not a mapping. Unset or null is empty. */
function entriesOf(f: Findings, field: string, value: unknown): Array<[string, unknown]> {
  return asRecord(f, field, value) ? Object.entries(value) : [];
}

/**
 * Istio's label value rule (labels.Instance.Validate): the Kubernetes label syntax, but without
 * its 63-character limit, which Istio does not apply to the labels it reads from its own objects.
 */
function istioLabelValueProblem(value: string): string | undefined {
  if (value.length <= 63) return labelValueProblem(value);
  return /^[A-Za-z0-9][-A-Za-z0-9_.]*[A-Za-z0-9]$/.test(value) ? undefined
    : 'must be letters, digits, "-", "_" or ".", starting and ending with a letter or digit';
}

/**
 * Label keys and values of a selector or an endpoint. With `selector`, a key or value that no
 * Kubernetes or Istio object can carry is refused although Istio accepts it: it can never match.
 */
export function checkLabelMap(f: Findings, field: string, labels: unknown, selector: boolean): void {
  const why = selector ? ', so the selector can never match a pod or WorkloadEntry' : '';
  for (const [key, value] of entriesOf(f, field, labels)) {
    if (typeof value !== 'string') {
      f.error(`${field}.${key}`, value, 'must be a string', `quote it, e.g. ${key}: "${String(value)}"`);
      continue;
    }
    if (selector && key === '') {
      f.error(field, `=${value}`, 'must not have an empty key', 'name the label');
    } else if (selector && (key.includes('*') || value.includes('*'))) {
      f.error(field, `${key}=${value}`, 'must not contain wildcards', 'select workloads by exact label values');
    } else {
      const keyProblem = labelKeyProblem(key);
      if (keyProblem) f.error(field, key, `label key ${keyProblem}${why}`, 'use a valid Kubernetes label key');
      const valueProblem = istioLabelValueProblem(value);
      if (valueProblem) f.error(`${field}.${key}`, value, `${valueProblem}${why}`, 'use a valid label value');
    }
  }
}

/** Why a unix domain socket path (after `unix://`) is unusable, or undefined (ValidateUnixAddress). */
function unixPathProblem(socket: string): string | undefined {
  if (socket === '') return 'must name a socket after unix://';
  if (socket.startsWith('@')) return undefined; // an abstract socket
  if (!socket.startsWith('/') || socket.endsWith('/')) return 'must be an absolute path to a socket file, e.g. unix:///var/run/app.sock';
  return undefined;
}

/** What the endpoint rules need to know about the ServiceEntry. */
export interface EndpointContext {
  /** `STATIC`, `DNS` or `DNS_ROUND_ROBIN`. */
  readonly resolution: string;
  /** Names of the ServiceEntry's ports (an unnamed port counts as ""). */
  readonly portNames: Set<string>;
  /** Checks a port name (DNS-1123 label). */
  readonly checkPortName: (f: Findings, field: string, name: unknown) => void;
}

function checkEndpointPorts(f: Findings, field: string, ports: unknown, ctx: EndpointContext): void {
  for (const [name, number] of entriesOf(f, `${field}.ports`, ports)) {
    if (!ctx.portNames.has(name)) {
      f.error(`${field}.ports`, name, 'must name a port of the ServiceEntry (spec.ports[].name)', `add a port named ${name}, or fix the name`);
    }
    ctx.checkPortName(f, `${field}.ports`, name);
    checkPort(f, `${field}.ports.${name}`, number ?? 0);
  }
}

/** The address of an endpoint as Istio reads it ("" when unset); reports a value that is not a string. */
function addressOf(f: Findings, field: string, endpoint: Record<string, unknown>): string | undefined {
  const address = endpoint.address;
  if (address === undefined || address === null) return '';
  if (typeof address === 'string') return address;
  f.error(`${field}.address`, address, 'must be a string (an IP address, host name or unix:// path)', 'quote the address in the YAML');
  return undefined;
}

/** An endpoint of a STATIC ServiceEntry: an IP address or a unix domain socket. */
function checkStaticEndpoint(f: Findings, field: string, endpoint: Record<string, unknown>, ctx: EndpointContext): void {
  const address = addressOf(f, field, endpoint);
  if (address === '') {
    if (!endpoint.network) {
      f.error(`${field}.address`, endpoint.address, 'is required', 'give the endpoint IP address');
      return;
    }
    f.warning(`${field}.address`, endpoint.address, `is missing: only network "${String(endpoint.network)}" locates the endpoint`,
      'give the address if the endpoint is reachable directly (otherwise traffic goes through that network\'s gateway)');
  }
  const unix = address?.startsWith(UNIX_PREFIX) ?? false;
  if (address && unix) {
    const problem = unixPathProblem(address.slice(UNIX_PREFIX.length));
    if (problem) f.error(`${field}.address`, address, problem, 'fix the socket path');
    if (isRecord(endpoint.ports) && Object.keys(endpoint.ports).length > 0) {
      f.error(`${field}.ports`, endpoint.ports, 'must be empty for a unix domain socket endpoint (a socket has no port)', 'remove the ports');
    }
  } else if (address && !isIpAddress(address)) {
    f.error(`${field}.address`, address, 'must be an IP address or a unix:// path for resolution STATIC',
      fqdnProblem(address) ? 'fix the address' : 'use resolution DNS for host names');
  }
  checkEndpointPorts(f, field, endpoint.ports, ctx);
  checkLabelMap(f, `${field}.labels`, endpoint.labels, false);
  if (unix && ctx.portNames.size !== 1) {
    f.error(`${field}.address`, address, `needs exactly 1 port in spec.ports for a unix domain socket endpoint (there are ${ctx.portNames.size})`,
      'keep one port, or move the other ports to another ServiceEntry');
  }
}

/** An endpoint of a DNS or DNS_ROUND_ROBIN ServiceEntry: an IP address or a fully qualified name. */
function checkDnsEndpoint(f: Findings, field: string, endpoint: Record<string, unknown>, ctx: EndpointContext): void {
  const address = addressOf(f, field, endpoint);
  if (address !== undefined && !isIpAddress(address) && fqdnProblem(address)) {
    const fix = address.startsWith(UNIX_PREFIX) ? 'unix:// endpoints need resolution STATIC'
      : address === '' ? 'give the endpoint address' : 'give a host name such as "eu.api.example.com" (no wildcard, no port)';
    f.error(`${field}.address`, endpoint.address, `must be an IP address or a fully qualified host name for resolution ${ctx.resolution}`, fix);
  }
  checkEndpointPorts(f, field, endpoint.ports, ctx);
  checkLabelMap(f, `${field}.labels`, endpoint.labels, false);
}

/** spec.endpoints for resolution STATIC, DNS and DNS_ROUND_ROBIN. */
export function checkEndpoints(f: Findings, endpoints: unknown[], ctx: EndpointContext): void {
  endpoints.forEach((endpoint, i) => {
    const field = `spec.endpoints[${i}]`;
    if (!isRecord(endpoint)) {
      f.error(field, endpoint, 'must be an endpoint object', 'give at least an address, e.g. {address: 10.0.0.5}');
    } else if (ctx.resolution === 'STATIC') {
      checkStaticEndpoint(f, field, endpoint, ctx);
    } else {
      checkDnsEndpoint(f, field, endpoint, ctx);
    }
  });
}
