/**
 * The differential property: build a construct from generated props, synthesize, and compare
 * with an independent validator (test/support/schema.ts: ajv over the vendored CRD schemas with
 * unknown fields rejected, @bufbuild/cel for the CEL rules, the Kubernetes schema for core
 * kinds) — not the validator the library ships.
 */
import { App, Testing } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { FuzzCase } from './arbitraries';
import { schemaViolations } from '../support/schema';

/** What happened to one case. */
export type Outcome =
  | { readonly kind: 'accepted' }
  | { readonly kind: 'refused'; readonly message: string }
  /** Accepted, but the independent validator refuses the YAML: bad input reached YAML. */
  | { readonly kind: 'escape'; readonly problems: string[] }
  /** Refused with something other than the library's validation error (a TypeError, ...). */
  | { readonly kind: 'crash'; readonly message: string }
  /** Refused, but a line of the message names no construct path or no field. */
  | { readonly kind: 'unlocated'; readonly message: string };

/** A library error line: `[path] 'field' (...)`, or an analyzer line `[path] CODE: ...`. */
const LOCATED = /\[[^\]]+\] ('[^']+' \(|(IST|CKI)\d{4}: )/;

export function runCase(c: FuzzCase): Outcome {
  const chart = Testing.chart();
  let manifests: any[];
  try {
    c.build(chart);
    // A case that lays out several charts (namespaces) is synthesized as a whole App: one validation pass, as `cdk8s synth` does.
    const app = chart.node.root as App;
    manifests = app.charts.length > 1 ? parseAllDocuments(app.synthYaml()).map((d) => d.toJS()) : Testing.synth(chart);
  } catch (e) {
    const error = e as Error;
    if (error.constructor !== Error) return { kind: 'crash', message: `${error.name}: ${error.message}` };
    const lines = error.message.split('\n').map((l) => l.trim()).filter((l) => l && l !== 'Validation failed with the following errors:');
    const unlocated = lines.filter((l) => !LOCATED.test(l));
    return unlocated.length > 0 ? { kind: 'unlocated', message: unlocated.join('\n') } : { kind: 'refused', message: error.message };
  }
  const problems = manifests.flatMap((m) => schemaViolations(m).map((p) => `${m.kind}/${m.metadata?.name}: ${p}`));
  return problems.length > 0 ? { kind: 'escape', problems } : { kind: 'accepted' };
}
