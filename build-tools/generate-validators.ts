/**
 * Generates src/validation/generated/crd-schemas.ts from the CRDs vendored in crds/ (run with
 * `npx projen import`, after the L1 imports): for each kind the library emits, the served
 * version's OpenAPI schema without its documentation, and its `x-kubernetes-validations` CEL
 * rules compiled to JavaScript over the small runtime in src/validation/cel-runtime.ts.
 *
 * Compiling the rules here (with @bufbuild/cel's parser, a build-time dependency only) keeps
 * the package free of a CEL interpreter and makes each rule a plain function call at synth. A
 * CRD update is a regeneration; a rule using a CEL function the runtime lacks fails here.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from '@bufbuild/cel';
import { parseAllDocuments } from 'yaml';

const ROOT = path.join(__dirname, '..');
const OUTPUT = path.join(ROOT, 'src', 'validation', 'generated', 'crd-schemas.ts');

/** CRD file → the CRDs (metadata.name) and the served version the library writes. */
const SOURCES: Array<{ file: string; crds: string[]; version: string }> = [{
  file: 'crds/istio/crd-all.gen.yaml',
  version: 'v1',
  crds: [
    'destinationrules.networking.istio.io', 'gateways.networking.istio.io', 'serviceentries.networking.istio.io',
    'sidecars.networking.istio.io', 'virtualservices.networking.istio.io',
    'authorizationpolicies.security.istio.io', 'peerauthentications.security.istio.io', 'requestauthentications.security.istio.io',
    'telemetries.telemetry.istio.io',
  ],
}, {
  file: 'crds/istio/crd-all.gen.yaml',
  version: 'v1alpha3',
  crds: ['envoyfilters.networking.istio.io'],
}, {
  file: 'crds/istio/crd-all.gen.yaml',
  version: 'v1alpha1',
  crds: ['wasmplugins.extensions.istio.io'],
}, ...['gatewayclasses', 'gateways', 'grpcroutes', 'httproutes', 'referencegrants'].map((name) => ({
  // Gateway API v1.6.1, standard channel: the v1 version of each kind.
  file: `crds/gateway-api/${name}.yaml`,
  version: 'v1',
  crds: [`${name}.gateway.networking.k8s.io`],
}))];

const rules: string[] = [];
const ruleIndex = new Map<string, number>();

/** The index of a rule's compiled function; one function per distinct rule text. */
function compileRule(rule: string): number {
  let index = ruleIndex.get(rule);
  if (index === undefined) {
    index = rules.push(`(self: any) => ${js(parse(rule).expr)}`) - 1;
    ruleIndex.set(rule, index);
  }
  return index;
}

/** Compiles one CEL expression (a parsed `cel.expr.Expr`) to a JavaScript expression. */
function js(e: any): string {
  const { case: kind, value } = e.exprKind;
  switch (kind) {
    case 'constExpr': return constant(value.constantKind);
    case 'identExpr': return identifier(value.name);
    case 'selectExpr': {
      const field = JSON.stringify(unescapeField(value.field));
      return value.testOnly ? `$.has(${js(value.operand)}, ${field})` : `$.sel(${js(value.operand)}, ${field})`;
    }
    case 'listExpr': return `[${value.elements.map(js).join(', ')}]`;
    case 'callExpr': return call(value);
    case 'comprehensionExpr': return comprehension(value);
    case 'structExpr':
      // A map literal ({} or {"k": v}); messages are not used by the CRDs.
      if (value.messageName) break;
      return `({ ${value.entries.map((en: any) => `[${js(en.keyKind.value)}]: ${js(en.value)}`).join(', ')} })`;
  }
  throw new Error(`unsupported CEL expression kind ${kind}`);
}

/** CEL reserved words: a property so named is written `__word__` in a Kubernetes CEL rule. */
const RESERVED = new Set(['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import',
  'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while']);

/** A property name as the object spells it (Kubernetes' CEL escaping undone: `__namespace__`, `__dash__`, ...). */
function unescapeField(name: string): string {
  const word = /^__([a-z]+)__$/.exec(name)?.[1];
  if (word && RESERVED.has(word)) return word;
  const escapes: Record<string, string> = { underscores: '__', dot: '.', dash: '-', slash: '/' };
  return name.replace(/__(underscores|dot|dash|slash)__/g, (_, e: string) => escapes[e]);
}

function constant(c: any): string {
  switch (c.case) {
    case 'boolValue': return String(c.value);
    case 'int64Value': case 'uint64Value': return String(Number(c.value));
    case 'doubleValue': return String(c.value);
    case 'stringValue': return JSON.stringify(c.value);
    case 'nullValue': return 'null';
    default: throw new Error(`unsupported CEL constant ${c.case}`);
  }
}

