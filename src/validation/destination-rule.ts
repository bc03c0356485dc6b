import { checkExportTo, checkLabels, checkSelectorLabels, checkSubsetName } from './common';
import { Findings } from './findings';
import { wildcardDomainProblem } from './names';
import { asList, asRecord, isRecord } from './shape';
import { checkTrafficPolicy } from './traffic-policy';

function checkSubsets(f: Findings, list: unknown, namespace: string | undefined): void {
  const names = new Set<unknown>();
  asList(f, 'spec.subsets', list).forEach((subset: unknown, i: number) => {
    const field = `spec.subsets[${i}]`;
    if (subset === null || subset === undefined) {
      f.error(field, subset, 'must not be null', 'remove the empty subset');
      return;
    }
    if (!asRecord(f, field, subset)) return;
    if (names.has(subset.name)) f.error(`${field}.name`, subset.name, 'must be unique (duplicate subset names)', 'rename one of the subsets');
    names.add(subset.name);
    checkSubsetName(f, `${field}.name`, subset.name);
    if (asRecord(f, `${field}.labels`, subset.labels)) checkLabels(f, `${field}.labels`, subset.labels);
    checkTrafficPolicy(f, `${field}.trafficPolicy`, subset.trafficPolicy, namespace);
  });
}

function checkWorkloadSelector(f: Findings, selector: Record<string, any>, exportTo: string[], namespace: string | undefined): void {
  const labels = selector.matchLabels;
  if (!isRecord(labels) || Object.keys(labels).length === 0) {
    f.warning('spec.workloadSelector.matchLabels', labels, 'is empty, so the rule applies to every workload in the namespace',
      'add matchLabels, or remove workloadSelector');
  } else {
    checkSelectorLabels(f, 'spec.workloadSelector.matchLabels', labels);
  }
  if (exportTo.some((e) => e !== '.' && e !== namespace)) {
    f.error('spec.exportTo', exportTo, 'must export only to the own namespace when workloadSelector is set', "use exportTo ['.']");
  } else if (exportTo.length > 1) {
    f.error('spec.exportTo', exportTo, 'must have a single entry when workloadSelector is set', "use exportTo ['.']");
  }
}

/** Istio's admission rules for a DestinationRule spec (networking.istio.io/v1), as emitted YAML. */
export function validateDestinationRuleSpec(spec: any, namespace?: string): Findings {
  const f = new Findings();
  if (!isRecord(spec)) {
    if (spec !== undefined && spec !== null) f.error('spec', spec, 'must be an object', 'write the spec as a YAML mapping');
    spec = {};
  }
  const host = spec.host;
  const problem = typeof host === 'string' ? wildcardDomainProblem(host) : 'must be a host name';
  if (problem) f.error('spec.host', host, problem, 'use a service name such as "reviews" or "reviews.prod.svc.cluster.local"');
  checkTrafficPolicy(f, 'spec.trafficPolicy', spec.trafficPolicy, namespace);
  checkSubsets(f, spec.subsets, namespace);
  const exportTo = asList(f, 'spec.exportTo', spec.exportTo).map(String);
  checkExportTo(f, 'spec.exportTo', exportTo, namespace, false);
  if (asRecord(f, 'spec.workloadSelector', spec.workloadSelector)) checkWorkloadSelector(f, spec.workloadSelector, exportTo, namespace);
  return f;
}
