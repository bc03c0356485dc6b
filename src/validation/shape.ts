import { Findings } from './findings';

// Guards for hand-written YAML: a field of the wrong JSON type is reported, never thrown on.

/** Whether `value` is a JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The list at `field`; a value that is not a list is reported and read as empty. */
export function asList(f: Findings, field: string, value: unknown): any[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  f.error(field, value, 'must be a list', 'write it as a YAML list');
  return [];
}

/** Whether the object at `field` is usable; a non-object is reported. Unset counts as unusable, unreported. */
export function asRecord(f: Findings, field: string, value: unknown): value is Record<string, any> {
  if (value === undefined || value === null) return false;
  if (isRecord(value)) return true;
  f.error(field, value, 'must be an object', 'write it as a YAML mapping');
  return false;
}

/** A scalar as text, or `fallback` for anything else (String() throws on some YAML mappings). */
export function textOf(value: unknown, fallback = ''): string {
  if (typeof value === 'string') return value;
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : fallback;
}

/** Whether an object has at least one field with a value (null and undefined count as unset). */
export function hasAnyField(value: Record<string, any>): boolean {
  return Object.values(value).some((v) => v !== undefined && v !== null);
}
