import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { AuthorizationPolicy } from './authorization-policy';
import { AuthorizationRule, RequestSource } from './authorization-rule';
import { WorkloadIdentity } from './workload-identity';
import { applyIngressGrantsTo } from '../private/ingress-grants';
import { checkPort, invalid } from '../private/invalid';
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
   * Ports the workload receives the calls on (container ports).
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

  private readonly grants: Grant[] = [];

  private constructor(workload: IConstruct) {
    super(workload, WorkloadAuthorization.ID);
    let name: string;
    let selector: () => { [key: string]: string };
    if (isSelectable(workload)) {
      const labels = workload._workloadSelector();
      selector = () => labels;
      name = labels.app ?? workload.node.id;
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
    }
    this.policy = new AuthorizationPolicy(this, 'Policy', { metadata: { name } });
    this.policy._setSelectorProducer(selector);
    this.policy._addRuleProducer(() => this.rules());
    applyIngressGrantsTo(workload);
    this.node.addValidation({
      validate: () => (this.grants.length > 0 ? [] : [`[${this.node.path}] has no grants, so its ALLOW policy would deny every call to the workload; `
        + 'grant callers with allowFrom() or allowFromNamespace(), or use AuthorizationPolicy.allowNothing() to deny on purpose']),
    });
  }

  /** Allows calls from a workload (its service account's identity). Returns this. */
  public allowFrom(caller: IConstruct, options: AllowOptions = {}): WorkloadAuthorization {
    this.checkOptions(options);
    this.grants.push({ identities: identitiesOf(this, 'allowFrom', caller), options });
    return this;
  }

  /** Allows calls from every workload of a namespace. Returns this. */
  public allowFromNamespace(namespace: string, options: AllowOptions = {}): WorkloadAuthorization {
    this.checkOptions(options);
    if (namespace.length === 0 || namespace.includes('*')) {
      invalid(this, 'allowFromNamespace', namespace, 'must be a namespace name', 'give the namespace whose workloads may call');
    }
    this.grants.push({ namespace, options });
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

  /** One rule per distinct options, its sources merged: principals, then namespaces. */
  private rules(): AuthorizationRule[] {
    const byOptions = new Map<string, { options: AllowOptions; principals: Set<string>; namespaces: Set<string> }>();
    for (const grant of this.grants) {
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
      const operation = { methods: sorted(methods), paths: sorted(paths), ports: ports && [...new Set(ports)].sort((a, b) => a - b) };
      const restricted = methods?.length || paths?.length || ports?.length;
      return { from, to: restricted ? [operation] : undefined };
    });
  }
}

function sorted(values: string[] | undefined): string[] | undefined {
  return values && [...new Set(values)].sort();
}

function optionsKey(options: AllowOptions): string {
  return JSON.stringify([sorted(options.methods) ?? [], sorted(options.paths) ?? [], [...(options.ports ?? [])].sort((a, b) => a - b)]);
}
