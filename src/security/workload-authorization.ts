import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { AuthorizationPolicy } from './authorization-policy';
import { AuthorizationRule, RequestSource } from './authorization-rule';
import { PolicyTarget } from './policy-target';
import { WorkloadIdentity } from './workload-identity';
import { whenAmbient } from '../private/ambient-namespaces';
import { applyIngressGrantsTo } from '../private/ingress-grants';
import { checkPort, invalid } from '../private/invalid';
import { selectedContainerPortNames, servicePortMappings, servicePortsForTarget, waypointServing } from '../private/waypoint-binding';
import { identitiesOf, principalsOf } from '../private/workload-identities';

/** What a grant allows the caller to ask for. Unset fields allow anything. */
export interface AllowOptions {
  /**
   * HTTP methods, e.g. `GET`.
   *
   * @default - any method
   */
  readonly methods?: string[];

  /**
   * Paths: exact, prefix (`/ratings/*`) or suffix (`*.png`).
   *
   * @default - any path
   */
  readonly paths?: string[];

  /**
   * Ports the workload receives the calls on (container ports). In the policy a waypoint
   * enforces, each becomes the Service port(s) whose targetPort it is.
   *
   * @default - any port
   */
  readonly ports?: number[];
}

/** A workload of this library that authorization can select (a CanaryService). */
interface SelectableWorkload extends IConstruct {
  _workloadSelector(): { [key: string]: string };
}

function isSelectable(construct: IConstruct): construct is SelectableWorkload {
  return typeof (construct as Partial<SelectableWorkload>)._workloadSelector === 'function';
}

/** A construct of this library with a Service of its own (a CanaryService). */
function ownServiceOf(construct: IConstruct): ApiObject | undefined {
  const service = (construct as { service?: unknown }).service;
  return service instanceof ApiObject && service.kind === 'Service' ? service : undefined;
}

/** Whether a grant has HTTP conditions, which only a proxy (sidecar or waypoint) enforces. */
function isHttp(options: AllowOptions): boolean {
  return (options.methods?.length ?? 0) > 0 || (options.paths?.length ?? 0) > 0;
}

/** The pods of a workload object (or those a Service selects), as a label selector read at synth. */
function podSelectorOf(object: ApiObject): () => { [key: string]: string } {
  return () => {
    const manifest = object.toJson();
    const labels = object.kind === 'Pod' ? manifest.metadata?.labels
      : object.kind === 'Service' ? manifest.spec?.selector : manifest.spec?.selector?.matchLabels ?? manifest.spec?.template?.metadata?.labels;
    if (!labels || Object.keys(labels).length === 0) {
      throw new Error(`[${object.node.path}] ${object.kind} ${object.name} has no pod labels, so no AuthorizationPolicy can select only its pods; `
        + 'give its pods labels (and a selector)');
    }
    return labels;
  };
}

/** One caller of a grant, read at synth. */
interface Grant {
  readonly identities?: () => WorkloadIdentity[];
  readonly namespace?: string;
  readonly options: AllowOptions;
}

/**
 * The single ALLOW policy of one workload, built from grants that name callers by object:
 * `WorkloadAuthorization.of(ratings).allowFrom(reviews, { methods: ['GET'] })`. Callers are
 * written as the SPIFFE principals of their service accounts, across namespaces; grants with
 * the same options share a rule. Once a workload has a grant, requests nobody was granted are
 * denied (an ALLOW policy applies to it). The policy lives in the workload's namespace.
 *
 * In an ambient MeshNamespace, ztunnel enforces the policy and cannot read HTTP. When a waypoint
 * serves the workload's Service, every grant is also written to a second policy attached
 * (`targetRefs`) to the Service, which the waypoint enforces against the real caller, and the
 * ztunnel policy keeps the grants without `methods` or `paths` and allows the waypoint's identity
 * (the source ztunnel sees for traffic the waypoint forwards). The waypoint matches `ports`
 * against the Service port, so its policy names the Service ports that forward to the granted
 * container ports (a granted port no Service port forwards to is refused). Grants with `methods` or `paths`
 * need such a waypoint, used by the Service or its namespace (`Waypoint.useFor()`).
 */
