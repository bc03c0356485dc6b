import { checkExportTo, checkLabels, checkSelectorLabels, checkSubsetName } from './common';
import { Findings } from './findings';
import { wildcardDomainProblem } from './names';
import { checkTrafficPolicy } from './traffic-policy';

/** Istio's admission rules for a DestinationRule spec (networking.istio.io/v1), as emitted YAML. */
export function validateDestinationRuleSpec(spec: any, namespace?: string): Findings {
  const f = new Findings();
  spec = spec ?? {};
  const problem = wildcardDomainProblem(spec.host ?? '');
  if (problem) f.error('spec.host', spec.host, problem, 'use a service name such as "reviews" or "reviews.prod.svc.cluster.local"');
  checkTrafficPolicy(f, 'spec.trafficPolicy', spec.trafficPolicy);
  const names = new Set<string>();
  (spec.subsets ?? []).forEach((subset: any, i: number) => {
    const field = `spec.subsets[${i}]`;
    if (!subset) {
      f.error(field, subset, 'must not be null', 'remove the empty subset');
      return;
    }
    if (names.has(subset.name)) f.error(`${field}.name`, subset.name, 'must be unique (duplicate subset names)', 'rename one of the subsets');
    names.add(subset.name);
    checkSubsetName(f, `${field}.name`, subset.name);
    checkLabels(f, `${field}.labels`, subset.labels);
    checkTrafficPolicy(f, `${field}.trafficPolicy`, subset.trafficPolicy);
  });
  checkExportTo(f, 'spec.exportTo', spec.exportTo, namespace, false);
  const selector = spec.workloadSelector;
  if (selector) {
    checkSelectorLabels(f, 'spec.workloadSelector.matchLabels', selector.matchLabels);
    const exportTo: string[] = spec.exportTo ?? [];
    if (exportTo.some((e) => e !== '.' && e !== namespace)) {
      f.error('spec.exportTo', exportTo, 'must export only to the own namespace when workloadSelector is set', "use exportTo ['.']");
    } else if (exportTo.length > 1) {
      f.error('spec.exportTo', exportTo, 'must have a single entry when workloadSelector is set', "use exportTo ['.']");
    }
  }
  return f;
}
