import { celSyntaxProblem } from './cel-syntax';
import { Findings } from './findings';
import { checkPolicyTargets } from './policy-targets';
import { asList, isRecord } from './shape';

// Istio 1.30.3's admission rules for Telemetry (pkg/config/validation ValidateTelemetry): the
// selector / targetRef / targetRefs one-of with validateWorkloadSelector and
// validatePolicyTargetReference(s) (shared with the security policies), then
// validateTelemetryMetrics, validateTelemetryTracing and validateTelemetryAccessLogging, whose
// access-log filter rule is cel-go's parser (validation_istiod.go). The spec is hand-written
// YAML: values of the wrong type are left to the CRD schema stage, never thrown on.

/** A string field as Istio's protobuf reads it: '' when unset. */
function stringAt(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** validateTelemetryProviders: the first provider without a name is an error (one per list). */
function checkProviders(f: Findings, field: string, providers: unknown): void {
  if (!Array.isArray(providers)) return;
  // A provider of another type is the CRD schema's to report.
  const i = providers.findIndex((p) => p === null || p === undefined || (isRecord(p) && stringAt(p.name) === ''));
  if (i < 0) return;
  const provider = providers[i];
  f.error(`${field}[${i}].name`, isRecord(provider) ? provider.name : provider, 'must name a provider',
    'give the name of an extensionProviders entry of the mesh config (e.g. envoy, prometheus), or remove the entry');
}

/** validateTelemetryTracing. */
function checkTracing(f: Findings, tracing: unknown[]): void {
  if (tracing.length > 1) {
    f.warning('spec.tracing', `${tracing.length} entries`, 'has several entries, which Istio does not support (it applies one)',
      'merge them into one tracing entry');
  }
  tracing.forEach((entry, i) => {
    if (!isRecord(entry)) return;
    const field = `spec.tracing[${i}]`;
    const providers = entry.providers;
    if (Array.isArray(providers) && providers.length > 1) {
      f.warning(`${field}.providers`, providers.map((p) => (isRecord(p) ? p.name : p)), 'names several providers, which Istio does not support (it uses the first)',
        'trace to one provider');
    }
    checkProviders(f, `${field}.providers`, providers);
    const percentage = entry.randomSamplingPercentage;
    if (typeof percentage === 'number' && (percentage < 0 || percentage > 100)) {
      f.error(`${field}.randomSamplingPercentage`, percentage, 'must be within [0.0, 100.0]', 'give the percentage of requests to trace, e.g. 1 or 0.5');
    }
    if (isRecord(entry.customTags)) checkCustomTags(f, `${field}.customTags`, entry.customTags);
  });
}

/** The custom tags of a tracing entry: a name, a value, and for each kind its required field. */
function checkCustomTags(f: Findings, field: string, tags: Record<string, unknown>): void {
  for (const [name, tag] of Object.entries(tags)) {
    if (name === '') f.error(field, '""', 'must not have a tag with an empty name', 'name the tag');
    const tagField = `${field}.${name}`;
    if (tag === null || tag === undefined) {
      f.error(tagField, null, 'must have a value', 'give a literal, header, environment or formatter value, or remove the tag');
      continue;
    }
    if (!isRecord(tag)) continue;
    if (isRecord(tag.literal) && stringAt(tag.literal.value) === '') {
      f.error(`${tagField}.literal.value`, tag.literal.value, 'must not be empty', 'give the value to add to every span');
    } else if (isRecord(tag.header) && stringAt(tag.header.name) === '') {
      f.error(`${tagField}.header.name`, tag.header.name, 'must not be empty', 'name the request header whose value is the tag');
    } else if (isRecord(tag.environment) && stringAt(tag.environment.name) === '') {
      f.error(`${tagField}.environment.name`, tag.environment.name, 'must not be empty', 'name the environment variable of the proxy whose value is the tag');
    }
  }
}

/** validateTelemetryMetrics. */
function checkMetrics(f: Findings, metrics: unknown[]): void {
  metrics.forEach((entry, i) => {
    if (!isRecord(entry)) return;
    const field = `spec.metrics[${i}]`;
    checkProviders(f, `${field}.providers`, entry.providers);
    if (!Array.isArray(entry.overrides)) return;
    entry.overrides.forEach((override, j) => {
      const overrideField = `${field}.overrides[${j}]`;
      if (override === null || override === undefined) {
        f.error(overrideField, null, 'must not be null', 'give the override a match, disabled or tagOverrides, or remove it');
        return;
      }
      if (!isRecord(override)) return;
      if (isRecord(override.tagOverrides)) checkTagOverrides(f, `${overrideField}.tagOverrides`, override.tagOverrides);
      const match = override.match;
      if (isRecord(match) && 'customMetric' in match && match.customMetric !== null && stringAt(match.customMetric) === '') {
        f.error(`${overrideField}.match.customMetric`, match.customMetric, 'must not be empty', 'name the custom metric, or match a standard metric with `metric`');
      }
    });
  });
}

/** The tag overrides of a metrics override: UPSERT needs a value expression, REMOVE takes none. */
function checkTagOverrides(f: Findings, field: string, overrides: Record<string, unknown>): void {
  for (const [name, override] of Object.entries(overrides)) {
    if (name === '') f.warning(field, '""', 'has a tag override without a tag name', 'name the metric tag (label) to change');
    const tagField = `${field}.${name}`;
    if (override === null || override === undefined) {
      f.error(tagField, null, 'must not be null', 'give an operation (UPSERT with a value, or REMOVE), or remove the override');
      continue;
    }
    if (!isRecord(override)) continue;
    const operation = override.operation === undefined || override.operation === null ? 'UPSERT' : override.operation;
    const value = stringAt(override.value);
    if (operation === 'UPSERT' && value === '') {
      f.error(`${tagField}.value`, override.value, 'must be set when the operation is UPSERT (the default)',
        'give a CEL expression for the tag value, e.g. request.host, or use operation REMOVE');
    } else if (operation === 'REMOVE' && value !== '') {
      f.error(`${tagField}.value`, value, 'may only be set when the operation is UPSERT', 'remove the value, or use operation UPSERT');
    }
  }
}

/** validateTelemetryAccessLogging: a filter must parse as CEL; providers need names. */
function checkAccessLogging(f: Findings, logging: unknown[]): void {
  logging.forEach((entry, i) => {
    if (!isRecord(entry)) return;
    const field = `spec.accessLogging[${i}]`;
    if (isRecord(entry.filter)) {
      const expression = stringAt(entry.filter.expression);
      const problem = celSyntaxProblem(expression);
      if (problem) {
        f.error(`${field}.filter.expression`, expression === '' ? '""' : expression, `must be a valid CEL expression: ${problem}`,
          'write a CEL condition on request, response or connection attributes, e.g. response.code >= 400');
      }
    }
    checkProviders(f, `${field}.providers`, entry.providers);
  });
}

/** Istio's admission rules for a Telemetry spec. */
export function validateTelemetrySpec(spec: any): Findings {
  const f = new Findings();
  if (!isRecord(spec)) return f;
  checkPolicyTargets(f, spec);
  checkMetrics(f, asList(f, 'spec.metrics', spec.metrics));
  checkTracing(f, asList(f, 'spec.tracing', spec.tracing));
  checkAccessLogging(f, asList(f, 'spec.accessLogging', spec.accessLogging));
  return f;
}
