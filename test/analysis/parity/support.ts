import { parseAllDocuments } from 'yaml';
import { analyzeObjects, AnalyzeSettings } from '../../../src/analysis/analyze';
import { AnalysisFinding } from '../../../src/analysis/finding';

/** The CLI's defaults: what `cdk8s-istio analyze` assumes when given no options. */
export const DEFAULT_SETTINGS: AnalyzeSettings = {
  defaultNamespace: 'default',
  rootNamespace: 'istio-system',
  externalGateways: new Set<string>(),
  ignore: new Set<string>(),
  clusterDomain: 'cluster.local',
};

/** Analyzes YAML documents (one string, `---`-separated) as one set of files would be. */
export function analyze(yaml: string, settings: Partial<AnalyzeSettings> = {}): AnalysisFinding[] {
  const objects = parseAllDocuments(yaml).map((d) => ({ manifest: d.toJS(), source: 'in.yaml' })).filter((o) => o.manifest);
  return analyzeObjects(objects, { ...DEFAULT_SETTINGS, ...settings });
}

/** Findings of some codes as Istio's analyzer test grid lists them: `[code, 'Kind namespace/name']`, sorted. */
export function reported(findings: AnalysisFinding[], ...codes: string[]): Array<[string, string]> {
  return findings.filter((f) => codes.includes(f.code)).map((f): [string, string] => [f.code, `${f.kind} ${f.namespace}/${f.name}`]).sort();
}

/** The messages of the findings of a code. */
export function messagesOf(findings: AnalysisFinding[], code: string): string[] {
  return findings.filter((f) => f.code === code).map((f) => f.message);
}
