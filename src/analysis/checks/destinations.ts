import { AnalysisContext, routeDestinations } from '../context';
import { AnalysisLevel } from '../finding';
import { addTo } from '../model';

/**
 * IST0101 (host+subset): a route or mirror names a subset that no DestinationRule for its host
 * defines (requests get 503). Like Istio's analyzer, DestinationRules of every namespace count.
 * When the subset exists for the same short name in another namespace, the message says that
 * the host resolves in the VirtualService's namespace and names the FQDN to write instead.
 */
export function checkDestinationSubsets(ctx: AnalysisContext): void {
  const subsets = new Set<string>();
  const namespacesByShortSubset = new Map<string, string[]>();
  for (const dr of ctx.inventory.of('DestinationRule')) {
    const host: string = dr.spec.host ?? '';
    for (const s of dr.spec.subsets ?? []) {
      subsets.add(`${ctx.inventory.fqdn(host, dr.namespace)}+${s?.name}`);
      if (!host.includes('.')) addTo(namespacesByShortSubset, `${host}+${s?.name}`, dr.namespace);
    }
  }
  for (const vs of ctx.inventory.of('VirtualService')) {
    for (const { field, destination, mirror } of routeDestinations(vs.spec)) {
      if (!destination.subset) continue;
      const host: string = destination.host ?? '';
      const resolved = ctx.inventory.fqdn(host, vs.namespace);
      if (subsets.has(`${resolved}+${destination.subset}`)) continue;
      const elsewhere = host.includes('.') ? [] : namespacesByShortSubset.get(`${host}+${destination.subset}`) ?? [];
      const fix = elsewhere.length > 0
        ? `the DestinationRule in namespace ${elsewhere[0]} defines it for ${ctx.inventory.fqdn(host, elsewhere[0])}, but "${host}" in this VirtualService resolves in its own `
          + `namespace to ${resolved}; write the host as ${ctx.inventory.fqdn(host, elsewhere[0])} (Destination.toSubset() does this for a DestinationRule construct)`
        : `add subset "${destination.subset}" to the DestinationRule for ${host}, or fix the subset name`;
      ctx.report(vs, 'IST0101', AnalysisLevel.ERROR, `Referenced ${mirror ? 'mirror' : 'host'}+subset in destinationrule not found: "${host}+${destination.subset}" `
        + `(${field}); requests get 503 — ${fix}`);
    }
  }
}

/**
 * IST0101 (host): a short destination host that resolves, in the VirtualService's namespace,
 * to no Service or ServiceEntry, while a Service of that name exists in another namespace of
 * the analyzed objects: the classic cross-namespace mistake. (Hosts the analyzed objects know
 * nothing about are not reported: they are often defined in another repository.)
 */
export function checkCrossNamespaceHosts(ctx: AnalysisContext): void {
  const namespacesByName = new Map<string, string[]>();
  for (const service of ctx.inventory.services.values()) addTo(namespacesByName, service.name, service.namespace);
  for (const vs of ctx.inventory.of('VirtualService')) {
    for (const { field, destination, mirror } of routeDestinations(vs.spec)) {
      const host: string = destination.host ?? '';
      if (host.includes('.') || host.includes('*')) continue;
      const resolved = ctx.inventory.fqdn(host, vs.namespace);
      const elsewhere = namespacesByName.get(host) ?? [];
      const found = ctx.inventory.services.has(resolved) || ctx.inventory.serviceEntriesFor(resolved, vs.namespace).length > 0;
      if (found || elsewhere.length === 0) continue;
      ctx.report(vs, 'IST0101', AnalysisLevel.ERROR, `Referenced ${mirror ? 'mirror host' : 'host'} not found: "${host}" (${field}); it resolves in the VirtualService's namespace `
        + `to ${resolved}, but the Service ${host} is in namespace ${elsewhere.join(', ')}; write ${ctx.inventory.fqdn(host, elsewhere[0])}`);
    }
  }
}

/**
 * IST0112: a destination without a port, to a Service or ServiceEntry with several ports.
 * IST0101 (host:port): a destination port the Service or ServiceEntry does not expose.
 */
export function checkDestinationPorts(ctx: AnalysisContext): void {
  for (const vs of ctx.inventory.of('VirtualService')) {
    for (const { field, destination } of routeDestinations(vs.spec)) {
      const host = ctx.inventory.fqdn(destination.host ?? '', vs.namespace);
      const service = ctx.inventory.services.get(host);
      const ports: number[] = service
        ? (service.spec.ports ?? []).map((p: any) => p?.port)
        : (ctx.inventory.serviceEntriesFor(host, vs.namespace)[0]?.spec.ports ?? []).map((p: any) => p?.number);
      if (ports.length === 0) continue;
      const port = destination.port?.number;
      if (port === undefined && ports.length > 1) {
        ctx.report(vs, 'IST0112', AnalysisLevel.ERROR, `This VirtualService routes to a service "${destination.host}" that exposes multiple ports [${ports.join(' ')}] (${field}); `
          + 'give the destination a port to disambiguate');
      } else if (port !== undefined && !ports.includes(port)) {
        ctx.report(vs, 'IST0101', AnalysisLevel.ERROR, `Referenced host:port not found: "${destination.host}:${port}" (${field}); the service exposes [${ports.join(' ')}]`);
      }
    }
  }
}
