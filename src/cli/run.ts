import * as fs from 'fs';
import { parseDocument } from 'yaml';
import { PathGlob } from './glob';
import { DEFAULT_MAX_FILE_SIZE, MAX_ALIAS_COUNT, MAX_DEPTH, MAX_DOCUMENT_TOKENS, ReadObject, readTargets } from './read';
import { analyzeObjects } from '../analysis/analyze';
import { duplicateMessage, DUPLICATE_OBJECT, objectIdentity } from '../analysis/checks/duplicates';
import { AnalysisFinding, AnalysisLevel } from '../analysis/finding';
import { textOf } from '../validation/shape';

/** Where the CLI writes. */
export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const USAGE = `Usage: cdk8s-istio analyze [options] <file-or-directory>...

Runs Istio's admission rules and the istioctl-analyze checks over Kubernetes YAML or JSON: .yaml,
.yml and .json files, and directories recursively (hidden directories and node_modules skipped;
kind: List flattened). Findings carry Istio's codes (IST...) or the library's own (CKI...): the
table of every code, its level and what it catches is in the package's README.md, section
"Analysis across objects: istioctl analyze at synth time".
Files and documents that are not Kubernetes objects are reported, and the rest still analyzed:
  CKI0010 Warning  not parsable as YAML or JSON, or an unrendered Helm/Go template
          Error    ... when it says it is a Kubernetes object (apiVersion:, kind:), or cannot
                   be read
  CKI0011 Info     not a Kubernetes object: empty file, a list or scalar, no
                   apiVersion/kind/metadata, a kustomization.yaml
  CKI0012 Error    over a limit, not read: --max-file-size, ${MAX_DEPTH} levels of nesting,
                   ${MAX_DOCUMENT_TOKENS} YAML tokens or ${MAX_ALIAS_COUNT} alias expansions per document
Objects defined more than once (API group, kind, namespace, name) are reported once (CKI0002,
naming every file) and analyzed once, as first defined. Findings are sorted by file, then
kind/namespace/name, then code.

Options:
  --format text|json          output format (default: text)
  --fail-on error|warning|info  lowest level that makes the exit code 1 (default: error)
  --namespace NS              namespace of objects without one (default: default)
  --root-namespace NS         namespace of mesh-wide policy (default: istio-system)
  --cluster-domain DOMAIN     cluster domain of service names (default: cluster.local)
  --external-gateway NS/NAME  a gateway defined elsewhere (repeatable)
  --mesh-config FILE          the mesh config: a MeshConfig YAML, or the istio ConfigMap
  --ignore CODE               do not report this code (repeatable)
  --ignore-path GLOB          skip files and directories whose path, relative to the directory
                              given, matches (repeatable): * ? [abc] {a,b} within a name,
                              ** across directories; a pattern without / matches a name at any
                              depth, e.g. --ignore-path 'charts/**' --ignore-path '*.tmpl.yaml'
  --max-file-size SIZE        larger files are not read (CKI0012); bytes, or with K, M or G
                              (KiB, MiB, GiB) (default: 10M)
  -h, --help                  show this help

Exit codes:
  0  no finding at or above --fail-on
  1  findings at or above --fail-on
  2  bad usage, a file or directory given that does not exist, or nothing at all could be
     read (no file found, or none parsed)`;

class UsageError extends Error {}

const LEVELS: Record<string, AnalysisLevel[]> = {
  error: [AnalysisLevel.ERROR],
  warning: [AnalysisLevel.ERROR, AnalysisLevel.WARNING],
  info: [AnalysisLevel.ERROR, AnalysisLevel.WARNING, AnalysisLevel.INFO],
};

/** `10M` → 10 MiB in bytes; undefined when not a size. */
function parseSize(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(?:([kmg])(?:i?b)?|b)?$/i.exec(text.trim());
  if (!match) return undefined;
  const unit = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(match[2] ?? '').toLowerCase()] ?? 1;
  return Math.floor(Number(match[1]) * unit);
}

