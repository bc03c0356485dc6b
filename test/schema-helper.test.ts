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

  test('rejects unknown metadata fields on custom resources', () => {
    expect(schemaViolations({ ...base, metadata: { name: 'r', label: { a: 'b' } }, spec: {} })).toContain('.metadata.label is not a field of ObjectMeta');
  });

  describe('core kinds', () => {
    const service = (spec: any) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'reviews' }, spec });

    test('accepts a valid Service', () => {
      expect(schemaViolations(service({ selector: { app: 'reviews' }, ports: [{ name: 'http', port: 9080, targetPort: 9080, appProtocol: 'http' }] }))).toEqual([]);
    });

    test('rejects unknown fields', () => {
      expect(schemaViolations(service({ ports: [{ port: 80, bogus: 1 }] }))).toEqual(['.spec.ports[0].bogus is not a field of ServicePort']);
    });

    test('rejects missing required fields', () => {
      expect(schemaViolations(service({ ports: [{ name: 'http' }] }))).toEqual(['.spec.ports[0].port is required']);
    });

    test('rejects wrong scalar types', () => {
      expect(schemaViolations(service({ ports: [{ port: '80' }] }))).toEqual(['.spec.ports[0].port must be a number (got "80")']);
    });

    test('checks nested Deployment fields', () => {
      const deployment = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'd' },
        spec: { selector: { matchLabels: { app: 'd' } }, template: { spec: { containers: [{ name: 'c', image: 'i', securityContext: { runAsUser: 'root' } }] } } },
      };
      expect(schemaViolations(deployment)).toEqual(['.spec.template.spec.containers[0].securityContext.runAsUser must be a number (got "root")']);
    });
  });

  // The API server applies the structural schema's defaults before it validates: the oracle too,
  // so it accepts what the API server accepts, and still refuses unknown fields and bad values.
  describe('schema defaults', () => {
    const gateway = (address: any) => ({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'edge' },
      spec: { gatewayClassName: 'istio', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }], addresses: [address] },
    });

    test('an address without a type is validated with the defaulted type IPAddress (oneOf and CEL read it)', () => {
      expect(schemaViolations(gateway({ value: '10.0.0.1' }))).toEqual([]);
    });

    test('a Hostname address passes: the oneOf branch that constrains only the type does not refuse the value', () => {
      expect(schemaViolations(gateway({ type: 'Hostname', value: 'lb.example.com' }))).toEqual([]);
    });

    test('the defaulted type still refuses a value that is not an IP address', () => {
      expect(schemaViolations(gateway({ value: 'lb.example.com' })).join()).toContain('must match exactly one schema in oneOf');
    });

    test('a CEL rule still sees a bad value next to a given type', () => {
      expect(schemaViolations(gateway({ type: 'Hostname', value: 'LB_example' })).join()).toContain('Hostname value must be empty or contain only valid characters');
    });

    test('an unknown field next to a defaulted one is still refused', () => {
      const problems = schemaViolations(gateway({ value: '10.0.0.1', port: 80 }));
      expect(problems.join()).toContain('must NOT have additional properties');
      expect(problems.join()).toContain('port');
    });

    test('defaults are applied to a copy: the manifest is left as written', () => {
      const manifest = gateway({ value: '10.0.0.1' });
      schemaViolations(manifest);
      expect(manifest.spec.addresses).toEqual([{ value: '10.0.0.1' }]);
    });
  });

  test('rejects invalid object names', () => {
    expect(schemaViolations({ ...base, metadata: { name: 'Reviews_V1' }, spec: {} }).join()).toContain('metadata.name Reviews_V1 is not a DNS subdomain');
  });
});
