/**
 * The one validation helper every test uses: each synthesized object is checked against the
 * OpenAPI schema of its CRD as vendored in crds/ (unknown fields rejected) and against the CRD's
 * CEL rules (x-kubernetes-validations). Core kinds (Deployment, Service, ...) are checked against
 * the Kubernetes schema (see k8s-schema.ts). An object of a kind without a schema fails the test.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CelScalar, celFunc, celMethod, run } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { App, Chart, Testing } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { coreKindViolations, objectMetaViolations } from './k8s-schema';

const CRD_FILES = [
  'crds/istio/crd-all.gen.yaml',
  'crds/gateway-api/gatewayclasses.yaml',
  'crds/gateway-api/gateways.yaml',
  'crds/gateway-api/grpcroutes.yaml',
  'crds/gateway-api/httproutes.yaml',
  'crds/gateway-api/referencegrants.yaml',
];

interface KindSchema {
  readonly openApi: any;
  validate?: ValidateFunction;
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * The value-validation keywords of a structural schema. Their branches may name properties only to
 * constrain them (the API server prunes and refuses unknown fields by the structural schema around
 * them), so they must not become strict: `oneOf: [{properties: {type: ...}}]` says nothing about
 * `value`, and making that branch reject `value` would refuse objects the API server accepts.
 */
const VALUE_VALIDATIONS = new Set(['oneOf', 'anyOf', 'allOf', 'not']);

/** Makes an OpenAPI schema strict: objects with listed properties reject unknown fields. */
function strict(schema: any): any {
  if (Array.isArray(schema)) return schema.map(strict);
  if (!schema || typeof schema !== 'object') return schema;
  const out: any = {};
  for (const [key, value] of Object.entries(schema)) {
    if (VALUE_VALIDATIONS.has(key)) out[key] = value;
    else if (key === 'properties') out[key] = Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, strict(v)]));
    else out[key] = strict(value);
  }
  if (out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  return out;
}

const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true });

function compile(openApi: any): ValidateFunction {
  const top = strict(openApi);
  top.properties = { ...top.properties, apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' } };
  top.additionalProperties = false;
  return ajv.compile(top);
}

function loadSchemas(): Map<string, KindSchema> {
  addFormats(ajv);
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat('uint32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= 0 && n < 2 ** 32 });
  ajv.addFormat('double', { type: 'number', validate: () => true });
  ajv.addFormat('string', () => true);
  const root = path.join(__dirname, '..', '..');
  const schemas = new Map<string, KindSchema>();
  for (const file of CRD_FILES) {
    for (const doc of parseAllDocuments(fs.readFileSync(path.join(root, file), 'utf8'))) {
      const crd = doc.toJS();
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      for (const version of crd.spec.versions) {
        const openApi = version.schema.openAPIV3Schema;
        const apiVersion = `${crd.spec.group}/${version.name}`;
        schemas.set(`${apiVersion}/${crd.spec.names.kind}`, { openApi });
      }
    }
  }
  return schemas;
}

let cache: Map<string, KindSchema> | undefined;

/**
 * The two functions of Kubernetes' CEL URL library the vendored CRDs call: `url(text)` (which
 * fails on text that is not an absolute URL) and `getScheme()`, evaluated with Node's WHATWG URL
 * parser, independent of the library's own CEL runtime.
 */
const URL_FUNCTIONS = [
  celFunc('isURL', [CelScalar.STRING], CelScalar.BOOL, (text) => text.startsWith('/') || canParseUrl(text)),
  celFunc('url', [CelScalar.STRING], CelScalar.STRING, (text) => {
    if (!text.startsWith('/')) new URL(text); // throws on a relative or malformed URL, as Kubernetes' url() does
    return text;
  }),
  celMethod('getScheme', CelScalar.STRING, [], CelScalar.STRING, function (this: string) {
    return this.startsWith('/') ? '' : new URL(this).protocol.replace(/:$/, '');
  }),
];

function canParseUrl(text: string): boolean {
  try {
    new URL(text);
    return !/\s/.test(text);
  } catch {
    return false;
  }
}

/** Evaluates the CEL rules of `schema` (and of its children) against `value`. */
function celViolations(schema: any, value: any, where: string, out: string[]): void {
  if (!schema || value === undefined || value === null) return;
  for (const rule of schema['x-kubernetes-validations'] ?? []) {
    if (String(rule.rule).includes('oldSelf')) continue; // transition rules need the previous object
    // Kubernetes runs CRD rules with its string library (substring, ...) enabled.
    const result = run(rule.rule, { self: value }, { funcs: [...strings, ...URL_FUNCTIONS] });
    if (result !== true) {
      out.push(`${where}: ${rule.message ?? rule.rule}${result === false ? '' : ` (rule could not be evaluated: ${String(result)})`}`);
    }
  }
  if (schema.properties && typeof value === 'object') {
    for (const [key, child] of Object.entries<any>(schema.properties)) celViolations(child, value[key], `${where}.${key}`, out);
  }
  if (schema.items && Array.isArray(value)) {
    value.forEach((item, i) => celViolations(schema.items, item, `${where}[${i}]`, out));
  }
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object' && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) celViolations(schema.additionalProperties, child, `${where}.${key}`, out);
  }
}

/**
 * Applies the `default:` values of a structural schema to `value` in place, as the API server does
 * before it validates (apiextensions structural defaulting): a property that is absent (or null and
 * not nullable) gets a copy of its default, then defaulting descends into properties, array items
 * and map values, including the defaulted ones. Structural schemas allow no defaults under
 * oneOf/anyOf/allOf/not, so those are not visited.
 */
function applyDefaults(schema: any, value: any): void {
  if (!schema || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    if (schema.items) value.forEach((item) => applyDefaults(schema.items, item));
    return;
  }
  if (schema.properties) {
    for (const [key, child] of Object.entries<any>(schema.properties)) {
      const missing = value[key] === undefined || (value[key] === null && !child.nullable);
      if (missing && child.default !== undefined) value[key] = structuredClone(child.default);
      applyDefaults(child, value[key]);
    }
  }
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    for (const [key, child] of Object.entries(value)) if (!schema.properties?.[key]) applyDefaults(schema.additionalProperties, child);
  }
}

