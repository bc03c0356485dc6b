import { checkExportTo, checkPort } from './common';
import { Findings } from './findings';
import { fqdnProblem, isDns1123Label, subnetProblem, wildcardDomainProblem } from './names';
import { checkEndpoints, checkLabelMap } from './service-entry-endpoints';
import { asList, isRecord } from './shape';
import { USE_WAYPOINT } from '../private/waypoint-labels';

// Istio 1.30's admission rules for a ServiceEntry (ValidateServiceEntry in
// pkg/config/validation), applied to the spec as written in YAML. Values of the wrong type are
// reported (Istio cannot even decode them), never thrown on.

/** Port protocols Istio knows (protocol.Parse, any case), by their upper-case name. */
const PORT_PROTOCOLS = ['HTTP', 'HTTPS', 'HTTP2', 'GRPC', 'GRPC-WEB', 'TLS', 'MONGO', 'REDIS', 'MYSQL', 'TCP', 'UDP', 'HTTP_PROXY'];
/** Protocols whose requests carry a host name (HTTP authority or TLS SNI). */
const HOST_AWARE_PROTOCOLS = ['HTTP', 'HTTP2', 'HTTP_PROXY', 'GRPC', 'GRPC-WEB', 'HTTPS', 'TLS'];
/** Protocols Istio handles as TCP streams. */
const TCP_PROTOCOLS = ['TCP', 'HTTPS', 'TLS', 'MONGO', 'REDIS', 'MYSQL'];
/** Protocols Envoy's dynamic forward proxy (resolution DYNAMIC_DNS) supports. */
const DYNAMIC_DNS_PROTOCOLS = ['HTTP', 'HTTP2', 'GRPC', 'TLS'];
const RESOLUTIONS = ['NONE', 'STATIC', 'DNS', 'DNS_ROUND_ROBIN', 'DYNAMIC_DNS'];
const LOCATIONS = ['MESH_EXTERNAL', 'MESH_INTERNAL'];
/** Label that opts a ServiceEntry out of IP auto-allocation (on by default in Istio 1.30). */
const AUTOALLOCATE_LABEL = 'networking.istio.io/enable-autoallocate-ip';

/** The protocol as Istio parses it: upper case, '' when unset (sniffed), undefined when unknown. */
function protocolOf(protocol: unknown): string | undefined {
  if (protocol === undefined || protocol === null || protocol === '') return '';
  if (typeof protocol !== 'string') return undefined;
  const upper = protocol.toUpperCase();
  return PORT_PROTOCOLS.includes(upper) ? upper : undefined;
}

/** A port name (ServiceEntry and Sidecar ports): a DNS-1123 label. */
export function checkPortName(f: Findings, field: string, name: unknown): void {
  if (typeof name !== 'string' || !isDns1123Label(name)) {
    f.error(field, name, 'must be a DNS-1123 label: at most 63 letters, digits and "-", starting and ending with a letter or digit',
      'name the port, e.g. "https" or "http-api"');
  }
}

/** A port protocol (ServiceEntry and Sidecar ports): a protocol Istio knows, in any case, or unset. */
export function checkProtocol(f: Findings, field: string, protocol: unknown): void {
  if (protocolOf(protocol) === undefined) {
    f.error(field, protocol, `must be one of ${PORT_PROTOCOLS.join(', ')} (any case), or unset for protocol sniffing`, 'use the Protocol enum');
  }
}

/** The string items of a list, by index; reports the others. */
function textsOf(f: Findings, field: string, items: unknown[], what: string, example: string): Array<[number, string]> {
  const texts: Array<[number, string]> = [];
  items.forEach((item, i) => {
    if (typeof item === 'string') {
      texts.push([i, item]);
    } else if (typeof item === 'object' && item !== null) {
      // `[10.0.0.1, 2001:db8::]`: YAML reads an unquoted item ending in ':' inside [...] as a mapping.
      f.error(`${field}[${i}]`, item, `must be a string (${what}), not a mapping`,
        `quote it, e.g. "${example}": unquoted inside [...], a value ending in ":" (such as an IPv6 address) is read as a mapping`);
    } else {
      f.error(`${field}[${i}]`, item, `must be a string (${what})`, `quote it, e.g. "${example}"`);
    }
  });
  return texts;
}

