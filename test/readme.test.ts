import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Testing, Yaml } from 'cdk8s';
import { expectValidManifests } from './support/schema';
import { ambientExample } from '../examples/patterns/ambient';
import { authorizationPolicyExample } from '../examples/patterns/authorization-policy';
import { canaryExample } from '../examples/patterns/canary';
import { envoyFilterExample } from '../examples/patterns/envoy-filter';
import { existingWorkloadExample } from '../examples/patterns/existing-workload';
import { gatewayApiGatewayExample } from '../examples/patterns/gateway-api-gateway';
import { gatewayApiRoutesExample } from '../examples/patterns/gateway-api-routes';
import { gatewayApiSwitchExample } from '../examples/patterns/gateway-api-switch';
import { peerAuthenticationExample } from '../examples/patterns/peer-authentication';
import { resilientRouteExample } from '../examples/patterns/resilient-route';
import { secureGatewayExample } from '../examples/patterns/secure-gateway';
import { telemetryExample } from '../examples/patterns/telemetry';
import { wasmPluginExample } from '../examples/patterns/wasm-plugin';
import { zeroTrustExample } from '../examples/patterns/zero-trust';
import { quickstart } from '../examples/quickstart/app';

const root = path.join(__dirname, '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

/** The body of an example function (from `const chart` to `return chart;`), de-indented. */
function exampleBody(file: string): string {
  const code = fs.readFileSync(path.join(root, file), 'utf8');
  return code.slice(code.indexOf('  const chart'), code.indexOf('  return chart;')).replace(/^ {2}/gm, '');
}

// Each README example: its source file, how to build it, and the kinds whose YAML it shows.
const examples: Array<[string, (app: App) => Chart, string[]]> = [
  ['examples/quickstart/app.ts', quickstart, ['VirtualService']],
  ['examples/patterns/canary.ts', canaryExample, ['DestinationRule', 'VirtualService']],
  ['examples/patterns/secure-gateway.ts', secureGatewayExample, ['Gateway', 'AuthorizationPolicy', 'RequestAuthentication', 'VirtualService']],
  ['examples/patterns/resilient-route.ts', resilientRouteExample, ['VirtualService', 'DestinationRule']],
  ['examples/patterns/gateway-api-switch.ts', gatewayApiSwitchExample, ['Gateway', 'HTTPRoute', 'ReferenceGrant']],
  ['examples/patterns/peer-authentication.ts', peerAuthenticationExample, ['PeerAuthentication']],
  ['examples/patterns/authorization-policy.ts', authorizationPolicyExample, ['AuthorizationPolicy']],
  ['examples/patterns/zero-trust.ts', zeroTrustExample, ['Namespace', 'PeerAuthentication', 'AuthorizationPolicy', 'ServiceAccount']],
  ['examples/patterns/telemetry.ts', telemetryExample, ['Telemetry']],
  ['examples/patterns/envoy-filter.ts', envoyFilterExample, ['EnvoyFilter']],
  ['examples/patterns/wasm-plugin.ts', wasmPluginExample, ['WasmPlugin']],
  ['examples/patterns/ambient.ts', ambientExample, ['Namespace', 'Gateway', 'AuthorizationPolicy']],
  ['examples/patterns/gateway-api-routes.ts', gatewayApiRoutesExample, ['HTTPRoute', 'GRPCRoute']],
  ['examples/patterns/gateway-api-gateway.ts', gatewayApiGatewayExample, ['Gateway', 'ReferenceGrant']],
];

describe.each(examples)('README example %s', (file, build, kinds) => {
  test('the README shows its code', () => {
    expect(readme).toContain(exampleBody(file));
  });

  test('the README shows the YAML it synthesizes', () => {
    const manifests = expectValidManifests(Testing.synth(build(Testing.app())));
    const yaml = manifests.filter((m) => kinds.includes(m.kind)).map((m) => Yaml.stringify(m).trim()).join('\n---\n');
    expect(yaml.length).toBeGreaterThan(0);
    expect(readme).toContain('```yaml\n' + yaml + '\n```');
  });
});

test('the README starts with the install + main job command and the test command', () => {
  const commands = [...readme.matchAll(/^(npm ci.*|npx projen test)$/gm)].map((m) => m[1]);
  expect(commands.slice(0, 2)).toEqual(['npm ci && npx projen example', 'npx projen test']);
});

test('the README shows the Python quickstart as it is checked against the bindings', () => {
  const python = fs.readFileSync(path.join(root, 'examples', 'python', 'quickstart.py'), 'utf8').trimEnd();
  expect(readme).toContain('```python\n' + python + '\n```');
});

test('the README shows the existing-workload example, and it synthesizes as the README says', () => {
  expect(readme).toContain(exampleBody('examples/patterns/existing-workload.ts'));
  const manifests = expectValidManifests(Testing.synth(existingWorkloadExample(Testing.app())));
  const legacy = manifests.find((m) => m.metadata.name === 'reviews-v1');
  expect(legacy.spec.template.metadata.labels).toMatchObject({ app: 'reviews', version: 'v1' });
  expect(manifests.find((m) => m.kind === 'Service').spec.ports[0].targetPort).toBe(8080);
});
