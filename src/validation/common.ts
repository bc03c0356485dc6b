import { durationProblem } from './duration';
import { Findings } from './findings';
import { headerOperationProblem, headerValueProblem, MAX_REGEX_LENGTH, regexProblem, requestSetHeaderProblem } from './http';
import { isDns1123Label, isPort, labelKeyProblem, labelValueProblem, wildcardDomainProblem } from './names';

/** A duration field: at least 1ms, whole milliseconds. */
export function checkDuration(f: Findings, field: string, value: unknown): void {
  if (value === undefined) return;
  const problem = durationProblem(value);
  if (problem) f.error(field, value, problem, 'use Duration.millis(), Duration.seconds() or larger units');
}

/** A fractional percentage: 0, or within [0.0001, 100]. */
export function checkPercentage(f: Findings, field: string, percent: any): void {
  const value = percent?.value;
  if (value === undefined) return;
  if (typeof value !== 'number' || value < 0 || value > 100 || (value > 0 && value < 0.0001)) {
    f.error(field, value, 'must be 0 or within [0.0001, 100]', 'give a percentage between 0 and 100');
  }
}

export function checkPort(f: Findings, field: string, port: unknown): void {
  if (port !== undefined && !isPort(port)) {
    f.error(field, port, 'must be a port number from 1 to 65535', 'use a valid port number');
  }
}

/** A StringMatch object: prefix and regex must not be empty (uri allows an empty prefix). */
export function checkStringMatch(f: Findings, field: string, match: any, allowEmptyPrefix = false): void {
  if (match === undefined) return;
  if (match === null) {
    f.error(field, match, 'must not be null', 'give an exact, prefix or regex match');
    return;
  }
  if (match.prefix !== undefined && match.prefix === '' && !allowEmptyPrefix) {
    f.error(`${field}.prefix`, match.prefix, 'must not be empty', 'give a prefix, or remove this match');
  }
  if (match.regex !== undefined) checkRegex(f, `${field}.regex`, match.regex);
}

export function checkRegex(f: Findings, field: string, re: string): void {
  const problem = regexProblem(re);
  if (!problem) return;
  const fix = re === '' ? 'give a pattern, or remove this match'
    : re.length > MAX_REGEX_LENGTH ? `shorten it below ${MAX_REGEX_LENGTH} characters, e.g. by splitting the alternatives into several match conditions`
      : 'rewrite the regex in RE2 syntax (no lookarounds or backreferences)';
  f.error(field, re, problem, fix);
}

export function checkLabels(f: Findings, field: string, labels: Record<string, string> | undefined): void {
  for (const [key, value] of Object.entries(labels ?? {})) {
    const keyProblem = labelKeyProblem(key);
    if (keyProblem) f.error(`${field}`, key, `label key ${keyProblem}`, 'use a valid Kubernetes label key');
    const valueProblem = labelValueProblem(String(value));
    if (valueProblem) f.error(`${field}.${key}`, value, valueProblem, 'use a valid Kubernetes label value');
  }
}

/** workloadSelector.matchLabels / labels: no empty keys, no wildcards. */
export function checkSelectorLabels(f: Findings, field: string, labels: Record<string, string> | undefined): void {
  for (const [key, value] of Object.entries(labels ?? {})) {
    if (key === '') f.error(field, `=${value}`, 'must not have an empty key', 'name the label');
    if (key.includes('*') || String(value).includes('*')) {
      f.error(field, `${key}=${value}`, 'must not contain wildcards', 'select workloads by exact label values');
    }
  }
  checkLabels(f, field, labels);
}

export function checkSubsetName(f: Findings, field: string, name: unknown): void {
  if (typeof name !== 'string' || !isDns1123Label(name)) {
    f.error(field, name, 'must be a DNS-1123 label (letters, digits and "-", at most 63 characters)', 'rename the subset, e.g. "v2"');
  }
}

/** A route or mirror destination: host (not `*`), subset, port. */
export function checkDestination(f: Findings, field: string, destination: any): void {
  if (!destination) {
    f.error(field, destination, 'is required', 'give a destination host');
    return;
  }
  const host = destination.host;
  if (host === '*') {
    f.error(`${field}.host`, host, 'must not be "*"', 'name the service to route to');
  } else {
    const problem = wildcardDomainProblem(host ?? '');
    if (problem) f.error(`${field}.host`, host, problem, 'use a service name such as "reviews" or "reviews.prod.svc.cluster.local"');
  }
  // An empty subset means "no subset"; a port selector without a number selects port 0, which is invalid.
  if (destination.subset !== undefined && destination.subset !== '') checkSubsetName(f, `${field}.subset`, destination.subset);
  if (destination.port !== undefined && destination.port !== null) checkPort(f, `${field}.port.number`, destination.port.number ?? 0);
}

/** Request/response header manipulation (Headers). */
export function checkHeaderOperations(f: Findings, field: string, headers: any): void {
  if (!headers || typeof headers !== 'object') return;
  for (const [direction, setRule] of [['request', requestSetHeaderProblem], ['response', headerOperationProblem]] as const) {
    const ops = headers[direction];
    if (!ops || typeof ops !== 'object') continue;
    for (const op of ['set', 'add'] as const) {
      for (const [name, value] of Object.entries(ops[op] ?? {})) {
        const nameProblem = setRule(name);
        if (nameProblem) f.error(`${field}.${direction}.${op}`, name, `header name ${nameProblem}`, 'change another header');
        const valueProblem = headerValueProblem(String(value));
        if (valueProblem) f.error(`${field}.${direction}.${op}.${name}`, value, valueProblem, 'fix the header value');
      }
    }
    for (const name of Array.isArray(ops.remove) ? ops.remove : []) {
      const problem = headerOperationProblem(name);
      if (problem) f.error(`${field}.${direction}.remove`, name, `header name ${problem}`, 'remove another header');
    }
  }
}

/** exportTo: no duplicates ('.' is the own namespace), '*' alone, '~' alone (ServiceEntry only). */
export function checkExportTo(f: Findings, field: string, exportTo: string[] | undefined, namespace: string | undefined, allowNone: boolean): void {
  if (!exportTo || exportTo.length === 0) return;
  const seen = new Set<string>();
  for (const entry of exportTo) {
    const key = entry === '.' && namespace ? namespace : entry;
    if (seen.has(key)) {
      f.error(field, exportTo, `must not list ${entry} twice ('.' is the object's own namespace)`, 'remove the duplicate');
      continue;
    }
    seen.add(key);
    const valid = entry === '.' || entry === '*' || (entry === '~' && allowNone) || isDns1123Label(entry);
    if (!valid) {
      f.error(field, entry, `must be '.', '*'${allowNone ? ", '~'" : ''} or a namespace name`, 'fix the namespace name');
    }
  }
  if (seen.has('*') && exportTo.length > 1) {
    f.error(field, exportTo, "must not mix '*' with other namespaces", "use ['*'] alone, or list the namespaces");
  }
  if (seen.has('~') && exportTo.length > 1) {
    f.error(field, exportTo, "must not mix '~' (exported to no one) with other namespaces", "use ['~'] alone, or list the namespaces");
  }
}