/** Schema and CEL violations of one manifest; empty when it is valid. */
export function schemaViolations(manifest: any): string[] {
  cache = cache ?? loadSchemas();
  const key = `${manifest.apiVersion}/${manifest.kind}`;
  const schema = cache.get(key);
  const name = manifest.metadata?.name;
  const nameProblem = typeof name !== 'string' || name.length > 253 || !DNS_SUBDOMAIN.test(name) ? [`metadata.name ${name} is not a DNS subdomain`] : [];
  const core = coreKindViolations(manifest);
  if (core) return [...core, ...nameProblem];
  if (!schema) return [`no schema is vendored for ${key}`];
  const out: string[] = [...objectMetaViolations(manifest.metadata), ...nameProblem];
  // Validate what the API server validates: the object with its schema's defaults applied (on a copy).
  const defaulted = structuredClone(manifest);
  applyDefaults(schema.openApi, defaulted);
  schema.validate = schema.validate ?? compile(schema.openApi);
  if (!schema.validate(defaulted)) {
    for (const e of schema.validate.errors ?? []) out.push(`${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
  }
  celViolations(schema.openApi, defaulted, '', out);
  return out;
}

/** Throws unless every manifest is valid against its schema. */
export function expectValidManifests(manifests: any[]): any[] {
  const problems = manifests.flatMap((m) => schemaViolations(m).map((p) => `${m.kind}/${m.metadata?.name}: ${p}`));
  if (problems.length > 0) throw new Error(`Schema validation failed:\n  ${problems.join('\n  ')}`);
  return manifests;
}

/** Synthesizes a chart (running every construct validation) and schema-validates the result. */
export function synthValid(chart: Chart): any[] {
  return expectValidManifests(Testing.synth(chart));
}

/** The only manifest of a kind in a synthesized chart. */
export function only(manifests: any[], kind: string): any {
  const found = manifests.filter((m) => m.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0];
}

/** The synth-time error message of a chart (fails when synthesis succeeds). */
export function synthError(chart: Chart): string {
  try {
    Testing.synth(chart);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected synthesis to fail, but it succeeded');
}

/** Synthesizes a whole App (every chart, one validation pass) and schema-validates the result. */
export function synthAppValid(app: App): any[] {
  return expectValidManifests(parseAllDocuments(app.synthYaml()).map((d) => d.toJS()));
}

/** The synth-time error message of an App (fails when synthesis succeeds). */
export function synthAppError(app: App): string {
  try {
    app.synthYaml();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected synthesis to fail, but it succeeded');
}
