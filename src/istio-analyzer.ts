import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { analyzeObjects, formatFinding } from './analysis/analyze';
import { AnalysisFinding, AnalysisLevel } from './analysis/finding';
import { MeshSettings } from './mesh-settings';
import { keepRenderings, Round, startRound } from './private/synthesis-round';
import { l2Webhooks } from './private/validated-resources';
import { admissionFindings } from './validation/admission';

/** Options for analyzing manifests. */
export interface AnalyzeOptions {
  /**
   * Namespace of objects that do not set one.
   *
   * @default 'default'
   */
  readonly defaultNamespace?: string;

  /**
   * Namespace of mesh-wide policy (Istio's root namespace).
   *
   * @default 'istio-system'
   */
  readonly rootNamespace?: string;

  /**
   * Gateways defined outside the analyzed objects, as `namespace/name`; references to them are
   * not reported as missing.
   *
   * @default - none
   */
  readonly externalGateways?: string[];

  /**
   * Message codes not to report, e.g. `IST0174`.
   *
   * @default - report all
   */
  readonly ignore?: string[];

  /**
   * Cluster domain: short hosts resolve to `name.namespace.svc.<clusterDomain>`.
   *
   * @default - for the synth-time analyzer, the App's `MeshSettings` cluster domain; else 'cluster.local'
   */
  readonly clusterDomain?: string;

  /**
   * The mesh config (MeshConfig fields, as in the `mesh` key of the `istio` ConfigMap, parsed),
   * for the checks that read it, as `cdk8s-istio analyze --mesh-config` gives it: IST0157 (a
   * Telemetry access logging entry without a provider, when no default provider is set) and
   * IST0002 (Telemetry tracing to a Lightstep provider), and IST0134, not reported when
   * `defaultConfig.proxyMetadata` turns on DNS capture with address auto-allocation.
   *
   * @default - not known: the Telemetry checks read the `mesh` key of an `istio` ConfigMap in the
   * root namespace among the analyzed objects, if any (else they do not report), and IST0134
   * assumes no address auto-allocation
   */
  readonly meshConfig?: { [key: string]: any };

  /**
   * Whether to report Istio annotations of alpha-phase features (IST0136, Istio's
   * maturity.AlphaAnalyzer, which `istioctl analyze` does not run by default).
   *
   * @default false
   */
  readonly alphaAnnotations?: boolean;
}

/** Properties of an IstioAnalyzer. */
export interface IstioAnalyzerProps extends AnalyzeOptions {}

/**
 * `istioctl analyze` at synth time: cross-object checks over every object the App synthesizes
 * (including plain `ApiObject`s and L1 objects written by hand, across charts and namespaces).
 *
 * It is added automatically, once per App, by every construct of this library; add it yourself
 * (or get it with `IstioAnalyzer.of(app)`) to analyze an App that uses none, or to change its
 * options. Errors fail synthesis with Istio's message codes (IST0101, IST0109, ...) and the
 * construct path of the object; warnings and infos are printed and kept as construct metadata.
 */
export class IstioAnalyzer extends Construct {
  /** The id of the analyzer that constructs add automatically. */
  public static readonly DEFAULT_ID = 'istio-analysis';

  /** The analyzer of the App that holds `scope`, created when there is none yet. */
  public static of(scope: IConstruct): IstioAnalyzer {
    const root = scope.node.root;
    const existing = root.node.children.find((c): c is IstioAnalyzer => c instanceof IstioAnalyzer);
    return existing ?? new IstioAnalyzer(root as Construct, IstioAnalyzer.DEFAULT_ID);
  }

  /**
   * Analyzes Kubernetes manifests (plain objects, e.g. parsed YAML) with the same checks, plus
   * Istio's admission rules for each Istio object.
   */
  public static analyzeManifests(manifests: any[], options: AnalyzeOptions = {}): AnalysisFinding[] {
    return analyzeObjects(manifests.map((manifest, i) => ({ manifest, source: `#${i}` })), settingsOf(options));
  }

