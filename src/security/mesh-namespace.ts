import { JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AuthorizationPolicy } from './authorization-policy';
import { PeerAuthentication, PeerAuthenticationMode } from './peer-authentication';
import { IstioAnalyzer } from '../istio-analyzer';
import { ambientNamespaceDefined } from '../private/ambient-namespaces';
import { applyIngressGrantsInNamespace } from '../private/ingress-grants';
import { invalid } from '../private/invalid';
import { register } from '../private/registry';
import { isDns1123Label } from '../validation/names';

/** The labels that put a namespace's pods in the mesh. */
const DATAPLANE_LABELS = ['istio-injection', 'istio.io/rev', 'istio.io/dataplane-mode'];

/** How a namespace's pods join the mesh. */
export class DataplaneMode {
  /** Sidecar injection by the default revision (`istio-injection=enabled`). */
  public static sidecar(): DataplaneMode {
    return new DataplaneMode('sidecar', { 'istio-injection': 'enabled' });
  }

  /** Sidecar injection by one control-plane revision (`istio.io/rev=<revision>`), for canary upgrades. */
  public static sidecarRevision(revision: string): DataplaneMode {
    return new DataplaneMode(`sidecar revision ${revision}`, { 'istio.io/rev': revision });
  }

  /** Ambient mode: no sidecars; ztunnel secures the traffic (`istio.io/dataplane-mode=ambient`). */
  public static ambient(): DataplaneMode {
    return new DataplaneMode('ambient', { 'istio.io/dataplane-mode': 'ambient' });
  }

  private constructor(
    /** What the mode is, for messages. */
    public readonly description: string,
    /** The namespace labels that select the mode. */
    public readonly labels: { [key: string]: string },
  ) {}
}

/** Properties of a MeshNamespace. */
export interface MeshNamespaceProps {
  /** Name of the namespace. */
  readonly name: string;

  /**
   * How pods join the mesh.
   *
   * @default DataplaneMode.sidecar()
   */
  readonly dataplane?: DataplaneMode;

  /**
   * Other labels of the namespace. The dataplane labels (`istio-injection`, `istio.io/rev`,
   * `istio.io/dataplane-mode`) are set by `dataplane` and refused here.
   *
   * @default - none
   */
  readonly labels?: { [key: string]: string };

  /**
   * Annotations of the namespace.
   *
   * @default - none
   */
  readonly annotations?: { [key: string]: string };

  /**
   * Require mutual TLS for every workload of the namespace (a namespace-wide STRICT
   * PeerAuthentication named `default`).
   *
   * @default true
   */
  readonly strictMtls?: boolean;

  /**
   * Deny by default: workloads of the namespace accept only the calls an ALLOW policy grants
   * (an ALLOW-nothing AuthorizationPolicy named `allow-nothing`). Grant callers with
   * `WorkloadAuthorization.of(workload).allowFrom(caller)` or `CanaryService.allowFrom()`.
   *
   * @default true
   */
  readonly denyByDefault?: boolean;
}

/**
 * A Namespace enrolled in the mesh, zero-trust by default: sidecar injection (or a revision,
 * or ambient mode), STRICT mutual TLS, and deny-by-default authorization, the last two
 * opt-out. The namespace's policies are created in the namespace itself, whatever the chart's.
 */
export class MeshNamespace extends Construct {
  /** @internal */
  public static readonly _KIND = 'MeshNamespace';

  /** The Namespace object. */
  public readonly namespace: kplus.k8s.KubeNamespace;

  /** Name of the namespace. */
  public readonly name: string;

  /** Whether workloads accept only granted calls. */
  public readonly denyByDefault: boolean;

  /** The namespace-wide STRICT PeerAuthentication, unless `strictMtls` is false. */
  public readonly peerAuthentication?: PeerAuthentication;

  /** The ALLOW-nothing policy, unless `denyByDefault` is false. */
  public readonly authorizationPolicy?: AuthorizationPolicy;

  /** Defines a MeshNamespace in `scope`. */
  public constructor(scope: Construct, id: string, props: MeshNamespaceProps) {
    super(scope, id);
    this.name = props.name;
    if (!isDns1123Label(props.name) || props.name !== props.name.toLowerCase()) {
      invalid(this, 'name', props.name, 'must be a DNS-1123 label (lowercase letters, digits and -, at most 63)', "e.g. 'bookinfo'");
    }
    const dataplane = props.dataplane ?? DataplaneMode.sidecar();
    for (const key of Object.keys(props.labels ?? {})) {
      if (DATAPLANE_LABELS.includes(key)) {
        invalid(this, `labels.${key}`, props.labels![key], `conflicts with the dataplane (${dataplane.description}), which sets the mesh labels`,
          "remove the label and choose the mode with 'dataplane' (DataplaneMode.sidecar(), sidecarRevision() or ambient())");
      }
    }
    this.namespace = new kplus.k8s.KubeNamespace(this, 'Namespace', {
      metadata: { name: props.name, labels: { ...props.labels, ...dataplane.labels }, annotations: props.annotations },
    });
    // A Namespace has no namespace, whatever its chart's.
    if (this.namespace.metadata.namespace !== undefined) this.namespace.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    // The analyzer checks the Namespace object (name, labels, annotations) even when no policy is created below.
    IstioAnalyzer.of(this);

    this.denyByDefault = props.denyByDefault ?? true;
    if (props.strictMtls ?? true) {
      this.peerAuthentication = new PeerAuthentication(this, 'StrictMtls', {
        metadata: { name: 'default', namespace: props.name },
        mode: PeerAuthenticationMode.STRICT,
      });
    }
    if (this.denyByDefault) {
      this.authorizationPolicy = AuthorizationPolicy.allowNothing(this, 'AllowNothing', { metadata: { name: 'allow-nothing', namespace: props.name } });
    }
    register(MeshNamespace._KIND, this);
    if (this.denyByDefault) applyIngressGrantsInNamespace(this, this.name);
    if (dataplane.labels['istio.io/dataplane-mode'] === 'ambient') ambientNamespaceDefined(this, this.name);
  }
}
