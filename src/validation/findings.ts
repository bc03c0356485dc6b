import { AnalysisLevel } from '../analysis/finding';

// Istio's admission webhook rejects errors and accepts warnings; the constructs of this library
// refuse both, because a warning always marks configuration that does not do what it says.

/** One problem found in an Istio object. */
export interface Finding {
  /** How serious the problem is. */
  readonly severity: AnalysisLevel;
  /** The field as it appears in the YAML, e.g. `spec.http[0].retries.attempts`. */
  readonly field: string;
  /** The whole message: field, bad value, rule and fix. */
  readonly message: string;
}

/** Renders a bad value for a message: plain for scalars, compact JSON for the rest. */
export function show(value: unknown): string {
  if (value === undefined) return 'unset';
  if (typeof value === 'string') return value === '' ? '""' : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const json = JSON.stringify(value);
  return json.length > 120 ? json.slice(0, 117) + '...' : json;
}

/** Collects findings in the house message shape: `'<field>' (<value>) <rule>; <fix>`. */
export class Findings {
  private readonly items: Finding[] = [];

  /** Records an error. `rule` starts with a verb, e.g. "must be at least 1ms". */
  public error(field: string, value: unknown, rule: string, fix: string): void {
    this.add(AnalysisLevel.ERROR, field, value, rule, fix);
  }

  /** Records a warning: Istio accepts it, but the configuration does not do what it says. */
  public warning(field: string, value: unknown, rule: string, fix: string): void {
    this.add(AnalysisLevel.WARNING, field, value, rule, fix);
  }

  /** All findings, in the order they were found. */
  public get all(): Finding[] {
    return [...this.items];
  }

  /** The messages of all findings; warnings are marked as such. */
  public get messages(): string[] {
    return this.items.map((f) => (f.severity === AnalysisLevel.WARNING ? `${f.message} (Istio accepts this with a warning)` : f.message));
  }

  private add(severity: AnalysisLevel, field: string, value: unknown, rule: string, fix: string): void {
    this.items.push({ severity, field, message: `'${field}' (${show(value)}) ${rule}; ${fix}` });
  }
}
