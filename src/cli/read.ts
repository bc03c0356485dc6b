import * as fs from 'fs';
import * as path from 'path';
import { Composer, Document, isCollection, isMap, isSeq, Lexer, LineCounter, Parser, visit } from 'yaml';
import { PathGlob } from './glob';
import { AnalysisFinding, AnalysisLevel } from '../analysis/finding';
import { SourcedObject } from '../analysis/model';

/** CKI0010: a file (or document) that cannot be parsed as YAML or JSON, or an unrendered template. */
export const NOT_PARSABLE = 'CKI0010';
/** CKI0011: a document that is not a Kubernetes object (empty, a list, a tool's config file...). */
export const NOT_AN_OBJECT = 'CKI0011';
/** CKI0012: a file over one of the reader's limits (size, alias expansion, nesting), not analyzed. */
export const OVER_LIMIT = 'CKI0012';

/** Default of `--max-file-size`: 10 MiB. */
export const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;
/**
 * Deepest nesting of collections read. Kubernetes objects are far shallower (Istio's CRDs, the
 * deepest objects of an Istio install, nest 28 levels), and the YAML parser's stack and memory
 * grow with the depth: a few megabytes of `[` exhaust the heap.
 */
export const MAX_DEPTH = 200;
/**
 * Most YAML tokens (keys, values, punctuation) in one document. The parser takes some 300 bytes
 * of memory per token, so a 10 MB document of `1,1,1,...` takes gigabytes; a Kubernetes object
 * is at most 1.5 MB (etcd's limit), some 400,000 tokens, and a List of 10,000 Services fits.
 */
export const MAX_DOCUMENT_TOKENS = 1_000_000;
/** Most alias expansions per document (the `yaml` package's `maxAliasCount`), against alias bombs. */
export const MAX_ALIAS_COUNT = 100;

/** How to read. */
export interface ReadOptions {
  /** Files larger than this many bytes are not read (CKI0012). */
  readonly maxFileSize: number;
  /** Paths to skip (relative to the directory given, or as printed). */
  readonly ignorePaths: readonly PathGlob[];
}

/** An object read from a file, with the line its document starts on. */
export interface ReadObject extends SourcedObject {
  readonly line: number;
}

/** What a set of files holds. */
export interface ReadResult {
  /** The files read or tried (not the ignored ones), in order. */
  readonly files: string[];
  /** Files and directories skipped by `--ignore-path` (a directory counts once). */
  readonly ignored: number;
  /** Files whose YAML or JSON could be parsed (at least one document). */
  readonly parsed: number;
  /** The Kubernetes objects, in file and document order. */
  readonly objects: ReadObject[];
  /** CKI0010, CKI0011 and CKI0012 findings about the files. */
  readonly findings: AnalysisFinding[];
}

/** A file to read, whether it is a template of a Helm chart, and why it cannot be listed. */
interface FileToRead {
  readonly file: string;
  readonly helmTemplate: boolean;
  readonly error?: string;
}

/**
 * Reads the Kubernetes objects of files and directories (`.yaml`, `.yml`, `.json`, recursively;
 * hidden directories and node_modules are skipped). What is not a Kubernetes object, or cannot
 * be read within the limits, becomes a finding; everything else is still read.
 */
export function readTargets(targets: readonly string[], options: ReadOptions): ReadResult {
  const result = { files: [] as string[], ignored: 0, parsed: 0, objects: [] as ReadObject[], findings: [] as AnalysisFinding[] };
  const seen = new Set<string>();
  for (const target of targets) {
    for (const item of collect(target, options.ignorePaths, result)) {
      // The same file reached through two targets (or a symbolic link) is read once.
      const real = realPath(item.file);
      if (seen.has(real)) continue;
      seen.add(real);
      result.files.push(item.file);
      if (readFile(item, options, result)) result.parsed++;
    }
  }
  return result;
}

function realPath(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}

