import { Duration } from 'cdk8s';

/**
 * Renders a Duration the way Istio documents it: whole seconds as `5s`, anything finer as
 * fractional seconds (`0.25s`). Both Go duration parsing and protobuf JSON accept this form.
 */
export function renderDuration(duration: Duration | undefined): string | undefined {
  if (duration === undefined) return undefined;
  const millis = duration.toMilliseconds({ integral: false });
  const seconds = millis / 1000;
  // Up to nanosecond precision, without float noise such as 0.30000000000000004.
  return `${Number(seconds.toFixed(9))}s`;
}

/** Returns a shallow copy of `obj` without undefined values, or undefined when nothing is left. */
export function compact<T extends object>(obj: T): T | undefined {
  const entries = Object.entries(obj).filter(([, v]) => v !== undefined);
  return entries.length === 0 ? undefined : (Object.fromEntries(entries) as T);
}

/** Returns undefined for an empty or missing array, else a copy. */
export function nonEmpty<T>(items: readonly T[] | undefined): T[] | undefined {
  return items && items.length > 0 ? [...items] : undefined;
}

/** Maps the values of a record, keeping key order sorted for diff-friendly output. */
export function mapRecord<V, R>(record: { [key: string]: V } | undefined, fn: (v: V) => R): { [key: string]: R } | undefined {
  if (!record || Object.keys(record).length === 0) return undefined;
  return Object.fromEntries(Object.keys(record).sort().map((k) => [k, fn(record[k])]));
}

/** A percentage as Istio's `Percent` message. */
export function renderPercent(value: number | undefined): { value: number } | undefined {
  return value === undefined ? undefined : { value };
}
