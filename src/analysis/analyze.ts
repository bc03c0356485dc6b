import { AnalysisContext } from './context';
import { AnalysisFinding, AnalysisLevel } from './finding';
import { meshConfigOf } from './mesh-config';
import { Entry, Inventory, SourcedObject } from './model';
import { admissionFindings } from '../validation/admission';
import { validateAuthorizationPolicySpec } from '../validation/authorization-policy';
import { validateDestinationRuleSpec } from '../validation/destination-rule';
import { validateEnvoyFilterSpec } from '../validation/envoy-filter';
import { Findings } from '../validation/findings';
import { validateGatewaySpec } from '../validation/gateway';
import { isIstioObject } from '../validation/istio-metadata';
import { validatePeerAuthenticationSpec } from '../validation/peer-authentication';
import { validateRequestAuthenticationSpec } from '../validation/request-authentication';
import { validateServiceEntrySpec } from '../validation/service-entry';
import { validateSidecarSpec } from '../validation/sidecar';
import { validateTelemetrySpec } from '../validation/telemetry';
import { validateVirtualServiceSpec } from '../validation/virtual-service';
import { validateWasmPluginSpec } from '../validation/wasm-plugin';
import { checkAmbient } from './checks/ambient';
import { checkAnnotations } from './checks/annotations';
import { checkCaCertificates } from './checks/ca-certificates';
import { checkNegativeConditions } from './checks/conditions';
import { checkApplicationUid, checkServiceAssociation } from './checks/deployments';
import { checkDeprecatedFields } from './checks/deprecation';
import { checkDestinationRuleHosts, checkMtls } from './checks/destination-rules';
import { checkDestinationHosts, checkDestinationSubsets, checkIngressSubsetRoutes } from './checks/destinations';
import { checkDuplicateObjects } from './checks/duplicates';
import { checkEnvoyFilterPatches } from './checks/envoy-filters';
import { checkRouteBackends, checkRouteParents } from './checks/gateway-api-routes';
import { checkDuplicateCertificates, checkGatewayCredentials } from './checks/gateway-credentials';
import { checkGatewayServicePorts } from './checks/gateway-workloads';
import { checkConflictingGateways, checkGatewaySelectors, checkInternalGatewayReferences, checkVirtualServiceGateways } from './checks/gateways';
import { checkInjection } from './checks/injection';
import { checkGatewayApiCrdVersions, checkGatewayApiPolicySelectors } from './checks/k8s-gateways';
import { checkAlphaAnnotations } from './checks/maturity';
import { checkMeshHostConflicts } from './checks/mesh-hosts';
import { checkPrincipalServiceAccounts } from './checks/principals';
import { checkGatewaySecretGrants } from './checks/reference-grants';
import { checkJwksFetchRestriction, checkJwtClaimRoutes } from './checks/request-authentication';
import { routeRuleFinding } from './checks/route-rules';
import {
  checkAuthorizationPolicyNamespaces, checkAuthorizationPolicyWorkloads, checkDenyByDefault, checkGatewayApiSelectors,
} from './checks/security';
import { checkServiceEntryAddresses } from './checks/service-entries';
import { checkServicePorts } from './checks/services';
import { checkSidecarSelectors } from './checks/sidecars';
import { checkTelemetries } from './checks/telemetry';

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
  /**
   * The mesh config (the `mesh` key of the `istio` ConfigMap, parsed), for checks that need it
   * (e.g. extension providers); undefined when not known.
   */
  readonly meshConfig?: any;
  /**
   * Whether to report annotations of alpha-phase features (IST0136, Istio's maturity.AlphaAnalyzer,
   * which `istioctl analyze` does not run: too noisy). Off unless set.
   */
  readonly alphaAnnotations?: boolean;
}

/** The library's own code for core objects the API server refuses (IST0106 is for Istio kinds). */
const KUBERNETES_OBJECT_REFUSED = 'CKI0003';

const SINGLE_OBJECT_RULES: Record<string, (e: Entry) => Findings> = {
  VirtualService: (e) => validateVirtualServiceSpec(e.spec, e.namespace),
  DestinationRule: (e) => validateDestinationRuleSpec(e.spec, e.namespace),
  Gateway: (e) => validateGatewaySpec(e.spec, e.name),
  ServiceEntry: (e) => validateServiceEntrySpec(e.spec, e.namespace, e.manifest.metadata?.labels),
  Sidecar: (e) => validateSidecarSpec(e.spec, e.namespace),
  PeerAuthentication: (e) => validatePeerAuthenticationSpec(e.spec),
  AuthorizationPolicy: (e) => validateAuthorizationPolicySpec(e.spec),
  RequestAuthentication: (e) => validateRequestAuthenticationSpec(e.spec),
  Telemetry: (e) => validateTelemetrySpec(e.spec),
  EnvoyFilter: (e) => validateEnvoyFilterSpec(e.spec),
  WasmPlugin: (e) => validateWasmPluginSpec(e.spec),
};

/** The library's own code for Gateway API objects (gateway.networking.k8s.io) the API server refuses. */
const GATEWAY_API_OBJECT_REFUSED = 'CKI0006';

/** The API group of the Kubernetes Gateway API. */
const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';

/**
 * Admission rules of Gateway API kinds beyond their CRD schema and CEL rules, by kind (the
 * counterpart of SINGLE_OBJECT_RULES for gateway.networking.k8s.io); the CRD stage runs for
 * every Gateway API object whether or not its kind has an entry here.
 */