/** The mesh config of `--mesh-config`: a MeshConfig YAML file, or the `istio` ConfigMap holding one. */
function loadMeshConfig(file: string): unknown {
  const parse = (text: string, what: string) => {
    const doc = parseDocument(text);
    if (doc.errors.length > 0) throw new UsageError(`--mesh-config ${what}: ${doc.errors[0].message.split('\n')[0]}`);
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  };
  if (!fs.existsSync(file)) throw new UsageError(`--mesh-config ${file}: no such file`);
  const content = parse(fs.readFileSync(file, 'utf8'), file);
  return content?.kind === 'ConfigMap' ? parse(String(content.data?.mesh ?? ''), `${file} (data.mesh)`) ?? {} : content ?? {};
}

/** Keeps the first definition of each object; the others become one CKI0002 finding per object. */
function withoutDuplicates(objects: readonly ReadObject[], defaultNamespace: string): { unique: ReadObject[]; findings: AnalysisFinding[] } {
  const byIdentity = new Map<string, ReadObject[]>();
  const unique: ReadObject[] = [];
  for (const o of objects) {
    const identity = objectIdentity(o.manifest, textOf(o.manifest.metadata?.namespace, defaultNamespace));
    const copies = identity === undefined ? undefined : byIdentity.get(identity);
    if (copies) {
      copies.push(o);
      continue;
    }
    if (identity !== undefined) byIdentity.set(identity, [o]);
    unique.push(o);
  }
  const findings: AnalysisFinding[] = [];
  for (const copies of byIdentity.values()) {
    if (copies.length < 2) continue;
    const m = copies[0].manifest;
    const [kind, name, namespace] = [textOf(m.kind), textOf(m.metadata?.name), textOf(m.metadata?.namespace, defaultNamespace)];
    findings.push({
      code: DUPLICATE_OBJECT,
      level: AnalysisLevel.ERROR,
      message: duplicateMessage(kind, namespace, name, copies.map((c) => `${c.source}:${c.line}`)),
      kind,
      name,
      namespace,
      source: copies[1].source,
    });
  }
  return { unique, findings };
}

/** Sorted by file, then kind, namespace and name, then code (then message): the same on every run. */
function compareFindings(a: AnalysisFinding, b: AnalysisFinding): number {
  for (const key of ['source', 'kind', 'namespace', 'name', 'code', 'message'] as const) {
    if (a[key] !== b[key]) return a[key] < b[key] ? -1 : 1;
  }
  return 0;
}

/** `file: Kind/namespace/name: Level CODE message`; findings about a file or document have no object. */
function formatLine(f: AnalysisFinding): string {
  const object = f.name ? `${f.kind}/${f.namespace}/${f.name}: ` : f.kind ? `${f.kind}: ` : '';
  return `${f.source}: ${object}${f.level} ${f.code} ${f.message}`;
}

