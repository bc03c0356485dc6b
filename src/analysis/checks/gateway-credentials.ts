import { X509Certificate } from 'crypto';
import { textOf } from '../../validation/shape';
import { AnalysisContext } from '../context';
import { AnalysisLevel } from '../finding';
import { addTo, Entry } from '../model';
import { gatewaySelector, gatewayWorkloads } from './gateway-workloads';

/** The servers of a Gateway. */
function serversOf(gw: Entry): any[] {
  return Array.isArray(gw.spec.servers) ? gw.spec.servers : [];
}

/** A non-empty string field of `tls`, or undefined. */
function field(tls: any, name: string): string | undefined {
  const value = tls?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Objects that create a Secret when applied, by `namespace/name` of the Secret: cert-manager
 * Certificates (`spec.secretName`), External Secrets (`spec.target.name`, else their name) and
 * Sealed Secrets (their name). The Secret is not among the analyzed objects, but it will exist.
 */
function secretProducers(ctx: AnalysisContext): Map<string, Entry> {
  const out = new Map<string, Entry>();
  for (const c of ctx.inventory.ofGroup('cert-manager.io', 'Certificate')) {
    if (typeof c.spec.secretName === 'string') out.set(`${c.namespace}/${c.spec.secretName}`, c);
  }
  for (const e of ctx.inventory.ofGroup('external-secrets.io', 'ExternalSecret')) out.set(`${e.namespace}/${textOf(e.spec.target?.name, e.name)}`, e);
  for (const s of ctx.inventory.ofGroup('bitnami.com', 'SealedSecret')) out.set(`${s.namespace}/${textOf(s.spec.template?.metadata?.name, s.name)}`, s);
  return out;
}

/** A Secret's keys and values, as the API server stores them (`stringData` merged into `data`). */
function secretData(secret: Entry): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const data = secret.manifest.data;
  if (data && typeof data === 'object') {
    for (const [k, v] of Object.entries(data)) if (typeof v === 'string') out.set(k, Buffer.from(v, 'base64'));
  }
  const stringData = secret.manifest.stringData;
  if (stringData && typeof stringData === 'object') {
    for (const [k, v] of Object.entries(stringData)) if (typeof v === 'string') out.set(k, Buffer.from(v, 'utf8'));
  }
  return out;
}

/** The first PEM block of `text` (of any type), decoded, as Go's pem.Decode finds it. */
function firstPemBlock(text: string): Buffer | undefined {
  const match = /-----BEGIN ([^\n-]*)-----\r?\n([\s\S]*?)-----END \1-----/.exec(text);
  if (!match) return undefined;
  // Drop RFC 1421 headers (`Key: value` lines before a blank line), then the base64 body.
  const body = match[2].includes(':') ? match[2].slice(match[2].search(/\r?\n\r?\n/) + 1) : match[2];
  return Buffer.from(body.replace(/\s+/g, ''), 'base64');
}

/**
 * Why a gateway can not serve a TLS Secret (Istio's ExtractCertInfo and ValidateCertificate),
 * or undefined when it can: the Secret must hold a certificate and key as `cert` and `key`, or
 * as `tls.crt` and `tls.key`, and the certificate (the first PEM block) must parse and be valid
 * now.
 */
export function credentialProblem(secret: Entry, now: number = Date.now()): string | undefined {
  const data = secretData(secret);
  const has = (k: string) => (data.get(k)?.length ?? 0) > 0;
  const cert = has('cert') && has('key') ? data.get('cert')! : has('tls.crt') && has('tls.key') ? data.get('tls.crt')! : undefined;
  if (!cert) {
    const keys = [...data.keys()].sort();
    return `it has no certificate and key: expected keys cert and key, or tls.crt and tls.key; found ${keys.length ? keys.join(', ') : 'none'}`;
  }
  const der = firstPemBlock(cert.toString('utf8'));
  if (!der) return 'its certificate is not PEM encoded';
  let parsed: X509Certificate;
  try {
    parsed = new X509Certificate(der);
  } catch {
    return 'its certificate is not an X.509 certificate';
  }
  const from = Date.parse(parsed.validFrom);
  const to = Date.parse(parsed.validTo);
  if (now < from || now > to) return `its certificate is expired or not yet valid (valid from ${parsed.validFrom} to ${parsed.validTo})`;
  return undefined;
}

/**
 * IST0101 (credentialName) and IST0161 (InvalidGatewayCredential), as Istio's SecretAnalyzer: a
 * gateway server's `tls.credentialName` names a Secret that its workload's namespace does not
 * have, or one that holds no valid certificate.
 *
 * The gateway workload reads the Secret from its own namespace (the namespace of the first
 * workload the Gateway's selector matches, not the Gateway's). Only what the analyzed objects
 * prove is reported:
 * - nothing, when the gateway workload is not among them (its namespace is not known);
 * - IST0161 for a Secret they define whose certificate is missing, unparseable or expired;
 * - IST0101 for a missing Secret only when they define one of that name in another namespace
 *   (it is in the wrong place), or define Secrets in the workload's namespace (they manage its
 *   certificates, and this one is not there). A Secret that a cert-manager Certificate, an
 *   ExternalSecret or a SealedSecret of the analyzed objects creates counts as defined. Other
 *   Secrets are created outside the app (`kubectl create secret tls`, a controller).
 * A Gateway that selects no workload is IST0101 (selector), reported by checkGatewaySelectors.
 */
