import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { analyzeObjects } from '../analysis/analyze';
import { AnalysisFinding, AnalysisLevel } from '../analysis/finding';
import { SourcedObject } from '../analysis/model';
import { MAX_ALIAS_COUNT, NOT_AN_OBJECT, NOT_PARSABLE, readTargets } from '../cli/read';

// The cdk8s CLI's validation-plugin contract (cdk8s-cli `lib/plugins/validation`), declared here
// with only what the plugin uses, so that the package needs no cdk8s-cli at run time.

/** An object that breaks a rule, as the CLI's report takes it. */
export interface ValidationViolatingResource {
  /** The object's `metadata.name`: the CLI looks the construct path up under it. */
  readonly resourceName: string;
  /** Where in the object (shown under "Locations"). */
  readonly locations: readonly string[];
  /** The manifest file the object is in. */
  readonly manifestPath: string;
}

/** One rule broken by one or more objects. */
export interface ValidationViolation {
  readonly ruleName: string;
  readonly recommendation: string;
  readonly fix: string;
  readonly violatingResources: readonly ValidationViolatingResource[];
}

/** The report the CLI prints (the part of cdk8s-cli's `ValidationReport` the plugin calls). */
export interface ValidationReport {
  addViolation(violation: ValidationViolation): void;
  submit(status: 'success' | 'failure', metadata?: { readonly [key: string]: string }): void;
}

/** What the CLI passes to `validate()` (the part of cdk8s-cli's `ValidationContext` the plugin reads). */
export interface ValidationContext {
  /** Paths of the synthesized manifest files. */
  readonly manifests: readonly string[];
  readonly report: ValidationReport;
}

/** The `properties` of the plugin's entry in cdk8s.yaml. */
export interface IstioValidationProperties {
  /** Message codes not to report, e.g. `[IST0118]`. Default: none. */
  readonly ignore?: string[];
  /** Gateways defined outside the app, as `namespace/name`. Default: none. */
  readonly externalGateways?: string[];
  /** Istio's root namespace (mesh-wide policy). Default: `istio-system`. */
  readonly rootNamespace?: string;
  /** Cluster domain of service names. Default: `cluster.local`. */
  readonly clusterDomain?: string;
  /** Namespace of objects that set none. Default: `default`. */
  readonly defaultNamespace?: string;
  /** The lowest level that fails synthesis: `error`, `warning` or `info`. Default: `error`. */
  readonly failOn?: string;
  /**
   * The mesh config: the mapping itself, or the path (relative to the directory `cdk8s synth`
   * runs in) of a YAML file holding it or the `istio` ConfigMap. Default: not known.
   */
  readonly meshConfig?: string | { [key: string]: unknown };
}

const LEVELS: Record<string, AnalysisLevel[]> = {
  error: [AnalysisLevel.ERROR],
  warning: [AnalysisLevel.ERROR, AnalysisLevel.WARNING],
  info: [AnalysisLevel.ERROR, AnalysisLevel.WARNING, AnalysisLevel.INFO],
};
const LEVEL_ORDER = [AnalysisLevel.ERROR, AnalysisLevel.WARNING, AnalysisLevel.INFO];
const STRING_LISTS = ['ignore', 'externalGateways'];
const STRINGS = ['rootNamespace', 'clusterDomain', 'defaultNamespace', 'failOn'];
const PROPERTIES = [...STRING_LISTS, ...STRINGS, 'meshConfig'];

function checkProperties(properties: { [key: string]: unknown }): void {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(properties)) {
    if (value === undefined) continue;
    if (!PROPERTIES.includes(key)) {
      problems.push(`unknown property '${key}' (known: ${PROPERTIES.join(', ')})`);
    } else if (STRING_LISTS.includes(key) && !(Array.isArray(value) && value.every((v) => typeof v === 'string'))) {
      problems.push(`'${key}' must be a list of strings`);
    } else if (STRINGS.includes(key) && typeof value !== 'string') {
      problems.push(`'${key}' must be a string`);
    } else if (key === 'meshConfig' && (value === null || (typeof value !== 'string' && typeof value !== 'object') || Array.isArray(value))) {
      problems.push('\'meshConfig\' must be a file path or a mapping');
    }
  }
  if (typeof properties.failOn === 'string' && !LEVELS[properties.failOn]) {
    problems.push(`'failOn' must be error, warning or info, not "${properties.failOn}"`);
  }
  if (problems.length > 0) throw new Error(`cdk8s-istio validation plugin: ${problems.join('; ')}`);
}

/** The mesh config from the `meshConfig` property: a mapping, a mesh config file or the `istio` ConfigMap. */
function loadMeshConfig(value: IstioValidationProperties['meshConfig']): unknown {
  if (value === undefined || typeof value === 'object') return value;
  const parsed = parseAllDocuments(fs.readFileSync(path.resolve(value), 'utf8'));
  const doc = (Array.isArray(parsed) ? parsed : [parsed])[0];
  if (!doc || doc.errors.length > 0) throw new Error(`cdk8s-istio validation plugin: meshConfig ${value}: ${doc?.errors[0]?.message ?? 'empty file'}`);
  const content = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  return content?.kind === 'ConfigMap' ? parseAllDocuments(String(content.data?.mesh ?? ''))[0]?.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {} : content;
}

/**
 * The objects of the manifest files, read as `cdk8s-istio analyze` reads them (src/cli/read.ts:
 * `kind: List` flattened, documents that are not Kubernetes objects skipped, and nesting, tokens
 * and alias expansions per document limited before the parser sees them), and what could not be
 * read (CKI0010, CKI0012). The files are the app's own output, so their size is not limited, and
 * CKI0011 is left out: cdk8s writes an empty file for a chart without objects.
 */