/** Runs `cdk8s-istio <args>` and returns the exit code. */
export function runCli(args: string[], io: CliIo): number {
  try {
    const [command, ...rest] = args;
    if (command === '-h' || command === '--help' || command === undefined) {
      io.out(USAGE);
      return command === undefined ? 2 : 0;
    }
    if (command !== 'analyze') throw new UsageError(`unknown command "${command}"`);
    const options = {
      format: 'text',
      failOn: 'error',
      namespace: 'default',
      rootNamespace: 'istio-system',
      clusterDomain: 'cluster.local',
      external: [] as string[],
      ignore: [] as string[],
      ignorePaths: [] as PathGlob[],
      maxFileSize: DEFAULT_MAX_FILE_SIZE,
      meshConfig: undefined as unknown,
    };
    const targets: string[] = [];
    for (let i = 0; i < rest.length; i++) {
      // `--option=value` is `--option value`.
      const inline = /^(--[^=]+)=([\s\S]*)$/.exec(rest[i]);
      const arg = inline ? inline[1] : rest[i];
      const value = () => {
        if (inline) return inline[2];
        if (i + 1 >= rest.length) throw new UsageError(`${arg} needs a value`);
        return rest[++i];
      };
      switch (arg) {
        case '-h':
        case '--help':
          io.out(USAGE);
          return 0;
        case '--format': options.format = value(); break;
        case '--fail-on': options.failOn = value(); break;
        case '--namespace': options.namespace = value(); break;
        case '--root-namespace': options.rootNamespace = value(); break;
        case '--cluster-domain': options.clusterDomain = value(); break;
        case '--external-gateway': options.external.push(value()); break;
        case '--ignore': options.ignore.push(value()); break;
        case '--ignore-path': options.ignorePaths.push(new PathGlob(value())); break;
        case '--mesh-config': options.meshConfig = loadMeshConfig(value()); break;
        case '--max-file-size': {
          const text = value();
          const size = parseSize(text);
          if (size === undefined || size <= 0) throw new UsageError(`--max-file-size must be a size such as 10M, 512K or 1048576, not "${text}"`);
          options.maxFileSize = size;
          break;
        }
        default:
          if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
          targets.push(rest[i]);
      }
    }
    if (options.format !== 'text' && options.format !== 'json') throw new UsageError(`--format must be text or json, not "${options.format}"`);
    if (!LEVELS[options.failOn]) throw new UsageError(`--fail-on must be error, warning or info, not "${options.failOn}"`);
    if (targets.length === 0) throw new UsageError('give at least one file or directory');
    for (const t of targets) if (!fs.existsSync(t)) throw new Error(`${t}: no such file or directory`);

    const read = readTargets(targets, { maxFileSize: options.maxFileSize, ignorePaths: options.ignorePaths });
    const { unique, findings: duplicates } = withoutDuplicates(read.objects, options.namespace);
    const ignored = new Set(options.ignore);
    const analysis = analyzeObjects(unique, {
      defaultNamespace: options.namespace,
      rootNamespace: options.rootNamespace,
      externalGateways: new Set(options.external),
      ignore: ignored,
      clusterDomain: options.clusterDomain,
      meshConfig: options.meshConfig,
    });
    const findings = [...read.findings, ...duplicates].filter((f) => !ignored.has(f.code)).concat(analysis).sort(compareFindings);
    const count = (level: AnalysisLevel) => findings.filter((f) => f.level === level).length;
    const summary = {
      files: read.files.length,
      objects: read.objects.length,
      errors: count(AnalysisLevel.ERROR),
      warnings: count(AnalysisLevel.WARNING),
      infos: count(AnalysisLevel.INFO),
      ignoredPaths: read.ignored,
    };
    if (options.format === 'json') {
      io.out(JSON.stringify({ findings, summary }, undefined, 2));
    } else {
      for (const f of findings) io.out(formatLine(f));
      const ignoredPaths = read.ignored > 0 ? ` (${read.ignored} paths ignored)` : '';
      io.out(`${summary.objects} objects in ${summary.files} files${ignoredPaths}: ${summary.errors} errors, ${summary.warnings} warnings, ${summary.infos} infos`);
    }
    if (read.parsed === 0) {
      io.err(read.files.length === 0
        ? `cdk8s-istio: nothing to analyze: no .yaml, .yml or .json file in ${targets.join(', ')}${read.ignored > 0 ? ' but ignored ones' : ''}`
        : `cdk8s-istio: nothing could be read: none of the ${read.files.length} files parses as YAML or JSON`);
      return 2;
    }
    const failing = LEVELS[options.failOn];
    return findings.some((f) => failing.includes(f.level)) ? 1 : 0;
  } catch (e) {
    io.err(`cdk8s-istio: ${(e as Error).message}`);
    if (e instanceof UsageError) io.err(USAGE);
    return 2;
  }
}