function identifier(name: string): string {
  return name === 'self' ? 'self' : `v_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

function call(c: any): string {
  // url(x).getScheme() is one operation of Kubernetes' URL library.
  if (c.function === 'getScheme' && c.target?.exprKind.case === 'callExpr' && c.target.exprKind.value.function === 'url') {
    return `$.urlScheme(${js(c.target.exprKind.value.args[0])})`;
  }
  const a = c.args.map(js);
  if (c.function === 'isURL') return `$.isUrl(${a[0]})`;
  const t = c.target ? js(c.target) : undefined;
  const binary: Record<string, string> = { '_<_': '<', '_<=_': '<=', '_>_': '>', '_>=_': '>=', '_-_': '-', '_*_': '*' };
  if (binary[c.function]) return `(${a[0]} ${binary[c.function]} ${a[1]})`;
  switch (c.function) {
    case '_&&_': return `$.and(() => ${a[0]}, () => ${a[1]})`;
    case '_||_': return `$.or(() => ${a[0]}, () => ${a[1]})`;
    case '!_': return `!${a[0]}`;
    case '-_': return `(-${a[0]})`;
    case '_?_:_': return `(${a[0]} ? ${a[1]} : ${a[2]})`;
    case '_==_': return `$.eq(${a[0]}, ${a[1]})`;
    case '_!=_': return `!$.eq(${a[0]}, ${a[1]})`;
    case '_+_': return `$.add(${a[0]}, ${a[1]})`;
    case '@in': return `$.isIn(${a[0]}, ${a[1]})`;
    case '@not_strictly_false': return `$.notStrictlyFalse(() => ${a[0]})`;
    case 'size': return `$.size(${t ?? a[0]})`;
    case 'duration': return `$.duration(${a[0]})`;
    case 'int': return `$.int(${a[0]})`;
    case 'matches': return `$.matches(${t ?? a[0]}, ${t ? a[0] : a[1]})`;
    case 'contains': return `$.str(${t}).includes(${a[0]})`;
    case 'startsWith': return `$.str(${t}).startsWith(${a[0]})`;
    case 'endsWith': return `$.str(${t}).endsWith(${a[0]})`;
    case 'substring': return `$.substring(${t}, ${a[0]}, ${a[1]})`;
    case 'split': return `$.split(${t}, ${a[0]})`;
    case '_[_]': return `$.index(${a[0]}, ${a[1]})`;
  }
  throw new Error(`unsupported CEL function ${c.function}`);
}

function comprehension(c: any): string {
  const acc = identifier(c.accuVar);
  const iter = identifier(c.iterVar);
  return `((${acc}) => { for (const ${iter} of $.range(${js(c.iterRange)})) { if (!(${js(c.loopCondition)})) break; ${acc} = ${js(c.loopStep)}; } `
    + `return ${js(c.result)}; })(${js(c.accuInit)})`;
}

/** The schema without documentation; CEL rules replaced by indexes into RULES. */
function prune(schema: any): any {
  if (Array.isArray(schema)) return schema.map(prune);
  if (!schema || typeof schema !== 'object') return schema;
  const out: any = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'description') continue;
    if (key === 'x-kubernetes-validations') {
      // Transition rules (oldSelf) compare with the stored object: nothing to check at synth.
      out[key] = (value as any[]).filter((r) => !String(r.rule).includes('oldSelf'))
        .map((r) => ({ rule: compileRule(r.rule), message: r.message ?? r.rule, source: r.rule }));
      continue;
    }
    out[key] = key === 'properties'
      ? Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, prune(v)]))
      : prune(value);
  }
  return out;
}

const schemas: Record<string, any> = {};
const found = new Set<string>();
for (const source of SOURCES) {
  for (const doc of parseAllDocuments(fs.readFileSync(path.join(ROOT, source.file), 'utf8'))) {
    const crd = doc.toJS();
    if (crd?.kind !== 'CustomResourceDefinition' || !source.crds.includes(crd.metadata.name)) continue;
    const version = crd.spec.versions.find((v: any) => v.name === source.version && v.served);
    if (!version) throw new Error(`${crd.metadata.name} serves no ${source.version}`);
    schemas[`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`] = prune(version.schema.openAPIV3Schema);
    found.add(crd.metadata.name);
  }
}
const missing = SOURCES.flatMap((s) => s.crds).filter((name) => !found.has(name));
if (missing.length > 0) throw new Error(`CRDs not found: ${missing.join(', ')}`);

const code = `// Generated by build-tools/generate-validators.ts from the CRDs in crds/; do not edit.
// Regenerate with \`npx projen import\`.
/* eslint-disable */
import * as $ from '../cel-runtime';

/** The compiled CEL rules (x-kubernetes-validations), referenced by index from the schemas. */
export const CEL_RULES: Array<(self: any) => any> = [
${rules.map((r) => `  ${r},`).join('\n')}
];

/** OpenAPI schemas of the served versions, by \`apiVersion/kind\`. */
export const CRD_SCHEMAS: { [apiVersionKind: string]: any } = ${JSON.stringify(schemas)};
`;
fs.mkdirSync(path.dirname(OUTPUT), { recursive: true });
fs.writeFileSync(OUTPUT, code);
console.log(`wrote ${path.relative(ROOT, OUTPUT)}: ${Object.keys(schemas).length} kinds, ${rules.length} CEL rules, ${code.length} bytes`);