/** An enum field: its value, the default when unset, or undefined (reported) when unknown. */
function enumOf(f: Findings, field: string, value: unknown, values: string[], unset: string): string | undefined {
  if (value === undefined || value === null) return unset;
  if (typeof value === 'string' && values.includes(value)) return value;
  f.error(field, value, `must be one of ${values.join(', ')}`, 'write one of them, in upper case');
  return undefined;
}

interface PortContext {
  readonly addressCount: number;
  /** Whether Istio gives the ServiceEntry an IP address of its own (no addresses, resolution not NONE, no opt-out label). */
  readonly autoAllocation: boolean;
}

/** spec.ports: returns the names (unnamed = "") and the port objects by index. */
function checkPorts(f: Findings, value: unknown, ctx: PortContext): { names: Set<string>; ports: Array<[number, Record<string, unknown>]> } {
  const names = new Set<string>();
  const numbers = new Set<unknown>();
  const ports: Array<[number, Record<string, unknown>]> = [];
  asList(f, 'spec.ports', value).forEach((port, i) => {
    const field = `spec.ports[${i}]`;
    if (!isRecord(port)) {
      f.error(field, port, port === null ? 'must not be null' : 'must be a port object', 'give number, name and protocol, or remove the entry');
      return;
    }
    ports.push([i, port]);
    const name = typeof port.name === 'string' ? port.name : '';
    if (names.has(name)) f.error(`${field}.name`, port.name, 'must be unique', 'rename the port');
    if (numbers.has(port.number ?? 0)) f.error(`${field}.number`, port.number, 'must be unique', 'remove the duplicate port');
    names.add(name);
    numbers.add(port.number ?? 0);
    if (port.targetPort !== undefined && port.targetPort !== null && port.targetPort !== 0) checkPort(f, `${field}.targetPort`, port.targetPort);
    if (ctx.addressCount === 0 && !ctx.autoAllocation && (port.protocol === undefined || port.protocol === '' || port.protocol === 'TCP')) {
      f.warning(`${field}.protocol`, port.protocol, 'makes the port TCP (or sniffed), which Istio can only route by destination address, '
        + 'but the ServiceEntry has no addresses and gets no auto-allocated one (resolution NONE, or auto-allocation turned off)',
      'add spec.addresses, or declare an HTTP or TLS protocol');
    }
    checkPortName(f, `${field}.name`, port.name);
    checkProtocol(f, `${field}.protocol`, port.protocol);
    checkPort(f, `${field}.number`, port.number ?? 0);
  });
  return { names, ports };
}

/** workloadSelector: labels without empty keys or wildcards; no labels selects everything (warning). */
function checkSelector(f: Findings, selector: unknown, endpointCount: number): void {
  if (selector === undefined || selector === null) return;
  if (!isRecord(selector)) {
    f.error('spec.workloadSelector', selector, 'must be a mapping with labels', 'write workloadSelector: {labels: {app: web}}');
    return;
  }
  if (endpointCount > 0) {
    f.error('spec.workloadSelector', selector, 'must not be combined with endpoints', 'select workloads or list endpoints, not both');
  }
  if (!isRecord(selector.labels) || Object.keys(selector.labels).length === 0) {
    f.warning('spec.workloadSelector.labels', selector.labels, 'is empty, so the selector applies to every workload in the namespace', 'add the labels of the workloads');
  }
  checkLabelMap(f, 'spec.workloadSelector.labels', selector.labels, true);
}

