import { isIP } from 'net';
import { parse } from 'yaml';
import { fqdnProblem, isIpAddress } from '../../validation/names';
import { isRecord } from '../../validation/shape';
import { isIstioAnnotation, ISTIO_ANNOTATIONS, SET_BY_ISTIO } from '../annotation-catalogue';
import { AnalysisContext } from '../context';
import { AnalysisLevel } from '../finding';
import { Entry } from '../model';

/** The kinds whose own annotations Istio's annotation analyzers read. */
export const ANNOTATED_KINDS = ['Namespace', 'Service', 'Pod', 'Deployment'];

const INJECT = 'sidecar.istio.io/inject';
const ANY = 'Any';
const REFERENCE = 'https://istio.io/latest/docs/reference/config/annotations/';

/** The annotations of an object, when it has any. */
export function annotationsOf(entry: Entry): Record<string, unknown> | undefined {
  const annotations = entry.manifest.metadata?.annotations;
  return isRecord(annotations) ? annotations : undefined;
}

/**
 * The annotation rules of Istio's K8sAnalyzer, for the own annotations of Namespaces, Services,
 * Pods and Deployments (a Deployment's pod template is not read, as in Istio), one finding per
 * annotation in Istio's order:
 * - IST0108 (UnknownAnnotation): in Istio's namespace, but not one of Istio's annotations;
 * - IST0135 (DeprecatedAnnotation, info): deprecated (`sidecar.istio.io/inject` is not reported
 *   on an object that also has the label of that name);
 * - IST0107 (MisplacedAnnotation): meant for other kinds (a Deployment's are meant for its pods);
 * - IST0125 (InvalidAnnotation): a value the sidecar injector refuses.
 * Annotations Istio writes itself are not reported.
 */
export function checkAnnotations(ctx: AnalysisContext): void {
  for (const kind of ANNOTATED_KINDS) {
    for (const entry of ctx.inventory.of(kind)) {
      const annotations = annotationsOf(entry);
      if (!annotations) continue;
      for (const [key, raw] of Object.entries(annotations)) {
        if (!isIstioAnnotation(key) || SET_BY_ISTIO.has(key)) continue;
        const definition = ISTIO_ANNOTATIONS.get(key);
        if (!definition) {
          ctx.report(entry, 'IST0108', AnalysisLevel.WARNING, `Unknown annotation: ${key}; Istio 1.30 has no annotation of that name (see ${REFERENCE}): `
            + 'fix the name, or remove it');
          continue;
        }
        if (definition.deprecated && !(key === INJECT && entry.manifest.metadata?.labels?.[INJECT] !== undefined)) {
          const extra = key === INJECT ? ` in favor of the "${INJECT}" label` : '';
          const fix = key === INJECT ? `set the ${INJECT} label on the pod instead` : `remove it (see ${REFERENCE} for what replaces it)`;
          ctx.report(entry, 'IST0135', AnalysisLevel.INFO, `Annotation "${key}" has been deprecated${extra} and may not work in future Istio versions; ${fix}`);
        }
        if (definition.resources.includes(ANY)) continue;
        if (!definition.resources.includes(kind)) {
          const kinds = definition.resources.join(', ');
          const fix = kind === 'Deployment' && definition.resources.includes('Pod')
            ? 'move it to the pod template (spec.template.metadata.annotations)'
            : `move it to the ${kinds} it is meant for, or remove it`;
          ctx.report(entry, 'IST0107', AnalysisLevel.WARNING, `Misplaced annotation: ${key} can only be applied to ${kinds}; ${fix}`);
          continue;
        }
        const problem = VALUE_RULES[key]?.(String(raw));
        if (problem) ctx.report(entry, 'IST0125', AnalysisLevel.WARNING, `Invalid annotation ${key}: ${problem}; fix the value`);
      }
    }
  }
}

// The values the sidecar injector accepts (pkg/kube/inject AnnotationValidation), with its error texts.

const quote = (text: string) => JSON.stringify(text);

/** strconv.ParseUint(text, 10, bits). */
function uintProblem(text: string, bits: 16 | 32): string | undefined {
  if (!/^[0-9]+$/.test(text)) return `strconv.ParseUint: parsing ${quote(text)}: invalid syntax`;
  return Number(text) > 2 ** bits - 1 ? `strconv.ParseUint: parsing ${quote(text)}: value out of range` : undefined;
}

