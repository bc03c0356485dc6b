/**
 * Regenerates src/imports/ from the CRDs vendored in crds/ (run with `npx projen import`).
 *
 * `cdk8s import` cannot pick CRDs out of a bundle and imports every version it sees, so this
 * script first writes one file per API group holding only the CRDs we use, each reduced to one
 * served version (`v1`, or the only one a kind has: EnvoyFilter `v1alpha3`, WasmPlugin
 * `v1alpha1`), and then imports those files offline.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments, stringify } from 'yaml';

const ROOT = path.join(__dirname, '..');
const OUTPUT = path.join(ROOT, 'src', 'imports');

/** Module name (file in src/imports/) → the CRDs it holds, by metadata.name (`@version` when not v1). */
const MODULES: Record<string, { files: string[]; crds: string[] }> = {
  'networking.istio.io': {
    files: ['crds/istio/crd-all.gen.yaml'],
    crds: [
      'destinationrules.networking.istio.io',
      'envoyfilters.networking.istio.io@v1alpha3',
      'gateways.networking.istio.io',
      'serviceentries.networking.istio.io',
      'sidecars.networking.istio.io',
      'virtualservices.networking.istio.io',
    ],
  },
  'security.istio.io': {
    files: ['crds/istio/crd-all.gen.yaml'],
    crds: [
      'authorizationpolicies.security.istio.io',
      'peerauthentications.security.istio.io',
      'requestauthentications.security.istio.io',
    ],
  },
  'telemetry.istio.io': {
    files: ['crds/istio/crd-all.gen.yaml'],
    crds: ['telemetries.telemetry.istio.io'],
  },
  'extensions.istio.io': {
    files: ['crds/istio/crd-all.gen.yaml'],
    crds: ['wasmplugins.extensions.istio.io@v1alpha1'],
  },
  'gateway.networking.k8s.io': {
    files: [
      'crds/gateway-api/gatewayclasses.yaml',
      'crds/gateway-api/gateways.yaml',
      'crds/gateway-api/grpcroutes.yaml',
      'crds/gateway-api/httproutes.yaml',
      'crds/gateway-api/referencegrants.yaml',
    ],
    crds: [
      'gatewayclasses.gateway.networking.k8s.io',
      'gateways.gateway.networking.k8s.io',
      'grpcroutes.gateway.networking.k8s.io',
      'httproutes.gateway.networking.k8s.io',
      'referencegrants.gateway.networking.k8s.io',
    ],
  },
};

function loadCrds(files: string[]): any[] {
  return files.flatMap((file) =>
    parseAllDocuments(fs.readFileSync(path.join(ROOT, file), 'utf8'))
      .map((doc) => doc.toJS())
      .filter((obj) => obj?.kind === 'CustomResourceDefinition'));
}

function onlyVersion(crd: any, version: string): any {
  const versions = crd.spec.versions.filter((v: any) => v.name === version && v.served !== false);
  if (versions.length !== 1) {
    throw new Error(`${crd.metadata.name} has no served ${version} version`);
  }
  return { ...crd, spec: { ...crd.spec, versions } };
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-import-'));
fs.rmSync(OUTPUT, { recursive: true, force: true });
fs.mkdirSync(OUTPUT, { recursive: true });

for (const [module, { files, crds }] of Object.entries(MODULES)) {
  const byName = new Map(loadCrds(files).map((crd) => [crd.metadata.name, crd]));
  const selected = crds.map((entry) => {
    const [name, version = 'v1'] = entry.split('@');
    const crd = byName.get(name);
    if (!crd) throw new Error(`CRD ${name} not found in ${files.join(', ')}`);
    return onlyVersion(crd, version);
  });
  // Explicit separators: files joined without them silently import only the first CRD.
  const file = path.join(work, `${module}.yaml`);
  fs.writeFileSync(file, selected.map((crd) => '---\n' + stringify(crd)).join(''));
  execFileSync(path.join(ROOT, 'node_modules', '.bin', 'cdk8s'), ['import', '--language', 'typescript', '--no-check-upgrade',
    '--no-save', '--output', OUTPUT, file], { cwd: work, stdio: 'inherit' });
}

fs.rmSync(work, { recursive: true, force: true });
