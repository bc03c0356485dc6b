import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MAX_DEPTH, overLimitAt } from '../../src/cli/read';
import { runCli } from '../../src/cli/run';

// Inputs that would hang the reader or exhaust its memory are generated here, into a temporary
// directory: they are reported as CKI0012 (not read), and the other files are still analyzed.

function writeTemp(files: { [name: string]: string }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-limits-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

function cli(...args: string[]): { code: number; findings: any[]; summary: any; err: string[]; ms: number } {
  const out: string[] = [];
  const err: string[] = [];
  const start = Date.now();
  const code = runCli(['analyze', '--format', 'json', ...args], { out: (l) => out.push(l), err: (l) => err.push(l) });
  const report = JSON.parse(out.join('\n'));
  return { code, findings: report.findings, summary: report.summary, err, ms: Date.now() - start };
}

const SERVICE = 'apiVersion: v1\nkind: Service\nmetadata: { name: web, namespace: shop }\nspec: { ports: [{ name: web, port: 80 }] }\n';
/** What proves the good file was analyzed: IST0118 on its port name. */
const analyzed = (findings: any[]) => findings.some((f) => f.code === 'IST0118' && f.name === 'web');
const codesOf = (findings: any[], file: string) => findings.filter((f) => path.basename(f.source) === file).map((f) => [f.code, f.level]);

test('a YAML alias bomb ("billion laughs") is reported, not expanded', () => {
  let bomb = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: lol }\ndata:\n  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  let previous = 'a';
  for (const name of 'bcdefghi') {
    bomb += `  ${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]\n`;
    previous = name;
  }
  const result = cli(writeTemp({ 'bomb.yaml': bomb, 'service.yaml': SERVICE }));
  expect(codesOf(result.findings, 'bomb.yaml')).toEqual([['CKI0012', 'Error']]);
  expect(result.findings.find((f) => f.code === 'CKI0012').message).toMatch(/^Too many YAML aliases to analyze: the document at line 1 expands its aliases more than 100 times/);
  expect(analyzed(result.findings)).toBe(true);
  expect(result.code).toBe(1);
  expect(result.ms).toBeLessThan(5000);
});

test('a few aliases, as manifests use them, are read (merge keys too)', () => {
  const dir = writeTemp({
    'anchors.yaml': 'apiVersion: v1\nkind: Service\nmetadata: { name: web, namespace: shop, labels: &labels { app: web } }\n'
      + 'spec:\n  selector: *labels\n  ports:\n    - &port { name: web, port: 80 }\n    - <<: *port\n      port: 81\n      name: web-2\n',
  });
  const result = cli(dir);
  expect(result.findings.map((f) => f.code)).not.toContain('CKI0012');
  // The merged port is read as kubectl reads it: named web-2, port 81.
  expect(result.findings.filter((f) => f.code === 'IST0118').map((f) => f.message)).toEqual([
    expect.stringContaining('Port name web (port: 80'), expect.stringContaining('Port name web-2 (port: 81'),
  ]);
});

test('a 50 MB file is not read: CKI0012 from its size alone, and the rest is analyzed', () => {
  const dir = writeTemp({ 'service.yaml': SERVICE });
  // A sparse file: 50 MB long, no disk space, and never read.
  fs.writeFileSync(path.join(dir, 'huge.yaml'), '');
  fs.truncateSync(path.join(dir, 'huge.yaml'), 50 * 1024 * 1024);
  const result = cli(dir);
  expect(codesOf(result.findings, 'huge.yaml')).toEqual([['CKI0012', 'Error']]);
  expect(result.findings.find((f) => f.code === 'CKI0012').message).toBe('File too large to analyze: 52428800 bytes, over the limit of 10485760 bytes; '
    + 'it was not read — raise --max-file-size, or skip it with --ignore-path');
  expect(analyzed(result.findings)).toBe(true);
  expect(result.summary).toMatchObject({ files: 2, objects: 1 });
  expect(result.ms).toBeLessThan(5000);
});

test('--max-file-size sets the limit (bytes, K, M, G)', () => {
  const dir = writeTemp({ 'service.yaml': SERVICE + `# ${'x'.repeat(2048)}\n` });
  expect(codesOf(cli('--max-file-size', '1K', dir).findings, 'service.yaml')).toEqual([['CKI0012', 'Error']]);
  expect(codesOf(cli('--max-file-size=2000', dir).findings, 'service.yaml')).toEqual([['CKI0012', 'Error']]);
  expect(analyzed(cli('--max-file-size', '3KiB', dir).findings)).toBe(true);
  expect(analyzed(cli('--max-file-size', '1M', dir).findings)).toBe(true);
  expect(analyzed(cli('--max-file-size', '0.5g', dir).findings)).toBe(true);
  const err: string[] = [];
  expect(runCli(['analyze', '--max-file-size', 'big', dir], { out: () => undefined, err: (l) => err.push(l) })).toBe(2);
  expect(err[0]).toBe('cdk8s-istio: --max-file-size must be a size such as 10M, 512K or 1048576, not "big"');
});