/** The files under a target, sorted by name in each directory; directory links are followed once. */
function collect(target: string, ignore: readonly PathGlob[], counts: { ignored: number }): FileToRead[] {
  const files: FileToRead[] = [];
  const visited = new Set<string>();
  const skipped = (relative: string, shown: string) => ignore.some((g) => g.matches(relative) || g.matches(shown));
  const walk = (dir: string, relative: string, helmChart: string | undefined) => {
    const real = realPath(dir);
    if (visited.has(real)) return;
    visited.add(real);
    let names: string[];
    try {
      names = fs.readdirSync(dir).sort();
    } catch (e) {
      files.push({ file: dir, helmTemplate: false, error: (e as Error).message });
      return;
    }
    // A Helm chart's templates are Go templates, not manifests.
    const chart = names.includes('Chart.yaml') ? dir : helmChart;
    for (const name of names) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      const full = path.join(dir, name);
      const rel = relative ? `${relative}/${name}` : name;
      if (skipped(rel, full)) {
        counts.ignored++;
        continue;
      }
      let isDirectory = false;
      try {
        isDirectory = fs.statSync(full).isDirectory();
      } catch {
        // A broken link: reported when read, if it is named like a manifest.
      }
      if (isDirectory) walk(full, rel, chart);
      else if (/\.(ya?ml|json)$/i.test(name)) files.push({ file: full, helmTemplate: chart !== undefined && isUnder(full, path.join(chart, 'templates')) });
    }
  };
  const chart = chartAbove(target);
  if (fs.statSync(target).isDirectory()) {
    walk(target, '', chart);
  } else if (skipped(path.basename(target), target)) {
    counts.ignored++;
  } else {
    files.push({ file: target, helmTemplate: chart !== undefined && isUnder(target, path.join(chart, 'templates')) });
  }
  return files;
}

