import { isIP } from 'net';

// Name rules as Istio 1.30 applies them (pkg/config/labels, pkg/config/validation/agent).
const DNS1123_LABEL = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const WILDCARD_LABEL = /^(\*|(\*|\*-)?[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)$/;
const LABEL_NAME = /^(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^((?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** A DNS-1123 label: at most 63 letters, digits and '-', starting and ending alphanumeric. */
export function isDns1123Label(value: string): boolean {
  return typeof value === 'string' && value.length <= 63 && DNS1123_LABEL.test(value);
}

/** An IPv4 or IPv6 address. */
export function isIpAddress(value: string): boolean {
  return typeof value === 'string' && isIP(value) !== 0;
}

function labelsProblem(domain: string, rest: string): string | undefined {
  const parts = rest.split('.');
  const tld = parts[parts.length - 1];
  if (/^[+-]?[0-9]+$/.test(tld)) {
    return `must not have an all-numeric top-level domain ("${tld}")`;
  }
  for (let i = 0; i < parts.length; i++) {
    // A trailing dot (`istio.io.`) is allowed.
    if (i === parts.length - 1 && parts[i] === '') return undefined;
    if (!isDns1123Label(parts[i])) return `must be a valid DNS name (label "${parts[i]}" of ${domain} is invalid)`;
  }
  return undefined;
}

function lengthProblem(domain: string): string | undefined {
  // YAML written by hand may hold anything here; the rules report it instead of throwing.
  if (typeof domain !== 'string') return 'must be a string';
  if (domain.length === 0) return 'must not be empty';
  if (domain.length > 255) return 'must be at most 255 characters long';
  return undefined;
}

/** Why `domain` is not a fully qualified DNS name, or undefined when it is one. */
export function fqdnProblem(domain: string): string | undefined {
  return lengthProblem(domain) ?? labelsProblem(domain, domain);
}

/** Why `domain` is not a DNS name with an optional wildcard first label, or undefined. */
export function wildcardDomainProblem(domain: string): string | undefined {
  const length = lengthProblem(domain);
  if (length) return length;
  const dot = domain.indexOf('.');
  const first = dot < 0 ? domain : domain.slice(0, dot);
  if (first.length > 63 || !WILDCARD_LABEL.test(first)) {
    return `must be a valid DNS name, optionally starting with a wildcard label such as "*." (label "${first}" is invalid)`;
  }
  return dot < 0 ? undefined : labelsProblem(domain, domain.slice(dot + 1));
}

/** Why `value` is not an IP address or CIDR block, or undefined. */
export function subnetProblem(value: string): string | undefined {
  if (typeof value !== 'string') return 'must be a string: an IP address or a CIDR block';
  const slashes = value.split('/').length - 1;
  if (slashes === 0) return isIpAddress(value) ? undefined : 'must be an IP address or a CIDR block';
  const [address, bits] = value.split('/');
  const family = isIP(address);
  const max = family === 4 ? 32 : 128;
  if (slashes > 1 || family === 0 || !/^[0-9]{1,3}$/.test(bits) || Number(bits) > max) {
    return 'must be a CIDR block such as 10.0.0.0/8';
  }
  return undefined;
}

/** Whether `port` is a valid TCP/UDP port number (1-65535). */
export function isPort(port: unknown): boolean {
  return Number.isInteger(port) && (port as number) >= 1 && (port as number) <= 65535;
}

/** Why a Kubernetes label key is invalid, or undefined. */
export function labelKeyProblem(key: string): string | undefined {
  if (typeof key !== 'string') return 'must be a string';
  const slash = key.lastIndexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (prefix !== undefined && (prefix.length > 253 || prefix.split('.').some((l) => !isDns1123Label(l)))) {
    return 'must have a DNS subdomain prefix (at most 253 characters) before the "/"';
  }
  if (name.length > 63 || !LABEL_NAME.test(name)) {
    return 'must be at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit';
  }
  return undefined;
}

/** Why a Kubernetes label value is invalid, or undefined. */
export function labelValueProblem(value: string): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  return value.length <= 63 && LABEL_VALUE.test(value)
    ? undefined
    : 'must be empty or at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit';
}

/** Whether two hosts overlap, treating a leading `*` as a wildcard (Istio's host.Name.Matches). */
export function hostsOverlap(a: string, b: string): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  const aWild = a.startsWith('*');
  const bWild = b.startsWith('*');
  if (aWild && bWild) {
    return a.length < b.length ? b.slice(1).endsWith(a.slice(1)) : a.slice(1).endsWith(b.slice(1));
  }
  if (aWild) return b.endsWith(a.slice(1));
  if (bWild) return a.endsWith(b.slice(1));
  return a === b;
}

/** Whether host `a` is covered by host `b` (Istio's host.Name.SubsetOf). */
export function hostCoveredBy(a: string, b: string): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  const aWild = a.startsWith('*');
  const bWild = b.startsWith('*');
  if (aWild) return bWild && a.length >= b.length && a.slice(1).endsWith(b.slice(1));
  if (bWild) return a.endsWith(b.slice(1));
  return a === b;
}