describe('deep nesting is reported before parsing (the parser\'s memory grows with depth)', () => {
  test.each([
    // 2 MB of brackets: parsed, this takes seconds and gigabytes.
    ['flow sequences', 'a: ' + '['.repeat(1_000_000) + ']'.repeat(1_000_000) + '\n'],
    ['flow mappings, as JSON', '{"a": '.repeat(100_000) + '1' + '}'.repeat(100_000)],
    ['block mappings', Array.from({ length: 1000 }, (_, i) => `${' '.repeat(i)}k${i}:\n`).join('') + `${' '.repeat(1000)}v: 1\n`],
    ['compact block sequences', '- '.repeat(1_000_000) + 'x\n'],
  ])('%s', (_, text) => {
    const result = cli(writeTemp({ 'deep.yaml': text, 'service.yaml': SERVICE }));
    expect(codesOf(result.findings, 'deep.yaml')).toEqual([['CKI0012', 'Error']]);
    expect(result.findings.find((f) => f.code === 'CKI0012').message).toMatch(/^Too deeply nested to analyze: collections nest more than 200 levels \(line \d+\)/);
    expect(analyzed(result.findings)).toBe(true);
    expect(result.ms).toBeLessThan(10000);
  });

  test('nesting below the limit is read', () => {
    const depth = MAX_DEPTH - 10;
    const nested = (d: number): string => (d === 0 ? '1' : `{"n": ${nested(d - 1)}}`);
    const result = cli(writeTemp({ 'deep.json': `{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "deep"}, "x": ${nested(depth - 3)}}` }));
    expect(result.findings.map((f) => f.code)).not.toContain('CKI0012');
    expect(result.summary.objects).toBe(1);
  });

  const tooDeepAt = (text: string, depth: number) => overLimitAt(text, { depth, tokens: Infinity })?.line;

  test('the depth estimate: one level over at most for each line; comments, strings and block scalars do not count', () => {
    // A mapping holding three sequences: 4 levels, estimated 5.
    expect(tooDeepAt('a: [[[1]]]\n', 5)).toBeUndefined();
    expect(tooDeepAt('a: [[[1]]]\n', 4)).toBe(1);
    expect(tooDeepAt('a:\n  b:\n    c: 1\n', 3)).toBe(3);
    expect(tooDeepAt('a:\n  b:\n    c: 1\n', 4)).toBeUndefined();
    expect(tooDeepAt('a: "[[[[[["\nb: |\n  [[[[[[\n      - - - -\n# [[[[[[\nc: plain [[[[[[\n', 2)).toBeUndefined();
    expect(tooDeepAt('x: 1\ny: [\n  [\n    [1]]]\n', 5)).toBeUndefined();
    expect(tooDeepAt('x: 1\ny: [\n  [\n    [1]]]\n', 4)).toBe(4);
    // Indentation back out closes the levels.
    expect(tooDeepAt(Array.from({ length: 500 }, () => 'a:\n  b:\n    c: 1\n').join(''), 4)).toBeUndefined();
  });
});

describe('documents with too many tokens are reported before parsing (the parser takes some 300 bytes per token)', () => {
  test('a flat list of 1.2 million numbers in 2.4 MB', () => {
    const result = cli(writeTemp({ 'numbers.json': `[${'1,'.repeat(1_200_000)}1]`, 'service.yaml': SERVICE }));
    expect(codesOf(result.findings, 'numbers.json')).toEqual([['CKI0012', 'Error']]);
    expect(result.findings.find((f) => f.code === 'CKI0012').message).toBe('Document too large to analyze: more than 1000000 YAML tokens '
      + '(keys, values and punctuation) in the document that reaches line 1; it was not read — no Kubernetes object is this large: '
      + 'split a List into documents, or skip it with --ignore-path');
    expect(analyzed(result.findings)).toBe(true);
    expect(result.ms).toBeLessThan(10000);
  });

  test('the count is per document', () => {
    const limits = { depth: 100, tokens: 20 };
    const doc = 'a: 1\nb: 2\nc: 3\n';
    expect(overLimitAt(doc, limits)).toBeUndefined();
    expect(overLimitAt([doc, doc, doc].join('---\n'), limits)).toBeUndefined();
    expect(overLimitAt(doc + doc.replace(/[abc]/g, 'x$&') + doc.replace(/[abc]/g, 'y$&'), limits)).toEqual({ limit: 'tokens', line: 4 });
  });
});
