import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { analyzeObjects, formatFinding } from '../analysis/analyze';
import { AnalysisLevel } from '../analysis/finding';
import { SourcedObject } from '../analysis/model';

/** Where the CLI writes. */
export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const USAGE = `Usage: cdk8s-istio analyze [options] <file-or-directory>...

Runs Istio's admission rules and istioctl-analyze checks (IST0101, IST0109, IST0112, IST0113,
IST0118, IST0127, IST0132, IST0145, IST0149, IST0150, IST0166, IST0173, IST0174, IST0175, CKI0001,
CKI0002, CKI0004, CKI0005) over Kubernetes YAML or JSON.

Options:
  --format text|json        output format (default: text)
  --namespace NS            namespace of objects without one (default: default)
  --root-namespace NS       namespace of mesh-wide policy (default: istio-system)
  --cluster-domain DOMAIN   cluster domain of service names (default: cluster.local)
  --external-gateway NS/NAME  a gateway defined elsewhere (repeatable)
  --ignore CODE             do not report this code (repeatable)
  -h, --help                show this help

Exit codes: 0 no errors, 1 errors found, 2 bad usage or unreadable input.`;

class UsageError extends Error {}

/** Files to read: the files given, and .yaml/.yml/.json files under the directories, sorted. */
function collectFiles(target: string): string[] {
  const stat = fs.statSync(target);
  if (stat.isFile()) return [target];
  return fs.readdirSync(target).sort().flatMap((name) => {
    if (name === 'node_modules' || name.startsWith('.')) return [];
    const full = path.join(target, name);
    if (fs.statSync(full).isDirectory()) return collectFiles(full);
    return /\.(ya?ml|json)$/.test(name) ? [full] : [];
  });
}

/** Objects in a file; `kind: List` is flattened. */
function readObjects(file: string): SourcedObject[] {
  const docs = parseAllDocuments(fs.readFileSync(file, 'utf8'));
  const objects: SourcedObject[] = [];
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
    const value = doc.toJS();
    const items = value?.kind === 'List' ? value.items ?? [] : [value];
    for (const manifest of items) if (manifest && typeof manifest === 'object') objects.push({ manifest, source: file });
  }
  return objects;
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
    const options = { format: 'text', namespace: 'default', rootNamespace: 'istio-system', clusterDomain: 'cluster.local', external: [] as string[], ignore: [] as string[] };
    const targets: string[] = [];
    for (let i = 0; i < rest.length; i++) {
      const arg = rest[i];
      const value = () => {
        if (i + 1 >= rest.length) throw new UsageError(`${arg} needs a value`);
        return rest[++i];
      };
      if (arg === '-h' || arg === '--help') {
        io.out(USAGE);
        return 0;
      } else if (arg === '--format') {options.format = value();} else if (arg === '--namespace') {options.namespace = value();} else if (arg === '--root-namespace') {options.rootNamespace = value();} else if (arg === '--cluster-domain') {options.clusterDomain = value();} else if (arg === '--external-gateway') {options.external.push(value());} else if (arg === '--ignore') {options.ignore.push(value());} else if (arg.startsWith('-')) {throw new UsageError(`unknown option ${arg}`);} else {targets.push(arg);}
    }
    if (options.format !== 'text' && options.format !== 'json') throw new UsageError(`--format must be text or json, not "${options.format}"`);
    if (targets.length === 0) throw new UsageError('give at least one file or directory');
    const files = targets.flatMap((t) => {
      if (!fs.existsSync(t)) throw new Error(`${t}: no such file or directory`);
      return collectFiles(t);
    });
    const objects = files.flatMap(readObjects);
    const findings = analyzeObjects(objects, {
      defaultNamespace: options.namespace,
      rootNamespace: options.rootNamespace,
      externalGateways: new Set(options.external),
      ignore: new Set(options.ignore),
      clusterDomain: options.clusterDomain,
    });
    const count = (level: AnalysisLevel) => findings.filter((f) => f.level === level).length;
    const summary = {
      files: files.length,
      objects: objects.length,
      errors: count(AnalysisLevel.ERROR),
      warnings: count(AnalysisLevel.WARNING),
      infos: count(AnalysisLevel.INFO),
    };
    if (options.format === 'json') {
      io.out(JSON.stringify({ findings, summary }, undefined, 2));
    } else {
      for (const f of findings) io.out(formatFinding(f));
      io.out(`${summary.objects} objects in ${summary.files} files: ${summary.errors} errors, ${summary.warnings} warnings, ${summary.infos} infos`);
    }
    return summary.errors > 0 ? 1 : 0;
  } catch (e) {
    io.err(`cdk8s-istio: ${(e as Error).message}`);
    if (e instanceof UsageError) io.err(USAGE);
    return 2;
  }
}