export function checkGatewayCredentials(ctx: AnalysisContext): void {
  const secrets = new Map<string, Entry>();
  const namespacesByName = new Map<string, string[]>();
  const managed = new Set<string>();
  const producers = secretProducers(ctx);
  for (const s of ctx.inventory.ofGroup('', 'Secret')) {
    secrets.set(`${s.namespace}/${s.name}`, s);
    addTo(namespacesByName, s.name, s.namespace);
    managed.add(s.namespace);
  }
  for (const key of producers.keys()) {
    const [namespace, name] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
    addTo(namespacesByName, name, namespace);
    managed.add(namespace);
  }
  const problems = new Map<Entry, string | undefined>();
  const workloadsOf = gatewayWorkloads(ctx.inventory);
  for (const gw of ctx.inventory.of('Gateway')) {
    const servers = serversOf(gw);
    if (!servers.some((s) => field(s?.tls, 'credentialName'))) continue;
    const workload = workloadsOf(gw)[0];
    if (!workload) continue;
    const workloadNamespace = workload.entry.namespace;
    servers.forEach((server, i) => {
      const credentialName = field(server?.tls, 'credentialName');
      if (!credentialName) return;
      const slash = credentialName.indexOf('/');
      const namespace = slash < 0 ? workloadNamespace : credentialName.slice(0, slash);
      const name = slash < 0 ? credentialName : credentialName.slice(slash + 1);
      const secret = secrets.get(`${namespace}/${name}`);
      const where = `spec.servers[${i}].tls.credentialName`;
      if (secret) {
        if (!problems.has(secret)) problems.set(secret, credentialProblem(secret));
        const problem = problems.get(secret);
        if (problem) {
          ctx.report(gw, 'IST0161', AnalysisLevel.ERROR, `The credential referenced by the Gateway ${gw.name} in namespace ${workloadNamespace} is invalid, `
            + `which can cause the traffic not to work as expected (${where}: Secret ${namespace}/${name}: ${problem}); `
            + 'put a valid PEM certificate and its key in the Secret, as tls.crt and tls.key');
        }
        return;
      }
      if (producers.has(`${namespace}/${name}`)) return;
      const elsewhere = (namespacesByName.get(name) ?? []).filter((ns) => ns !== namespace);
      if (elsewhere.length === 0 && !managed.has(namespace)) return;
      const found = elsewhere.length > 0 ? `; a Secret of that name is in namespace ${[...new Set(elsewhere)].sort().join(', ')}` : '';
      ctx.report(gw, 'IST0101', AnalysisLevel.ERROR, `Referenced credentialName not found: "${credentialName}" (${where}: the gateway workload `
        + `${workload.entry.kind} ${workloadNamespace}/${workload.entry.name} reads Secret ${name} from namespace ${namespace}${found}); `
        + `create the Secret in namespace ${namespace}, or fix the credentialName`);
    });
  }
}

/** What identifies a server's certificate: its Secret, or its certificate and key files; undefined without one. */
function certificateOf(tls: any): string | undefined {
  const credentialName = field(tls, 'credentialName');
  if (credentialName) return `secret:${credentialName}`;
  const cert = field(tls, 'serverCertificate');
  const key = field(tls, 'privateKey');
  return cert && key ? `files:${cert}\n${key}` : undefined;
}

/**
 * IST0138 (GatewayDuplicateCertificate), as Istio's CertificateAnalyzer: two Gateways for the
 * same gateway workloads use the same certificate (the same credentialName, or the same
 * certificate and key files). Browsers reuse an HTTP/2 connection for every host the
 * certificate covers, and the other Gateway's hosts then get 404.
 *
 * A Gateway is compared with the Gateways whose selector includes all of its own labels (an
 * empty selector includes every Gateway), in any namespace. Gateways are indexed by
 * certificate and selector label. Istio reports one message per pair of Gateways; this reports
 * one per Gateway, naming it and every Gateway it shares a certificate with.
 */
export function checkDuplicateCertificates(ctx: AnalysisContext): void {
  // Gateways by certificate, and by certificate and each label of their selector: a Gateway
  // looks up the others through its rarest label, not through every Gateway of its certificate.
  const byCertificate = new Map<string, Entry[]>();
  const byCertificateLabel = new Map<string, Entry[]>();
  const certificates = new Map<Entry, Set<string>>();
  for (const gw of ctx.inventory.of('Gateway')) {
    const own = new Set<string>();
    for (const server of serversOf(gw)) {
      const certificate = certificateOf(server?.tls);
      if (certificate) own.add(certificate);
    }
    certificates.set(gw, own);
    for (const certificate of own) {
      addTo(byCertificate, certificate, gw);
      for (const [k, v] of Object.entries(gatewaySelector(gw))) addTo(byCertificateLabel, `${certificate}|${k}=${v}`, gw);
    }
  }
  for (const [gw, own] of certificates) {
    const labels = Object.entries(gatewaySelector(gw));
    const others = new Set<string>();
    for (const certificate of own) {
      let candidates = byCertificate.get(certificate) ?? [];
      for (const [k, v] of labels) {
        const withLabel = byCertificateLabel.get(`${certificate}|${k}=${v}`) ?? [];
        if (withLabel.length < candidates.length) candidates = withLabel;
      }
      for (const other of candidates) {
        if (other === gw) continue;
        const otherSelector = gatewaySelector(other);
        if (labels.every(([k, v]) => otherSelector[k] === v)) others.add(`${other.namespace}/${other.name}`);
      }
    }
    if (others.size === 0) continue;
    const names = [`${gw.namespace}/${gw.name}`, ...[...others].sort()];
    ctx.report(gw, 'IST0138', AnalysisLevel.WARNING, `Duplicate certificate in multiple gateways [${names.join(' ')}] may cause 404s if clients re-use HTTP2 connections; `
      + 'give each Gateway its own certificate, or serve the hosts from one Gateway');
  }
}
