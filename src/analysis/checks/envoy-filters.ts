import { isRecord, textOf } from '../../validation/shape';
import { AnalysisContext } from '../context';
import { AnalysisLevel } from '../finding';
import { Entry } from '../model';

// EnvoyFilter patch operations that do not do what they seem to, as Istio's
// envoyfilter.EnvoyPatchAnalyzer (Istio 1.30.3) sees them.

const RELATIVE = 'IST0151';
const REPLACE_MISUSED = 'IST0152';
const ADD_MISUSED = 'IST0153';
const REMOVE_MISUSED = 'IST0154';
const RELATIVE_WITH_PROXY_VERSION = 'IST0155';

const RELATIVE_TEXT = 'This EnvoyFilter does not have a priority and has a relative patch operation set which can cause the EnvoyFilter not '
  + 'to be applied. Using the INSERT_FIRST of ADD option or setting the priority may help in ensuring the EnvoyFilter is applied correctly.';
const RELATIVE_WITH_PROXY_VERSION_TEXT = 'This EnvoyFilter does not have a priority and has a relative patch operation (NSTERT_BEFORE/AFTER, '
  + 'REPLACE, MERGE, DELETE) and proxyVersion set which can cause the EnvoyFilter not to be applied during an upgrade. Using the '
  + 'INSERT_FIRST or ADD option or setting the priority may help in ensuring the EnvoyFilter is applied correctly.';

/** What each code says (Istio's message text), its level, and the fix. */
const MESSAGES: Record<string, { level: AnalysisLevel; text: string; fix: string }> = {
  [RELATIVE]: {
    level: AnalysisLevel.WARNING,
    text: RELATIVE_TEXT,
    fix: 'set spec.priority, or use INSERT_FIRST or ADD',
  },
  [RELATIVE_WITH_PROXY_VERSION]: {
    level: AnalysisLevel.WARNING,
    text: RELATIVE_WITH_PROXY_VERSION_TEXT,
    fix: 'an earlier patch with a proxyVersion match patches the same filter name; set spec.priority, or use INSERT_FIRST or ADD',
  },
  [REPLACE_MISUSED]: {
    level: AnalysisLevel.ERROR,
    text: 'The REPLACE operation is only valid for HTTP_FILTER and NETWORK_FILTER.',
    fix: 'use REPLACE only with applyTo HTTP_FILTER, NETWORK_FILTER or VIRTUAL_HOST (MERGE, or REMOVE then ADD, elsewhere)',
  },
  [ADD_MISUSED]: {
    level: AnalysisLevel.ERROR,
    text: 'The ADD operation will be ignored when applyTo is set to ROUTE_CONFIGURATION, or HTTP_ROUTE.',
    fix: 'use MERGE to change a route configuration or route, or add routes through a VirtualService',
  },
  [REMOVE_MISUSED]: {
    level: AnalysisLevel.ERROR,
    text: 'The REMOVE operation will be ignored when applyTo is set to ROUTE_CONFIGURATION, or HTTP_ROUTE.',
    fix: 'use MERGE to change a route configuration or route, or remove routes from the VirtualService',
  },
};

/** Where a REPLACE is honoured. */
const REPLACEABLE = new Set(['NETWORK_FILTER', 'HTTP_FILTER', 'VIRTUAL_HOST']);
/** Where ADD and REMOVE are ignored. */
const ROUTES = new Set(['ROUTE_CONFIGURATION', 'HTTP_ROUTE']);

/**
 * The name a patch is about, compared across patches the way Istio does: the `name` of the
 * patch value (tagged, as Istio compares the protobuf value's text form), else the filter name
 * of the listener match when the value has other fields, else empty.
 */
function patchedName(patch: any, match: any): string {
  const value = patch.value;
  if (!isRecord(value) || Object.keys(value).length === 0) return '';
  if ('name' in value) return `value:${JSON.stringify(value.name ?? null)}`;
  const filterChain = isRecord(match) && isRecord(match.listener) ? match.listener.filterChain : undefined;
  if (!isRecord(filterChain)) return '';
  return isRecord(filterChain.filter) ? textOf(filterChain.filter.name) : '';
}

/**
 * IST0151–IST0155, as Istio's EnvoyPatchAnalyzer: relative operations (INSERT_BEFORE/AFTER,
 * REPLACE, REMOVE) in an EnvoyFilter without a priority (IST0155 instead of IST0151 when an
 * earlier patch with a proxyVersion match patched the same name), REPLACE where it is not
 * honoured, and ADD or REMOVE on routes, where they are ignored. A patch without `patch` ends
 * the filter's patches, as in Istio. Each code is reported once per EnvoyFilter, with the
 * patches it concerns (Istio's messages for one object are identical, and deduplicated).
 * Names with a proxyVersion match carry over to later EnvoyFilters, in input order.
 */
export function checkEnvoyFilterPatches(ctx: AnalysisContext): void {
  const versionedNames = new Set<string>();
  for (const filter of ctx.inventory.of('EnvoyFilter')) {
    const priority = typeof filter.spec.priority === 'number' ? filter.spec.priority : 0;
    const found = new Map<string, string[]>();
    const note = (code: string, index: number, applyTo: string, operation: string) => {
      const list = found.get(code) ?? [];
      list.push(`configPatches[${index}] (${operation} on ${applyTo || 'no applyTo'})`);
      found.set(code, list);
    };
    const patches: unknown[] = Array.isArray(filter.spec.configPatches) ? filter.spec.configPatches : [];
    for (const [index, configPatch] of patches.entries()) {
      const cp: any = isRecord(configPatch) ? configPatch : {};
      if (!isRecord(cp.patch)) break;
      const applyTo = textOf(cp.applyTo);
      const operation = textOf(cp.patch.operation);
      const name = patchedName(cp.patch, cp.match);
      const relative = () => {
        if (priority === 0) note(versionedNames.has(name) ? RELATIVE_WITH_PROXY_VERSION : RELATIVE, index, applyTo, operation);
      };
      if (operation === 'ADD') {
        if (ROUTES.has(applyTo)) note(ADD_MISUSED, index, applyTo, operation);
      } else if (operation === 'REMOVE') {
        if (ROUTES.has(applyTo)) note(REMOVE_MISUSED, index, applyTo, operation);
        else relative();
      } else if (operation === 'REPLACE') {
        if (!REPLACEABLE.has(applyTo)) note(REPLACE_MISUSED, index, applyTo, operation);
        else relative();
      } else if (operation === 'INSERT_BEFORE' || operation === 'INSERT_AFTER') {
        relative();
      }
      const proxy = isRecord(cp.match) ? cp.match.proxy : undefined;
      if (isRecord(proxy) && textOf(proxy.proxyVersion) !== '') versionedNames.add(name);
    }
    for (const [code, where] of found) report(ctx, filter, code, where);
  }
}

function report(ctx: AnalysisContext, filter: Entry, code: string, where: string[]): void {
  const { level, text, fix } = MESSAGES[code];
  // Istio's text without its final period, then where and the fix.
  ctx.report(filter, code, level, `${text.replace(/\.$/, '')}; ${where.join(', ')}: ${fix}`);
}
