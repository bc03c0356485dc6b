import { checkExportTo, checkLabels, checkPort, checkSelectorLabels } from './common';
import { Findings } from './findings';
import { fqdnProblem, isIpAddress, subnetProblem, wildcardDomainProblem } from './names';

/** Port protocols Istio accepts on ServiceEntry and Sidecar ports. */
const PORT_PROTOCOLS = ['HTTP', 'HTTPS', 'HTTP2', 'GRPC', 'GRPC-WEB', 'TLS', 'MONGO', 'REDIS', 'MYSQL', 'TCP', 'UDP'];

export function checkPortName(f: Findings, field: string, name: unknown): void {
  if (typeof name !== 'string' || name === '' || name.length > 253) {
    f.error(field, name, 'must be a non-empty name of at most 253 characters', 'name the port, e.g. "https"');
  }
}

export function checkProtocol(f: Findings, field: string, protocol: unknown): void {
  if (!PORT_PROTOCOLS.includes(String(protocol ?? '').toUpperCase())) {
    f.error(field, protocol, `must be one of ${PORT_PROTOCOLS.join(', ')}`, 'use the Protocol enum');
  }
}

/** Istio's admission rules for a ServiceEntry (networking.istio.io/v1), as emitted YAML. */
export function validateServiceEntrySpec(spec: any, namespace?: string): Findings {
  const f = new Findings();
  spec = spec ?? {};
  const hosts: string[] = spec.hosts ?? [];
  const resolution: string = spec.resolution ?? 'NONE';
  if (spec.workloadSelector && spec.endpoints) {
    f.error('spec.workloadSelector', spec.workloadSelector, 'must not be combined with endpoints', 'select workloads or list endpoints, not both');
  }
  if (spec.workloadSelector) checkSelectorLabels(f, 'spec.workloadSelector.labels', spec.workloadSelector.labels);
  if (hosts.length === 0) f.error('spec.hosts', hosts, 'must list at least one host', 'add the external host name');
  hosts.forEach((host, i) => {
    if (host === '*') {
      f.error(`spec.hosts[${i}]`, host, 'must not be "*"', 'name the external hosts');
      return;
    }
    const problem = wildcardDomainProblem(host);
    if (problem) f.error(`spec.hosts[${i}]`, host, problem, 'fix the host name');
    if (resolution !== 'DYNAMIC_DNS' && host.includes('*') && !host.startsWith('*.')) {
      f.warning(`spec.hosts[${i}]`, host, 'uses a partial wildcard', 'use "*.<domain>"');
    }
  });
  let cidr = false;
  (spec.addresses ?? []).forEach((address: string, i: number) => {
    cidr = cidr || address.includes('/');
    const problem = subnetProblem(address);
    if (problem) f.error(`spec.addresses[${i}]`, address, problem, 'fix the address');
  });
  if (cidr && resolution !== 'NONE' && resolution !== 'STATIC') {
    f.error('spec.resolution', resolution, 'must be NONE or STATIC when addresses contain CIDR blocks', 'change the resolution, or list single addresses');
  }
  const portNames = new Set<string>();
  const portNumbers = new Set<number>();
  (spec.ports ?? []).forEach((port: any, i: number) => {
    const field = `spec.ports[${i}]`;
    if (portNames.has(port.name)) f.error(`${field}.name`, port.name, 'must be unique', 'rename the port');
    if (portNumbers.has(port.number)) f.error(`${field}.number`, port.number, 'must be unique', 'remove the duplicate port');
    portNames.add(port.name);
    portNumbers.add(port.number);
    if (port.targetPort !== undefined) checkPort(f, `${field}.targetPort`, port.targetPort);
    checkPortName(f, `${field}.name`, port.name);
    checkProtocol(f, `${field}.protocol`, port.protocol);
    checkPort(f, `${field}.number`, port.number ?? 0);
  });
  const endpoints: any[] = spec.endpoints ?? [];
  if (resolution === 'NONE' && endpoints.length > 0) {
    f.error('spec.endpoints', endpoints.length, 'must be empty for resolution NONE', 'use resolution STATIC or DNS');
  }
  if (resolution === 'DNS' || resolution === 'DNS_ROUND_ROBIN') {
    if (endpoints.length === 0) {
      const bad = hosts.find((h) => fqdnProblem(h));
      if (bad) f.error('spec.hosts', bad, `must be fully qualified when resolution is ${resolution} without endpoints`, 'use a full host name or add endpoints');
    }
    if (resolution === 'DNS_ROUND_ROBIN' && endpoints.length > 1) {
      f.error('spec.endpoints', endpoints.length, 'must hold at most 1 endpoint for resolution DNS_ROUND_ROBIN', 'use resolution DNS');
    }
  }
  endpoints.forEach((endpoint, i) => {
    const field = `spec.endpoints[${i}]`;
    const address: string | undefined = endpoint?.address;
    if (!address && !endpoint?.network) f.error(`${field}.address`, address, 'is required', 'give the endpoint address');
    if (address && resolution === 'STATIC' && !address.startsWith('unix://') && !isIpAddress(address)) {
      f.error(`${field}.address`, address, 'must be an IP address or unix:// path for resolution STATIC', 'use resolution DNS for host names');
    }
    if (address && resolution !== 'STATIC' && !isIpAddress(address) && fqdnProblem(address)) {
      f.error(`${field}.address`, address, 'must be a valid host name or IP address', 'fix the address');
    }
    checkLabels(f, `${field}.labels`, endpoint?.labels);
    for (const [name, number] of Object.entries<number>(endpoint?.ports ?? {})) {
      if (!portNames.has(name)) f.error(`${field}.ports`, name, 'must name a port of the ServiceEntry', `add a port named ${name}, or fix the name`);
      checkPort(f, `${field}.ports.${name}`, number);
    }
  });
  checkExportTo(f, 'spec.exportTo', spec.exportTo, namespace, true);
  return f;
}