const GATEWAY_API_RULES: Record<string, (e: Entry) => Findings> = {};

/** Whether `manifest` is a Gateway API object (gateway.networking.k8s.io/*). */
function isGatewayApiObject(manifest: any): boolean {
  return typeof manifest?.apiVersion === 'string' && manifest.apiVersion.startsWith(`${GATEWAY_API_GROUP}/`);
}

/**
 * What `kubectl apply` would refuse, for objects not built by this library's L2 constructs
 * (which check theirs themselves): the API server's object rules, the CRD schema and CEL rules,
 * and Istio's admission webhook. Reported as IST0106 (SchemaValidationError) for Istio kinds, as
 * istioctl does, as CKI0006 for Gateway API kinds and as CKI0003 for other kinds.
 */
function checkSingleObjects(ctx: AnalysisContext): Set<unknown> {
  const refused = new Set<unknown>();
  for (const entry of ctx.inventory.entries) {
    const manifest = entry.manifest;
    // Only objects shaped like Kubernetes objects; L2 constructs checked theirs already.
    if (entry.validated || !manifest.apiVersion || !manifest.kind || !manifest.metadata) continue;
    const istio = isIstioObject(manifest);
    const gatewayApi = !istio && isGatewayApiObject(manifest);
    const rules = istio ? SINGLE_OBJECT_RULES[entry.kind] : gatewayApi ? GATEWAY_API_RULES[entry.kind] : undefined;
    const code = istio ? 'IST0106' : gatewayApi ? GATEWAY_API_OBJECT_REFUSED : KUBERNETES_OBJECT_REFUSED;
    for (const finding of admissionFindings(manifest, rules && (() => rules(entry))).all) {
      // Istio's schema analyzer reports its unreachable-rule warnings as IST0130/IST0131.
      const routeRule = istio ? routeRuleFinding(entry.kind, finding) : undefined;
      if (routeRule) ctx.report(entry, routeRule.code, routeRule.level, routeRule.message);
      else ctx.report(entry, code, finding.severity, finding.message);
      if (finding.severity === AnalysisLevel.ERROR) refused.add(manifest);
    }
  }
  return refused;
}

/**
 * Runs every check over a set of objects: Istio's admission rules per object, then the
 * cross-object checks of `istioctl analyze`. Each check indexes the objects by host, name or
 * label, so the analysis is linear in the number of objects.
 */
export function analyzeObjects(objects: SourcedObject[], settings: AnalyzeSettings): AnalysisFinding[] {
  const all = new AnalysisContext(new Inventory(objects, settings.defaultNamespace, settings.clusterDomain), settings.rootNamespace);
  const refused = checkSingleObjects(all);
  checkDuplicateObjects(all);
  // Reads only gateway names: refused VirtualServices too (Istio's webhook refuses these references).
  checkInternalGatewayReferences(all);
  // The cross-object checks read only objects the API server would accept: a refused object is
  // reported already, and its wrong shapes would mislead the checks.
  const accepted = objects.filter((o) => !refused.has(o.manifest));
  const ctx = refused.size === 0 ? all : all.over(new Inventory(accepted, settings.defaultNamespace, settings.clusterDomain));
  // The mesh config the settings give, else the `istio` ConfigMap's among the analyzed objects.
  const meshConfig = meshConfigOf(ctx.inventory, settings);
  checkVirtualServiceGateways(ctx, settings.externalGateways);
  checkConflictingGateways(ctx);
  checkGatewaySelectors(ctx);
  checkGatewayServicePorts(ctx);
  checkGatewayCredentials(ctx);
  checkDuplicateCertificates(ctx);
  checkGatewayApiPolicySelectors(ctx);
  checkGatewayApiCrdVersions(ctx);
  checkGatewaySecretGrants(ctx);
  checkRouteParents(ctx, settings.externalGateways);
  checkRouteBackends(ctx);
  checkServiceEntryAddresses(ctx, meshConfig);
  checkMeshHostConflicts(ctx);
  checkDestinationSubsets(ctx);
  checkDestinationHosts(ctx);
  checkIngressSubsetRoutes(ctx);
  checkCaCertificates(ctx);
  checkDestinationRuleHosts(ctx);
  checkMtls(ctx);
  checkServicePorts(ctx);
  checkServiceAssociation(ctx);
  checkApplicationUid(ctx);
  checkInjection(ctx);
  checkSidecarSelectors(ctx);
  checkAuthorizationPolicyWorkloads(ctx);
  checkAuthorizationPolicyNamespaces(ctx);
  checkGatewayApiSelectors(ctx);
  checkAmbient(ctx);
  checkJwtClaimRoutes(ctx);
  checkJwksFetchRestriction(ctx);
  checkDenyByDefault(ctx);
  checkPrincipalServiceAccounts(ctx);
  checkAnnotations(ctx);
  if (settings.alphaAnnotations) checkAlphaAnnotations(ctx);
  checkDeprecatedFields(ctx);
  checkNegativeConditions(ctx);
  checkEnvoyFilterPatches(ctx);
  checkTelemetries(ctx, meshConfig);
  return all.findings.filter((f) => !settings.ignore.has(f.code));
}

/** One line per finding: `source: Kind/namespace/name: Level CODE message`. */
export function formatFinding(f: AnalysisFinding): string {
  return `${f.source}: ${f.kind}/${f.namespace}/${f.name}: ${f.level} ${f.code} ${f.message}`;
}
