import { checkDuration } from './common';
import { Findings } from './findings';
import { asList, asRecord, isRecord } from './shape';

/** The topology labels that `failover` already covers; failoverPriority may not repeat them. */
const FAILOVER_TOPOLOGY_LABELS = ['topology.kubernetes.io/region', 'topology.kubernetes.io/zone', 'topology.istio.io/subzone'];
const MAGLEV_TABLE_LIMIT = 5000011;

function isPrime(x: number): boolean {
  if (x !== 0 && x < 4) return true;
  if (x % 2 === 0) return false;
  for (let factor = 3; factor * factor <= x; factor += 2) {
    if (x % factor === 0) return false;
  }
  return true;
}

/** Splits a locality into at most region, zone and subzone (the subzone keeps any further "/"). */
function localityParts(locality: string): string[] {
  const first = locality.indexOf('/');
  if (first < 0) return [locality];
  const second = locality.indexOf('/', first + 1);
  if (second < 0) return [locality.slice(0, first), locality.slice(first + 1)];
  return [locality.slice(0, first), locality.slice(first + 1, second), locality.slice(second + 1)];
}

/**
 * Why a list of localities (the `from` of all distribute entries, or the `to` of one) is
 * invalid, or undefined: at most one trailing `*`, no empty parts, and no locality covered by an
 * earlier one.
 */
function localitiesProblem(localities: string[]): string | undefined {
  const regions = new Map<string, Map<string, Set<string>>>();
  const overlap = (locality: string): string => `must not overlap: ${locality} is covered by an earlier locality`;
  for (const locality of localities) {
    const stars = locality.split('*').length - 1;
    if (stars > 1 || (stars === 1 && !locality.endsWith('*'))) return `must have at most one "*" wildcard, at the end (${locality})`;
    if (regions.has('*')) return overlap(locality);
    const parts = localityParts(locality);
    if (parts.some((p) => p === '')) return `must not have an empty region, zone or subzone (${JSON.stringify(locality)})`;
    const [region, zone, subzone] = parts;
    const zones = regions.get(region);
    if (parts.length === 1) {
      if (zones) return overlap(locality);
      regions.set(region, new Map([['*', new Set(['*'])]]));
    } else if (parts.length === 2) {
      if (!zones) {
        regions.set(region, new Map([[zone, new Set(['*'])]]));
      } else {
        if (zones.has('*') || zones.has(zone)) return overlap(locality);
        zones.set(zone, new Set(['*']));
      }
    } else if (!zones) {
      regions.set(region, new Map([[zone, new Set([subzone])]]));
    } else {
      if (zones.has('*')) return overlap(locality);
      const subzones = zones.get(zone);
      if (!subzones) {
        zones.set(zone, new Set([subzone]));
      } else {
        if (subzones.has('*') || subzones.has(subzone)) return overlap(locality);
        subzones.add(subzone);
      }
    }
  }
  return undefined;
}

function checkDistribute(f: Findings, field: string, distribute: any[]): void {
  const sources: string[] = [];
  for (let i = 0; i < distribute.length; i++) {
    const entry = distribute[i];
    const to = isRecord(entry?.to) ? entry.to : {};
    if (typeof entry?.from === 'string') sources.push(entry.from);
    const weights = Object.values<unknown>(to);
    if (weights.some((w) => !Number.isInteger(w) || (w as number) < 1 || (w as number) > 100)) {
      f.error(`${field}.distribute[${i}].to`, entry?.to, 'must give every locality a weight from 1 to 100', 'fix the weights');
      return;
    }
    const total = (weights as number[]).reduce((a, b) => a + b, 0);
    if (total !== 100) {
      f.error(`${field}.distribute[${i}].to`, entry?.to, `must have weights that total exactly 100 (they total ${total})`, 'adjust the weights');
      return;
    }
    const problem = localitiesProblem(Object.keys(to));
    if (problem) f.error(`${field}.distribute[${i}].to`, Object.keys(to), problem, 'list each region, zone or subzone once, most specific first');
  }
  const problem = localitiesProblem(sources);
  if (problem) f.error(`${field}.distribute`, sources, `'from' localities ${problem}`, 'list each source locality once, most specific first');
}

