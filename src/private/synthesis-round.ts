import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';

// cdk8s validates the whole App once in App.synth()/synthYaml(), and then again inside each
// chart's toJson() (App._synthChart): once more per chart. Those repeated rounds run while
// cdk8s synthesizes, after a round that passed; with ten charts, running the analyzer (which
// renders and checks every object) in each of them made synthesis eleven times as costly. The
// analyzer therefore decides from cdk8s's call stack whether its round is a repeat, and skips
// it; and it keeps the renderings of a passed first round for the chart synthesis that
// follows, so every object is rendered once. The state is kept per App.

interface SynthesisState {
  /** The App's chart synthesis is running after a passed round: kept renderings may be served. */
  serving: boolean;
  /** Objects holding a kept rendering. */
  kept: ApiObject[];
}

const states = new WeakMap<IConstruct, SynthesisState>();

function stateOf(scope: IConstruct): SynthesisState {
  const root = scope.node.root;
  let state = states.get(root);
  if (!state) states.set(root, state = { serving: false, kept: [] });
  return state;
}

function callStack(): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 64;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  return stack;
}

/** A frame of cdk8s's own App code (compiled, or its TypeScript source through source maps). */
const cdk8sFrame = (method: string) => new RegExp(`\\.${method} \\([^)]*cdk8s[\\\\/](lib|src)[\\\\/]app\\.[jt]s:`);
const CHART_SYNTHESIS = cdk8sFrame('_synthChart');
const APP_SYNTHESIS = cdk8sFrame('synth(Yaml)?');

/** What kind of validation round is running, as seen from the App's analyzer. */
export enum Round {
  /** The first round of App.synth()/synthYaml(): its renderings can serve the synthesis after it. */
  FIRST_OF_APP_SYNTHESIS = 'first',
  /** A round cdk8s repeats inside a chart's synthesis, after a round that passed. */
  REPEATED = 'repeated',
  /** Any other: Testing.synth(), a direct chart.toJson(), a direct validate(). */
  ALONE = 'alone',
}

/**
 * Classifies the round the analyzer of `scope`'s App runs in, and updates the App's state: a
 * repeated round lets kept renderings be served; any other round drops what an earlier,
 * interrupted synthesis kept.
 */
export function startRound(scope: IConstruct): Round {
  const stack = callStack();
  const inApp = APP_SYNTHESIS.test(stack);
  const inChart = CHART_SYNTHESIS.test(stack);
  const state = stateOf(scope);
  if (inApp && inChart) {
    state.serving = true;
    return Round.REPEATED;
  }
  dropKept(state);
  return inApp ? Round.FIRST_OF_APP_SYNTHESIS : Round.ALONE;
}

function dropKept(state: SynthesisState): void {
  for (const object of state.kept) delete (object as any).toJson;
  state.kept = [];
  state.serving = false;
}

/**
 * After a first round of App.synth() that passed, keeps each object's rendering for the chart
 * synthesis that follows in the same call: each is served once, only while that synthesis runs
 * (a repeated round has started), and whatever is left is dropped by the next round or when the
 * synchronous code that called App.synth() is over.
 */
export function keepRenderings(scope: IConstruct, objects: ApiObject[], renderings: any[]): void {
  const state = stateOf(scope);
  objects.forEach((object, i) => {
    const rendering = renderings[i];
    Object.defineProperty(object, 'toJson', {
      configurable: true,
      writable: true,
      value: function toJsonOnce(this: ApiObject) {
        delete (this as any).toJson;
        return state.serving ? rendering : this.toJson();
      },
    });
  });
  state.kept = objects;
  queueMicrotask(() => {
    if (state.kept === objects) dropKept(state);
  });
}
