import { schemaViolations } from './support/schema';

// The helper itself must catch what it claims to catch, or every other test proves nothing.
describe('schema helper', () => {
  const base = { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'reviews' } };

  test('accepts a valid VirtualService', () => {
    expect(schemaViolations({ ...base, spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews' } }] }] } })).toEqual([]);
  });

  test('rejects unknown fields', () => {
    const problems = schemaViolations({ ...base, spec: { hosts: ['reviews'], http: [{ routes: [] }] } });
    expect(problems.join()).toContain('must NOT have additional properties');
    expect(problems.join()).toContain('routes');
  });

  test('rejects wrong types', () => {
    expect(schemaViolations({ ...base, spec: { hosts: 'reviews' } }).join()).toContain('must be array');
  });

  test('evaluates CEL rules (duration >= 1ms)', () => {
    const problems = schemaViolations({ ...base, spec: { hosts: ['r'], http: [{ timeout: '0.5ms', route: [{ destination: { host: 'r' } }] }] } });
    expect(problems).toContain('.spec.http[0].timeout: must be a valid duration greater than 1ms');
  });

  test('rejects kinds without a vendored schema', () => {
    expect(schemaViolations({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } })).toEqual(['no schema is vendored for v1/Pod']);
  });

  test('rejects invalid object names', () => {
    expect(schemaViolations({ ...base, metadata: { name: 'Reviews_V1' }, spec: {} }).join()).toContain('metadata.name Reviews_V1 is not a DNS subdomain');
  });
});
