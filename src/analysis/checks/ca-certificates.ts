import { textOf } from '../../validation/shape';
import { AnalysisContext } from '../context';
import { AnalysisLevel } from '../finding';
import { Entry } from '../model';

/** Client TLS modes in which the sidecar itself verifies the server (not Istio mTLS). */
const VERIFYING_MODES = new Set(['SIMPLE', 'MUTUAL']);

/**
 * Whether a client TLS setting leaves the server certificate unverified: SIMPLE or MUTUAL without
 * `caCertificates`. A `credentialName` carries the CA only on workloads a `workloadSelector`
 * picks (gateways, or sidecars that may read the secret); without one it does not count.
 */
function unverified(tls: any, entry: Entry): boolean {
  if (!tls || typeof tls !== 'object' || !VERIFYING_MODES.has(tls.mode)) return false;
  if (textOf(tls.caCertificates) !== '') return false;
  return !(textOf(tls.credentialName) !== '' && entry.spec.workloadSelector);
}

/**
 * IST0128 (NoServerCertificateVerificationDestinationLevel) and IST0129 (…PortLevel), as Istio's
 * CaCertificateAnalyzer: a DestinationRule's traffic policy originates TLS (SIMPLE or MUTUAL) but
 * gives no CA to check the server's certificate with. (Since Istio 1.20 the proxy then checks it
 * against its system CA bundle, so a certificate from any CA of that bundle passes; Istio
 * still reports it.) Like Istio, only the DestinationRule's own traffic policy and its port-level
 * settings are read, not the subsets'.
 */
export function checkCaCertificates(ctx: AnalysisContext): void {
  for (const dr of ctx.inventory.of('DestinationRule')) {
    const policy = dr.spec.trafficPolicy;
    if (!policy || typeof policy !== 'object') continue;
    const host = textOf(dr.spec.host);
    const fix = 'set caCertificates to the CA that signs the server\'s certificate (without it the proxy trusts any CA of its system bundle), '
      + 'or give a credentialName with a workloadSelector';
    if (unverified(policy.tls, dr)) {
      ctx.report(dr, 'IST0128', AnalysisLevel.WARNING, `DestinationRule ${dr.namespace}/${dr.name} in namespace ${dr.namespace} has TLS mode set to ${policy.tls.mode} `
        + `but no caCertificates are set to validate server identity for host: ${host}; ${fix}`);
    }
    for (const setting of Array.isArray(policy.portLevelSettings) ? policy.portLevelSettings : []) {
      if (!unverified(setting?.tls, dr)) continue;
      ctx.report(dr, 'IST0129', AnalysisLevel.WARNING, `DestinationRule ${dr.namespace}/${dr.name} in namespace ${dr.namespace} has TLS mode set to ${setting.tls.mode} `
        + `but no caCertificates are set to validate server identity for host: ${host} at port ${textOf(setting.port?.number)}; ${fix}`);
    }
  }
}
