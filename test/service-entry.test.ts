import { Testing } from 'cdk8s';
import { Protocol, ServiceEntry, ServiceEntryProps, ServiceEntryResolution, ServiceEntryLocation } from '../src';
import { only, synthError, synthValid } from './support/schema';

describe('ServiceEntry', () => {
  test('an external HTTPS API resolved by DNS (defaults)', () => {
    const chart = Testing.chart();
    new ServiceEntry(chart, 'payments', { hosts: ['api.payments.example.com'], ports: [{ number: 443, protocol: Protocol.TLS }] });
    const manifests = synthValid(chart);
    const se = only(manifests, 'ServiceEntry');
    expect(se.spec).toEqual({
      hosts: ['api.payments.example.com'],
      ports: [{ number: 443, protocol: 'TLS', name: 'tls-443' }],
      location: 'MESH_EXTERNAL',
      resolution: 'DNS',
    });
    expect(manifests).toMatchSnapshot();
  });

  test('static endpoints inside the mesh', () => {
    const chart = Testing.chart();
    new ServiceEntry(chart, 'vm', {
      hosts: ['legacy.internal'],
      ports: [{ number: 8080, protocol: Protocol.HTTP, name: 'http', targetPort: 9090 }],
      location: ServiceEntryLocation.MESH_INTERNAL,
      resolution: ServiceEntryResolution.STATIC,
      addresses: ['10.10.0.0/24'],
      endpoints: [{ address: '10.10.0.5', labels: { app: 'legacy' }, ports: { http: 9091 } }],
      exportTo: ['.'],
    });
    const se = only(synthValid(chart), 'ServiceEntry');
    expect(se.spec.endpoints).toEqual([{ address: '10.10.0.5', labels: { app: 'legacy' }, ports: { http: 9091 } }]);
    expect(se.spec.location).toBe('MESH_INTERNAL');
  });
});

describe('ServiceEntry validation', () => {
  function seError(props: Partial<ServiceEntryProps>): string {
    const chart = Testing.chart();
    new ServiceEntry(chart, 'se', { hosts: ['api.example.com'], ports: [{ number: 443, protocol: Protocol.TLS }], ...props });
    return synthError(chart);
  }

  test('hosts are required and "*" is rejected', () => {
    expect(seError({ hosts: [] })).toContain("[test/se] 'spec.hosts' ([]) must list at least one host");
    expect(seError({ hosts: ['*'] })).toContain("'spec.hosts[0]' (*) must not be \"*\"");
  });

  test('duplicate port names and numbers are rejected', () => {
    expect(seError({ ports: [{ number: 443, protocol: Protocol.TLS, name: 'a' }, { number: 443, protocol: Protocol.TLS, name: 'a' }] }))
      .toContain("'spec.ports[1].name' (a) must be unique");
  });

  test('CIDR addresses need NONE or STATIC resolution', () => {
    expect(seError({ addresses: ['10.0.0.0/8'] })).toContain("'spec.resolution' (DNS) must be NONE or STATIC when addresses contain CIDR blocks");
  });

  test('resolution NONE takes no endpoints', () => {
    expect(seError({ resolution: ServiceEntryResolution.NONE, endpoints: [{ address: '1.2.3.4' }] })).toContain('must be empty for resolution NONE');
  });

  test('STATIC endpoints must be IP addresses', () => {
    expect(seError({ resolution: ServiceEntryResolution.STATIC, endpoints: [{ address: 'db.example.com' }] })).toContain("'spec.endpoints[0].address' (db.example.com) must be an IP address");
  });

  test('DNS_ROUND_ROBIN takes at most one endpoint', () => {
    expect(seError({ resolution: ServiceEntryResolution.DNS_ROUND_ROBIN, endpoints: [{ address: 'a.example.com' }, { address: 'b.example.com' }] })).toContain('must hold at most 1 endpoint');
  });

  test('endpoint ports must name a ServiceEntry port', () => {
    expect(seError({ endpoints: [{ address: 'a.example.com', ports: { grpc: 9000 } }] })).toContain("'spec.endpoints[0].ports' (grpc) must name a port of the ServiceEntry");
  });

  test('workloadSelector and endpoints are exclusive', () => {
    expect(seError({ workloadSelector: { app: 'a' }, endpoints: [{ address: 'a.example.com' }] })).toContain('must not be combined with endpoints');
  });

  test('several hosts need ports that carry the host name (HTTP or TLS), except with resolution NONE', () => {
    expect(seError({ hosts: ['a.example.com', 'b.example.com'], ports: [{ number: 5432, protocol: Protocol.TCP }] }))
      .toContain("'spec.ports[0].protocol' (TCP) must be HTTP- or TLS-based when a ServiceEntry with resolution DNS lists 2 hosts");
  });

  test('port names are DNS-1123 labels', () => {
    expect(seError({ ports: [{ number: 443, protocol: Protocol.TLS, name: 'tls_api' }] })).toContain("'spec.ports[0].name' (tls_api) must be a DNS-1123 label");
  });

  test('DYNAMIC_DNS needs wildcard hosts', () => {
    expect(seError({ resolution: ServiceEntryResolution.DYNAMIC_DNS })).toContain("'spec.hosts[0]' (api.example.com) must be a wildcard host for resolution DYNAMIC_DNS");
  });

  test('exportTo "~" must stand alone', () => {
    expect(seError({ exportTo: ['~', 'prod'] })).toContain("must not mix '~'");
  });
});