/** A comma-separated list of ports (the whole list may be empty). */
function portListProblem(parameter: string, ports: string): string | undefined {
  const list = ports.trim();
  if (list === '') return undefined;
  for (const port of list.split(',')) {
    const problem = uintProblem(port.trim(), 16);
    if (problem) return `${parameter} invalid: failed parsing port '${port}': ${problem}`;
  }
  return undefined;
}

/** netip.ParsePrefix: an address, `/`, and a prefix length without leading zeros; no IPv6 zone. */
function prefixProblem(cidr: string): string | undefined {
  const slash = cidr.lastIndexOf('/');
  const problem = (detail: string) => `netip.ParsePrefix(${quote(cidr)}): ${detail}`;
  if (slash < 0) return problem('no \'/\'');
  const address = cidr.slice(0, slash);
  const bits = cidr.slice(slash + 1);
  if (address.includes('%')) return problem('IPv6 zones cannot be present in a prefix');
  const family = isIP(address);
  if (family === 0) return problem(`ParseAddr(${quote(address)}): invalid IP address`);
  if (!/^(0|[1-9][0-9]*)$/.test(bits)) return problem(`bad bits after slash: ${quote(bits)}`);
  if (Number(bits) > (family === 4 ? 32 : 128)) return problem('prefix length out of range');
  return undefined;
}

/** A comma-separated list of CIDR blocks (or nothing). */
function cidrListProblem(parameter: string, cidrs: string): string | undefined {
  if (cidrs.length === 0) return undefined;
  for (const cidr of cidrs.split(',')) {
    const problem = prefixProblem(cidr);
    if (problem) return `${parameter} invalid: failed parsing cidr '${cidr}': ${problem}`;
  }
  return undefined;
}

/** A comma-separated list of network interface names (or nothing). */
function interfacesProblem(interfaces: string): string | undefined {
  if (interfaces.length === 0) return undefined;
  for (const raw of interfaces.split(',')) {
    const name = raw.trim();
    if (name.length === 0) return 'empty interface name';
    if (name.length > 15) return `interface name ${quote(name)} too long (max 15 chars)`;
    if (!/^[a-zA-Z][a-zA-Z0-9_.-]*$/.test(name)) return `interface name ${quote(name)} contains invalid characters`;
  }
  return undefined;
}

/** strconv.ParseBool. */
function boolProblem(value: string): string | undefined {
  return ['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)
    ? undefined : `strconv.ParseBool: parsing ${quote(value)}: invalid syntax`;
}

/** A Kubernetes resource quantity (resource.ParseQuantity), without control characters. */
function quantityProblem(value: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(value)) return 'value contains control characters';
  return /^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/.test(value)
    ? undefined : 'quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\'';
}

/** net.SplitHostPort: [host, port], or why the address cannot be split. */
function splitHostPort(address: string): [string, string] | string {
  if (address.startsWith('[')) {
    const end = address.indexOf(']');
    if (end < 0) return 'missing \']\' in address';
    if (end + 1 === address.length) return 'missing port in address';
    if (address[end + 1] !== ':') return 'missing port in address';
    return [address.slice(1, end), address.slice(end + 2)];
  }
  const colon = address.lastIndexOf(':');
  if (colon < 0) return 'missing port in address';
  const host = address.slice(0, colon);
  return host.includes(':') ? 'too many colons in address' : [host, address.slice(colon + 1)];
}

/** Istio's ValidateProxyAddress: `host:port`, the host a DNS name or an IP address. */
export function proxyAddressProblem(address: string): string | undefined {
  const split = splitHostPort(address);
  if (typeof split === 'string') return `unable to split ${quote(address)}: address ${address}: ${split}`;
  const [host, port] = split;
  if (!/^[+-]?[0-9]+$/.test(port)) return `port (${port}) is not a number`;
  const number = Number(port);
  if (number < 1 || number > 65535) return `port number ${number} must be in the range 1..65535`;
  return fqdnProblem(host) && !isIpAddress(host) ? `${quote(host)} is not a valid hostname or an IP address` : undefined;
}

/** A protobuf JSON duration (`45s`, `0.5s`) in nanoseconds, or undefined. */
function protoDuration(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(-?)([0-9]+)(?:\.([0-9]{1,9}))?s$/.exec(value);
  if (!m) return undefined;
  return (m[1] ? -1 : 1) * (Number(m[2]) * 1e9 + Number((m[3] ?? '').padEnd(9, '0')));
}

const isInteger = (v: unknown) => Number.isInteger(v) || (typeof v === 'string' && /^-?[0-9]+$/.test(v));