export class WorkloadAuthorization extends Construct {
  /**
   * The authorization of a workload: a CanaryService (all its versions), a Service (the pods
   * it selects), a cdk8s-plus workload of any version, or an ApiObject of such a kind.
   * Created on first use.
   */
  public static of(workload: IConstruct): WorkloadAuthorization {
    const existing = workload.node.tryFindChild(WorkloadAuthorization.ID);
    return existing instanceof WorkloadAuthorization ? existing : new WorkloadAuthorization(workload);
  }

  private static readonly ID = 'Authorization';

  /** The workload's ALLOW policy (the escape hatch). */
  public readonly policy: AuthorizationPolicy;

  /** The policy the workload's waypoint enforces (ambient mode: grants with HTTP conditions, or a waypoint serving the Service). */
  private waypointPolicy?: AuthorizationPolicy;

  private readonly grants: Grant[] = [];
  private readonly workload: IConstruct;
  private readonly service?: ApiObject;
  private readonly name: string;
  private watchingAmbient = false;
  /** The namespace is known to be ambient (a MeshNamespace in ambient mode). */
  private ambient = false;

  private constructor(workload: IConstruct) {
    super(workload, WorkloadAuthorization.ID);
    this.workload = workload;
    let name: string;
    let selector: () => { [key: string]: string };
    if (isSelectable(workload)) {
      const labels = workload._workloadSelector();
      selector = () => labels;
      name = labels.app ?? workload.node.id;
      this.service = ownServiceOf(workload);
    } else {
      let object: ApiObject | undefined;
      try {
        object = ApiObject.of(workload);
      } catch {
        object = undefined;
      }
      if (!object || !['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Pod', 'Service'].includes(object.kind)) {
        invalid(workload, 'workload', object ? `${object.kind} ${object.name}` : workload.node.path, 'must be a workload whose pods a policy can select',
          'pass a CanaryService, a Service, a cdk8s-plus Deployment, StatefulSet or DaemonSet (any version), or an ApiObject of such a kind');
      }
      selector = podSelectorOf(object);
      name = object.name;
      if (object.kind === 'Service') this.service = object;
    }
    this.name = name;
    this.policy = new AuthorizationPolicy(this, 'Policy', { metadata: { name } });
    this.policy._setSelectorProducer(selector);
    this.policy._addRuleProducer(() => this.ztunnelRules());
    applyIngressGrantsTo(workload);
    this.node.addValidation({
      validate: () => (this.grants.length > 0 ? [] : [`[${this.node.path}] has no grants, so its ALLOW policy would deny every call to the workload; `
        + 'grant callers with allowFrom() or allowFromNamespace(), or use AuthorizationPolicy.allowNothing() to deny on purpose']),
    });
    this.node.addValidation({ validate: () => this.checkWaypoint() });
    this.node.addValidation({ validate: () => this.checkWaypointPorts() });
    beforeSynth(this, () => this.attachIfWaypointServes());
  }

  /** Allows calls from a workload (its service account's identity). Returns this. */
  public allowFrom(caller: IConstruct, options: AllowOptions = {}): WorkloadAuthorization {
    this.checkOptions(options);
    this.grants.push({ identities: identitiesOf(this, 'allowFrom', caller), options });
    this.watchAmbient();
    return this;
  }

  /** Allows calls from every workload of a namespace. Returns this. */
  public allowFromNamespace(namespace: string, options: AllowOptions = {}): WorkloadAuthorization {
    this.checkOptions(options);
    if (namespace.length === 0 || namespace.includes('*')) {
      invalid(this, 'allowFromNamespace', namespace, 'must be a namespace name', 'give the namespace whose workloads may call');
    }
    this.grants.push({ namespace, options });
    this.watchAmbient();
    return this;
  }

  private checkOptions(options: AllowOptions): void {
    (options.ports ?? []).forEach((p, i) => checkPort(this, `ports[${i}]`, p));
    for (const field of ['methods', 'paths'] as const) {
      (options[field] ?? []).forEach((v, i) => {
        if (v.length === 0) invalid(this, `${field}[${i}]`, v, 'must not be empty', `remove it, or leave '${field}' unset to allow any`);
      });
    }
  }

  /** The workload's namespace (its policy's), if known. */
  private get namespace(): string | undefined {
    return this.policy.resource.metadata.namespace;
  }