/** The Helm chart (a directory with Chart.yaml) that holds `target`, if any. */
function chartAbove(target: string): string | undefined {
  let dir = path.dirname(path.resolve(target));
  for (;;) {
    if (fs.existsSync(path.join(dir, 'Chart.yaml'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function isUnder(file: string, dir: string): boolean {
  const relative = path.relative(path.resolve(dir), path.resolve(file));
  return !relative.startsWith('..') && !path.isAbsolute(relative);
}

/** A finding about a file or a document of it (not about an object). */
function fileFinding(file: string, code: string, level: AnalysisLevel, message: string, kind = '', name = '', namespace = ''): AnalysisFinding {
  return { code, level, message, kind, name, namespace, source: file };
}

/** Reads one file into `result`; returns whether any of its documents could be parsed. */
function readFile(item: FileToRead, options: ReadOptions, result: { objects: ReadObject[]; findings: AnalysisFinding[] }): boolean {
  const file = item.file;
  const report = (code: string, level: AnalysisLevel, message: string, kind?: string, name?: string, namespace?: string) =>
    result.findings.push(fileFinding(file, code, level, message, kind, name, namespace));
  let text: string;
  try {
    if (item.error !== undefined) throw new Error(item.error);
    const size = fs.statSync(file).size;
    if (size > options.maxFileSize) {
      report(OVER_LIMIT, AnalysisLevel.ERROR, `File too large to analyze: ${size} bytes, over the limit of ${options.maxFileSize} bytes; `
        + 'it was not read — raise --max-file-size, or skip it with --ignore-path');
      return false;
    }
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    report(NOT_PARSABLE, AnalysisLevel.ERROR, `File cannot be read: ${(e as Error).message}; fix its permissions or the link, or skip it with --ignore-path`);
    return false;
  }
  if (item.helmTemplate && text.includes('{{')) {
    report(NOT_PARSABLE, AnalysisLevel.WARNING, 'Not a manifest: a template of a Helm chart; '
      + 'analyze its rendering (helm template CHART > rendered.yaml) instead, or skip it with --ignore-path');
    return false;
  }
  const over = overLimitAt(text, { depth: MAX_DEPTH, tokens: MAX_DOCUMENT_TOKENS });
  if (over?.limit === 'depth') {
    report(OVER_LIMIT, AnalysisLevel.ERROR, `Too deeply nested to analyze: collections nest more than ${MAX_DEPTH} levels (line ${over.line}); `
      + 'it was not read — no Kubernetes object nests this deep: fix it, or skip it with --ignore-path');
    return false;
  }
  if (over?.limit === 'tokens') {
    report(OVER_LIMIT, AnalysisLevel.ERROR, `Document too large to analyze: more than ${MAX_DOCUMENT_TOKENS} YAML tokens (keys, values and punctuation) `
      + `in the document that reaches line ${over.line}; it was not read — no Kubernetes object is this large: split a List into documents, `
      + 'or skip it with --ignore-path');
    return false;
  }
  // Documents are composed one at a time, so that the parser's memory is one document's.
  const lines = new LineCounter();
  const lineOf = (offset: number) => lines.linePos(offset).line;
  const templated = text.includes('{{');
  const read = { objects: [] as ReadObject[], findings: [] as AnalysisFinding[], parsed: false, empty: true, template: false };
  const onDocument = (doc: Document.Parsed) => {
    if (templated && (doc.errors.length > 0 || hasCollectionKey(doc))) read.template = true;
    if (!read.template) readDocument(doc, file, text, lineOf, read);
  };
  try {
    const composer = new Composer({ merge: true, logLevel: 'error' });
    for (const token of new Parser(lines.addNewLine).parse(text)) {
      for (const doc of composer.next(token)) onDocument(doc);
      if (read.template) break;
    }
    if (!read.template) for (const doc of composer.end()) onDocument(doc);
  } catch (e) {
    report(NOT_PARSABLE, AnalysisLevel.WARNING, `Not parsable as YAML or JSON: ${firstLine((e as Error).message)}; fix it, or skip it with --ignore-path`);
    return false;
  }
  if (read.template) {
    report(NOT_PARSABLE, AnalysisLevel.WARNING, 'Not a manifest: a Go or Helm template ({{ ... }} outside strings); '
      + 'analyze its rendering (e.g. helm template) instead, or skip it with --ignore-path');
    return false;
  }
  result.objects.push(...read.objects);
  result.findings.push(...read.findings);
  if (read.empty) {
    report(NOT_AN_OBJECT, AnalysisLevel.INFO, 'Not a Kubernetes object: the file is empty (no document, or only empty ones); remove it, or skip it with --ignore-path');
    return true;
  }
  return read.parsed;
}

/** What the documents of a file hold. */
interface FileContents {
  readonly objects: ReadObject[];
  readonly findings: AnalysisFinding[];
  /** Whether a document parsed. */
  parsed: boolean;
  /** Whether every document so far is empty. */
  empty: boolean;
}

/** Reads one document of `file` into `into`: its objects, or why it has none. */
function readDocument(doc: Document.Parsed, file: string, text: string, lineOf: (offset: number) => number, into: FileContents): void {
  const report = (code: string, level: AnalysisLevel, message: string, kind?: string, name?: string, namespace?: string) =>
    into.findings.push(fileFinding(file, code, level, message, kind, name, namespace));
  const line = lineOf(doc.contents?.range?.[0] ?? doc.range[0]);
  const where = `the document at line ${line}`;
  if (doc.errors.length > 0) {
    into.empty = false;
    const error = doc.errors[0];
    const source = text.slice(doc.range[0], doc.range[2]);
    // A file that says it is a Kubernetes object but does not parse is refused by kubectl too.
    const manifest = /^(apiVersion|kind)\s*:/m.test(source) || /"(apiVersion|kind)"\s*:/.test(source);
    report(NOT_PARSABLE, manifest ? AnalysisLevel.ERROR : AnalysisLevel.WARNING,
      `Not parsable as YAML or JSON: ${firstLine(error.message)} (line ${lineOf(error.pos[0])}); `
      + (manifest ? 'kubectl would refuse it too: fix the syntax' : 'fix it, or skip it with --ignore-path'));
    return;
  }
  into.parsed = true;
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    into.empty = false;
    if (e instanceof ReferenceError && /alias/i.test(e.message)) {
      report(OVER_LIMIT, AnalysisLevel.ERROR, `Too many YAML aliases to analyze: ${where} expands its aliases more than ${MAX_ALIAS_COUNT} times `
        + '(an alias bomb?); it was not read — write the values out instead of aliasing them');
    } else {
      report(NOT_PARSABLE, AnalysisLevel.WARNING, `Not parsable as YAML or JSON: ${firstLine((e as Error).message)} (line ${line}); fix it, or skip it with --ignore-path`);
    }
    return;
  }
  if (value === null || value === undefined) return; // an empty document, as kubectl skips it
  into.empty = false;
  const isList = isObject(value) && value.kind === 'List' && Array.isArray(value.items);
  const items = isList ? (value as any).items as unknown[] : [value];
  const itemLines = isList ? listItemLines(doc, lineOf) : [];
  items.forEach((manifest, i) => {
    const problem = notAnObject(manifest, file);
    if (problem === undefined) {
      into.objects.push({ manifest, source: file, line: isList ? (itemLines[i] ?? line) : line });
    } else {
      const m = isObject(manifest) ? manifest : {};
      report(NOT_AN_OBJECT, AnalysisLevel.INFO, `Not a Kubernetes object: ${isList ? `item ${i} of the List at line ${line}` : where} ${problem}`,
        typeof m.kind === 'string' ? m.kind : '', typeof m.metadata?.name === 'string' ? m.metadata.name : '',
        typeof m.metadata?.namespace === 'string' ? m.metadata.namespace : '');
    }
  });
}

function isObject(value: unknown): value is { [key: string]: any } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function firstLine(message: string): string {
  const line = message.split('\n')[0];
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/** Why a document is not a Kubernetes object (undefined when it is one), with what to do. */
function notAnObject(manifest: unknown, file: string): string | undefined {
  const skip = 'skip it with --ignore-path';
  if (!isObject(manifest)) {
    const type = Array.isArray(manifest) ? 'a list' : `a ${typeof manifest} (${firstLine(String(manifest)).slice(0, 40)})`;
    return `is ${type}, not a mapping with apiVersion, kind and metadata; ${skip}`;
  }
  const missing = ['apiVersion', 'kind'].filter((k) => typeof manifest[k] !== 'string' || manifest[k] === '');
  if (/^kustomize\.config\.k8s\.io\//.test(String(manifest.apiVersion)) || (missing.length > 0 && /^kustomization\.ya?ml$/i.test(path.basename(file)))) {
    return `is a Kustomize ${typeof manifest.kind === 'string' ? manifest.kind : 'Kustomization'}; analyze its rendering (kustomize build DIR > rendered.yaml) instead, or ${skip}`;
  }
  if (missing.length > 0) return `has no ${missing.join(' and ')} (a values or configuration file?); if it is meant to be one, add ${missing.join(' and ')}; else ${skip}`;
  if (!isObject(manifest.metadata)) {
    return `has no metadata (${manifest.apiVersion} ${manifest.kind}: a file some tool reads, not for the API server?); `
      + `if it is meant to be one, add metadata.name; else ${skip}`;
  }
  return undefined;
}

/** Whether a document has a mapping key that is a collection: what `{{ ... }}` parses as, and never JSON. */
function hasCollectionKey(doc: Document.Parsed): boolean {
  let found = false;
  visit(doc, {
    Pair(_, pair) {
      if (!isCollection(pair.key)) return undefined;
      found = true;
      return visit.BREAK;
    },
  });
  return found;
}

/** The line of each item of a `kind: List` document. */
function listItemLines(doc: Document.Parsed, lineOf: (offset: number) => number): number[] {
  const items = isMap(doc.contents) ? doc.contents.get('items', true) : undefined;
  return isSeq(items) ? items.items.map((n: any) => lineOf(n?.range?.[0] ?? 0)) : [];
}

/** Where a file first goes over a limit of `overLimitAt`, and which. */
export interface OverLimit {
  readonly limit: 'depth' | 'tokens';
  readonly line: number;
}

/**
 * Where collections first nest deeper than `limits.depth`, or a document first has more than
 * `limits.tokens` tokens; undefined when neither. A linear pass over the YAML lexer's tokens
 * (constant memory, unlike parsing): flow collections count one level per open bracket; block
 * collections one per indentation level in effect, plus one per block indicator (`-`, `?`, `:`)
 * on the line. The depth is overestimated by a level or so, and never underestimated by more than
 * half, so the parser only ever sees bounded nesting.
 */
export function overLimitAt(text: string, limits: { readonly depth: number; readonly tokens: number }): OverLimit | undefined {
  const indents: number[] = [];
  let flow = 0;
  let line = 1;
  let lineStart = true;
  let indent = 0;
  let onLine = 0;
  let tokens = 0;
  for (const token of new Lexer().lex(text)) {
    if (token === '\n' || token === '\r\n') {
      line++;
      lineStart = true;
      indent = 0;
      // A flow collection spanning lines is still inside the block indicators of its first line.
      if (flow === 0) onLine = 0;
      continue;
    }
    for (let i = token.indexOf('\n'); i >= 0; i = token.indexOf('\n', i + 1)) line++;
    if (token === '---' || token === '...' || token === '\u0002') {
      indents.length = 0;
      flow = 0;
      tokens = 0;
      continue;
    }
    if (++tokens > limits.tokens) return { limit: 'tokens', line };
    if (lineStart) {
      if (/^[ \t]+$/.test(token)) {
        indent = token.length;
        continue;
      }
      if (token.startsWith('#') || token === '\u001f' || token === '\u0018') continue;
      lineStart = false;
      if (flow === 0) {
        while (indents.length > 0 && indents[indents.length - 1] >= indent) indents.pop();
        indents.push(indent);
      }
    }
    if (token === '[' || token === '{') flow++;
    else if (token === ']' || token === '}') flow = Math.max(0, flow - 1);
    else if (flow === 0 && (token === '-' || token === '?' || token === ':')) onLine++;
    if (indents.length + onLine + flow > limits.depth) return { limit: 'depth', line };
  }
  return undefined;
}