/**
 * `proxy.istio.io/config`: a ProxyConfig in YAML, applied over Istio's defaults and checked as
 * Istio's ValidateMeshConfigProxyConfig does. The fields it checks are checked here (paths,
 * cluster name, drain duration, discovery, tracing, statsd, metrics and access log service
 * addresses, admin and status ports, control plane auth policy, private key provider);
 * other fields are taken as written.
 */
function proxyConfigProblem(text: string): string | undefined {
  let config: unknown;
  try {
    config = parse(text, { version: '1.1' });
  } catch (e) {
    return `failed to convert to apply proxy config: ${(e as Error).message.split('\n')[0].replace(/:$/, '')}`;
  }
  if (config === null || config === undefined) return undefined;
  if (!isRecord(config)) return `failed to convert to apply proxy config: ${quote(text)} is not a mapping of ProxyConfig fields`;
  const errors: string[] = [];
  const wrongType = (field: string, type: string) => errors.push(`failed to convert to apply proxy config: ${field} must be ${type}`);
  const text$ = (field: string, value: unknown): value is string => {
    if (value === undefined || value === null) return false;
    if (typeof value !== 'string') wrongType(field, 'a string');
    return typeof value === 'string';
  };
  const address = (field: string, value: unknown, prefix: string) => {
    if (text$(field, value) && value !== '') {
      const problem = proxyAddressProblem(value);
      if (problem) errors.push(`${prefix} ${problem}`);
    }
  };
  if (text$('configPath', config.configPath) && config.configPath === '') errors.push('config path must be set');
  if (text$('binaryPath', config.binaryPath) && config.binaryPath === '') errors.push('binary path must be set');
  if (config.serviceCluster !== undefined && config.tracingServiceName !== undefined) {
    errors.push('failed to convert to apply proxy config: only one of serviceCluster and tracingServiceName may be set');
  } else if (text$('serviceCluster', config.serviceCluster) && config.serviceCluster === '') {
    errors.push('service cluster must be specified');
  }
  if (config.drainDuration !== undefined && config.drainDuration !== null) {
    const nanos = protoDuration(config.drainDuration);
    if (nanos === undefined) wrongType('drainDuration', 'a duration in seconds such as 45s');
    else if (nanos < 1e6) errors.push('invalid drain duration: duration must be greater than 1ms');
    else if (nanos % 1e6 !== 0) errors.push('invalid drain duration: only durations to ms precision are supported');
    else if (nanos % 1e9 !== 0) errors.push('drain time only supports durations to seconds precision');
  }
  if (text$('discoveryAddress', config.discoveryAddress)) {
    if (config.discoveryAddress === '') errors.push('discovery address must be set to the proxy discovery service');
    else address('discoveryAddress', config.discoveryAddress, 'invalid discovery address:');
  }
  tracingProblems(config.tracing, errors);
  address('statsdUdpAddress', config.statsdUdpAddress, `invalid statsd udp address ${quote(String(config.statsdUdpAddress))}:`);
  address('envoyMetricsServiceAddress', config.envoyMetricsServiceAddress, `invalid envoy metrics service address ${quote(String(config.envoyMetricsServiceAddress))}:`);
  for (const [field, name] of [['envoyMetricsService', 'envoy metrics service'], ['envoyAccessLogService', 'envoy access log service']]) {
    const service = config[field];
    if (isRecord(service)) address(`${field}.address`, service.address, `invalid ${name} address ${quote(String(service.address))}:`);
  }
  for (const [field, name] of [['proxyAdminPort', 'proxy admin port'], ['statusPort', 'status port']]) {
    const port = config[field];
    if (port === undefined || port === null) continue;
    if (!isInteger(port)) wrongType(field, 'an integer');
    else if (Number(port) < 1 || Number(port) > 65535) errors.push(`invalid ${name}: port number ${Number(port)} must be in the range 1..65535`);
  }
  const policy = config.controlPlaneAuthPolicy;
  if (policy === 'INHERIT' || policy === 1000) errors.push('invalid authentication policy: unrecognized control plane auth policy "INHERIT"');
  else if (policy !== undefined && policy !== null && !['NONE', 'MUTUAL_TLS', 0, 1].includes(policy)) wrongType('controlPlaneAuthPolicy', 'NONE or MUTUAL_TLS');
  privateKeyProviderProblems(config.privateKeyProvider, errors);
  return errors.length > 0 ? errors.join('; ') : undefined;
}

