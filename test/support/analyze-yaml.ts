import { parseAllDocuments } from 'yaml';
import { analyzeObjects, AnalyzeSettings } from '../../src/analysis/analyze';
import { AnalysisFinding } from '../../src/analysis/finding';

/** The analyzer's settings in the tests: Istio's defaults, and the Gateways named as external. */
export function analyzeSettings(externalGateways: string[] = []): AnalyzeSettings {
  return {
    defaultNamespace: 'default', rootNamespace: 'istio-system', externalGateways: new Set(externalGateways), ignore: new Set(), clusterDomain: 'cluster.local',
  };
}

/** Analyzes hand-written YAML documents as one app (`app.yaml#<i>` per object). */
export function analyzeYaml(documents: string[], externalGateways: string[] = []): AnalysisFinding[] {
  const manifests = documents.flatMap((d) => parseAllDocuments(d).map((doc) => doc.toJS())).filter((m) => m);
  return analyzeObjects(manifests.map((manifest, i) => ({ manifest, source: `app.yaml#${i}` })), analyzeSettings(externalGateways));
}

/** The findings of one code, as `Level Kind/namespace/name`. */
export function reported(findings: AnalysisFinding[], code: string): string[] {
  return findings.filter((f) => f.code === code).map((f) => `${f.level} ${f.kind}/${f.namespace}/${f.name}`);
}
