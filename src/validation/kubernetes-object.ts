import { Findings } from './findings';
import { isDns1123Label, isPort, labelKeyProblem, labelValueProblem } from './names';
import { textOf } from './shape';

// The API server's own rules (apimachinery validation) for the parts of objects this library
// writes: ObjectMeta of every object, and the fields of the core kinds the patterns create.

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LOWER_DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const IANA_SERVICE_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const ANNOTATIONS_MAX_BYTES = 256 * 1024;
/**
 * Kinds whose names must be DNS labels (they become DNS names themselves): a Service's a
 * DNS-1035 label (starting with a letter), a Namespace's a DNS-1123 label (a digit may lead).
 */
const LABEL_NAMED: Record<string, { pattern: RegExp; rule: string }> = {
  Service: { pattern: DNS1035_LABEL, rule: 'must be a DNS label: at most 63 lower-case letters, digits and "-", starting with a letter and ending with a letter or digit' },
  Namespace: { pattern: LOWER_DNS1123_LABEL, rule: 'must be a DNS label: at most 63 lower-case letters, digits and "-", starting and ending with a letter or digit' },
};
const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);
const API_SERVER = 'the API server refuses it';

/** Checks a manifest's metadata and, for core kinds, the fields the library writes. */
export function validateKubernetesObject(manifest: any, findings = new Findings()): Findings {
  validateObjectMeta(manifest, findings);
  if (manifest?.apiVersion === 'v1' && manifest.kind === 'Service') validateService(manifest.spec ?? {}, findings);
  if (WORKLOADS.has(manifest?.kind) && textOf(manifest.apiVersion).startsWith('apps/')) validateWorkload(manifest.spec ?? {}, findings);
  return findings;
}

function validateObjectMeta(manifest: any, f: Findings): void {
  const meta = manifest?.metadata ?? {};
  const name = meta.name;
  if ((typeof name !== 'string' || name.length === 0) && !meta.generateName) {
    f.error('metadata.name', name, 'is required', 'give the object a name (metadata.name)');
  } else if (typeof name === 'string' && (LABEL_NAMED[manifest.kind]
    ? !LABEL_NAMED[manifest.kind].pattern.test(name) || name.length > 63 : !DNS1123_SUBDOMAIN.test(name) || name.length > 253)) {
    const rule = LABEL_NAMED[manifest.kind]?.rule
      ?? 'must be a DNS subdomain: at most 253 lower-case letters, digits, "-" and ".", starting and ending with a letter or digit';
    f.error('metadata.name', name, rule, `${API_SERVER}; rename it, e.g. '${suggestName(name)}'`);
  }
  if (meta.namespace !== undefined && !(typeof meta.namespace === 'string' && isDns1123Label(meta.namespace) && meta.namespace === meta.namespace.toLowerCase())) {
    f.error('metadata.namespace', meta.namespace, 'must be a DNS label: at most 63 lower-case letters, digits and "-"', `${API_SERVER}; use a namespace name such as 'shop'`);
  }
  for (const [key, value] of Object.entries<any>(meta.labels ?? {})) {
    const keyProblem = labelKeyProblem(key);
    if (keyProblem) f.error(`metadata.labels.${key}`, key, keyProblem, `${API_SERVER}; fix the label key`);
    const valueProblem = typeof value === 'string' ? labelValueProblem(value) : 'must be a string';
    if (valueProblem) f.error(`metadata.labels.${key}`, value, valueProblem, `${API_SERVER}; fix the label value`);
  }
  let bytes = 0;
  for (const [key, value] of Object.entries<any>(meta.annotations ?? {})) {
    const keyProblem = labelKeyProblem(key);
    if (keyProblem) f.error(`metadata.annotations.${key}`, key, keyProblem, `${API_SERVER}; fix the annotation key`);
    bytes += Buffer.byteLength(key) + Buffer.byteLength(textOf(value, JSON.stringify(value) ?? ''));
  }
  if (bytes > ANNOTATIONS_MAX_BYTES) f.error('metadata.annotations', `${bytes} bytes`, `must total at most ${ANNOTATIONS_MAX_BYTES} bytes`, `${API_SERVER}; move large data into a ConfigMap`);
}

/** A lower-case DNS-safe version of a name, for the fix. */
function suggestName(name: string): string {
  return textOf(name).toLowerCase().replace(/[^a-z0-9-.]+/g, '-').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '').slice(0, 63) || 'my-object';
}

function checkIntOrName(f: Findings, field: string, value: any): void {
  if (typeof value === 'number' ? !isPort(value) : !(typeof value === 'string' && value.length <= 15 && IANA_SERVICE_NAME.test(value))) {
    f.error(field, value, 'must be a port number from 1 to 65535 or a port name (at most 15 lower-case letters, digits and "-")', `${API_SERVER}; give the container's port`);
  }
}

function validateService(spec: any, f: Findings): void {
  if (spec.ports !== undefined && !Array.isArray(spec.ports)) {
    f.error('spec.ports', spec.ports, 'must be a list', `${API_SERVER}; list the ports`);
    return;
  }
  const ports: any[] = spec.ports ?? [];
  ports.forEach((p, i) => {
    if (!isPort(p?.port)) f.error(`spec.ports[${i}].port`, p?.port, 'must be a port number from 1 to 65535', `${API_SERVER}; give the Service port`);
    if (p?.targetPort !== undefined) checkIntOrName(f, `spec.ports[${i}].targetPort`, p.targetPort);
    if (ports.length > 1 && !p?.name) f.error(`spec.ports[${i}].name`, undefined, 'is required when a Service has several ports', `${API_SERVER}; name each port, e.g. 'http'`);
  });
}

function validateWorkload(spec: any, f: Findings): void {
  if (spec.replicas !== undefined && !(Number.isInteger(spec.replicas) && spec.replicas >= 0 && spec.replicas <= 2 ** 31 - 1)) {
    f.error('spec.replicas', spec.replicas, 'must be a whole number of at least 0', `${API_SERVER}; give the number of pods`);
  }
  const podLabels = spec.template?.metadata?.labels ?? {};
  const matchLabels = spec.selector?.matchLabels;
  for (const [key, value] of Object.entries<any>(matchLabels && typeof matchLabels === 'object' ? matchLabels : {})) {
    if (podLabels[key] !== value) {
      f.error(`spec.selector.matchLabels.${key}`, value, `does not match the pod template's labels (${key}=${podLabels[key] ?? 'unset'})`,
        `${API_SERVER} ("selector does not match template labels"); label the pods with what the selector selects`);
    }
  }
  for (const list of ['containers', 'initContainers']) {
    const containers = spec.template?.spec?.[list];
    (Array.isArray(containers) ? containers : []).forEach((c: any, i: number) => {
      (Array.isArray(c?.ports) ? c.ports : []).forEach((p: any, j: number) => {
        if (!isPort(p?.containerPort)) {
          f.error(`spec.template.spec.${list}[${i}].ports[${j}].containerPort`, p?.containerPort, 'must be a port number from 1 to 65535',
            `${API_SERVER}; give the port the container listens on`);
        }
      });
    });
  }
}
