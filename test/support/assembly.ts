/**
 * The compiled jsii assembly of this library, for tests that use it as the other languages do.
 * `npx projen build` compiles before it tests; `npx projen test` on a fresh clone has not, so
 * the assembly is compiled here when it is missing or older than a source file.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export const ROOT = path.join(__dirname, '..', '..');

function newestSource(dir: string): number {
  return fs.readdirSync(dir, { withFileTypes: true }).reduce((newest, entry) => {
    const full = path.join(dir, entry.name);
    return Math.max(newest, entry.isDirectory() ? newestSource(full) : fs.statSync(full).mtimeMs);
  }, 0);
}

/** Compiles the library with jsii unless `.jsii` is newer than every file under `src/`. */
export function ensureAssembly(): void {
  const assembly = path.join(ROOT, '.jsii');
  if (fs.existsSync(assembly) && fs.statSync(assembly).mtimeMs >= newestSource(path.join(ROOT, 'src'))) return;
  execFileSync('npx', ['jsii', '--silence-warnings=reserved-word'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
}
