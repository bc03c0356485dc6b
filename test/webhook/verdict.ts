import { AnalysisLevel } from '../../src/analysis/finding';
import { Findings } from '../../src/validation/findings';

/** Istio's answer to an object: refused (an error), accepted with warnings, or accepted. */
export type Verdict = 'accept' | 'refuse' | 'warn';

/** One row of a mirrored Istio test table: our own input, and Istio's verdict on it. */
export interface WebhookCase {
  /** The Istio test (and case name) this row mirrors. */
  readonly mirrors: string;
  readonly spec: any;
  readonly verdict: Verdict;
  /** For refusals: a piece of our message that names the field. */
  readonly field?: string;
  /** The object's name, when the rule reads it. */
  readonly name?: string;
  /** The object's namespace, when the rule reads it. */
  readonly namespace?: string;
  /** metadata.labels of the object, when the rule reads them. */
  readonly labels?: Record<string, string>;
}

/** Our verdict, from the findings of the library's rules. */
export function verdictOf(findings: Findings): Verdict {
  const levels = findings.all.map((f) => f.severity);
  if (levels.includes(AnalysisLevel.ERROR)) return 'refuse';
  return levels.length > 0 ? 'warn' : 'accept';
}
