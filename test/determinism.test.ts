import { execFileSync } from 'child_process';
import * as path from 'path';

jest.setTimeout(120_000);

/** The YAML of the bookinfo example and a 500-service fleet, from a fresh process. */
function synthesizeInNewProcess(): string {
  return execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'support', 'synth-to-stdout.ts')], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, TS_NODE_PROJECT: path.join(__dirname, 'tsconfig.json') },
  });
}

test('two processes synthesize byte-identical YAML: no timestamps, random ids or map-order dependence', () => {
  const first = synthesizeInNewProcess();
  const second = synthesizeInNewProcess();
  expect(first.length).toBeGreaterThan(1_000_000);
  expect(first).toContain('name: svc-499');
  expect(first).toContain('kind: HTTPRoute');
  expect(second).toBe(first);
  expect(first).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
});
