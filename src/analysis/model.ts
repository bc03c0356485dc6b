import { isRecord, textOf } from '../validation/shape';
/** An object to analyze, with where it came from. */
export interface SourcedObject {
  readonly manifest: any;
  readonly source: string;
  /** Whether the single-object (admission) rules already ran on it, in its L2 construct. */
  readonly validated?: boolean;
}

/** An object with its effective namespace. */
export interface Entry {
  readonly manifest: any;
  readonly source: string;
  readonly namespace: string;
  readonly name: string;
  readonly kind: string;
  readonly spec: any;
  readonly validated: boolean;
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

/** The API group of each kind the checks read (`` is the core group). */
const KIND_GROUPS: Record<string, string> = {
  VirtualService: 'networking.istio.io',
  DestinationRule: 'networking.istio.io',
  Gateway: 'networking.istio.io',
  ServiceEntry: 'networking.istio.io',
  Sidecar: 'networking.istio.io',
  EnvoyFilter: 'networking.istio.io',
  Telemetry: 'telemetry.istio.io',
  WasmPlugin: 'extensions.istio.io',
  PeerAuthentication: 'security.istio.io',
  AuthorizationPolicy: 'security.istio.io',
  RequestAuthentication: 'security.istio.io',
  Namespace: '',
  ServiceAccount: '',
  Service: '',
  Pod: '',
  Deployment: 'apps',
  StatefulSet: 'apps',
  DaemonSet: 'apps',
  ReplicaSet: 'apps',
  Job: 'batch',
};

/** `networking.istio.io/v1` → `networking.istio.io`; `v1` → `` (core); anything else → undefined. */
export function apiGroup(apiVersion: unknown): string | undefined {
  if (typeof apiVersion !== 'string') return undefined;
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
}

/** The pod metadata and spec of a workload: a Pod's own, or its controller's pod template's ({} when absent or not a map). */
export function pod(entry: Entry): { metadata: any; spec: any } {
  if (entry.kind === 'Pod') return { metadata: entry.manifest.metadata ?? {}, spec: entry.spec };
  const template = isRecord(entry.spec.template) ? entry.spec.template : {};
  return { metadata: template.metadata ?? {}, spec: isRecord(template.spec) ? template.spec : {} };
}

/** A pod template (or pod) that Services and subsets can select. */
export interface Workload {
  readonly entry: Entry;
  readonly labels: { [key: string]: string };
}

/** Appends `value` to the list at `key` (in place: copying the list each time would be quadratic). */
export function addTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}


/** A stable text form of a label selector, as Kubernetes prints it (`a=1,b=2`, keys sorted). */
export function selectorText(selector: { [key: string]: string } | undefined): string {
  return Object.keys(selector ?? {}).sort().map((k) => `${k}=${selector![k]}`).join(',');
}

/** Whether every label of `selector` is in `labels`. */
export function selects(selector: { [key: string]: string } | undefined, labels: { [key: string]: string }): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
}

/** The objects of an app or a set of files, indexed for linear-time checks. */
export class Inventory {
  public readonly entries: Entry[];
  private readonly byKind = new Map<string, Entry[]>();
  /** Every entry by `group/kind` (`/Service` for the core group), whatever KIND_GROUPS says. */
  private readonly byGroupKind = new Map<string, Entry[]>();
  /** Workloads by `namespace|key=value` of each of their labels. */
  private readonly workloadIndex = new Map<string, Workload[]>();
  public readonly workloads: Workload[] = [];
  /** Kubernetes Services by FQDN. */
  public readonly services = new Map<string, Entry>();
  /** ServiceEntries by host (as written). */
  public readonly serviceEntryHosts = new Map<string, Entry[]>();

