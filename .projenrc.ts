import { cdk8s, javascript } from 'projen';
import { UpdateSnapshot } from 'projen/lib/javascript';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-istio',
  description: 'Typed, validated Istio traffic management and security for cdk8s: L2 constructs for every Istio resource and L3 patterns (canary, secure ingress, resilient routes).',
  author: 'cdk8s-istio developers',
  authorAddress: 'cdk8s-istio@example.com',
  repositoryUrl: 'https://github.com/cdk8s-istio/cdk8s-istio.git',
  keywords: ['cdk8s', 'istio', 'kubernetes', 'service-mesh', 'virtualservice', 'destinationrule', 'gateway'],
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  license: 'Apache-2.0',

  cdk8sVersion: '2.70.106',
  constructsVersion: '10.4.2',
  jsiiVersion: '~6.0.0',
  peerDeps: ['cdk8s-plus-28@^2.5.6'],
  // Runtime dependencies that are not jsii modules must be bundled into the package.
  bundledDeps: ['re2js@^2.10.0', 'yaml@^2.9.1'],
  // `npx cdk8s-istio analyze <dir>`: the analyzer for any YAML.
  bin: { 'cdk8s-istio': 'lib/cli/main.js' },
  devDeps: [
    // Pinned: test/plugin runs `cdk8s synth` with the validation plugin and reads the report the
    // CLI prints; its plugin contract is not versioned apart from the CLI.
    'cdk8s-cli@2.207.60',
    'ajv@^8.20.0',
    'ajv-formats@^3.0.1',
    '@bufbuild/cel@^0.6.1',
    // Interop tests: objects from the cdk8s-plus that `cdk8s init` brings, and calls through
    // the jsii runtime as the Python/Java/.NET/Go hosts make them.
    'cdk8s-plus-33@^2.5.57',
    '@jsii/runtime@^1.140.0',
    // Differential property tests of the constructs against the vendored CRDs.
    'fast-check@^4.10.2',
  ],

  // jsii targets are declared so that jsii checks our names in every language; only JS is
  // packaged here (see the package-all override below).
  publishToPypi: { distName: 'cdk8s-istio', module: 'cdk8s_istio' },
  publishToMaven: {
    javaPackage: 'io.github.cdk8s_istio',
    mavenGroupId: 'io.github.cdk8s-istio',
    mavenArtifactId: 'cdk8s-istio',
  },
  publishToNuget: { dotNetNamespace: 'Cdk8sIstio', packageId: 'Cdk8sIstio' },
  publishToGo: { moduleName: 'github.com/cdk8s-istio/cdk8s-istio-go' },

  // This repository's CI is .ci/run; no GitHub workflows, release automation or bots.
  github: false,
  release: false,
  depsUpgrade: false,
  buildWorkflow: false,
  pullRequestTemplate: false,

  jestOptions: {
    // Snapshots never update silently; update them on purpose with `npx jest -u`.
    updateSnapshot: UpdateSnapshot.NEVER,
  },
  tsconfigDev: {
    compilerOptions: {},
    include: ['../examples/**/*.ts', '../build-tools/**/*.ts'],
  },
  gitignore: ['/.codegen/', '/examples/*/dist/', '/benchmark-results/'],
});

for (const pattern of ['/crds/', '/examples/', '/build-tools/', '/.ci/', '/docs/', '/.codegen/', '/benchmark-results/']) {
  project.addPackageIgnore(pattern);
}

// Generated L1 code is never edited, not even by `eslint --fix`.
project.eslint?.addIgnorePattern('src/imports/');
// Scripts in build-tools/ are linted with the root compiler options.
project.tryFindObjectFile('.eslintrc.json')?.addOverride('parserOptions.projectService.allowDefaultProject', ['.projenrc.ts', 'build-tools/*.ts']);

// The registry here only carries unrs-resolver 1.12.2's platform bindings; without the pin
// the lockfile is incomplete and `npm ci` fails.
project.package.addPackageResolutions('unrs-resolver@1.12.2');
// @jsii/runtime runs from its self-contained webpack bundle and never loads @jsii/kernel, but
// declares ^1.140.0, which this registry does not carry; satisfy the declaration with the
// version it has.
project.package.addPackageResolutions('@jsii/kernel@1.22.0');

// Python, Java, .NET and Go packaging need registries this project cannot reach; the
// bindings are checked by `bindings:check` instead.
project.tasks.tryFind('package-all')!.reset();
project.tasks.tryFind('package-all')!.spawn(project.tasks.tryFind('package:js')!);

// API.md documents our own constructs only; the generated L1 classes would make it ~1 MB.
project.tasks.tryFind('docgen')!.reset('jsii-docgen -o API.md --submodule root');

// Regenerate src/imports/ from the CRDs kept in crds/ (offline, v1 versions only). Run on
// purpose when the vendored CRDs change, never as part of compile.
project.addTask('import', {
  description: 'Regenerate src/imports/ and the schema + CEL validators in src/validation/generated/ from the vendored CRDs in crds/',
  steps: [
    { exec: 'ts-node --project test/tsconfig.json build-tools/import-crds.ts' },
    { exec: 'ts-node --project test/tsconfig.json build-tools/generate-validators.ts' },
  ],
});

// Check that jsii can generate Python, Java, .NET and Go bindings, and that the Python
// code compiles, without any foreign toolchain or registry.
project.addTask('bindings:check', {
  description: 'Generate the Python/Java/.NET/Go bindings as code only and byte-compile the Python',
  steps: [
    { exec: 'rm -rf .codegen' },
    { exec: 'jsii-pacmak --code-only --targets python,java,dotnet,go -o .codegen' },
    { exec: 'python3 -m compileall -q .codegen/python/src' },
  ],
});

// The main job: synthesize the example app to YAML.
project.addTask('example', {
  description: 'Synthesize the example app in examples/bookinfo to examples/bookinfo/dist/',
  exec: 'ts-node --project test/tsconfig.json examples/bookinfo/main.ts',
});

project.addTask('fuzz', {
  description: 'Differential property test at scale: generated construct props vs the vendored CRD schemas (args: runs per construct, seed)',
  exec: 'ts-node --project test/tsconfig.json build-tools/fuzz.ts',
  receiveArgs: true,
});

const bench = project.addTask('bench', {
  description: 'Fleet-scale synthesis against plain cdk8s and the YAML floor (args: numbers of services, default 100 1000 5000; --gateway-api for the Gateway API fleet)',
});
// The benchmark measures the compiled package, as users run it.
bench.spawn(project.compileTask);
bench.exec('ts-node --project test/tsconfig.json build-tools/bench.ts', { receiveArgs: true });

project.addTask('benchmark', {
  description: 'Measure synthesis and analysis time for growing numbers of services',
  exec: 'ts-node --project test/tsconfig.json build-tools/benchmark.ts',
  receiveArgs: true,
});

project.synth();
