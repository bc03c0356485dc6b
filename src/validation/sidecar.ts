import { checkPort, checkSelectorLabels, checkSubsetName } from './common';
import { Findings } from './findings';
import { checkNamespacedHost } from './gateway';
import { fqdnProblem, isIpAddress } from './names';
import { asList, asRecord, isRecord } from './shape';
import { checkIngressListeners, checkSidecarPortFields, UNIX_PREFIX, unixAddressProblem } from './sidecar-listeners';
import { checkConnectionPool } from './traffic-policy';

const CAPTURE_MODES = ['DEFAULT', 'IPTABLES', 'NONE'];
const OUTBOUND_MODES = ['REGISTRY_ONLY', 'ALLOW_ANY'];

/** Per-listener state shared by the egress checks. */
interface EgressState {
  readonly ports: Set<number>;
  readonly sockets: Set<string>;
  catchAll: boolean;
}

/** A listener port with number 0 binds a unix domain socket. */
function checkSocketListener(f: Findings, field: string, listener: Record<string, any>, state: EgressState): void {
  const bind = listener.bind;
  if (typeof bind !== 'string' || !bind.startsWith(UNIX_PREFIX)) {
    f.error(`${field}.bind`, bind, 'must be a unix:// socket path when port.number is 0 or unset', 'give port.number, or bind to unix:///path/to/socket');
  } else {
    const problem = unixAddressProblem(bind.slice(UNIX_PREFIX.length));
    if (problem) f.error(`${field}.bind`, bind, problem, 'use e.g. unix:///var/run/app.sock');
    if (state.sockets.has(bind)) f.error(`${field}.bind`, bind, 'must be unique across unix socket listeners', 'merge the listeners');
    state.sockets.add(bind);
  }
  const mode = listener.captureMode;
  if (mode !== undefined && mode !== 'DEFAULT' && mode !== 'NONE') {
    f.error(`${field}.captureMode`, mode, 'must be DEFAULT or NONE for a unix socket listener', 'remove captureMode');
  }
}

function checkEgressPort(f: Findings, field: string, listener: Record<string, any>, state: EgressState): void {
  const port = listener.port;
  if (!asRecord(f, `${field}.port`, port)) return;
  checkSidecarPortFields(f, `${field}.port`, port);
  const mode = listener.captureMode;
  if (mode !== undefined && !CAPTURE_MODES.includes(mode)) {
    f.error(`${field}.captureMode`, mode, `must be one of ${CAPTURE_MODES.join(', ')}`, 'use DEFAULT, IPTABLES or NONE');
  }
  if (port.number === undefined || port.number === 0) {
    checkSocketListener(f, field, listener, state);
    return;
  }
  checkPort(f, `${field}.port.number`, port.number);
  const bind = listener.bind;
  if (bind !== undefined && bind !== '' && !(typeof bind === 'string' && isIpAddress(bind))) {
    const socket = typeof bind === 'string' && bind.startsWith(UNIX_PREFIX);
    f.error(`${field}.bind`, bind, socket ? 'must be an IP address: a unix:// bind needs port.number 0' : 'must be an IP address or unix:// path',
      socket ? 'set port.number to 0' : 'fix the bind address');
  }
  if (state.ports.has(port.number)) f.error(`${field}.port.number`, port.number, 'must be unique across egress listeners', 'merge the listeners');
  state.ports.add(port.number);
}

/** `<namespace>/<host>` entries; repeated or shadowed entries are accepted with a warning. */
function checkEgressHosts(f: Findings, field: string, list: unknown, namespace: string | undefined): void {
  const hosts = asList(f, field, list);
  if (hosts.length === 0) {
    f.error(field, list ?? [], 'must list at least one host', 'add "<namespace>/<host>" entries such as "istio-system/*"');
    return;
  }
  const byNamespace = new Map<string, Set<string>>();
  hosts.forEach((host: unknown, j: number) => {
    const hfield = `${field}[${j}]`;
    if (typeof host !== 'string') {
      f.error(hfield, host, 'must be a string "<namespace>/<host>"', 'quote the host');
      return;
    }
    const slash = host.indexOf('/');
    if (slash >= 0) {
      const ns = host.slice(0, slash) === '.' && namespace !== undefined ? namespace : host.slice(0, slash);
      const name = host.slice(slash + 1);
      const seen = byNamespace.get(ns) ?? new Set<string>();
      byNamespace.set(ns, seen);
      if (name === '*' ? seen.size > 0 : seen.has(name) || seen.has('*')) {
        f.warning(hfield, host, 'repeats a host already selected by this listener', 'remove the duplicate');
      }
      seen.add(name);
    }
    checkNamespacedHost(f, hfield, host, false);
  });
  if (byNamespace.get('*')?.has('*') && byNamespace.size > 1) {
    f.warning(field, hosts, 'lists other hosts next to "*/*", which already selects everything', 'keep "*/*" alone, or drop it');
  }
}

