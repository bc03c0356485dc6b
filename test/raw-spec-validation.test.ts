import { AnalysisLevel } from '../src/analysis/finding';
import { validateDestinationRuleSpec } from '../src/validation/destination-rule';
import { validateGatewaySpec } from '../src/validation/gateway';
import { validateServiceEntrySpec } from '../src/validation/service-entry';
import { validateSidecarSpec } from '../src/validation/sidecar';
import { validateVirtualServiceSpec } from '../src/validation/virtual-service';

// Rules that the typed constructs cannot reach (closed enums, deprecated or unsupported fields),
// checked on raw specs as they would appear in hand-written YAML.
const route = [{ destination: { host: 'a' } }];

describe.each([
  ['unknown redirect scheme', () => validateVirtualServiceSpec({ hosts: ['a'], http: [{ redirect: { scheme: 'ftp' } }] }), "'spec.http[0].redirect.scheme' (ftp) must be \"http\" or \"https\""],
  ['mirror and mirrors together', () => validateVirtualServiceSpec({ hosts: ['a'], http: [{ route, mirror: { host: 'm' }, mirrors: [{ destination: { host: 'n' } }] }] }), 'must not have both mirror and mirrors'],
  ['mirrors without destination', () => validateVirtualServiceSpec({ hosts: ['a'], http: [{ route, mirrors: [{}] }] }), "'spec.http[0].mirrors[0].destination' (unset) is required"],
  ['HTTP/2 abort', () => validateVirtualServiceSpec({ hosts: ['a'], http: [{ route, fault: { abort: { http2Error: 'x' } } }] }), 'is not supported by Istio'],
  ['exponential delay', () => validateVirtualServiceSpec({ hosts: ['a'], http: [{ route, fault: { delay: { exponentialDelay: '1s' } } }] }), "'spec.http[0].fault.delay.exponentialDelay' (1s) is not supported by Istio"],
  ['unknown gRPC status', () => validateVirtualServiceSpec({ hosts: ['a'], http: [{ route, fault: { abort: { grpcStatus: 'BROKEN' } } }] }), "'spec.http[0].fault.abort.grpcStatus' (BROKEN) must be a gRPC status name"],
  ['unknown CORS method', () => validateVirtualServiceSpec({ hosts: ['a'], http: [{ route, corsPolicy: { allowOrigins: [{ exact: 'x' }], allowMethods: ['get'] } }] }), "'spec.http[0].corsPolicy.allowMethods' (get) must be one of GET"],
  ['delegate inside a delegate VirtualService', () => validateVirtualServiceSpec({ http: [{ delegate: { name: 'b' } }] }), "'spec.http[0].delegate' ({\"name\":\"b\"}) must not be set in a delegate VirtualService"],
  ['TLS routes in a delegate', () => validateVirtualServiceSpec({ http: [{ route }], tls: [{ match: [{ sniHosts: ['a'] }], route }] }), "'spec.tls' (1) must be empty in a delegate VirtualService"],
  ['legacy gateway name', () => validateVirtualServiceSpec({ hosts: ['a.example.com'], gateways: ['public.istio-system'], http: [{ route }] }), 'write "istio-system/public"'],
  ['null header match', () => validateVirtualServiceSpec({ hosts: ['a'], http: [{ route, match: [{ headers: { x: null } }] }] }), "'spec.http[0].match[0].headers.x' (null) must not be null"],
  ['duration text that is not a duration', () => validateVirtualServiceSpec({ hosts: ['a'], http: [{ route, timeout: 'five seconds' }] }), "'spec.http[0].timeout' (five seconds) must be a duration such as 1.5s or 250ms"],
  ['TLS route without matches', () => validateVirtualServiceSpec({ hosts: ['a'], tls: [{ route }] }), "'spec.tls[0].match' (unset) must have at least one match"],
  ['TCP route without destinations', () => validateVirtualServiceSpec({ hosts: ['a'], tcp: [{}] }), "'spec.tcp[0].route' (unset) is required"],
  ['consecutiveErrors is deprecated', () => validateDestinationRuleSpec({ host: 'a', trafficPolicy: { outlierDetection: { consecutiveErrors: 5 } } }), "'spec.trafficPolicy.outlierDetection.consecutiveErrors' (5) is deprecated"],
  ['minimumRingSize with maglev', () => validateDestinationRuleSpec({ host: 'a', trafficPolicy: { loadBalancer: { consistentHash: { useSourceIp: true, minimumRingSize: 1024, maglev: { tableSize: 65537 } } } } }), 'must not be combined with ringHash or maglev'],
  ['tunnel with proxyProtocol', () => validateDestinationRuleSpec({ host: 'a', trafficPolicy: { tunnel: { targetHost: 'b', targetPort: 1 }, proxyProtocol: {} } }), 'must not set both tunnel and proxyProtocol'],
  ['null subset', () => validateDestinationRuleSpec({ host: 'a', subsets: [null] }), "'spec.subsets[0]' (null) must not be null"],
  ['port-level settings without port', () => validateDestinationRuleSpec({ host: 'a', trafficPolicy: { portLevelSettings: [{ tls: { mode: 'SIMPLE' } }] } }), "'spec.trafficPolicy.portLevelSettings[0].port' (unset) is required"],
  ['unknown gateway protocol', () => validateGatewaySpec({ servers: [{ port: { number: 80, name: 'x', protocol: 'QUIC' }, hosts: ['*'] }] }), "'spec.servers[0].port.protocol' (QUIC) must be one of HTTP"],
  ['gateway port without name', () => validateGatewaySpec({ servers: [{ port: { number: 80, protocol: 'HTTP' }, hosts: ['*'] }] }), "'spec.servers[0].port.name' (unset) is required"],
  ['targetPort on a gateway', () => validateGatewaySpec({ servers: [{ port: { number: 80, name: 'h', protocol: 'HTTP', targetPort: 8080 }, hosts: ['*'] }] }), 'has no effect on Gateways'],
  ['unix bind with a port number', () => validateGatewaySpec({ servers: [{ port: { number: 80, name: 'h', protocol: 'HTTP' }, hosts: ['*'], bind: 'unix:///var/run/gw.sock' }] }), 'must be 0 for a unix domain socket bind'],
  ['server without port', () => validateGatewaySpec({ servers: [{ hosts: ['*'] }] }), "'spec.servers[0].port' (unset) is required"],
  ['ServiceEntry partial wildcard', () => validateServiceEntrySpec({ hosts: ['foo*.example.com'], ports: [{ number: 80, name: 'h', protocol: 'HTTP' }] }), 'uses a partial wildcard'],
  ['ServiceEntry unknown protocol', () => validateServiceEntrySpec({ hosts: ['a.example.com'], ports: [{ number: 80, name: 'h', protocol: 'SMTP' }] }), "'spec.ports[0].protocol' (SMTP) must be one of HTTP"],
  ['ServiceEntry DNS resolution with a short host', () => validateServiceEntrySpec({ hosts: ['a.'], resolution: 'DNS', ports: [{ number: 80, name: 'h', protocol: 'HTTP' }] }), ''],
  ['Sidecar egressProxy outside ALLOW_ANY', () => validateSidecarSpec({ outboundTrafficPolicy: { mode: 'REGISTRY_ONLY', egressProxy: { host: 'egress.example.com', port: { number: 80 } } } }), 'must only be set with mode ALLOW_ANY'],
  ['Sidecar selector without labels', () => validateSidecarSpec({ workloadSelector: {}, egress: [{ hosts: ['./*'] }] }), 'applies to every workload in the namespace'],
  ['two catch-all egress listeners', () => validateSidecarSpec({ egress: [{ hosts: ['./*'] }, { hosts: ['./*'] }] }), 'must not be a second listener without a port'],
])('%s', (_name, validate, expected) => {
  test(expected === '' ? 'is accepted' : 'is reported', () => {
    const messages = validate().messages;
    if (expected === '') expect(messages).toEqual([]);
    else expect(messages.join('\n')).toContain(expected);
  });
});

describe('severity', () => {
  test('warnings are marked and kept apart from errors', () => {
    const findings = validateVirtualServiceSpec({ hosts: ['a'], http: [{ route, mirrorPercent: 10 }] });
    expect(findings.all.map((f) => f.severity)).toEqual([AnalysisLevel.WARNING]);
    expect(findings.messages[0]).toBe("'spec.http[0].mirrorPercent' (10) is deprecated; use mirrorPercentage (Istio accepts this with a warning)");
  });

  test('a valid spec has no findings', () => {
    expect(validateVirtualServiceSpec({ hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 100 }] }] }).all).toEqual([]);
  });
});
