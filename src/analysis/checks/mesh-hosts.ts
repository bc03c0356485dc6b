import { AnalysisContext } from '../context';
import { AnalysisLevel } from '../finding';
import { addTo, Entry, suffixWildcards } from '../model';

const EVERYWHERE = '*';

/** `namespace/name`: one VirtualService, however many files define it. */
function identity(vs: Entry): string {
  return `${vs.namespace}/${vs.name}`;
}

/**
 * IST0109: two VirtualServices bound to the mesh define the same host for the same namespaces
 * (Istio merges or ignores them unpredictably), as Istio's ConflictingMeshGatewayHostsAnalyzer.
 * Hosts are grouped by (visibility scope, FQDN): within a scope the hosts must be equal; a
 * VirtualService exported everywhere also conflicts with the hosts of a narrower scope that its
 * own hosts overlap, wildcards included (`*.d` with `*.b.d`). Copies of one object (same
 * namespace and name, e.g. defined in two files) are one VirtualService here: CKI0002 is theirs.
 */
export function checkMeshHostConflicts(ctx: AnalysisContext): void {
  const byScopedHost = new Map<string, Entry[]>();
  /** VirtualServices exported everywhere, by every wildcard host that covers one of their hosts. */
  const everywhereCoveredBy = new Map<string, Entry[]>();
  for (const vs of ctx.inventory.of('VirtualService')) {
    const gateways: unknown[] = Array.isArray(vs.spec.gateways) ? vs.spec.gateways : [];
    if (gateways.length > 0 && !gateways.includes('mesh')) continue;
    const exportTo: unknown[] = Array.isArray(vs.spec.exportTo) ? vs.spec.exportTo : [];
    const scopes = exportTo.length === 0 || exportTo.includes(EVERYWHERE) ? [EVERYWHERE] : [...new Set(exportTo.map((e) => (e === '.' ? vs.namespace : String(e))))];
    const hosts = new Set<string>((Array.isArray(vs.spec.hosts) ? vs.spec.hosts : []).filter((h: unknown) => typeof h === 'string'));
    for (const h of hosts) {
      const host = ctx.inventory.fqdn(h, vs.namespace);
      for (const scope of scopes) addTo(byScopedHost, `${scope}|${host}`, vs);
      if (scopes[0] === EVERYWHERE) for (const w of suffixWildcards(host)) if (w !== host) addTo(everywhereCoveredBy, w, vs);
    }
  }
  /** The VirtualServices exported everywhere whose hosts overlap `host` (Istio's host.Name.Matches). */
  const everywhereOverlapping = (host: string): Entry[] => {
    const found = [...(byScopedHost.get(`${EVERYWHERE}|${host}`) ?? [])];
    // Wildcard hosts exported everywhere that cover this host, and hosts under this wildcard.
    for (const w of suffixWildcards(host)) if (w !== host) found.push(...(byScopedHost.get(`${EVERYWHERE}|${w}`) ?? []));
    if (host.startsWith('*')) found.push(...(everywhereCoveredBy.get(host) ?? []));
    return found;
  };
  const reported = new Set<string>();
  for (const [key, list] of byScopedHost) {
    const scope = key.slice(0, key.indexOf('|'));
    const host = key.slice(key.indexOf('|') + 1);
    const all = scope === EVERYWHERE ? list : [...list, ...everywhereOverlapping(host)];
    const unique = [...new Map(all.map((v) => [identity(v), v])).values()];
    if (unique.length < 2) continue;
    const names = unique.map(identity).sort().join(',');
    for (const vs of unique) {
      if (reported.has(identity(vs))) continue;
      reported.add(identity(vs));
      ctx.report(vs, 'IST0109', AnalysisLevel.ERROR, `The VirtualServices ${names} associated with mesh gateway define the same host ${host} which can lead to undefined behavior. `
        + 'This can be fixed by merging the conflicting VirtualServices into a single resource; for a CanaryService, use its resilience and matchRoutes props');
    }
  }
}