/** Istio's admission rules for a ServiceEntry (networking.istio.io/v1), as emitted YAML; `labels` are the object's metadata labels. */
export function validateServiceEntrySpec(spec: any, namespace?: string, labels?: Record<string, string>): Findings {
  const f = new Findings();
  if (!isRecord(spec)) {
    f.error('spec', spec, spec === undefined || spec === null ? 'is required' : 'must be a mapping', 'give the ServiceEntry fields under spec, at least hosts');
    return f;
  }
  const resolution = enumOf(f, 'spec.resolution', spec.resolution, RESOLUTIONS, 'NONE');
  const location = enumOf(f, 'spec.location', spec.location, LOCATIONS, 'MESH_EXTERNAL');
  const hostItems = asList(f, 'spec.hosts', spec.hosts);
  const hostCount = hostItems.length;
  const hosts = textsOf(f, 'spec.hosts', hostItems, 'a host name', 'api.example.com');
  const addressItems = asList(f, 'spec.addresses', spec.addresses);
  const endpoints = asList(f, 'spec.endpoints', spec.endpoints);
  checkSelector(f, spec.workloadSelector, endpoints.length);

  if (hostCount === 0 && (spec.hosts === undefined || spec.hosts === null || Array.isArray(spec.hosts))) {
    f.error('spec.hosts', spec.hosts ?? [], 'must list at least one host', 'add the external host name');
  }
  for (const [i, host] of hosts) {
    if (host === '*') {
      f.error(`spec.hosts[${i}]`, host, 'must not be "*"', 'name the external hosts');
      continue;
    }
    const problem = wildcardDomainProblem(host);
    if (problem) f.error(`spec.hosts[${i}]`, host, problem, 'fix the host name');
    if (resolution !== 'DYNAMIC_DNS' && host.includes('*') && !host.startsWith('*.')) {
      f.warning(`spec.hosts[${i}]`, host, 'uses a partial wildcard, which Istio does not support outside resolution DYNAMIC_DNS', 'use "*.<domain>"');
    }
  }

  const addresses = textsOf(f, 'spec.addresses', addressItems, 'an IP address or CIDR block', '2001:db8::');
  for (const [i, address] of addresses) {
    const problem = subnetProblem(address);
    if (problem) f.error(`spec.addresses[${i}]`, address, problem, 'fix the address');
  }
  if (addresses.some(([, a]) => a.includes('/')) && resolution !== 'NONE' && resolution !== 'STATIC' && resolution !== undefined) {
    f.error('spec.resolution', resolution, 'must be NONE or STATIC when addresses contain CIDR blocks', 'change the resolution, or list single addresses');
  }

  const optOut = String(labels?.[AUTOALLOCATE_LABEL] ?? '').toLowerCase() === 'false';
  const autoAllocation = resolution !== 'NONE' && !optOut && addressItems.length === 0;
  const { names, ports } = checkPorts(f, spec.ports, { addressCount: addressItems.length, autoAllocation });

  switch (resolution) {
    case 'NONE':
      if (endpoints.length > 0) f.error('spec.endpoints', endpoints.length, 'must be empty for resolution NONE', 'use resolution STATIC or DNS');
      if (spec.workloadSelector !== undefined && spec.workloadSelector !== null) {
        f.warning('spec.workloadSelector', spec.workloadSelector, 'has no effect with resolution NONE, which forwards to the address the caller dialled',
          'use resolution STATIC, or remove the selector');
      }
      break;
    case 'STATIC':
      checkEndpoints(f, endpoints, { resolution, portNames: names, checkPortName });
      break;
    case 'DNS':
    case 'DNS_ROUND_ROBIN':
      checkDnsResolution(f, resolution, hosts, hostCount, endpoints, addressItems.length, ports);
      checkEndpoints(f, endpoints, { resolution, portNames: names, checkPortName });
      break;
    case 'DYNAMIC_DNS':
      checkDynamicDns(f, hosts, addressItems.length, endpoints.length, ports, location, labels);
      break;
    default: // an unknown resolution, reported above
  }

  if (resolution !== 'NONE' && resolution !== undefined && hostCount > 1) {
    const tcp = ports.find(([, p]) => !HOST_AWARE_PROTOCOLS.includes(protocolOf(p.protocol) ?? ''));
    if (tcp) {
      f.error(`spec.ports[${tcp[0]}].protocol`, tcp[1].protocol, `must be HTTP- or TLS-based when a ServiceEntry with resolution ${resolution} `
        + `lists ${hostCount} hosts: plain TCP carries no host name to tell the hosts apart`,
      'give each host its own ServiceEntry, or use resolution NONE');
    }
  }

  const exportTo = asList(f, 'spec.exportTo', spec.exportTo);
  const exportNames = textsOf(f, 'spec.exportTo', exportTo, 'a namespace name', '.');
  if (exportNames.length === exportTo.length) checkExportTo(f, 'spec.exportTo', exportNames.map(([, n]) => n), namespace, true);
  textsOf(f, 'spec.subjectAltNames', asList(f, 'spec.subjectAltNames', spec.subjectAltNames), 'a subject alternative name', 'api.example.com');
  return f;
}

