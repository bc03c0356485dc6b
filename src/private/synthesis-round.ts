import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';

// cdk8s validates the whole App once in App.synth()/synthYaml(), and then again inside each
// chart's toJson() (App._synthChart) — once more per chart. Between those rounds no user code
// runs, so a round that repeats one which already passed cannot find anything new; with ten
// charts, running the library's checks again made synthesis eleven times as costly. Each round
// starts with a validation on the App itself (the first construct cdk8s validates), which
// decides from the call stack whether the round repeats a passed one.

let repeated = false;
let firstRoundOfAppSynthesis = false;

/** The cdk8s frames that tell a repeated round: chart synthesis inside App.synth()/synthYaml(). */
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

/** Registers, once per App, the validation that starts each round. */
export function trackValidationRounds(root: IConstruct): void {
  root.node.addValidation({
    validate: () => {
      // Testing.synth() and a direct chart.toJson() validate once, outside App.synth(): not repeats.
      const stack = callStack();
      const inChart = CHART_SYNTHESIS.test(stack);
      const inApp = APP_SYNTHESIS.test(stack);
      repeated = inChart && inApp;
      firstRoundOfAppSynthesis = inApp && !inChart;
      return [];
    },
  });
}

/**
 * Adds a validation to `scope` that runs once per synthesis: skipped in the rounds that repeat
 * one that already passed in the same App.synth() call.
 */
export function addSynthValidation(scope: IConstruct, validate: () => string[]): void {
  scope.node.addValidation({ validate: () => (repeated ? [] : validate()) });
}

/**
 * In the first validation round of App.synth()/synthYaml() that passed, keeps each object's
 * rendering for the chart synthesis that follows in the same call, so every object is rendered
 * once per synthesis: each kept rendering is served once, only while cdk8s synthesizes the
 * charts (a repeated round is running), and everything kept is dropped when the synchronous
 * synthesis is over. Outside App.synth() nothing is kept.
 */
export function reuseRenderingsInThisSynthesis(objects: ApiObject[], renderings: any[]): void {
  if (!firstRoundOfAppSynthesis) return;
  objects.forEach((object, i) => {
    const rendering = renderings[i];
    Object.defineProperty(object, 'toJson', {
      configurable: true,
      writable: true,
      value: function toJsonOnce(this: ApiObject) {
        delete (this as any).toJson;
        return repeated ? rendering : this.toJson();
      },
    });
  });
  queueMicrotask(() => {
    for (const object of objects) delete (object as any).toJson;
    repeated = false;
    firstRoundOfAppSynthesis = false;
  });
}
