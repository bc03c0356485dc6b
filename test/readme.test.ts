import * as fs from 'fs';
import * as path from 'path';
import { Testing, Yaml } from 'cdk8s';
import { expectValidManifests } from './support/schema';
import { quickstart } from '../examples/quickstart/app';

describe('README', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');

  test('the example YAML is what the example code synthesizes', () => {
    const manifests = expectValidManifests(Testing.synth(quickstart(Testing.app())));
    const vs = manifests.find((m) => m.kind === 'VirtualService');
    const yaml = Yaml.stringify(vs).trim();
    expect(readme).toContain('```yaml\n' + yaml + '\n```');
  });

  test('the example code in the README is the code in examples/quickstart', () => {
    const code = fs.readFileSync(path.join(__dirname, '..', 'examples', 'quickstart', 'app.ts'), 'utf8');
    const body = code.slice(code.indexOf('  const chart'), code.indexOf('  return chart;')).replace(/^ {2}/gm, '');
    expect(readme).toContain(body);
  });

  test('starts with the install + main job command and the test command', () => {
    const commands = [...readme.matchAll(/^(npm ci.*|npx projen test)$/gm)].map((m) => m[1]);
    expect(commands.slice(0, 2)).toEqual(['npm ci && npx projen example', 'npx projen test']);
  });
});