function tracingProblems(tracing: unknown, errors: string[]): void {
  if (!isRecord(tracing)) return;
  const collector = (name: string) => (isRecord(tracing[name]) ? tracing[name] : undefined);
  const lightstep = collector('lightstep');
  if (lightstep) {
    const address = typeof lightstep.address === 'string' ? lightstep.address : '';
    if (address === '') errors.push('invalid lightstep config: address is required');
    const problem = proxyAddressProblem(address);
    if (problem) errors.push(`invalid lightstep config: invalid lightstep address: ${problem}`);
    if (typeof lightstep.accessToken !== 'string' || lightstep.accessToken === '') errors.push('invalid lightstep config: access token is required');
  }
  for (const name of ['zipkin', 'datadog']) {
    const config = collector(name);
    if (!config) continue;
    const problem = proxyAddressProblem((typeof config.address === 'string' ? config.address : '').replace('$(HOST_IP)', '127.0.0.1'));
    if (problem) errors.push(`invalid ${name} config: ${problem}`);
  }
  if (isRecord(tracing.customTags)) {
    const empty = Object.keys(tracing.customTags).find((tag) => tracing.customTags[tag] === null);
    if (empty !== undefined) errors.push(`invalid tracing custom tags: encountered nil value for custom tag: ${empty}`);
  }
}

function privateKeyProviderProblems(provider: unknown, errors: string[]): void {
  if (provider === undefined || provider === null) return;
  const prefix = 'invalid private key provider configuration:';
  const kind = isRecord(provider) ? ['cryptomb', 'qat'].find((k) => provider[k] !== undefined && provider[k] !== null) : undefined;
  if (!kind || !isRecord(provider)) {
    errors.push(`${prefix} private key provider configuration is required; unknown private key provider`);
    return;
  }
  const pollDelay = isRecord(provider[kind]) ? provider[kind].pollDelay : undefined;
  if (pollDelay === undefined || pollDelay === null) errors.push(`${prefix} pollDelay is required`);
  else if (protoDuration(pollDelay) === 0) errors.push(`${prefix} pollDelay must be non zero`);
}

/** Istio's AnnotationValidation: the annotations whose values the injector checks, and why a value is refused. */
const VALUE_RULES: Record<string, (value: string) => string | undefined> = {
  'sidecar.istio.io/interceptionMode': (v) => (['REDIRECT', 'TPROXY', 'NONE'].includes(v) ? undefined : `interceptionMode invalid, use REDIRECT,TPROXY,NONE: ${v}`),
  'status.sidecar.istio.io/port': (v) => {
    const problem = uintProblem(v.trim(), 16);
    return problem && `excludeInboundPorts invalid: failed parsing port '${v}': ${problem}`;
  },
  'readiness.status.sidecar.istio.io/initialDelaySeconds': (v) => uintProblem(v, 32),
  'readiness.status.sidecar.istio.io/periodSeconds': (v) => uintProblem(v, 32),
  'readiness.status.sidecar.istio.io/failureThreshold': (v) => uintProblem(v, 32),
  'traffic.sidecar.istio.io/includeOutboundIPRanges': (v) => (v === '*' ? undefined : cidrListProblem('includeIPRanges', v)),
  'traffic.sidecar.istio.io/excludeOutboundIPRanges': (v) => cidrListProblem('excludeIPRanges', v),
  'traffic.sidecar.istio.io/includeInboundPorts': (v) => (v === '*' ? undefined : portListProblem('includeInboundPorts', v)),
  'traffic.sidecar.istio.io/excludeInboundPorts': (v) => portListProblem('excludeInboundPorts', v),
  'traffic.sidecar.istio.io/excludeOutboundPorts': (v) => portListProblem('excludeOutboundPorts', v),
  'traffic.sidecar.istio.io/excludeInterfaces': interfacesProblem,
  'traffic.sidecar.istio.io/kubevirtInterfaces': interfacesProblem,
  'istio.io/reroute-virtual-interfaces': interfacesProblem,
  'prometheus.istio.io/merge-metrics': boolProblem,
  'proxy.istio.io/config': proxyConfigProblem,
  'sidecar.istio.io/proxyCPU': quantityProblem,
  'sidecar.istio.io/proxyMemory': quantityProblem,
  'sidecar.istio.io/proxyCPULimit': quantityProblem,
  'sidecar.istio.io/proxyMemoryLimit': quantityProblem,
};