  /**
   * After a grant: once the namespace is ambient, grants with HTTP conditions need the waypoint
   * (its policy is created at once, so a missing waypoint is reported); L4 grants go to the
   * waypoint too if one serves the Service at synth (`attachIfWaypointServes`).
   */
  private watchAmbient(): void {
    const namespace = this.namespace;
    if (!this.watchingAmbient && namespace !== undefined) {
      this.watchingAmbient = true;
      whenAmbient(this, namespace, () => {
        this.ambient = true;
        if (this.grants.some((g) => isHttp(g.options))) this.attachToWaypoint(namespace);
      });
    }
    if (this.ambient && !this.waypointPolicy && namespace !== undefined && this.grants.some((g) => isHttp(g.options))) {
      this.attachToWaypoint(namespace);
    }
  }

  /**
   * Before synthesis: in an ambient namespace, a waypoint serving the Service forwards the calls
   * with its own identity, so it must check the real callers (all grants, HTTP or not).
   */
  private attachIfWaypointServes(): void {
    const namespace = this.namespace;
    if (this.waypointPolicy || !this.ambient || !this.service || namespace === undefined || this.grants.length === 0) return;
    if (waypointServing(this.service)) this.attachToWaypoint(namespace);
  }

  /** Creates the policy the waypoint of the workload's Service enforces (targetRefs: the Service). */
  private attachToWaypoint(namespace: string): void {
    const field = this.grants.find((g) => g.options.methods?.length) ? 'methods' : 'paths';
    const value = this.grants.map((g) => g.options[field]).find((v) => v?.length);
    if (!this.service) {
      invalid(this, field, value, `needs a waypoint in ambient namespace ${namespace} (ztunnel cannot read HTTP), and a waypoint serves Services, `
        + `but ${this.workload.node.path} is not a Service or a CanaryService`,
      'grant on the Service that selects the pods (WorkloadAuthorization.of(service)), or drop methods/paths');
    }
    this.waypointPolicy = new AuthorizationPolicy(this, 'WaypointPolicy', {
      metadata: { name: `${this.name}-waypoint`, namespace },
      targetRefs: [PolicyTarget.service(this.service.name)],
    });
    this.waypointPolicy._addRuleProducer(() => this.rules(() => true, this.toServicePorts()));
  }

  /** Grants with HTTP conditions in an ambient namespace need a waypoint serving the Service. */
  private checkWaypoint(): string[] {
    if (!this.waypointPolicy || !this.service || waypointServing(this.service)) return [];
    const field = this.grants.find((g) => g.options.methods?.length) ? 'methods' : 'paths';
    const value = this.grants.map((g) => g.options[field]).find((v) => v?.length) ?? [];
    return [`[${this.node.path}] '${field}' (${JSON.stringify(value)}) cannot be enforced in ambient namespace ${this.namespace}: ztunnel cannot `
      + `read HTTP, and no waypoint serves Service ${this.service.name} (no istio.io/use-waypoint on it or its namespace); `
      + 'add one: new Waypoint(chart, \'waypoint\').useFor(meshNamespace) (or useFor(service)), or drop methods/paths from the grant'];
  }

  /**
   * The granted container ports in the waypoint's terms: a waypoint matches `ports` against the
   * Service port, so each container port becomes the Service port(s) whose targetPort it is
   * (a named targetPort through the container port names of the app's pods the Service selects).
   */
  private toServicePorts(): (ports: number[]) => number[] {
    const service = this.service!;
    const mappings = servicePortMappings(service);
    const names = mappings.some((m) => typeof m.targetPort === 'string') ? selectedContainerPortNames(service) : new Map<string, Set<number>>();
    return (ports) => ports.flatMap((p) => {
      const mapped = servicePortsForTarget(mappings, names, p);
      if (mapped.length === 0) throw new Error(this.unmappedPortMessage(p));
      return mapped;
    });
  }