function readManifests(files: readonly string[]): { objects: SourcedObject[]; findings: AnalysisFinding[] } {
  const missing = files.filter((file) => !fs.existsSync(file));
  const read = readTargets(files.filter((file) => !missing.includes(file)), { maxFileSize: Number.POSITIVE_INFINITY, ignorePaths: [] });
  const findings: AnalysisFinding[] = missing.map((file) => ({
    code: NOT_PARSABLE, level: AnalysisLevel.ERROR, message: 'File cannot be read: no such file', kind: '', name: '', namespace: '', source: file,
  }));
  findings.push(...read.findings.filter((f) => f.code !== NOT_AN_OBJECT));
  return { objects: read.objects, findings };
}

/** The fix of a finding about a manifest file (the reader's messages name the CLI's options). */
const UNREADABLE_FIX = 'its objects were not analyzed: fix the YAML the app writes';

/** `Istio message; how to fix` → both parts (the whole message, and no fix, when there is no `; `). */
function splitMessage(message: string): { recommendation: string; fix: string } {
  const at = message.indexOf('; ');
  return at < 0 ? { recommendation: message, fix: '-' } : { recommendation: message.slice(0, at), fix: message.slice(at + 2) };
}

/** The first field path (`spec.http[0].route[0].destination`) a message names. */
function fieldOf(message: string): string | undefined {
  return /\bspec(?:\.[A-Za-z_$][\w$]*|\[\d+\])+/.exec(message)?.[0];
}

/**
 * cdk8s CLI validation plugin: `cdk8s synth` runs this library's analyzer — Istio's admission
 * rules and the `istioctl analyze` checks — over the manifests of any cdk8s app, whatever its
 * language and whether or not it uses this library's constructs.
 *
 * In cdk8s.yaml:
 * ```yaml
 * validations:
 *   - package: cdk8s-istio
 *     version: <exact version>
 *     class: IstioValidation
 *     properties: { failOn: error, ignore: [IST0118], externalGateways: [istio-system/public] }
 * ```
 *
 * Each finding is reported under the object's `metadata.name`, so the CLI adds the construct
 * path it recorded for that name. When several synthesized objects share a name the CLI cannot
 * tell them apart (its construct metadata is keyed by name alone); those findings are reported
 * under `Kind namespace/name` instead, without a construct path rather than with a wrong one.
 */
export class IstioValidation {
  private readonly properties: IstioValidationProperties;

  /** Called by the CLI with the entry's `properties`. */
  public constructor(properties: IstioValidationProperties = {}) {
    checkProperties((properties ?? {}) as { [key: string]: unknown });
    this.properties = properties ?? {};
  }

  /** Analyzes the synthesized manifests and submits the report. */
  public async validate(context: ValidationContext): Promise<void> {
    const p = this.properties;
    const ignore = new Set(p.ignore ?? []);
    const read = readManifests(context.manifests);
    const objects = read.objects;
    // Findings about manifest files (not about an object), from the reader.
    const aboutFiles = new Set(read.findings);
    const findings = read.findings.filter((f) => !ignore.has(f.code)).concat(analyzeObjects(objects, {
      defaultNamespace: p.defaultNamespace ?? 'default',
      rootNamespace: p.rootNamespace ?? 'istio-system',
      clusterDomain: p.clusterDomain ?? 'cluster.local',
      externalGateways: new Set(p.externalGateways ?? []),
      ignore,
      meshConfig: loadMeshConfig(p.meshConfig),
    }));
    const failOn = p.failOn ?? 'error';

    // How many objects carry each name: the CLI's construct metadata is keyed by name alone.
    const names = new Map<string, number>();
    for (const o of objects) {
      const name = o.manifest.metadata?.name;
      if (typeof name === 'string') names.set(name, (names.get(name) ?? 0) + 1);
    }

    // One violation per distinct (code, level, message), errors first, in a stable order.
    const groups = new Map<string, AnalysisFinding[]>();
    for (const f of findings) {
      const key = `${LEVEL_ORDER.indexOf(f.level)}\u0000${f.code}\u0000${f.message}`;
      const group = groups.get(key);
      if (group) group.push(f);
      else groups.set(key, [f]);
    }
    for (const key of [...groups.keys()].sort()) {
      const group = groups.get(key)!;
      const { recommendation, fix } = splitMessage(group[0].message);
      const aboutFile = aboutFiles.has(group[0]);
      const resources = group.map((f) => {
        if (aboutFiles.has(f)) {
          const line = /\bline (\d+)/.exec(f.message)?.[1];
          return { resourceName: path.basename(f.source), locations: [line ? `line ${line}` : 'the file'], manifestPath: f.source };
        }
        const field = fieldOf(f.message);
        const id = `${f.kind} ${f.namespace}/${f.name}`;
        return {
          resourceName: names.get(f.name) === 1 ? f.name : id,
          locations: [field ? `${id} at ${field}` : id],
          manifestPath: f.source,
        };
      }).sort((a, b) => `${a.manifestPath}\u0000${a.locations[0]}`.localeCompare(`${b.manifestPath}\u0000${b.locations[0]}`));
      context.report.addViolation({
        ruleName: `${group[0].code} [${group[0].level}]`, recommendation, fix: aboutFile ? UNREADABLE_FIX : fix, violatingResources: resources,
      });
    }

    const count = (level: AnalysisLevel) => String(findings.filter((f) => f.level === level).length);
    const failing = findings.some((f) => LEVELS[failOn].includes(f.level));
    context.report.submit(failing ? 'failure' : 'success', {
      'Objects': String(objects.length),
      'Errors': count(AnalysisLevel.ERROR),
      'Warnings': count(AnalysisLevel.WARNING),
      'Infos': count(AnalysisLevel.INFO),
      'Fails on': failOn,
    });
  }
}
