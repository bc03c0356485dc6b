import { textOf } from '../../validation/shape';
import { AnalysisContext } from '../context';
import { AnalysisLevel } from '../finding';
import { addTo, apiGroup, Entry } from '../model';

/** The library's own code: Istio has none, since the API server keeps one object per name. */
export const DUPLICATE_OBJECT = 'CKI0002';

/**
 * What the API server keys an object by: API group (not version: versions of one group are one object), kind, namespace and name;
 * undefined for an object without kind or name. `namespace` is the object's effective namespace.
 */
export function objectIdentity(manifest: any, namespace: string): string | undefined {
  const kind = textOf(manifest?.kind);
  const name = textOf(manifest?.metadata?.name);
  if (!kind || !name) return undefined;
  return `${apiGroup(manifest.apiVersion) ?? ''}|${kind}|${namespace}|${name}`;
}

/** The CKI0002 message for an object defined by each of `sources` (two or more, in order). */
export function duplicateMessage(kind: string, namespace: string, name: string, sources: string[]): string {
  const times = sources.length === 2 ? 'twice' : `${sources.length} times`;
  // Many copies (alternatives of one sample, say): the first four, and how many more.
  const by = sources.length > 5 ? [...sources.slice(0, 4).map((s) => `by ${s}`), `${sources.length - 4} more`] : sources.map((s) => `by ${s}`);
  return `${kind} ${namespace}/${name} is defined ${times}: ${by.slice(0, -1).join(', ')} and ${by[by.length - 1]}; `
    + 'applied together, one replaces the other — rename one of them (e.g. the metadata.name or serviceName), or remove the duplicate';
}

/**
 * CKI0002: two objects with the same group, kind, namespace and name. Applied together, the
 * second silently replaces the first (e.g. a Service of your own and the one a CanaryService
 * makes for the same name), so one of them never takes effect. Reported once per object, on its
 * second definition, naming every definition.
 */
export function checkDuplicateObjects(ctx: AnalysisContext): void {
  const byIdentity = new Map<string, Entry[]>();
  for (const e of ctx.inventory.entries) {
    const identity = objectIdentity(e.manifest, e.namespace);
    if (identity !== undefined) addTo(byIdentity, identity, e);
  }
  for (const entries of byIdentity.values()) {
    if (entries.length < 2) continue;
    const second = entries[1];
    const message = duplicateMessage(second.kind, second.namespace, second.name, entries.map((e) => e.source));
    ctx.report(second, DUPLICATE_OBJECT, AnalysisLevel.ERROR, message);
  }
}
