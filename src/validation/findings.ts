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

/** Longest value echoed whole in a message; longer ones are cut and their length given. */
const MAX_SHOWN = 120;

/**
 * Renders a bad value for a message: plain for scalars, compact JSON for the rest. Strings with
 * control characters (a newline in a header value) are quoted with escapes so the message stays
 * on one line, and long values are cut.
 */
export function show(value: unknown): string {
  if (value === undefined) return 'unset';
  if (typeof value === 'string') {
    // eslint-disable-next-line no-control-regex
    const text = value === '' ? '""' : /[\u0000-\u001f\u007f]/.test(value) ? JSON.stringify(value) : value;
    return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 20)}... (${value.length} characters)` : text;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const json = JSON.stringify(value, constructsByPath());
  return json.length > MAX_SHOWN ? json.slice(0, MAX_SHOWN - 3) + '...' : json;
}

/**
 * A JSON replacer that writes a construct (e.g. a Gateway passed in props) as its path, and any
 * object met again as `[circular]`: construct trees are circular.
 */
function constructsByPath(): (key: string, value: unknown) => unknown {
  const seen = new WeakSet<object>();
  return (_key, value) => {
    if (!value || typeof value !== 'object') return value;
    const node = (value as { node?: { path?: unknown } }).node;
    if (node && typeof node.path === 'string') return `<${node.path || 'app'}>`;
    if (seen.has(value)) return '[circular]';
    seen.add(value);
    return value;
  };
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

  /** How many findings there are (without copying them). */
  public get count(): number {
    return this.items.length;
  }

  /** All findings, in the order they were found. */
  public get all(): Finding[] {
    return [...this.items];
  }

  /**
   * Adds the findings of `other` whose field has no finding here yet: when several admission
   * stages refuse one field, the one merged first is reported (see `admissionFindings`).
   */
  public merge(other: Findings): Findings {
    const fields = new Set(this.items.map((f) => f.field));
    for (const finding of other.all) if (!fields.has(finding.field)) this.items.push(finding);
    return this;
  }

  /** The messages of all findings; warnings are marked as such. */
  public get messages(): string[] {
    return this.items.map((f) => (f.severity === AnalysisLevel.WARNING ? `${f.message} (Istio accepts this with a warning)` : f.message));
  }

  private add(severity: AnalysisLevel, field: string, value: unknown, rule: string, fix: string): void {
    this.items.push({ severity, field, message: `'${field}' (${show(value)}) ${rule}; ${fix}` });
  }
}
