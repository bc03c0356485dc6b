import * as fc from 'fast-check';
import { FUZZ_CASES } from './arbitraries';
import { runCase } from './differential';
import { Protocol, ServiceEntry, ServiceEntryResolution } from '../../src';

// A fixed seed in CI, so a failure reproduces; `npx projen fuzz` runs more cases with new seeds.
const SEED = 20261127;
const RUNS = 120;

describe.each(Object.keys(FUZZ_CASES))('%s: generated props either synthesize to schema-valid YAML or fail with a located library error', (kind) => {
  test('property', () => {
    const outcomes = { accepted: 0, refused: 0 };
    fc.assert(fc.property(FUZZ_CASES[kind], (c) => {
      const outcome = runCase(c);
      if (outcome.kind === 'accepted' || outcome.kind === 'refused') {
        outcomes[outcome.kind]++;
        return true;
      }
      throw new Error(`${outcome.kind}: ${JSON.stringify(outcome)}`);
    }), { seed: SEED, numRuns: RUNS });
    // Both verdicts occur, so the generators reach valid and invalid input.
    expect(outcomes.accepted).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
  });
});

// Shrunk counterexamples found by `npx projen fuzz`, kept as regression tests.
describe('regressions', () => {
  test('a STATIC ServiceEntry with a unix-socket endpoint (the CRD rule uses substring(), from Kubernetes\' string library)', () => {
    const props = { hosts: ['a'], ports: [{ number: 1, protocol: Protocol.HTTP }], resolution: ServiceEntryResolution.STATIC, endpoints: [{ address: 'unix:///var/run/a.sock' }] };
    expect(runCase({ kind: 'ServiceEntry', props, build: (chart) => new ServiceEntry(chart, 'se', props) }).kind).toBe('accepted');
  });
});