  public constructor(objects: SourcedObject[], defaultNamespace: string, public readonly clusterDomain: string = 'cluster.local') {
    this.entries = objects.filter((o) => o.manifest && typeof o.manifest === 'object').map((o) => ({
      manifest: o.manifest,
      source: o.source,
      kind: textOf(o.manifest.kind),
      name: textOf(o.manifest.metadata?.name),
      namespace: textOf(o.manifest.metadata?.namespace, defaultNamespace),
      spec: o.manifest.spec ?? {},
      validated: o.validated ?? false,
    }));
    for (const e of this.entries) {
      addTo(this.byGroupKind, `${apiGroup(e.manifest.apiVersion) ?? '?'}/${e.kind}`, e);
      // A kind means the checks' kind only in its own API group: a Gateway API Gateway, or any
      // object of a group the checks do not know, is not an Istio Gateway.
      const group = KIND_GROUPS[e.kind];
      if (group !== undefined && apiGroup(e.manifest.apiVersion) !== group) continue;
      addTo(this.byKind, e.kind, e);
      if (e.kind === 'Service') this.services.set(this.fqdn(e.name, e.namespace), e);
      if (e.kind === 'ServiceEntry') {
        for (const h of Array.isArray(e.spec.hosts) ? e.spec.hosts : []) if (typeof h === 'string') addTo(this.serviceEntryHosts, h, e);
      }
      const labels = WORKLOAD_KINDS.has(e.kind) ? e.spec.template?.metadata?.labels : e.kind === 'Pod' ? e.manifest.metadata?.labels : undefined;
      if (labels && typeof labels === 'object') {
        const workload = { entry: e, labels };
        this.workloads.push(workload);
        for (const [k, v] of Object.entries<string>(labels)) {
          for (const key of [`${e.namespace}|${k}=${v}`, `*|${k}=${v}`]) {
            addTo(this.workloadIndex, key, workload);
          }
        }
      }
    }
  }

  /**
   * `host` resolved the way Istio resolves names written in `namespace`: a name without a dot
   * becomes `name.namespace.svc.<cluster domain>`; anything else is taken as written.
   */
  public fqdn(host: string, namespace: string): string {
    if (typeof host !== 'string') return textOf(host);
    if (host === '*' || host.includes('.') || host.includes(':')) return host;
    return `${host}.${namespace}.svc.${this.clusterDomain}`;
  }

  /** The objects of a kind (in the API group the checks know it in: KIND_GROUPS). */
  public of(kind: string): Entry[] {
    return this.byKind.get(kind) ?? [];
  }

  /**
   * The objects of a kind in a given API group (`''` for the core group), e.g.
   * `ofGroup('gateway.networking.k8s.io', 'Gateway')` for Gateway API Gateways.
   */
  public ofGroup(group: string, kind: string): Entry[] {
    return this.byGroupKind.get(`${group}/${kind}`) ?? [];
  }

  /**
   * Workloads whose pod labels include all of `selector`, in `namespace` or in any namespace,
   * through the label index: the rarest label narrows the candidates.
   */
  public workloadsSelectedBy(selector: { [key: string]: string }, namespace?: string): Workload[] {
    const pairs = Object.entries(selector);
    if (pairs.length === 0) return this.workloads.filter((w) => namespace === undefined || w.entry.namespace === namespace);
    let candidates: Workload[] | undefined;
    for (const [k, v] of pairs) {
      const found = this.workloadIndex.get(`${namespace ?? '*'}|${k}=${v}`) ?? [];
      if (!candidates || found.length < candidates.length) candidates = found;
    }
    return (candidates ?? []).filter((w) => selects(selector, w.labels));
  }

  /** The ServiceEntries whose hosts cover `host` (exact, then wildcard suffixes), visible from `namespace`. */
  public serviceEntriesFor(host: string, namespace: string): Entry[] {
    const candidates = [host, ...suffixWildcards(host)].flatMap((h) => this.serviceEntryHosts.get(h) ?? []);
    return candidates.filter((se) => visibleFrom(se, namespace));
  }
}

/** `a.b.c` → `*.b.c`, `*.c`, `*`: the wildcard hosts that cover a host. */
export function suffixWildcards(host: string): string[] {
  const labels = host.replace(/^\*\./, '').split('.');
  const out: string[] = [];
  for (let i = host.startsWith('*.') ? 0 : 1; i < labels.length; i++) out.push(`*.${labels.slice(i).join('.')}`);
  out.push('*');
  return out;
}

/** Whether an object's exportTo makes it visible from `namespace` (Istio's default is everywhere). */
function visibleFrom(entry: Entry, namespace: string): boolean {
  const exportTo: string[] | undefined = entry.spec.exportTo;
  if (!exportTo || exportTo.length === 0) return true;
  return exportTo.some((e) => e === '*' || e === namespace || (e === '.' && entry.namespace === namespace));
}
