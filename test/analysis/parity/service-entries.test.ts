import { analyze, messagesOf, reported } from './support';

/*
 * Istio 1.30.3's serviceentry.ProtocolAddressesAnalyzer (pkg/config/analysis/analyzers/serviceentry),
 * each case of its analyzers_test.go grid mirrored with inputs of our own.
 */

const docs = (...parts: string[]) => parts.join('\n---');

function serviceEntry(name: string, port: string, extra = '', namespace = 'default'): string {
  return `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  hosts: [api.example.com]
  exportTo: ["."]
  location: MESH_EXTERNAL
  resolution: DNS
  ports: [${port}]
${extra}`;
}

/** The mesh config's default proxy metadata. */
const meshConfig = (metadata: { [key: string]: string }) => ({ defaultConfig: { proxyMetadata: metadata } });

/** Istio's case: HTTPS, with or without addresses, and TCP or no protocol, with or without addresses. */
const MIXED = docs(
  serviceEntry('service-entry-test-01', '{ number: 443, name: https, protocol: HTTPS }'),
  serviceEntry('service-entry-test-02', '{ number: 443, name: https, protocol: HTTPS }', '  addresses: [10.0.0.1]'),
  serviceEntry('service-entry-test-03', '{ number: 443, name: https }'),
  serviceEntry('service-entry-test-04', '{ number: 443, name: https, protocol: "" }'),
  serviceEntry('service-entry-test-06', '{ number: 443, name: https, protocol: TCP }', '  addresses: [10.0.0.1]'),
  serviceEntry('service-entry-test-07', '{ number: 443, name: https, protocol: TCP }'));

describe('serviceentry.ProtocolAddressesAnalyzer: IST0134 ServiceEntryAddressesRequired', () => {
  test('mirrors "missing Addresses and Protocol in Service Entry" (serviceentry.ProtocolAddressesAnalyzer)', () => {
    const findings = analyze(MIXED);
    expect(reported(findings, 'IST0134')).toEqual([
      ['IST0134', 'ServiceEntry default/service-entry-test-03'],
      ['IST0134', 'ServiceEntry default/service-entry-test-04'],
      ['IST0134', 'ServiceEntry default/service-entry-test-07'],
    ]);
    expect(messagesOf(findings, 'IST0134')[0]).toContain('ServiceEntry addresses are required for this protocol (spec.ports[0]: port 443, protocol unset, so TCP); '
      + 'add spec.addresses');
  });

  test('mirrors "missing Addresses and Protocol in Service Entry with ISTIO_META_DNS_AUTO_ALLOCATE enabled" (serviceentry.ProtocolAddressesAnalyzer)', () => {
    const findings = analyze(MIXED, { meshConfig: meshConfig({ ISTIO_META_DNS_CAPTURE: 'true', ISTIO_META_DNS_AUTO_ALLOCATE: 'true' }) });
    expect(reported(findings, 'IST0134')).toEqual([]);
  });

  test('mirrors "ServiceEntry Addresses Required Lowercase Protocol" (serviceentry.ProtocolAddressesAnalyzer)', () => {
    const findings = analyze(serviceEntry('address-missing-lowercase', '{ number: 22, name: tcp, protocol: tcp }'));
    expect(reported(findings, 'IST0134')).toEqual([['IST0134', 'ServiceEntry default/address-missing-lowercase']]);
    expect(messagesOf(findings, 'IST0134')[0]).toContain('protocol tcp)');
  });

  test('mirrors "ServiceEntry Addresses Required Uppercase Protocol" (serviceentry.ProtocolAddressesAnalyzer)', () => {
    expect(reported(analyze(serviceEntry('address-missing-uppercase', '{ number: 22, name: tcp, protocol: TCP }')), 'IST0134'))
      .toEqual([['IST0134', 'ServiceEntry default/address-missing-uppercase']]);
  });

  test('mirrors "ServiceEntry Addresses Allocated" (serviceentry.ProtocolAddressesAnalyzer)', () => {
    // DNS capture alone does not allocate; the addresses in the status do.
    const allocated = serviceEntry('address-allocated', '{ number: 22, name: tcp, protocol: TCP }',
      'status:\n  addresses: [{ host: api.example.com, value: 240.240.0.1 }, { host: api.example.com, value: "2001:2::1" }]');
    expect(reported(analyze(allocated, { meshConfig: meshConfig({ ISTIO_META_DNS_CAPTURE: 'true' }) }), 'IST0134')).toEqual([]);
  });

  test('one finding per TCP port; auto-allocation needs DNS capture; PILOT_ENABLE_IP_AUTOALLOCATE counts as the proxy metadata', () => {
    const twoPorts = serviceEntry('db', '{ number: 5432, name: tcp-postgres, protocol: TCP }, { number: 6379, name: redis }, { number: 443, name: tls, protocol: TLS }');
    expect(reported(analyze(twoPorts), 'IST0134')).toEqual([['IST0134', 'ServiceEntry default/db'], ['IST0134', 'ServiceEntry default/db']]);
    expect(reported(analyze(twoPorts, { meshConfig: meshConfig({ ISTIO_META_DNS_AUTO_ALLOCATE: 'true' }) }), 'IST0134')).toHaveLength(2);
    expect(reported(analyze(twoPorts, { meshConfig: meshConfig({ ISTIO_META_DNS_CAPTURE: 'true', PILOT_ENABLE_IP_AUTOALLOCATE: 'true' }) }), 'IST0134')).toEqual([]);
  });

  test('not reported: addresses set, or only application protocols', () => {
    expect(analyze(docs(
      serviceEntry('with-address', '{ number: 5432, name: tcp-postgres, protocol: TCP }', '  addresses: [240.0.0.10]'),
      serviceEntry('http-only', '{ number: 80, name: http, protocol: HTTP }, { number: 443, name: tls, protocol: TLS }')))).toEqual([]);
  });
});
