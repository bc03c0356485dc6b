import { IConstruct } from 'constructs';
import { invalid, warn } from './invalid';
import { renderDuration } from './render';
import { ResilienceOptions } from '../patterns/resilience';

/**
 * Checks Istio itself lacks: the retry budget fits in the timeout, and outlier detection comes
 * with a connection pool.
 */
export function checkResilience(scope: IConstruct, prefix: string, options: ResilienceOptions): void {
  const { timeout, retries } = options;
  if (retries?.perTryTimeout && timeout) {
    const tries = Math.max(retries.attempts, 0) + 1;
    const needed = tries * retries.perTryTimeout.toMilliseconds();
    if (timeout.toMilliseconds() < needed) {
      invalid(scope, `${prefix}timeout`, renderDuration(timeout),
        `must be at least (attempts + 1) × perTryTimeout = ${tries} × ${renderDuration(retries.perTryTimeout)} = ${needed / 1000}s, or the later retries never run`,
        `raise '${prefix}timeout', or lower 'retries.attempts' or 'retries.perTryTimeout'`);
    }
  }
  if (options.outlierDetection && !options.connectionPool) {
    warn(scope, `'${prefix}outlierDetection' is set without '${prefix}connectionPool': overload will not trip the circuit breaker, only errors eject endpoints; add connection pool limits`);
  }
}