type PortList = Array<[number, Record<string, unknown>]>;

/** Resolution DNS and DNS_ROUND_ROBIN: resolvable hosts, one endpoint at most for round robin. */
function checkDnsResolution(f: Findings, resolution: string, hosts: Array<[number, string]>, hostCount: number,
  endpoints: unknown[], addressCount: number, ports: PortList): void {
  if (endpoints.length === 0) {
    const bad = hosts.find(([, h]) => fqdnProblem(h));
    if (bad) {
      f.error(`spec.hosts[${bad[0]}]`, bad[1], `must be fully qualified (no wildcard) when resolution is ${resolution} without endpoints: it is the name to resolve`,
        'use a full host name, add endpoints, or use resolution DYNAMIC_DNS for wildcard hosts');
    }
  }
  if (resolution === 'DNS_ROUND_ROBIN' && endpoints.length > 1) {
    f.error('spec.endpoints', endpoints.length, 'must hold at most 1 endpoint for resolution DNS_ROUND_ROBIN', 'use resolution DNS');
  }
  if (addressCount > 0 && hostCount > 1 && ports.some(([, p]) => TCP_PROTOCOLS.includes(protocolOf(p.protocol) ?? ''))) {
    f.warning('spec.hosts', hostCount, 'lists several hosts together with addresses and a TCP-based port: TCP traffic is matched by address, '
      + 'so every host gets the same listener', 'give each host its own ServiceEntry');
  }
}

/** Resolution DYNAMIC_DNS (Envoy's dynamic forward proxy): wildcard hosts, no addresses or endpoints, HTTP/TLS ports. */
function checkDynamicDns(f: Findings, hosts: Array<[number, string]>, addressCount: number, endpointCount: number,
  ports: PortList, location: string | undefined, labels: Record<string, string> | undefined): void {
  for (const [i, host] of hosts) {
    if (!host.startsWith('*')) f.error(`spec.hosts[${i}]`, host, 'must be a wildcard host for resolution DYNAMIC_DNS', 'use "*.<domain>", or resolution DNS');
  }
  if (addressCount > 0) {
    f.error('spec.addresses', addressCount, 'must be empty for resolution DYNAMIC_DNS: routes are built from the hosts only', 'remove the addresses');
  }
  if (endpointCount > 0) {
    f.error('spec.endpoints', endpointCount, 'must be empty for resolution DYNAMIC_DNS: the destination is resolved from the request host',
      'remove the endpoints, or use resolution DNS');
  }
  for (const [i, port] of ports) {
    if (!DYNAMIC_DNS_PROTOCOLS.includes(protocolOf(port.protocol) ?? '')) {
      f.error(`spec.ports[${i}].protocol`, port.protocol, `must be one of ${DYNAMIC_DNS_PROTOCOLS.join(', ')} for resolution DYNAMIC_DNS`,
        'use resolution DNS or NONE for other protocols');
    }
  }
  const waypoint = String(labels?.[USE_WAYPOINT] ?? '');
  if (location === 'MESH_INTERNAL' && waypoint !== '' && waypoint.toLowerCase() !== 'none') {
    f.error('spec.location', location, `must be MESH_EXTERNAL for resolution DYNAMIC_DNS when the ServiceEntry uses waypoint "${waypoint}"`,
      `set location MESH_EXTERNAL, or remove the ${USE_WAYPOINT} label`);
  }
}
