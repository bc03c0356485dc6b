import { holds } from './cel-runtime';
import { Findings } from './findings';
import { CEL_RULES, CRD_SCHEMAS } from './generated/crd-schemas';
import { crdPattern } from './re2-cache';
import { textOf } from './shape';

// What the API server checks for a custom resource: the CRD's OpenAPI schema (types, formats,
// bounds, enums, required fields, oneOf, list uniqueness, unknown fields) and its CEL rules.
// The schemas and compiled rules are generated from the vendored CRDs (see
// build-tools/generate-validators.ts); this file only walks them.

const INT32 = [-(2 ** 31), 2 ** 31 - 1];
const TYPE_NAMES: Record<string, string> = { integer: 'a whole number', number: 'a number', string: 'a string', boolean: 'true or false', object: 'an object', array: 'a list' };
const SCHEMA_FIX = 'the API server refuses it (CRD schema)';


/**
 * The API server's verdict on a custom resource, as findings in the house shape; empty when it
 * would be accepted. Objects of kinds without a vendored schema get no findings.
 */
export function validateAgainstCrdSchema(manifest: any, findings = new Findings()): Findings {
  const schema = CRD_SCHEMAS[`${textOf(manifest?.apiVersion)}/${textOf(manifest?.kind)}`];
  if (!schema) return findings;
  for (const [key, value] of Object.entries<any>(manifest)) {
    if (key === 'apiVersion' || key === 'kind' || key === 'metadata') continue;
    const child = schema.properties?.[key];
    if (!child) findings.error(key, value, 'is not a field of this object', 'remove it, or check its spelling');
    else walk(child, withDefaults(child, withoutPrunedNulls(child, value)), key, findings);
  }
  return findings;
}

/**
 * The value as the API server validates it after structural defaulting: a missing (or null,
 * non-nullable) object field whose schema has a `default` takes it, at every depth (Gateway API
 * rules read defaulted fields such as a parentRef's `group` and `kind`). Copies only the
 * objects that change.
 */
