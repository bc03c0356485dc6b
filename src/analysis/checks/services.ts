import { textOf } from '../../validation/shape';
import { AnalysisContext } from '../context';
import { AnalysisLevel } from '../finding';

/** Protocol prefixes Istio recognises in Service port names. */
const PROTOCOLS = ['http', 'http2', 'https', 'http_proxy', 'grpc', 'grpc-web', 'tcp', 'tls', 'udp', 'mongo', 'mysql', 'redis'];

function protocolOf(port: any): string | undefined {
  if (port?.appProtocol) return port.appProtocol;
  const name = textOf(port?.name).toLowerCase();
  return PROTOCOLS.find((p) => name === p || name.startsWith(`${p}-`));
}

/**
 * IST0118: a Service port whose name does not start with a protocol (`http`, `http-web`, ...)
 * and which has no `appProtocol`: Istio treats its traffic as opaque TCP and L7 routing does not
 * apply. IST0150: the same on an ExternalName Service, or a port named `tcp` there.
 */
export function checkServicePorts(ctx: AnalysisContext): void {
  for (const service of ctx.inventory.of('Service')) {
    if (service.manifest.apiVersion !== 'v1') continue;
    const externalName = service.spec.type === 'ExternalName';
    for (const port of service.spec.ports ?? []) {
      const protocol = protocolOf(port);
      if (externalName && (!protocol || port?.name === 'tcp')) {
        ctx.report(service, 'IST0150', AnalysisLevel.WARNING, `Port name for ExternalName service is invalid (port ${port?.port} "${port?.name ?? ''}"); `
          + 'name it after its protocol (e.g. "http" or "https") so the proxy forwards its traffic');
      } else if (!protocol) {
        ctx.report(service, 'IST0118', AnalysisLevel.INFO, `Port name ${port?.name ?? '(none)'} (port: ${port?.port}) doesn't follow the naming convention of Istio port, `
          + 'so its traffic is treated as TCP and HTTP routing does not apply; name it "<protocol>[-<suffix>]" (e.g. "http-web") or set appProtocol');
      }
    }
  }
}