  /** Granted ports that no Service port forwards to can never match at the waypoint: refused. */
  private checkWaypointPorts(): string[] {
    if (!this.waypointPolicy || !this.service || !waypointServing(this.service)) return [];
    const mappings = servicePortMappings(this.service);
    const names = mappings.some((m) => typeof m.targetPort === 'string') ? selectedContainerPortNames(this.service) : new Map<string, Set<number>>();
    const unmapped = new Set<number>();
    for (const grant of this.grants) {
      for (const p of grant.options.ports ?? []) if (servicePortsForTarget(mappings, names, p).length === 0) unmapped.add(p);
    }
    return [...unmapped].sort((a, b) => a - b).map((p) => this.unmappedPortMessage(p));
  }

  private unmappedPortMessage(port: number): string {
    const service = this.service!;
    const mappings = servicePortMappings(service);
    const listed = mappings.map((m) => `${m.port}->${m.targetPort}`).join(', ') || 'none';
    const named = mappings.some((m) => typeof m.targetPort === 'string')
      ? '; a named targetPort is resolved through the container ports of the pods of the app the Service selects' : '';
    return `[${this.node.path}] 'ports' (${port}) is not a target port of Service ${service.name} (ports: ${listed}${named}), and the waypoint `
      + 'serving it matches \'ports\' against the Service port, so the grant could never match there; grant a container port the Service '
      + `forwards to, or add a port to Service ${service.name} with targetPort ${port}`;
  }

  /**
   * The rules of the ztunnel-level policy: every grant, or, when a waypoint enforces the grants,
   * those without HTTP conditions (callers that address the pods directly) plus the waypoint's
   * identity (ztunnel sees it as the source of what the waypoint forwards).
   */
  private ztunnelRules(): AuthorizationRule[] {
    const waypoint = this.waypointPolicy && this.service && waypointServing(this.service);
    if (!waypoint) return this.rules(() => true);
    const principals = principalsOf(this, [{ namespace: waypoint.namespace, serviceAccount: waypoint.serviceAccount }]);
    return [...this.rules((options) => !isHttp(options)), { from: [{ principals }] }];
  }

  /** One rule per distinct options, its sources merged: principals, then namespaces. */
  private rules(include: (options: AllowOptions) => boolean, toPorts: (ports: number[]) => number[] = (p) => p): AuthorizationRule[] {
    const byOptions = new Map<string, { options: AllowOptions; principals: Set<string>; namespaces: Set<string> }>();
    for (const grant of this.grants) {
      if (!include(grant.options)) continue;
      const key = optionsKey(grant.options);
      let group = byOptions.get(key);
      if (!group) byOptions.set(key, group = { options: grant.options, principals: new Set(), namespaces: new Set() });
      if (grant.identities) for (const p of principalsOf(this, grant.identities())) group.principals.add(p);
      if (grant.namespace) group.namespaces.add(grant.namespace);
    }
    return [...byOptions.keys()].sort().map((key) => {
      const group = byOptions.get(key)!;
      const from: RequestSource[] = [];
      if (group.principals.size > 0) from.push({ principals: [...group.principals].sort() });
      if (group.namespaces.size > 0) from.push({ namespaces: [...group.namespaces].sort() });
      const { methods, paths, ports } = group.options;
      const operation = { methods: sorted(methods), paths: sorted(paths), ports: ports && [...new Set(toPorts(ports))].sort((a, b) => a - b) };
      const restricted = methods?.length || paths?.length || ports?.length;
      return { from, to: restricted ? [operation] : undefined };
    });
  }
}

/** Work to do once per synthesis, before any validation (the root's runs first), by root. */
const beforeSynthByRoot = new WeakMap<IConstruct, Array<() => void>>();

/**
 * Runs `apply` at the start of every synthesis: a validation of the root construct, which cdk8s
 * validates before its children (so the analyzer and the charts see what `apply` adds).
 */
function beforeSynth(scope: IConstruct, apply: () => void): void {
  const root = scope.node.root;
  let list = beforeSynthByRoot.get(root);
  if (!list) {
    const created: Array<() => void> = [];
    beforeSynthByRoot.set(root, list = created);
    root.node.addValidation({ validate: () => { created.forEach((f) => f()); return []; } });
  }
  list.push(apply);
}

function sorted(values: string[] | undefined): string[] | undefined {
  return values && [...new Set(values)].sort();
}

function optionsKey(options: AllowOptions): string {
  return JSON.stringify([sorted(options.methods) ?? [], sorted(options.paths) ?? [], [...(options.ports ?? [])].sort((a, b) => a - b)]);
}
