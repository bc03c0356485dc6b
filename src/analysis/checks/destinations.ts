import { AnalysisContext, routeDestinations } from '../context';
import { AnalysisLevel } from '../finding';

/**
 * IST0101 (host+subset): a route or mirror names a subset that no DestinationRule for its host
 * defines (requests get 503).
 */
export function checkDestinationSubsets(ctx: AnalysisContext): void {
  const subsets = new Set<string>();
  for (const dr of ctx.inventory.of('DestinationRule')) {
    for (const s of dr.spec.subsets ?? []) subsets.add(`${ctx.inventory.fqdn(dr.spec.host ?? '', dr.namespace)}+${s?.name}`);
  }
  for (const vs of ctx.inventory.of('VirtualService')) {
    for (const { field, destination, mirror } of routeDestinations(vs.spec)) {
      if (!destination.subset) continue;
      if (!subsets.has(`${ctx.inventory.fqdn(destination.host ?? '', vs.namespace)}+${destination.subset}`)) {
        ctx.report(vs, 'IST0101', AnalysisLevel.ERROR, `Referenced ${mirror ? 'mirror' : 'host'}+subset in destinationrule not found: "${destination.host}+${destination.subset}" `
          + `(${field}); requests get 503 — add subset "${destination.subset}" to the DestinationRule for ${destination.host}, or fix the subset name`);
      }
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