export function withDefaults(schema: any, value: any): any {
  if (!schema || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return schema.items ? mapIfChanged(value, (item) => withDefaults(schema.items, item)) : value;
  let out: any = value;
  const set = (key: string, child: any) => {
    if (out === value) out = { ...value };
    out[key] = child;
  };
  for (const [key, childSchema] of Object.entries<any>(schema.properties ?? {})) {
    const child = value[key];
    const missing = child === undefined || (child === null && !childSchema.nullable);
    if (missing && childSchema.default !== undefined) {
      set(key, withDefaults(childSchema, JSON.parse(JSON.stringify(childSchema.default))));
    } else if (child !== undefined && child !== null) {
      const defaulted = withDefaults(childSchema, child);
      if (defaulted !== child) set(key, defaulted);
    }
  }
  if (typeof schema.additionalProperties === 'object') {
    for (const [key, child] of Object.entries<any>(value)) {
      if (schema.properties?.[key]) continue;
      const defaulted = withDefaults(schema.additionalProperties, child);
      if (defaulted !== child) set(key, defaulted);
    }
  }
  return out;
}

/**
 * The value as the API server validates it: a `null` in an object field that is not nullable
 * and has no default is pruned first (apiextensions' PruneNonNullableNullsWithoutDefaults), so
 * `match:` with nothing after it reads as no match. Nulls in lists are not pruned. Copies only
 * the objects that hold such a null.
 */
export function withoutPrunedNulls(schema: any, value: any): any {
  if (!schema || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return schema.items ? mapIfChanged(value, (item) => withoutPrunedNulls(schema.items, item)) : value;
  let out: any = value;
  for (const [key, child] of Object.entries<any>(value)) {
    const childSchema = schema.properties?.[key] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
    if (!childSchema) continue;
    const pruned = child === null && !childSchema.nullable && childSchema.default === undefined ? undefined : withoutPrunedNulls(childSchema, child);
    if (pruned !== child) {
      if (out === value) out = { ...value };
      if (pruned === undefined) delete out[key];
      else out[key] = pruned;
    }
  }
  return out;
}

function mapIfChanged(items: any[], fn: (item: any) => any): any[] {
  const mapped = items.map(fn);
  return mapped.every((item, i) => item === items[i]) ? items : mapped;
}

function typeProblem(type: string | undefined, value: any): boolean {
  switch (type) {
    case 'object': return typeof value !== 'object' || Array.isArray(value);
    case 'array': return !Array.isArray(value);
    case 'string': return typeof value !== 'string';
    case 'boolean': return typeof value !== 'boolean';
    case 'integer': return typeof value !== 'number' || !Number.isInteger(value);
    case 'number': return typeof value !== 'number' || !Number.isFinite(value);
    default: return false;
  }
}

function walk(schema: any, value: any, field: string, f: Findings): void {
  if (value === undefined) return;
  if (value === null) {
    if (!schema.nullable) f.error(field, null, 'must not be null', 'remove the field, or give it a value');
    return;
  }
  if (schema['x-kubernetes-int-or-string']) {
    if (typeof value !== 'string' && !(typeof value === 'number' && Number.isInteger(value))) {
      f.error(field, value, 'must be a whole number or a string', SCHEMA_FIX);
    }
  } else if (typeProblem(schema.type, value)) {
    f.error(field, value, `must be ${TYPE_NAMES[schema.type]}`, SCHEMA_FIX);
    return;
  }
  const before = f.count;
  scalarRules(schema, value, field, f);
  if (Array.isArray(value)) listRules(schema, value, field, f);
  else if (typeof value === 'object') objectRules(schema, value, field, f);
  combinators(schema, value, field, f);
  // CEL rules assume the schema holds (the API server runs them only then).
  if (f.count === before) {
    for (const rule of schema['x-kubernetes-validations'] ?? []) {
      // A rule may span lines in the CRD (AuthorizationPolicy's serviceAccounts rule): quote it on one line, so a finding is one line.
      const source = rule.source.replace(/\s*\n\s*/g, ' ');
      if (!holds(CEL_RULES[rule.rule], value)) f.error(field, value, celRule(rule.message), `the API server refuses it (CRD rule \`${source}\`)`);
    }
  }
}

/** A CEL rule's message as the rule part of a house message. */
function celRule(message: string): string {
  const text = /^[A-Z][a-z]/.test(message) ? message[0].toLowerCase() + message.slice(1) : message;
  return text.startsWith('must') ? text : `breaks the rule "${text}"`;
}

function scalarRules(schema: any, value: any, field: string, f: Findings): void {
  if (schema.enum && !schema.enum.includes(value)) f.error(field, value, `must be one of ${schema.enum.join(', ')}`, SCHEMA_FIX);
  if (typeof value === 'number') {
    if (schema.format === 'int32' && (value < INT32[0] || value > INT32[1])) {
      f.error(field, value, `must be a whole number from ${INT32[0]} to ${INT32[1]} (int32)`, SCHEMA_FIX);
    } else if (schema.maximum !== undefined && value > schema.maximum) {
      f.error(field, value, `must be at most ${schema.maximum}`, SCHEMA_FIX);
    } else if (schema.minimum !== undefined && value < schema.minimum) {
      f.error(field, value, `must be at least ${schema.minimum}`, SCHEMA_FIX);
    }
  }
  if (typeof value === 'string') {
    const length = [...value].length;
    if (schema.maxLength !== undefined && length > schema.maxLength) f.error(field, value, `must be at most ${schema.maxLength} characters long`, SCHEMA_FIX);
    if (schema.minLength !== undefined && length < schema.minLength) f.error(field, value, `must be at least ${schema.minLength} characters long`, SCHEMA_FIX);
    // The API server matches `pattern` with Go's RE2.
    if (schema.pattern !== undefined && !crdPattern(schema.pattern).matcher(value).find()) f.error(field, value, `must match ${schema.pattern}`, SCHEMA_FIX);
    if (schema.format === 'date-time' && Number.isNaN(Date.parse(value))) f.error(field, value, 'must be an RFC 3339 date-time', SCHEMA_FIX);
    if (schema.format === 'byte' && !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) f.error(field, value, 'must be base64', SCHEMA_FIX);
  }
}

function listRules(schema: any, value: any[], field: string, f: Findings): void {
  if (schema.maxItems !== undefined && value.length > schema.maxItems) f.error(field, value, `must have at most ${schema.maxItems} items`, SCHEMA_FIX);
  if (schema.minItems !== undefined && value.length < schema.minItems) f.error(field, value, `must have at least ${schema.minItems} items`, SCHEMA_FIX);
  const listType = schema['x-kubernetes-list-type'];
  if (listType === 'set' || listType === 'map') {
    const keys: string[] | undefined = schema['x-kubernetes-list-map-keys'];
    const identities = value.map((item) => JSON.stringify(listType === 'map' && keys ? keys.map((k) => item?.[k]) : item));
    identities.forEach((id, i) => {
      if (identities.indexOf(id) !== i) f.error(`${field}[${i}]`, value[i], `duplicates an earlier item${keys ? ` (same ${keys.join(', ')})` : ''}`, 'remove or merge the duplicate');
    });
  }
  // A list item cannot be absent: undefined in a list is written as null.
  if (schema.items) value.forEach((item, i) => walk(schema.items, item === undefined ? null : item, `${field}[${i}]`, f));
}

function objectRules(schema: any, value: any, field: string, f: Findings): void {
  const count = Object.keys(value).length;
  if (schema.maxProperties !== undefined && count > schema.maxProperties) f.error(field, value, `must have at most ${schema.maxProperties} entries`, SCHEMA_FIX);
  if (schema.minProperties !== undefined && count < schema.minProperties) f.error(field, value, `must have at least ${schema.minProperties} entries`, SCHEMA_FIX);
  for (const key of schema.required ?? []) {
    if (value[key] === undefined) f.error(`${field}.${key}`, undefined, 'is required', 'set it');
  }
  const properties = schema.properties;
  const additional = schema.additionalProperties;
  for (const [key, child] of Object.entries<any>(value)) {
    if (properties?.[key]) {walk(properties[key], child, `${field}.${key}`, f);} else if (additional && typeof additional === 'object') {walk(additional, child, `${field}.${key}`, f);} else if (properties && !additional && !schema['x-kubernetes-preserve-unknown-fields'] && valueValidation === 0) {
      f.error(`${field}.${key}`, child, 'is not a field of this object', 'remove it, or check its spelling');
    }
  }
}

/**
 * How deep the walk is inside allOf/anyOf/oneOf/not branches: value validations, which name only
 * some of the fields (a Gateway address branch constrains `type` alone), so a field they do not
 * name is no unknown field there (the structural schema decides that).
 */
let valueValidation = 0;

/** Whether `value` satisfies `schema`, without reporting. */
function satisfies(schema: any, value: any): boolean {
  // Istio's oneOf branches are presence tests ({required: [x]}, or not any of them): answer
  // those without walking the value again.
  if (isPresenceTest(schema)) return presence(schema, value);
  const probe = new Findings();
  inBranch(() => walk(schema, value, '', probe));
  return probe.count === 0;
}

function inBranch(f: () => void): void {
  valueValidation++;
  try {
    f();
  } finally {
    valueValidation--;
  }
}

function isPresenceTest(schema: any): boolean {
  const keys = Object.keys(schema);
  if (keys.length === 1 && keys[0] === 'required') return true;
  return keys.length === 1 && keys[0] === 'not' && Object.keys(schema.not).length === 1
    && Array.isArray(schema.not.anyOf) && schema.not.anyOf.every(isPresenceTest);
}

function presence(schema: any, value: any): boolean {
  if (schema.required) return typeof value === 'object' && value !== null && schema.required.every((k: string) => value[k] !== undefined);
  return !schema.not.anyOf.some((branch: any) => presence(branch, value));
}

function combinators(schema: any, value: any, field: string, f: Findings): void {
  for (const sub of schema.allOf ?? []) inBranch(() => walk(sub, value, field, f));
  if (schema.anyOf && !schema['x-kubernetes-int-or-string'] && !schema.anyOf.some((sub: any) => satisfies(sub, value))) {
    f.error(field, value, `must have one of the shapes ${describe(schema.anyOf)}`, SCHEMA_FIX);
  }
  if (schema.oneOf && schema.oneOf.filter((sub: any) => satisfies(sub, value)).length !== 1) {
    const exclusive = exclusiveFields(schema.oneOf);
    const set = exclusive.filter((k) => value?.[k] !== undefined);
    if (exclusive.length > 0 && set.length > 1) f.error(field, set, `must set at most one of ${exclusive.join(', ')}`, `keep one of ${set.join(', ')}`);
    else f.error(field, value, `must have exactly one of the shapes ${describe(schema.oneOf)}`, SCHEMA_FIX);
  }
  if (schema.not && satisfies(schema.not, value)) f.error(field, value, `must not have the shape ${describe([schema.not])}`, SCHEMA_FIX);
}

/** The fields of a oneOf whose branches each require one of them (Istio's "at most one of"). */
function exclusiveFields(branches: any[]): string[] {
  return branches.flatMap((b) => (b.required && b.required.length === 1 && Object.keys(b).length === 1 ? b.required : []));
}

function describe(branches: any[]): string {
  return branches.map((b) => (b.required ? `{${b.required.join(', ')}}` : b.type ?? JSON.stringify(b).slice(0, 40))).join(' | ');
}