function checkLocality(f: Findings, field: string, locality: unknown, outlier: unknown): void {
  if (!asRecord(f, field, locality)) return;
  const distribute = asList(f, `${field}.distribute`, locality.distribute);
  const failover = asList(f, `${field}.failover`, locality.failover);
  const priority = asList(f, `${field}.failoverPriority`, locality.failoverPriority);
  if (distribute.length > 0 && failover.length > 0) {
    f.error(field, 'distribute + failover', 'must not set both distribute and failover', 'keep one of them');
    return;
  }
  if (failover.length > 0) {
    const label = priority.find((p) => FAILOVER_TOPOLOGY_LABELS.includes(p));
    if (label) {
      f.error(`${field}.failoverPriority`, label, 'must not repeat a region, zone or subzone label when failover is set (failover already orders by them)',
        'remove the label from failoverPriority, or drop failover');
      return;
    }
  }
  checkDistribute(f, field, distribute);
  if ((failover.length > 0 || priority.length > 0) && (outlier === undefined || outlier === null)) {
    f.warning(`${field}.${failover.length > 0 ? 'failover' : 'failoverPriority'}`, failover.length > 0 ? failover : priority,
      'has no effect without outlier detection', 'add outlierDetection to the same traffic policy');
  }
  failover.forEach((fo, i) => {
    const from = String(fo?.from ?? '');
    const to = String(fo?.to ?? '');
    if (from === to) f.error(`${field}.failover[${i}]`, fo, 'must fail over to a different region', 'fix from/to');
    if (`${from}${to}`.includes('/')) f.error(`${field}.failover[${i}]`, fo, 'must name regions only (no zone after "/")', 'use region names');
    if (`${from}${to}`.includes('*')) f.error(`${field}.failover[${i}]`, fo, 'must not use "*" wildcards', 'use region names');
  });
}

function checkCookie(f: Findings, field: string, cookie: any): void {
  if (!isRecord(cookie)) return;
  if (!cookie.name) f.error(`${field}.name`, cookie.name, 'is required', 'name the cookie');
  const names = new Set<string>();
  for (const attribute of asList(f, `${field}.attributes`, cookie.attributes)) {
    if (!attribute?.name) {
      f.error(`${field}.attributes`, attribute, 'must have a name', 'name the attribute');
    } else if (names.has(attribute.name)) {
      f.error(`${field}.attributes`, attribute.name, 'must be unique', 'remove the duplicate');
    }
    if (attribute?.name) names.add(attribute.name);
  }
}

function checkConsistentHash(f: Findings, field: string, hash: unknown): void {
  if (!asRecord(f, field, hash)) return;
  checkCookie(f, `${field}.httpCookie`, hash.httpCookie);
  if (hash.minimumRingSize !== undefined && hash.minimumRingSize !== 0) {
    f.warning(`${field}.minimumRingSize`, hash.minimumRingSize, 'is deprecated', 'use ringHash.minimumRingSize');
    if (hash.ringHash || hash.maglev) {
      f.error(`${field}.minimumRingSize`, hash.minimumRingSize, 'must not be combined with ringHash or maglev', 'use ringHash.minimumRingSize');
    }
  }
  if (hash.maglev) {
    const size = hash.maglev.tableSize;
    const sizeField = `${field}.maglev.tableSize`;
    if (!size) f.error(sizeField, size, 'is required', 'use a prime such as 65537');
    else if (!Number.isInteger(size) || size < 0) f.error(sizeField, size, 'must be a whole number', 'use a prime such as 65537');
    else if (size >= MAGLEV_TABLE_LIMIT) f.error(sizeField, size, `must be less than ${MAGLEV_TABLE_LIMIT}`, 'use a smaller prime such as 65537');
    else if (!isPrime(size)) f.error(sizeField, size, 'must be a prime number', 'use a prime such as 65537');
  }
}

/** A loadBalancer block; `outlier` is the outlierDetection of the same policy (failover needs it). */
export function checkLoadBalancer(f: Findings, field: string, lb: unknown, outlier: unknown): void {
  if (!asRecord(f, field, lb)) return;
  checkConsistentHash(f, `${field}.consistentHash`, lb.consistentHash);
  checkLocality(f, `${field}.localityLbSetting`, lb.localityLbSetting, outlier);
  const warmup = lb.warmup;
  if (asRecord(f, `${field}.warmup`, warmup)) {
    if (warmup.duration === undefined) f.error(`${field}.warmup.duration`, undefined, 'is required', 'give the warm-up duration');
    checkDuration(f, `${field}.warmup.duration`, warmup.duration);
    if (typeof warmup.minimumPercent === 'number' && warmup.minimumPercent > 100) {
      f.error(`${field}.warmup.minimumPercent`, warmup.minimumPercent, 'must be at most 100', 'lower it');
    }
    if (typeof warmup.aggression === 'number' && warmup.aggression < 1) {
      f.error(`${field}.warmup.aggression`, warmup.aggression, 'must be at least 1', 'raise it');
    }
  }
}