function checkEgressListeners(f: Findings, list: unknown, namespace: string | undefined): void {
  const egress = asList(f, 'spec.egress', list);
  const state: EgressState = { ports: new Set(), sockets: new Set(), catchAll: false };
  egress.forEach((listener: unknown, i: number) => {
    const field = `spec.egress[${i}]`;
    if (listener === null || listener === undefined) {
      f.error(field, listener, 'must not be null', 'remove the empty listener');
      return;
    }
    if (!asRecord(f, field, listener)) return;
    if (listener.port === undefined || listener.port === null) {
      if (state.catchAll) {
        f.error(field, listener, 'must not be a second listener without a port', 'merge the hosts into one catch-all listener');
        return;
      }
      if (i !== egress.length - 1) f.error(field, listener, 'must be last: only the last egress listener may have no port', 'move it to the end');
      state.catchAll = true;
    } else {
      checkEgressPort(f, field, listener, state);
    }
    checkEgressHosts(f, `${field}.hosts`, listener.hosts, namespace);
  });
}

function checkOutboundTrafficPolicy(f: Findings, policy: unknown): void {
  const field = 'spec.outboundTrafficPolicy';
  if (!asRecord(f, field, policy)) return;
  const mode = policy.mode ?? 'REGISTRY_ONLY';
  if (!OUTBOUND_MODES.includes(mode)) f.error(`${field}.mode`, mode, `must be one of ${OUTBOUND_MODES.join(', ')}`, 'use the OutboundTrafficPolicyMode enum');
  const proxy = policy.egressProxy;
  if (!asRecord(f, `${field}.egressProxy`, proxy)) return;
  if (mode !== 'ALLOW_ANY') {
    f.error(`${field}.egressProxy`, proxy.host, `must only be set with mode ALLOW_ANY (the mode is ${mode}${policy.mode === undefined ? ', the default' : ''})`,
      'use mode ALLOW_ANY or remove egressProxy');
    return;
  }
  const problem = typeof proxy.host === 'string' ? fqdnProblem(proxy.host) : 'must be a host name';
  if (problem) f.error(`${field}.egressProxy.host`, proxy.host, problem, 'use the egress proxy service name');
  if (proxy.subset !== undefined && proxy.subset !== '') checkSubsetName(f, `${field}.egressProxy.subset`, proxy.subset);
  if (!isRecord(proxy.port)) f.error(`${field}.egressProxy.port`, proxy.port, 'is required', 'give the egress proxy port');
  else checkPort(f, `${field}.egressProxy.port.number`, proxy.port.number ?? 0);
}

/**
 * Istio's admission rules for a Sidecar (networking.istio.io/v1), as emitted YAML. `namespace`
 * is the Sidecar's own, if known: it resolves "." in egress hosts when looking for repeats.
 */
export function validateSidecarSpec(spec: any, namespace?: string): Findings {
  const f = new Findings();
  if (!isRecord(spec)) {
    if (spec !== undefined && spec !== null) f.error('spec', spec, 'must be an object', 'write the spec as a YAML mapping');
    spec = {};
  }
  const selector = spec.workloadSelector;
  if (asRecord(f, 'spec.workloadSelector', selector)) {
    if (!isRecord(selector.labels) || Object.keys(selector.labels).length === 0) {
      f.warning('spec.workloadSelector.labels', selector.labels, 'is empty, so the Sidecar applies to every workload in the namespace', 'add labels, or remove workloadSelector');
    } else {
      checkSelectorLabels(f, 'spec.workloadSelector.labels', selector.labels);
    }
  }
  const configured = ['egress', 'ingress'].some((key) => Array.isArray(spec[key]) && spec[key].length > 0)
    || [spec.outboundTrafficPolicy, spec.inboundConnectionPool].some((v) => v !== undefined && v !== null);
  if (!configured) {
    f.error('spec', spec, 'must configure egress, ingress, outboundTrafficPolicy or inboundConnectionPool', 'add an egress listener or an outbound traffic policy');
    return f;
  }
  checkIngressListeners(f, spec.ingress);
  checkConnectionPool(f, 'spec.inboundConnectionPool', spec.inboundConnectionPool);
  checkEgressListeners(f, spec.egress, namespace);
  checkOutboundTrafficPolicy(f, spec.outboundTrafficPolicy);
  return f;
}
