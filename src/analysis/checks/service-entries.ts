import { AnalysisContext } from '../context';
import { AnalysisLevel } from '../finding';

/**
 * Whether sidecars get a virtual IP for ServiceEntries without addresses: the mesh config's
 * default proxy metadata turns DNS capture on, with address auto-allocation
 * (ISTIO_META_DNS_AUTO_ALLOCATE or PILOT_ENABLE_IP_AUTOALLOCATE).
 */
function autoAllocated(meshConfig: any): boolean {
  const metadata = meshConfig?.defaultConfig?.proxyMetadata;
  if (!metadata || typeof metadata !== 'object') return false;
  const on = (key: string) => String(metadata[key]) === 'true';
  return on('ISTIO_META_DNS_CAPTURE') && (on('ISTIO_META_DNS_AUTO_ALLOCATE') || on('PILOT_ENABLE_IP_AUTOALLOCATE'));
}

const nonEmpty = (list: unknown) => Array.isArray(list) && list.length > 0;

/**
 * IST0134 (ServiceEntryAddressesRequired), as Istio's serviceentry ProtocolAddressesAnalyzer: a
 * ServiceEntry without `addresses` has a port whose protocol is TCP or unset. Sidecars then
 * listen on 0.0.0.0 for that port, for every such ServiceEntry, and cannot tell them apart. Not
 * reported when the mesh config auto-allocates addresses with DNS capture, or when the object's
 * status carries allocated addresses. One finding per such port, as Istio's.
 */
export function checkServiceEntryAddresses(ctx: AnalysisContext, meshConfig: any): void {
  if (autoAllocated(meshConfig)) return;
  for (const se of ctx.inventory.of('ServiceEntry')) {
    if (nonEmpty(se.spec.addresses) || nonEmpty(se.manifest.status?.addresses)) continue;
    (Array.isArray(se.spec.ports) ? se.spec.ports : []).forEach((port: any, i: number) => {
      const protocol = port?.protocol;
      if (protocol !== undefined && protocol !== null && protocol !== '' && String(protocol).toUpperCase() !== 'TCP') return;
      ctx.report(se, 'IST0134', AnalysisLevel.WARNING, `ServiceEntry addresses are required for this protocol (spec.ports[${i}]: port ${port?.number}, `
        + `protocol ${protocol ? String(protocol) : 'unset, so TCP'}); add spec.addresses (a virtual IP), or set an application protocol (e.g. HTTP, HTTPS, TLS) `
        + 'if the port carries one, or turn on ISTIO_META_DNS_CAPTURE and ISTIO_META_DNS_AUTO_ALLOCATE in the mesh config\'s defaultConfig.proxyMetadata');
    });
  }
}
