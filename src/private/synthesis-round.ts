import { IConstruct } from 'constructs';

// cdk8s validates the whole App once in App.synth()/synthYaml(), and then again inside each
// chart's toJson() (App._synthChart) — once more per chart. Between those rounds no user code
// runs, so a round that repeats one which already passed cannot find anything new; with ten
// charts, running the library's checks again made synthesis eleven times as costly. Each round
// starts with a validation on the App itself (the first construct cdk8s validates), which
// decides from the call stack whether the round repeats a passed one.

let repeated = false;

/** The cdk8s frames that tell a repeated round: chart synthesis inside App.synth()/synthYaml(). */
function callStack(): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 64;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  return stack;
}

/** Whether the caller runs inside cdk8s's synthesis of one chart (App._synthChart). */
export function inChartSynthesis(): boolean {
  return /\bApp\._synthChart\b/.test(callStack());
}

/** Whether the caller runs inside App.synth() or App.synthYaml(). */
export function inAppSynthesis(): boolean {
  return /\bApp\.synth(Yaml)? \(/.test(callStack());
}

/** Registers, once per App, the validation that starts each round. */
export function trackValidationRounds(root: IConstruct): void {
  root.node.addValidation({
    validate: () => {
      const stack = callStack();
      repeated = /\bApp\._synthChart\b/.test(stack) && /\bApp\.synth(Yaml)? \(/.test(stack);
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
