import { isRecord, textOf } from '../../validation/shape';
import { AnalysisContext } from '../context';
import { AnalysisLevel } from '../finding';
import { addTo, Entry, selectorText, Workload } from '../model';

// Telemetry checks, as Istio's telemetry analyzers (Istio 1.30.3): ProviderAnalyzer (IST0157),
// LightstepAnalyzer (IST0002), SelectorAnalyzer (IST0101, IST0159) and DefaultSelectorAnalyzer
// (IST0160).

type Labels = { [key: string]: string };

/** The list at a field, or empty when it is not a list. */
function listOf(value: unknown): any[] {
  return Array.isArray(value) ? value : [];
}

/** `[a b]`: a list of names as Istio's messages print them (Go's `%v`), sorted. */
function nameList(entries: Entry[]): string {
  return `[${entries.map((e) => e.name).sort().join(' ')}]`;
}

/** The Telemetry's selector labels when it has a non-empty `selector.matchLabels`. */
function matchLabels(spec: any): Labels | undefined {
  const labels = isRecord(spec.selector) ? spec.selector.matchLabels : undefined;
  return isRecord(labels) && Object.keys(labels).length > 0 ? labels : undefined;
}

/**
 * IST0157 (InvalidTelemetryProvider), as Istio's ProviderAnalyzer: an access logging entry that
 * is not disabled and names no provider, when the mesh config sets no default access logging
 * provider, configures nothing. Reported once per Telemetry. Only when the mesh config is known:
 * the cluster's may set default providers.
 */
export function checkTelemetryProviders(ctx: AnalysisContext, mesh: any): void {
  if (!isRecord(mesh)) return;
  const defaults = isRecord(mesh.defaultProviders) ? mesh.defaultProviders : {};
  if (listOf(defaults.accessLogging).length > 0) return;
  for (const telemetry of ctx.inventory.of('Telemetry')) {
    const unnamed = listOf(telemetry.spec.accessLogging).some((l) => {
      const logging = isRecord(l) ? l : {};
      return logging.disabled !== true && listOf(logging.providers).length === 0;
    });
    if (unnamed) {
      ctx.report(telemetry, 'IST0157', AnalysisLevel.WARNING, `The Telemetry ${telemetry.name} in namespace "${telemetry.namespace}" with empty providers `
        + 'will be ignored; name a provider in each accessLogging entry (e.g. envoy), or set meshConfig.defaultProviders.accessLogging');
    }
  }
}

/**
 * IST0002 (Deprecated), as Istio's LightstepAnalyzer: a Telemetry traces to an extension
 * provider that the mesh config defines as a Lightstep provider. Once per Telemetry and provider.
 */
export function checkLightstepProviders(ctx: AnalysisContext, mesh: any): void {
  if (!isRecord(mesh)) return;
  const lightstep = new Set(listOf(mesh.extensionProviders)
    .filter((p) => isRecord(p) && isRecord(p.lightstep)).map((p) => textOf(p.name)));
  if (lightstep.size === 0) return;
  for (const telemetry of ctx.inventory.of('Telemetry')) {
    const names = new Set<string>();
    for (const tracing of listOf(telemetry.spec.tracing)) {
      for (const provider of listOf(isRecord(tracing) ? tracing.providers : undefined)) {
        const name = isRecord(provider) ? textOf(provider.name) : '';
        if (lightstep.has(name)) names.add(name);
      }
    }
    for (const name of names) {
      ctx.report(telemetry, 'IST0002', AnalysisLevel.WARNING, `Deprecated: The Lightstep provider ${name} is deprecated, please migrate to `
        + 'OpenTelemetry provider; define an opentelemetry extension provider in the mesh config and trace to it instead');
    }
  }
}

/**
 * IST0101 and IST0159, as Istio's SelectorAnalyzer, for Telemetries with a non-empty
 * `selector.matchLabels`: one that selects no workload of its namespace (only in namespaces where
 * the analyzed objects define workloads: elsewhere the pods are deployed by others), and each
 * workload that several select (one finding per Telemetry and workload).
 */
export function checkTelemetrySelectors(ctx: AnalysisContext): void {
  const defined = new Set(ctx.inventory.workloads.map((w) => w.entry.namespace));
  const selectedBy = new Map<Workload, Entry[]>();
  for (const telemetry of ctx.inventory.of('Telemetry')) {
    const labels = matchLabels(telemetry.spec);
    if (!labels) continue;
    const selected = ctx.inventory.workloadsSelectedBy(labels, telemetry.namespace);
    for (const workload of selected) addTo(selectedBy, workload, telemetry);
    if (selected.length === 0 && defined.has(telemetry.namespace)) {
      ctx.report(telemetry, 'IST0101', AnalysisLevel.ERROR, `Referenced selector not found: "${selectorText(labels)}"; no workload in namespace `
        + `${telemetry.namespace} has these labels, so the Telemetry applies to nothing: fix the selector to match the pods' labels`);
    }
  }
  for (const [workload, telemetries] of selectedBy) {
    if (telemetries.length < 2) continue;
    const names = nameList(telemetries);
    const pod = workload.entry;
    for (const telemetry of telemetries) {
      ctx.report(telemetry, 'IST0159', AnalysisLevel.ERROR, `The Telemetries ${names} in namespace "${pod.namespace}" select the same workload pod `
        + `"${pod.name}", which can lead to undefined behavior; ${pod.kind === 'Pod' ? 'give' : `the pods of ${pod.kind} ${pod.name}: give`} `
        + 'each workload one Telemetry: merge them, or make their selectors disjoint');
    }
  }
}

/**
 * IST0160, as Istio's DefaultSelectorAnalyzer: several Telemetries of a namespace have no
 * selector, so which one applies namespace-wide is undefined. Telemetries attached by
 * `targetRef`/`targetRefs` are not namespace-wide and are left out (Istio counts them).
 */
export function checkDefaultTelemetries(ctx: AnalysisContext): void {
  const byNamespace = new Map<string, Entry[]>();
  for (const telemetry of ctx.inventory.of('Telemetry')) {
    const spec = telemetry.spec;
    if (spec.selector !== undefined && spec.selector !== null) continue;
    if (isRecord(spec.targetRef) || listOf(spec.targetRefs).length > 0) continue;
    addTo(byNamespace, telemetry.namespace, telemetry);
  }
  for (const [namespace, telemetries] of byNamespace) {
    if (telemetries.length < 2) continue;
    const names = nameList(telemetries);
    for (const telemetry of telemetries) {
      ctx.report(telemetry, 'IST0160', AnalysisLevel.ERROR, `The Telemetries ${names} in namespace "${namespace}" have no workload selector, `
        + 'which can lead to undefined behavior; keep one namespace-wide Telemetry per namespace, and give the others a selector');
    }
  }
}

/** Every Telemetry check, against the mesh config (from the settings or an `istio` ConfigMap: meshConfigOf), if known. */
export function checkTelemetries(ctx: AnalysisContext, mesh: any): void {
  checkTelemetryProviders(ctx, mesh);
  checkLightstepProviders(ctx, mesh);
  checkTelemetrySelectors(ctx);
  checkDefaultTelemetries(ctx);
}
