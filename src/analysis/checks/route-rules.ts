import { Finding } from '../../validation/findings';
import { AnalysisLevel } from '../finding';

/** A finding re-coded as `istioctl analyze` codes it. */
export interface RecodedFinding {
  readonly code: string;
  readonly level: AnalysisLevel;
  readonly message: string;
}

/** Fields the reachability analysis reports on: a rule, or one match of a rule. */
const RULE_FIELD = /^(spec\.(?:http|tcp|tls)\[\d+\])(\.match\[\d+\])?$/;

/**
 * The VirtualService admission warnings of Istio's unreachable-rule analysis
 * (src/validation/route-reachability.ts), with the codes Istio's schema analyzer gives them
 * instead of a schema warning: IST0130 (VirtualServiceUnreachableRule, a warning) for a rule or
 * match that can never be reached, IST0131 (VirtualServiceIneffectiveMatch, an info) for a match
 * that an earlier one already takes (duplicate, or a covering URI prefix). Undefined for any
 * other finding.
 */
export function routeRuleFinding(kind: string, finding: Finding): RecodedFinding | undefined {
  if (kind !== 'VirtualService' || finding.severity !== AnalysisLevel.WARNING) return undefined;
  const field = RULE_FIELD.exec(finding.field);
  if (!field) return undefined;
  // The house shape: `'<field>' (<value>) <rule>; <fix>`.
  const unreachable = finding.message.lastIndexOf(') is unreachable: ');
  const unused = finding.message.lastIndexOf(') is never used: ');
  const fixAt = finding.message.lastIndexOf('; ');
  if (fixAt < 0 || (unreachable < 0 && unused < 0)) return undefined;
  const fix = finding.message.slice(fixAt + 2);
  if (unreachable >= 0) {
    const reason = finding.message.slice(unreachable + ') is unreachable: '.length, fixAt);
    return { code: 'IST0130', level: AnalysisLevel.WARNING, message: `VirtualService rule ${finding.field} not used (${reason}); ${fix}` };
  }
  const reason = finding.message.slice(unused + ') is never used: '.length, fixAt);
  return {
    code: 'IST0131',
    level: AnalysisLevel.INFO,
    message: `VirtualService rule ${field[1]} match ${finding.field} is not used (duplicate/overlapping match: ${reason}); ${fix}`,
  };
}
