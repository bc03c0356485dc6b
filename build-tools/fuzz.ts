/**
 * `npx projen fuzz [runs] [seed]`: the differential property test at scale. For each construct,
 * generates props, synthesizes, and checks every accepted object with the independent validator
 * of the tests; prints per kind the cases, verdicts, escapes (bad YAML accepted), crashes (an
 * error that is not the library's) and unlocated errors, with a shrunk counterexample for each
 * kind that fails. Exit code 1 when anything escaped or crashed.
 */
import * as fc from 'fast-check';
import { FUZZ_CASES } from '../test/fuzz/arbitraries';
import { Outcome, runCase } from '../test/fuzz/differential';

const runs = Number(process.argv[2] ?? 2000);
const seed = Number(process.argv[3] ?? Date.now() % 2 ** 31);
console.log(`fuzz: ${runs} cases per construct, seed ${seed}`);
console.log('construct        cases  accepted  refused  escapes  crashes  unlocated');
let failed = false;
for (const [kind, arbitrary] of Object.entries(FUZZ_CASES)) {
  const tally: Record<Outcome['kind'], number> = { accepted: 0, refused: 0, escape: 0, crash: 0, unlocated: 0 };
  for (const c of fc.sample(arbitrary, { numRuns: runs, seed })) tally[runCase(c).kind]++;
  const bad = tally.escape + tally.crash + tally.unlocated;
  console.log(`${kind.padEnd(15)} ${String(runs).padStart(6)} ${String(tally.accepted).padStart(9)} ${String(tally.refused).padStart(8)} `
    + `${String(tally.escape).padStart(8)} ${String(tally.crash).padStart(8)} ${String(tally.unlocated).padStart(10)}`);
  if (bad > 0) {
    failed = true;
    const details = fc.check(fc.property(arbitrary, (c) => ['accepted', 'refused'].includes(runCase(c).kind)), { numRuns: runs, seed });
    const example = details.counterexample?.[0];
    if (example) console.log(`  shrunk counterexample: ${JSON.stringify(example.props)}\n  ${JSON.stringify(runCase(example)).slice(0, 1500)}`);
  }
}
process.exit(failed ? 1 : 0);
