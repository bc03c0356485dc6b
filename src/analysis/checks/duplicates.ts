import { textOf } from '../../validation/shape';
import { AnalysisContext } from '../context';
import { AnalysisLevel } from '../finding';
import { addTo, Entry } from '../model';

/** The library's own code: Istio has none, since the API server keeps one object per name. */
const DUPLICATE_OBJECT = 'CKI0002';

/** `apps/v1` → `apps`; `v1` → `` (the core group). Versions of one group are one object. */
function group(apiVersion: unknown): string {
  const text = textOf(apiVersion);
  return text.includes('/') ? text.slice(0, text.indexOf('/')) : '';
}

/**
 * CKI0002: two objects with the same group, kind, namespace and name. Applied together, the
 * second silently replaces the first (e.g. a Service of your own and the one a CanaryService
 * makes for the same name), so one of them never takes effect.
 */
export function checkDuplicateObjects(ctx: AnalysisContext): void {
  const byIdentity = new Map<string, Entry[]>();
  for (const e of ctx.inventory.entries) {
    if (!e.kind || !e.name) continue;
    addTo(byIdentity, `${group(e.manifest.apiVersion)}|${e.kind}|${e.namespace}|${e.name}`, e);
  }
  for (const entries of byIdentity.values()) {
    if (entries.length < 2) continue;
    const [first, ...rest] = entries;
    for (const e of rest) {
      ctx.report(e, DUPLICATE_OBJECT, AnalysisLevel.ERROR, `${e.kind} ${e.namespace}/${e.name} is defined twice: by ${first.source} and by ${e.source}; `
        + 'applied together, one replaces the other — rename one of them (e.g. the metadata.name or serviceName), or remove the duplicate');
    }
  }
}
