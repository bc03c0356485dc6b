/**
 * Strict validation of core Kubernetes kinds (Deployment, Service, ...), for the objects the
 * patterns emit through cdk8s-plus-28. The schema is read from cdk8s-plus-28's generated `k8s`
 * module, itself generated from the Kubernetes OpenAPI spec:
 * - `k8s.js` converters map each JSON field to its TypeScript name and nested type;
 * - `k8s.d.ts` interfaces say which fields are required and what type each has.
 * Unknown fields, missing required fields and wrong scalar types are reported.
 */
import * as fs from 'fs';

interface Field {
  readonly tsName: string;
  readonly required: boolean;
  readonly type: string;
}

const KINDS: Record<string, string> = {
  'apps/v1/Deployment': 'KubeDeploymentProps',
  'v1/Service': 'KubeServiceProps',
  'v1/Secret': 'KubeSecretProps',
  'v1/ServiceAccount': 'KubeServiceAccountProps',
  'v1/ConfigMap': 'KubeConfigMapProps',
  'v1/Namespace': 'KubeNamespaceProps',
};

let types: Map<string, Map<string, Field>> | undefined;

function load(): Map<string, Map<string, Field>> {
  const dir = require.resolve('cdk8s-plus-28/lib/imports/k8s.js').replace(/k8s\.js$/, '');
  const js = fs.readFileSync(`${dir}k8s.js`, 'utf8');
  // Map types are printed over three lines in the .d.ts; fold them onto one.
  const dts = fs.readFileSync(`${dir}k8s.d.ts`, 'utf8').replace(/\{\n\s+\[key: string\]: (.+);\n\s+\}/g, '{ [key: string]: $1 }');
  // TypeScript field types and optionality, per interface.
  const tsFields = new Map<string, Map<string, { required: boolean; type: string }>>();
  for (const m of dts.matchAll(/export interface (\w+) \{([\s\S]*?)\n\}/g)) {
    const fields = new Map<string, { required: boolean; type: string }>();
    for (const f of m[2].matchAll(/^\s+readonly (\w+)(\?)?: (.+);$/gm)) fields.set(f[1], { required: !f[2], type: f[3] });
    tsFields.set(m[1], fields);
  }
  // JSON names, per converter; the converter is named after the interface.
  const result = new Map<string, Map<string, Field>>();
  for (const m of js.matchAll(/function toJson_(\w+)\(obj\) \{[\s\S]*?const result = \{([\s\S]*?)\n\s{4}\};/g)) {
    const ts = tsFields.get(m[1]);
    if (!ts) continue;
    const fields = new Map<string, Field>();
    for (const e of m[2].matchAll(/^\s+'([^']+)': .*?obj\.(\w+)/gm)) {
      const t = ts.get(e[2]);
      if (t) fields.set(e[1], { tsName: e[2], required: t.required, type: t.type });
    }
    result.set(m[1], fields);
  }
  return result;
}

function check(type: string, value: any, where: string, out: string[]): void {
  if (value === undefined || value === null) return;
  const t = type.trim();
  const array = /^(.+)\[\]$/.exec(t);
  const map = /^\{ \[key: string\]: (.+) \}$/.exec(t);
  if (array) {
    if (!Array.isArray(value)) out.push(`${where} must be an array`);
    else value.forEach((v, i) => check(array[1], v, `${where}[${i}]`, out));
  } else if (map) {
    if (typeof value !== 'object' || Array.isArray(value)) out.push(`${where} must be a map`);
    else for (const [k, v] of Object.entries(value)) check(map[1], v, `${where}.${k}`, out);
  } else if (t === 'string' || t === 'number' || t === 'boolean') {
    if (typeof value !== t) out.push(`${where} must be a ${t} (got ${JSON.stringify(value)})`);
  } else if (t === 'IntOrString' || t === 'Quantity') {
    if (typeof value !== 'string' && typeof value !== 'number') out.push(`${where} must be a number or string`);
  } else if (t === 'any') {
    return;
  } else {
    const fields = types!.get(t);
    if (!fields) {
      out.push(`${where}: no schema for type ${t}`);
      return;
    }
    if (typeof value !== 'object' || Array.isArray(value)) {
      out.push(`${where} must be an object`);
      return;
    }
    for (const key of Object.keys(value)) {
      if (!fields.has(key)) out.push(`${where}.${key} is not a field of ${t}`);
    }
    for (const [key, field] of fields) {
      if (field.required && value[key] === undefined) out.push(`${where}.${key} is required`);
      check(field.type, value[key], `${where}.${key}`, out);
    }
  }
}

/** Violations of a core Kubernetes manifest, or undefined when its kind is not a known core kind. */
export function coreKindViolations(manifest: any): string[] | undefined {
  const props = KINDS[`${manifest.apiVersion}/${manifest.kind}`];
  if (!props) return undefined;
  types = types ?? load();
  const out: string[] = [];
  const { apiVersion: _a, kind: _k, ...rest } = manifest;
  check(props, rest, '', out);
  return out;
}

/** Violations of ObjectMeta (used for the metadata of custom resources too). */
export function objectMetaViolations(metadata: any): string[] {
  types = types ?? load();
  const out: string[] = [];
  check('ObjectMeta', metadata, '.metadata', out);
  return out;
}
