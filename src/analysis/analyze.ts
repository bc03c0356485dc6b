import { validateDestinationRuleSpec } from '../validation/destination-rule';
import { Findings } from '../validation/findings';
import { validateGatewaySpec } from '../validation/gateway';
import { validateServiceEntrySpec } from '../validation/service-entry';
import { validateSidecarSpec } from '../validation/sidecar';
import { validateVirtualServiceSpec } from '../validation/virtual-service';
import { checkDestinationRuleHosts, checkMtls } from './checks/destination-rules';
import { checkCrossNamespaceHosts, checkDestinationPorts, checkDestinationSubsets } from './checks/destinations';
import { checkDuplicateObjects } from './checks/duplicates';
import { checkConflictingGateways, checkGatewaySelectors, checkVirtualServiceGateways } from './checks/gateways';
import { checkMeshHostConflicts } from './checks/mesh-hosts';
import { checkServicePorts } from './checks/services';
import { AnalysisContext } from './context';
import { AnalysisFinding } from './finding';
import { Entry, Inventory, SourcedObject } from './model';

/** Options of an analysis run. */
export interface AnalyzeSettings {
  /** Namespace of objects that do not set one. */
  readonly defaultNamespace: string;
  /** Namespace of mesh-wide policy. */
  readonly rootNamespace: string;
  /** Gateways defined outside the analyzed objects, as `namespace/name`. */
  readonly externalGateways: Set<string>;
  /** Codes not to report. */
  readonly ignore: Set<string>;
  /** Domain of the cluster's service names (`name.namespace.svc.<domain>`). */
  readonly clusterDomain: string;
}

const SINGLE_OBJECT_RULES: Record<string, (e: Entry) => Findings> = {
  VirtualService: (e) => validateVirtualServiceSpec(e.spec, e.namespace),
  DestinationRule: (e) => validateDestinationRuleSpec(e.spec, e.namespace),
  Gateway: (e) => validateGatewaySpec(e.spec, e.name),
  ServiceEntry: (e) => validateServiceEntrySpec(e.spec, e.namespace),
  Sidecar: (e) => validateSidecarSpec(e.spec),
};

/**
 * Istio's admission rules for objects not built by this library's constructs (which check
 * them themselves), reported as IST0106 (SchemaValidationError), as istioctl does.
 */
function checkSingleObjects(ctx: AnalysisContext): void {
  for (const entry of ctx.inventory.entries) {
    const rules = SINGLE_OBJECT_RULES[entry.kind];
    if (entry.validated || !rules || !String(entry.manifest.apiVersion ?? '').startsWith('networking.istio.io/')) continue;
    for (const finding of rules(entry).all) {
      ctx.report(entry, 'IST0106', finding.severity, finding.message);
    }
  }
}

/**
 * Runs every check over a set of objects: Istio's admission rules per object, then the
 * cross-object checks of `istioctl analyze`. Each check indexes the objects by host, name or
 * label, so the analysis is linear in the number of objects.
 */
export function analyzeObjects(objects: SourcedObject[], settings: AnalyzeSettings): AnalysisFinding[] {
  const ctx = new AnalysisContext(new Inventory(objects, settings.defaultNamespace, settings.clusterDomain), settings.rootNamespace);
  checkSingleObjects(ctx);
  checkDuplicateObjects(ctx);
  checkVirtualServiceGateways(ctx, settings.externalGateways);
  checkConflictingGateways(ctx);
  checkGatewaySelectors(ctx);
  checkMeshHostConflicts(ctx);
  checkDestinationSubsets(ctx);
  checkCrossNamespaceHosts(ctx);
  checkDestinationPorts(ctx);
  checkDestinationRuleHosts(ctx);
  checkMtls(ctx);
  checkServicePorts(ctx);
  return ctx.findings.filter((f) => !settings.ignore.has(f.code));
}

/** One line per finding: `source: Kind/namespace/name: Level CODE message`. */
export function formatFinding(f: AnalysisFinding): string {
  return `${f.source}: ${f.kind}/${f.namespace}/${f.name}: ${f.level} ${f.code} ${f.message}`;
}
