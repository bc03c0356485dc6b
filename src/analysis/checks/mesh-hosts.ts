import { AnalysisContext } from '../context';
import { AnalysisLevel } from '../finding';
import { addTo, Entry } from '../model';

/**
 * IST0109: two VirtualServices bound to the mesh define the same host for the same namespaces
 * (Istio merges or ignores them unpredictably). Hosts are grouped by (visibility scope, FQDN),
 * as Istio does; a VirtualService exported everywhere conflicts with the others in any scope.
 */
export function checkMeshHostConflicts(ctx: AnalysisContext): void {
  const byScopedHost = new Map<string, Entry[]>();
  for (const vs of ctx.inventory.of('VirtualService')) {
    const gateways: string[] = vs.spec.gateways ?? [];
    if (gateways.length > 0 && !gateways.includes('mesh')) continue;
    const exportTo: string[] = vs.spec.exportTo ?? [];
    const scopes = exportTo.length === 0 || exportTo.includes('*') ? ['*'] : [...new Set(exportTo.map((e) => (e === '.' ? vs.namespace : e)))];
    for (const scope of scopes) {
      for (const h of new Set<string>(vs.spec.hosts ?? [])) {
        const key = `${scope}|${ctx.inventory.fqdn(h, vs.namespace)}`;
        addTo(byScopedHost, key, vs);
      }
    }
  }
  const reported = new Set<Entry>();
  for (const [key, list] of byScopedHost) {
    const [scope, host] = key.split('|');
    const all = scope === '*' ? list : [...list, ...(byScopedHost.get(`*|${host}`) ?? [])];
    const unique = [...new Set(all)];
    if (unique.length < 2) continue;
    const names = unique.map((v) => `${v.namespace}/${v.name}`).sort().join(',');
    for (const vs of unique) {
      if (reported.has(vs)) continue;
      reported.add(vs);
      ctx.report(vs, 'IST0109', AnalysisLevel.ERROR, `The VirtualServices ${names} associated with mesh gateway define the same host ${host} which can lead to undefined behavior; `
        + 'merge them into one VirtualService (for a CanaryService, use its resilience and matchRoutes props)');
    }
  }
}