  private readonly options: AnalyzeOptions;
  private readonly ignored = new Set<string>();
  private readonly printed = new Set<string>();
  private lastFindings: AnalysisFinding[] = [];

  /** Defines an IstioAnalyzer in `scope` (normally the App). */
  public constructor(scope: Construct, id: string, props: IstioAnalyzerProps = {}) {
    super(scope, id);
    this.options = props;
    for (const code of props.ignore ?? []) this.ignored.add(code);
    this.node.addValidation({ validate: () => this.run() });
  }

  /** Stops reporting a message code, e.g. `IST0174` when hosts are defined in another repository. */
  public ignore(code: string): void {
    this.ignored.add(code);
  }

  /** The findings of the last synthesis (empty before synthesis). */
  public get findings(): AnalysisFinding[] {
    return [...this.lastFindings];
  }

  private run(): string[] {
    // A round cdk8s repeats inside App.synth(), after one that passed, cannot find anything new.
    const round = startRound(this);
    if (round === Round.REPEATED) return [];
    const root = this.node.root;
    const apiObjects = root.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c));
    // Each object is rendered once per synthesis, here; synthesis reuses the rendering.
    const objects = apiObjects.map((o) => ({
      manifest: o.toJson(),
      // Report the L2 construct for its `Resource` child: that is the path users wrote.
      source: o.node.id === 'Resource' && o.node.scope ? o.node.scope.node.path : o.node.path,
      validated: l2Webhooks.has(o),
    }));
    // The L2 constructs' objects: the API server's and Istio's admission rules, warnings refused.
    // A refused object is left out of the cross-object checks (its wrong shapes would mislead them).
    const admission: string[] = [];
    const refused = new Set<unknown>();
    objects.forEach((o, i) => {
      const webhook = l2Webhooks.get(apiObjects[i]);
      const messages = webhook ? admissionFindings(o.manifest, webhook).messages : [];
      if (messages.length > 0) refused.add(o.manifest);
      for (const m of messages) admission.push(`[${o.source}] ${m}`);
    });
    const external = root.node.findAll().flatMap((c: any) => (typeof c._externalGatewayReferences === 'function' ? c._externalGatewayReferences() : []));
    this.lastFindings = analyzeObjects(objects.filter((o) => !refused.has(o.manifest)), settingsOf({
      clusterDomain: MeshSettings.clusterDomainOf(this),
      ...this.options,
      externalGateways: [...(this.options.externalGateways ?? []), ...external],
      ignore: [...this.ignored],
    }));
    for (const f of this.lastFindings.filter((x) => x.level !== AnalysisLevel.ERROR)) {
      const line = formatFinding(f);
      if (this.printed.has(line)) continue;
      this.printed.add(line);
      this.node.addMetadata('cdk8s-istio:analysis', line);
      console.warn(`[${f.level.toUpperCase()}] ${line}`);
    }
    const errors = [...admission, ...this.lastFindings.filter((f) => f.level === AnalysisLevel.ERROR).map((f) => `[${f.source}] ${f.code}: ${f.message}`)];
    if (errors.length === 0 && round === Round.FIRST_OF_APP_SYNTHESIS) keepRenderings(this, apiObjects, objects.map((o) => o.manifest));
    return errors;
  }
}

function settingsOf(options: AnalyzeOptions) {
  return {
    defaultNamespace: options.defaultNamespace ?? 'default',
    rootNamespace: options.rootNamespace ?? 'istio-system',
    externalGateways: new Set(options.externalGateways ?? []),
    ignore: new Set(options.ignore ?? []),
    clusterDomain: options.clusterDomain ?? MeshSettings.DEFAULT_CLUSTER_DOMAIN,
    meshConfig: options.meshConfig,
    alphaAnnotations: options.alphaAnnotations ?? false,
  };
}
