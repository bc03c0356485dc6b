const UNIT_NANOS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/**
 * Parses a duration as Istio reads it (Go duration syntax such as `1.5s`, `250ms`, `1m30s`) and
 * returns nanoseconds, or undefined when the text is not a duration.
 */
export function parseDuration(text: string): number | undefined {
  if (typeof text !== 'string') return undefined;
  const parts = /^([0-9]*\.?[0-9]+)(ns|us|µs|ms|s|m|h)/;
  let rest = text;
  let total = 0;
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  while (rest.length > 0) {
    const m = parts.exec(rest);
    if (!m) return undefined;
    total += Number(m[1]) * UNIT_NANOS[m[2]];
    rest = rest.slice(m[0].length);
  }
  return Math.round(total);
}

/**
 * Why an Istio duration field is invalid, or undefined: Istio requires at least 1ms and whole
 * milliseconds.
 */
export function durationProblem(text: unknown): string | undefined {
  const nanos = parseDuration(text as string);
  if (nanos === undefined) return 'must be a duration such as 1.5s or 250ms';
  if (nanos < 1e6) return 'must be at least 1ms';
  if (nanos % 1e6 !== 0) return 'must be a whole number of milliseconds';
  return undefined;
}
