import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { invalid, warn } from './invalid';
import { renderDuration } from './render';
import { RetryPolicy } from '../networking/retry';
import { ResilienceOptions } from '../patterns/resilience';
import { durationProblem } from '../validation/duration';

/** Milliseconds of a Duration, fractions kept (cdk8s's own conversion refuses them). */
function millis(duration: Duration): number {
  return duration.toMilliseconds({ integral: false });
}

/**
 * Why a retry policy does not fit in a timeout, or undefined: the first try and every retry
 * must fit, `(attempts + 1) × perTryTimeout`, or the later retries never run.
 */
export function retryBudgetProblem(timeout: Duration | undefined, retries: RetryPolicy | undefined): string | undefined {
  if (!retries?.perTryTimeout || !timeout) return undefined;
  const tries = Math.max(retries.attempts, 0) + 1;
  const needed = tries * millis(retries.perTryTimeout);
  if (millis(timeout) >= needed) return undefined;
  return `must be at least (attempts + 1) × perTryTimeout = ${tries} × ${renderDuration(retries.perTryTimeout)} = ${needed / 1000}s, or the later retries never run`;
}

/**
 * Why a Duration prop cannot be written to an Istio duration field, or undefined. The message
 * names the prop the user set and the YAML field it becomes.
 */
export function durationPropProblem(prop: string, duration: Duration | undefined, yamlField: string): string | undefined {
  if (duration === undefined) return undefined;
  const problem = durationProblem(renderDuration(duration));
  return problem && `'${prop}' (${renderDuration(duration)}, written to ${yamlField}) ${problem}; give a whole number of milliseconds, at least Duration.millis(1)`;
}

/**
 * Throws unless the timeout and the retries' per-try timeout are durations Istio takes and the
 * retry budget fits in the timeout. `prefix` is the props path (`resilience.`), `written` says
 * where the values go in the YAML, for messages.
 */
export function checkTimeoutAndRetries(
  scope: IConstruct, prefix: string, timeout: Duration | undefined, retries: RetryPolicy | undefined, written: string,
): void {
  for (const [prop, duration] of [[`${prefix}timeout`, timeout], [`${prefix}retries.perTryTimeout`, retries?.perTryTimeout]] as Array<[string, Duration | undefined]>) {
    const problem = durationPropProblem(prop, duration, `${written} ${prop.slice(prefix.length)}`);
    if (problem) throw new Error(`[${scope.node.path}] ${problem}`);
  }
  const budget = retryBudgetProblem(timeout, retries);
  if (budget) {
    invalid(scope, `${prefix}timeout`, renderDuration(timeout), budget, `raise '${prefix}timeout', or lower 'retries.attempts' or 'retries.perTryTimeout'`);
  }
}

/**
 * Checks Istio itself lacks: durations Istio can take, the retry budget fits in the timeout,
 * and outlier detection comes with a connection pool.
 */
export function checkResilience(scope: IConstruct, prefix: string, options: ResilienceOptions): void {
  checkTimeoutAndRetries(scope, prefix, options.timeout, options.retries, "the VirtualService rules'");
  if (options.outlierDetection && !options.connectionPool) {
    warn(scope, `'${prefix}outlierDetection' is set without '${prefix}connectionPool': overload will not trip the circuit breaker, only errors eject endpoints; add connection pool limits`);
  }
}
