import { textOf } from '../../validation/shape';
import { AnalysisContext } from '../context';
import { AnalysisLevel } from '../finding';
import { Entry } from '../model';

/** The API group of the Gateway API. */
const GATEWAY_GROUP = 'gateway.networking.k8s.io';

/**
 * Whether a ReferenceGrant lets objects of `from` refer to the object `to` of its namespace (a
 * grant without `to.name` allows every object of the kind).
 */
export function grants(grant: Entry, from: { group: string; kind: string; namespace: string },
  to: { group: string; kind: string; name: string }): boolean {
  const froms = Array.isArray(grant.spec.from) ? grant.spec.from : [];
  const tos = Array.isArray(grant.spec.to) ? grant.spec.to : [];
  return froms.some((f: any) => textOf(f?.group) === from.group && textOf(f?.kind) === from.kind && textOf(f?.namespace) === from.namespace)
    && tos.some((t: any) => textOf(t?.group) === to.group && textOf(t?.kind) === to.kind && (textOf(t?.name) === '' || textOf(t?.name) === to.name));
}

/**
 * CKI0007: a Gateway API Gateway listener's TLS certificateRef to a Secret in another namespace
 * that no ReferenceGrant of that namespace allows (from Gateways of the Gateway's namespace, to
 * that Secret or every Secret). The Gateway API refuses the reference: the listener is not
 * programmed (ResolvedRefs false, RefNotPermitted) and serves no certificate.
 */
export function checkGatewaySecretGrants(ctx: AnalysisContext): void {
  const gateways = ctx.inventory.ofGroup(GATEWAY_GROUP, 'Gateway');
  if (gateways.length === 0) return;
  const grantsByNamespace = new Map<string, Entry[]>();
  for (const grant of ctx.inventory.ofGroup(GATEWAY_GROUP, 'ReferenceGrant')) {
    grantsByNamespace.set(grant.namespace, [...(grantsByNamespace.get(grant.namespace) ?? []), grant]);
  }
  for (const gateway of gateways) {
    const listeners = Array.isArray(gateway.spec.listeners) ? gateway.spec.listeners : [];
    for (const listener of listeners) {
      const refs = Array.isArray(listener?.tls?.certificateRefs) ? listener.tls.certificateRefs : [];
      for (const ref of refs) {
        const group = textOf(ref?.group);
        const kind = textOf(ref?.kind, 'Secret');
        const namespace = textOf(ref?.namespace);
        const name = textOf(ref?.name);
        if (group !== '' || kind !== 'Secret' || namespace === '' || namespace === gateway.namespace || name === '') continue;
        const from = { group: GATEWAY_GROUP, kind: 'Gateway', namespace: gateway.namespace };
        if ((grantsByNamespace.get(namespace) ?? []).some((g) => grants(g, from, { group: '', kind: 'Secret', name }))) continue;
        ctx.report(gateway, 'CKI0007', AnalysisLevel.ERROR,
          `listener ${textOf(listener?.name)} refers to Secret ${namespace}/${name} in another namespace, and no ReferenceGrant in ${namespace} allows it: `
          + 'the Gateway API refuses the reference (RefNotPermitted) and the listener serves no certificate; '
          + `add a ReferenceGrant in namespace ${namespace} from { group: ${GATEWAY_GROUP}, kind: Gateway, namespace: ${gateway.namespace} } `
          + `to { group: "", kind: Secret, name: ${name} } (ReferenceGrant.allowGatewaySecrets with gatewayNamespace ${gateway.namespace})`);
      }
    }
  }
}
