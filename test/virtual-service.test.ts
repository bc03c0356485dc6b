import { Duration, Testing } from 'cdk8s';
import {
  Destination, DestinationRule, GrpcStatus, HttpMethod, RedirectScheme, RetryOn, StringMatch, VirtualService, Gateway, Protocol,
} from '../src';
import { only, synthError, synthValid } from './support/schema';

function reviewsRule(chart: any) {
  const rule = new DestinationRule(chart, 'reviews-dr', { host: 'reviews' });
  return { v1: rule.addSubset({ name: 'v1', labels: { version: 'v1' } }), v2: rule.addSubset({ name: 'v2', labels: { version: 'v2' } }) };
}

describe('VirtualService', () => {
  test('header match to subset v2, everything else to v1', () => {
    // GIVEN
    const chart = Testing.chart();
    const { v1, v2 } = reviewsRule(chart);
    // WHEN
    new VirtualService(chart, 'reviews', { hosts: ['reviews'] })
      .addHttpRoute({ name: 'jason', match: [{ headers: { 'end-user': StringMatch.exact('jason') } }], destinations: [{ destination: Destination.toSubset(v2) }] })
      .addHttpRoute({ name: 'default', destinations: [{ destination: Destination.toSubset(v1) }] });
    // THEN
    const manifests = synthValid(chart);
    const vs = only(manifests, 'VirtualService');
    expect(vs.apiVersion).toBe('networking.istio.io/v1');
    expect(vs.spec.hosts).toEqual(['reviews']);
    expect(vs.spec.gateways).toBeUndefined();
    expect(vs.spec.http[0].match[0].headers['end-user']).toEqual({ exact: 'jason' });
    expect(vs.spec.http[0].route).toEqual([{ destination: { host: 'reviews', subset: 'v2' } }]);
    expect(vs.spec.http[1].route[0].destination.subset).toBe('v1');
    expect(manifests).toMatchSnapshot();
  });

  test('80/20 weighted split', () => {
    const chart = Testing.chart();
    const { v1, v2 } = reviewsRule(chart);
    new VirtualService(chart, 'reviews', {
      hosts: ['reviews'],
      http: [{ destinations: [{ destination: Destination.toSubset(v1), weight: 80 }, { destination: Destination.toSubset(v2), weight: 20 }] }],
    });
    const vs = only(synthValid(chart), 'VirtualService');
    expect(vs.spec.http[0].route.map((r: any) => [r.destination.subset, r.weight])).toEqual([['v1', 80], ['v2', 20]]);
  });

  test('retries 3 x 2s on 5xx within a 10s timeout', () => {
    const chart = Testing.chart();
    new VirtualService(chart, 'ratings', {
      hosts: ['ratings'],
      http: [{
        destinations: [{ destination: Destination.toHost('ratings', { port: 9080 }) }],
        timeout: Duration.seconds(10),
        retries: { attempts: 3, perTryTimeout: Duration.seconds(2), retryOn: [RetryOn.FIVE_XX, RetryOn.CONNECT_FAILURE, RetryOn.statusCode(503)] },
      }],
    });
    const vs = only(synthValid(chart), 'VirtualService');
    expect(vs.spec.http[0].timeout).toBe('10s');
    expect(vs.spec.http[0].retries).toEqual({ attempts: 3, perTryTimeout: '2s', retryOn: '5xx,connect-failure,503' });
    expect(vs.spec.http[0].route[0].destination.port).toEqual({ number: 9080 });
  });

  test('fault abort 500 for 80% of requests, and a delay', () => {
    const chart = Testing.chart();
    new VirtualService(chart, 'ratings', {
      hosts: ['ratings'],
      http: [{
        destinations: [{ destination: Destination.toHost('ratings') }],
        fault: { abort: { httpStatus: 500, percentage: 80 }, delay: { fixedDelay: Duration.millis(1500), percentage: 10 } },
      }],
    });
    const vs = only(synthValid(chart), 'VirtualService');
    expect(vs.spec.http[0].fault).toEqual({
      abort: { httpStatus: 500, percentage: { value: 80 } },
      delay: { fixedDelay: '1.5s', percentage: { value: 10 } },
    });
  });

  test('uri prefix with rewrite, regex match, CORS, headers and mirroring', () => {
    const chart = Testing.chart();
    new VirtualService(chart, 'api', {
      hosts: ['api.example.com'],
      gateways: [Gateway.fromGatewayName('istio-system/public')],
      http: [
        {
          match: [{ uri: StringMatch.prefix('/v1/') }],
          rewrite: { uri: '/' },
          destinations: [{ destination: Destination.toHost('api-v1.api.svc.cluster.local'), headers: { response: { remove: ['x-internal'] } } }],
          mirrors: [{ destination: Destination.toHost('api-shadow'), percentage: 5 }],
          corsPolicy: { allowOrigins: [StringMatch.exact('https://app.example.com')], allowMethods: [HttpMethod.GET, HttpMethod.POST], maxAge: Duration.hours(1) },
        },
        {
          match: [{ uri: StringMatch.regex('^/v[2-9]/.*'), ignoreUriCase: true }],
          destinations: [{ destination: Destination.toHost('api-next') }],
          headers: { request: { set: { 'x-api-version': 'next' } } },
        },
        { directResponse: { status: 404, body: 'not found' } },
      ],
    });
    const vs = only(synthValid(chart), 'VirtualService');
    expect(vs.spec.gateways).toEqual(['istio-system/public']);
    expect(vs.spec.http[0].match[0].uri).toEqual({ prefix: '/v1/' });
    expect(vs.spec.http[0].rewrite).toEqual({ uri: '/' });
    expect(vs.spec.http[0].mirror).toEqual({ host: 'api-shadow' });
    expect(vs.spec.http[0].mirrorPercentage).toEqual({ value: 5 });
    expect(vs.spec.http[0].corsPolicy.maxAge).toBe('3600s');
    expect(vs.spec.http[1].match[0]).toEqual({ uri: { regex: '^/v[2-9]/.*' }, ignoreUriCase: true });
    expect(vs.spec.http[2].directResponse).toEqual({ status: 404, body: { string: 'not found' } });
  });

  test('several mirrors are written as mirrors[]', () => {
    const chart = Testing.chart();
    new VirtualService(chart, 'api', {
      hosts: ['api'],
      http: [{
        destinations: [{ destination: Destination.toHost('api') }],
        mirrors: [{ destination: Destination.toHost('shadow-a') }, { destination: Destination.toHost('shadow-b'), percentage: 50 }],
      }],
    });
    const vs = only(synthValid(chart), 'VirtualService');
    expect(vs.spec.http[0].mirror).toBeUndefined();
    expect(vs.spec.http[0].mirrors).toEqual([{ destination: { host: 'shadow-a' } }, { destination: { host: 'shadow-b' }, percentage: { value: 50 } }]);
  });

  test('binds to a Gateway construct by namespace/name, and to the mesh', () => {
    const chart = Testing.chart();
    const gateway = new Gateway(chart, 'gw', {
      metadata: { name: 'public', namespace: 'istio-system' },
      servers: [{ port: 80, protocol: Protocol.HTTP, hosts: ['bookinfo.example.com'] }],
    });
    new VirtualService(chart, 'vs', {
      hosts: ['bookinfo.example.com'],
      gateways: [gateway, Gateway.MESH],
      http: [{ redirect: { scheme: RedirectScheme.HTTPS, redirectCode: 308 } }],
    });
    const vs = only(synthValid(chart), 'VirtualService');
    expect(vs.spec.gateways).toEqual(['istio-system/public', 'mesh']);
    expect(vs.spec.http[0].redirect).toEqual({ scheme: 'https', redirectCode: 308 });
  });

  test('TCP and TLS routes', () => {
    const chart = Testing.chart();
    new VirtualService(chart, 'db', {
      hosts: ['db.example.com'],
      tcp: [{ match: [{ port: 5432, destinationSubnets: ['10.0.0.0/8'] }], destinations: [{ destination: Destination.toHost('postgres', { port: 5432 }) }] }],
      tls: [{ match: [{ sniHosts: ['db.example.com'], port: 443 }], destinations: [{ destination: Destination.toHost('db-tls') }] }],
    });
    const vs = only(synthValid(chart), 'VirtualService');
    expect(vs.spec.tcp[0]).toEqual({ match: [{ port: 5432, destinationSubnets: ['10.0.0.0/8'] }], route: [{ destination: { host: 'postgres', port: { number: 5432 } } }] });
    expect(vs.spec.tls[0].match[0]).toEqual({ sniHosts: ['db.example.com'], port: 443 });
  });

  test('gRPC abort status', () => {
    const chart = Testing.chart();
    new VirtualService(chart, 'grpc', {
      hosts: ['grpc'],
      http: [{ destinations: [{ destination: Destination.toHost('grpc') }], fault: { abort: { grpcStatus: GrpcStatus.UNAVAILABLE } } }],
    });
    expect(only(synthValid(chart), 'VirtualService').spec.http[0].fault.abort).toEqual({ grpcStatus: 'UNAVAILABLE' });
  });

  test('escape hatch: the L1 object can be patched', () => {
    const chart = Testing.chart();
    const vs = new VirtualService(chart, 'vs', { hosts: ['a'], http: [{ destinations: [{ destination: Destination.toHost('a') }] }] });
    vs.resource.metadata.addAnnotation('team', 'payments');
    expect(only(synthValid(chart), 'VirtualService').metadata.annotations).toEqual({ team: 'payments' });
  });

  test('output is byte-identical across two synths', () => {
    const build = () => {
      const chart = Testing.chart();
      const { v1, v2 } = reviewsRule(chart);
      new VirtualService(chart, 'reviews', {
        hosts: ['reviews'],
        http: [{ match: [{ headers: { b: StringMatch.exact('1'), a: StringMatch.exact('2') } }], destinations: [{ destination: Destination.toSubset(v2) }] },
          { destinations: [{ destination: Destination.toSubset(v1) }] }],
      });
      return JSON.stringify(Testing.synth(chart));
    };
    expect(build()).toEqual(build());
  });
});

describe('VirtualService validation', () => {
  function vsError(http: any[], extra: any = {}): string {
    const chart = Testing.chart();
    new VirtualService(chart, 'reviews', { hosts: ['reviews'], http, ...extra });
    return synthError(chart);
  }
  const to = (host = 'reviews') => [{ destination: Destination.toHost(host) }];

  test('errors name the construct path, field, value and fix', () => {
    const message = vsError([{ destinations: to(), retries: { attempts: 0, retryOn: [RetryOn.FIVE_XX] } }]);
    expect(message).toContain("[test/reviews] 'spec.http[0].retries.attempts' (0) must be at least 1 when perTryTimeout, retryOn or retryRemoteLocalities is set");
    expect(message).toContain('raise attempts, or remove the other retry settings');
  });

  test('a rule without route, redirect or directResponse is rejected', () => {
    expect(vsError([{ match: [{ uri: StringMatch.prefix('/a') }] }])).toContain("'spec.http[0]' (unnamed rule) must have a route, a redirect or a directResponse");
  });

  test('route and redirect are exclusive', () => {
    expect(vsError([{ destinations: to(), redirect: { uri: '/x' } }])).toContain('must not have both route and redirect');
  });

  test('redirect and directResponse are exclusive', () => {
    expect(vsError([{ redirect: { uri: '/x' }, directResponse: { status: 200 } }])).toContain('must not have both directResponse and redirect');
  });

  test('route and directResponse are exclusive', () => {
    expect(vsError([{ destinations: to(), directResponse: { status: 200 } }])).toContain('must not have both route and directResponse');
  });

  test('fault with redirect is rejected', () => {
    expect(vsError([{ redirect: { uri: '/x' }, fault: { abort: { httpStatus: 500 } } }])).toContain('must not have both fault and redirect');
  });

  test('retries on a rule with fault injection are refused (Istio turns them off there, istio/istio#20928)', () => {
    const fault = { abort: { httpStatus: 500, percentage: 10 } };
    expect(vsError([{ destinations: to(), fault, retries: { attempts: 2 } }]))
      .toContain("'spec.http[0].retries' ({\"attempts\":2}) is ignored on a rule with fault injection (Istio turns retries off there); move 'fault' to a rule of its own");
    // Retries explicitly off, and faults on their own rule, are fine.
    const chart = Testing.chart();
    new VirtualService(chart, 'vs', {
      hosts: ['reviews'],
      http: [
        { match: [{ headers: { 'x-chaos': StringMatch.exact('1') } }], destinations: to(), fault, retries: { attempts: 0 } },
        { destinations: to(), retries: { attempts: 2 } },
      ],
    });
    expect(only(synthValid(chart), 'VirtualService').spec.http.map((r: any) => r.retries.attempts)).toEqual([0, 2]);
  });

  test('rewrite with directResponse is rejected', () => {
    expect(vsError([{ directResponse: { status: 200 }, rewrite: { uri: '/' } }])).toContain('must not have both rewrite and directResponse');
  });

  test('negative weights are rejected', () => {
    expect(vsError([{ destinations: [{ destination: Destination.toHost('a'), weight: -1 }] }])).toContain("'spec.http[0].route[0].weight' (-1) must be a whole number of at least 0");
  });

  test('fractional weights are rejected', () => {
    expect(vsError([{ destinations: [{ destination: Destination.toHost('a'), weight: 2.5 }] }])).toContain("'spec.http[0].route[0].weight' (2.5) must be a whole number");
  });

  test('all-zero weights with several destinations are rejected', () => {
    const message = vsError([{ destinations: [{ destination: Destination.toHost('a'), weight: 0 }, { destination: Destination.toHost('b'), weight: 0 }] }]);
    expect(message).toContain("'spec.http[0].route' ([0,0]) must not all be 0 when there are several destinations");
  });

  test('durations under 1ms are rejected', () => {
    expect(vsError([{ destinations: to(), timeout: Duration.millis(0.5) }])).toContain("'spec.http[0].timeout' (0.0005s) must be at least 1ms");
  });

  test('durations finer than a millisecond are rejected', () => {
    expect(vsError([{ destinations: to(), timeout: Duration.millis(1.5) }])).toContain("'spec.http[0].timeout' (0.0015s) must be a whole number of milliseconds");
  });

  test('fault percentages outside 0-100 are rejected', () => {
    expect(vsError([{ destinations: to(), fault: { abort: { httpStatus: 500, percentage: 120 } } }])).toContain("'spec.http[0].fault.abort.percentage.value' (120) must be 0 or within [0.0001, 100]");
  });

  test('tiny non-zero fault percentages are rejected', () => {
    expect(vsError([{ destinations: to(), fault: { delay: { fixedDelay: Duration.seconds(1), percentage: 0.00001 } } }])).toContain('must be 0 or within [0.0001, 100]');
  });

  test('fault abort status outside 200-599 is rejected', () => {
    expect(vsError([{ destinations: to(), fault: { abort: { httpStatus: 99 } } }])).toContain("'spec.http[0].fault.abort.httpStatus' (99) must be an HTTP status from 200 to 599");
  });

  test('fault without abort or delay is rejected', () => {
    expect(vsError([{ destinations: to(), fault: {} }])).toContain('must have an abort and/or a delay');
  });

  test('abort without an error type is reported', () => {
    expect(vsError([{ destinations: to(), fault: { abort: { percentage: 10 } } }])).toContain("'spec.http[0].fault.abort' ({\"percentage\":{\"value\":10}}) has no error type");
  });

  test('mirror percentage outside 0-100 is rejected', () => {
    expect(vsError([{ destinations: to(), mirrors: [{ destination: Destination.toHost('m'), percentage: 101 }] }])).toContain("'spec.http[0].mirrorPercentage.value' (101) must be within 0-100");
  });

  test('non-RE2 regexes are rejected (lookahead)', () => {
    const message = vsError([{ match: [{ uri: StringMatch.regex('^/(?!admin).*') }], destinations: to() }]);
    expect(message).toContain("'spec.http[0].match[0].uri.regex' (^/(?!admin).*) must be valid RE2 syntax");
    expect(message).toContain('rewrite the regex in RE2 syntax');
  });

  test('regexes over 1024 characters are rejected, with the value cut and the fix for the length', () => {
    const message = vsError([{ match: [{ headers: { x: StringMatch.regex('a'.repeat(1100)) } }], destinations: to() }]);
    expect(message).toContain(`'spec.http[0].match[0].headers.x.regex' (${'a'.repeat(100)}... (1100 characters)) must be at most 1024 characters long; `
      + 'shorten it below 1024 characters');
    expect(message).not.toContain('a'.repeat(101));
    expect(message).not.toContain('RE2 syntax');
  });

  test('a header value with a newline is shown escaped, on one line', () => {
    const message = vsError([{ destinations: to(), headers: { request: { set: { 'x-a': 'b\nc' } } } }]);
    expect(message).toContain("'spec.http[0].headers.request.set.x-a' (\"b\\nc\")");
    expect(message.split('\n').filter((l) => l.includes('x-a'))).toHaveLength(1);
  });

  test('empty regexes are rejected', () => {
    expect(vsError([{ match: [{ uri: StringMatch.regex('') }], destinations: to() }])).toContain("'spec.http[0].match[0].uri.regex' (\"\") must not be empty");
  });

  test('empty prefixes are rejected, except for uri', () => {
    expect(vsError([{ match: [{ headers: { x: StringMatch.prefix('') } }], destinations: to() }])).toContain("'spec.http[0].match[0].headers.x.prefix' (\"\") must not be empty");
    const chart = Testing.chart();
    new VirtualService(chart, 'ok', { hosts: ['a'], http: [{ match: [{ uri: StringMatch.prefix('') }], destinations: to('a') }] });
    expect(only(synthValid(chart), 'VirtualService').spec.http[0].match[0].uri).toEqual({ prefix: '' });
  });

  test('invalid header names in matches are rejected', () => {
    expect(vsError([{ match: [{ headers: { 'bad header': StringMatch.exact('x') } }], destinations: to() }])).toContain('header name must be a valid HTTP header name');
  });

  test('withoutHeaders accepts "*" as a presence check', () => {
    const chart = Testing.chart();
    new VirtualService(chart, 'ok', { hosts: ['a'], http: [{ match: [{ withoutHeaders: { 'x-canary': StringMatch.regex('*') } }], destinations: to('a') }, { destinations: to('a') }] });
    expect(only(synthValid(chart), 'VirtualService').spec.http[0].match[0].withoutHeaders).toEqual({ 'x-canary': { regex: '*' } });
  });

  test('JWT claim matches need a gateway', () => {
    expect(vsError([{ match: [{ headers: { '@request.auth.claims.group': StringMatch.exact('admin') } }], destinations: to() }, { destinations: to() }]))
      .toContain('routes on a JWT claim, which works only on a gateway');
  });

  test('invalid sourceNamespace is rejected', () => {
    expect(vsError([{ match: [{ sourceNamespace: 'Not_A_Namespace' }], destinations: to() }])).toContain("'spec.http[0].match[0].sourceNamespace' (Not_A_Namespace) must be a namespace name");
  });

  test('invalid match ports are rejected', () => {
    expect(vsError([{ match: [{ port: 70000 }], destinations: to() }])).toContain("'spec.http[0].match[0].port' (70000) must be a port number from 1 to 65535");
  });

  test('invalid source labels are rejected', () => {
    expect(vsError([{ match: [{ sourceLabels: { app: 'bad value!' } }], destinations: to() }])).toContain("'spec.http[0].match[0].sourceLabels.app' (bad value!)");
  });

  test('attempts 0 with perTryTimeout is rejected', () => {
    expect(vsError([{ destinations: to(), retries: { attempts: 0, perTryTimeout: Duration.seconds(1) } }])).toContain('retry policy configured while retries are disabled');
  });

  test('negative attempts are rejected', () => {
    expect(vsError([{ destinations: to(), retries: { attempts: -1 } }])).toContain("'spec.http[0].retries.attempts' (-1) must not be negative");
  });

  test('unknown retry conditions are rejected', () => {
    expect(vsError([{ destinations: to(), retries: { attempts: 2, retryOn: [RetryOn.custom('on-tuesdays')] } }])).toContain("'spec.http[0].retries.retryOn' (on-tuesdays) must be an HTTP status code or one of 5xx");
  });

  test('unknown status codes as retry conditions are rejected', () => {
    expect(vsError([{ destinations: to(), retries: { attempts: 2, retryOn: [RetryOn.statusCode(599)] } }])).toContain("'spec.http[0].retries.retryOn' (599)");
  });

  test('redirect without target is rejected', () => {
    expect(vsError([{ redirect: {} }])).toContain("'spec.http[0].redirect' ({}) must set at least one of uri, authority, scheme or port");
  });

  test('redirect code outside 3xx is rejected', () => {
    expect(vsError([{ redirect: { uri: '/x', redirectCode: 200 } }])).toContain("'spec.http[0].redirect.redirectCode' (200) must be a 3xx status");
  });

  test('rewrite with both uri and uriRegexRewrite is rejected', () => {
    expect(vsError([{ destinations: to(), rewrite: { uri: '/', uriRegexRewrite: { match: '^/a', rewrite: '/' } } }])).toContain('must not set both uri and uriRegexRewrite');
  });

  test('empty rewrite is rejected', () => {
    expect(vsError([{ destinations: to(), rewrite: {} }])).toContain('must set uri, uriRegexRewrite or authority');
  });

  test('uriRegexRewrite needs match and rewrite, and RE2 syntax', () => {
    expect(vsError([{ destinations: to(), rewrite: { uriRegexRewrite: { match: '', rewrite: '/' } } }])).toContain('must set both match and rewrite');
    expect(vsError([{ destinations: to(), rewrite: { uriRegexRewrite: { match: '(?<=a)b', rewrite: '/' } } }])).toContain("'spec.http[0].rewrite.uriRegexRewrite.match' ((?<=a)b) must be valid RE2 syntax");
  });

  test('authority may be changed only once', () => {
    expect(vsError([{ destinations: to(), rewrite: { authority: 'a.example.com' }, headers: { request: { set: { ':authority': 'b.example.com' } } } }]))
      .toContain('must not change the authority again (already set to a.example.com)');
  });

  test('pseudo headers and Host cannot be changed through header operations', () => {
    expect(vsError([{ destinations: to(), headers: { request: { set: { ':path': '/x' } } } }])).toContain("'spec.http[0].headers.request.set' (:path) header name must not start with \":\"");
    expect(vsError([{ destinations: to(), headers: { response: { remove: ['Host'] } } }])).toContain("'spec.http[0].headers.response.remove' (Host) header name must not be Host");
  });

  test('invalid header values are rejected', () => {
    expect(vsError([{ destinations: to(), headers: { request: { set: { 'x-a': 'bad %VALUE' } } } }])).toContain('must escape a literal "%" as "%%"');
  });

  test('CORS: empty origins, sub-second maxAge, bad headers', () => {
    expect(vsError([{ destinations: to(), corsPolicy: { allowOrigins: [StringMatch.exact('')] } }])).toContain("'spec.http[0].corsPolicy.allowOrigins[0]'");
    expect(vsError([{ destinations: to(), corsPolicy: { allowOrigins: [StringMatch.exact('https://a')], maxAge: Duration.millis(1500) } }])).toContain("'spec.http[0].corsPolicy.maxAge' (1.5s) must be a whole number of seconds");
    expect(vsError([{ destinations: to(), corsPolicy: { allowOrigins: [StringMatch.exact('https://a')], allowHeaders: ['bad header'] } }])).toContain("'spec.http[0].corsPolicy.allowHeaders' (bad header)");
  });

  test('directResponse status and size are checked', () => {
    expect(vsError([{ directResponse: { status: 700 } }])).toContain("'spec.http[0].directResponse.status' (700) must be an HTTP status from 200 to 599");
    expect(vsError([{ directResponse: { status: 200, body: 'x'.repeat(1024 * 1024 + 1) } }])).toContain('must be smaller than 1MB');
  });

  test('destination host "*" and invalid subsets are rejected', () => {
    expect(vsError([{ destinations: to('*') }])).toContain("'spec.http[0].route[0].destination.host' (*) must not be \"*\"");
    expect(vsError([{ destinations: [{ destination: Destination.toSubset({ host: 'reviews', subsetName: 'V_2' }) }] }])).toContain("'spec.http[0].route[0].destination.subset' (V_2) must be a DNS-1123 label");
  });

  test('destination ports are checked', () => {
    expect(vsError([{ destinations: [{ destination: Destination.toHost('a', { port: 0 }) }] }])).toContain("'spec.http[0].route[0].destination.port.number' (0)");
  });

  test('a VirtualService without routes is rejected', () => {
    expect(vsError([])).toContain("'spec' (no routes) must have http, tcp or tls routes");
  });

  test('invalid hosts are rejected', () => {
    const chart = Testing.chart();
    new VirtualService(chart, 'vs', { hosts: ['bad_host.example.com'], http: [{ destinations: to() }] });
    expect(synthError(chart)).toContain("'spec.hosts[0]' (bad_host.example.com) must be a valid DNS name");
  });

  test('"*" host bound to the mesh is rejected', () => {
    const chart = Testing.chart();
    new VirtualService(chart, 'vs', { hosts: ['*'], http: [{ destinations: to() }] });
    expect(synthError(chart)).toContain("'spec.hosts[0]' (*) must not be \"*\" on a VirtualService bound to the mesh");
  });

  test('overlapping hosts are rejected', () => {
    const chart = Testing.chart();
    new VirtualService(chart, 'vs', { hosts: ['*.foo.com', '*.com'], http: [{ destinations: to() }] });
    expect(synthError(chart)).toContain("'spec.hosts' (*.foo.com & *.com) must not overlap");
  });

  test('delegate VirtualServices cannot have gateways or TCP routes', () => {
    const chart = Testing.chart();
    new VirtualService(chart, 'vs', {
      gateways: [Gateway.fromGatewayName('istio-system/gw')],
      http: [{ destinations: to() }],
      tcp: [{ destinations: to() }],
    });
    const message = synthError(chart);
    expect(message).toContain("'spec.gateways' ([\"istio-system/gw\"]) must be empty in a delegate VirtualService");
    expect(message).toContain("'spec.tcp' (1) must be empty in a delegate VirtualService");
  });

  test('routes that delegate cannot also route', () => {
    expect(vsError([{ delegate: { name: 'child' }, destinations: to() }])).toContain("'spec.http[0].route'");
  });

  test('invalid gateway references are rejected', () => {
    const chart = Testing.chart();
    new VirtualService(chart, 'vs', { hosts: ['a.example.com'], gateways: [Gateway.fromGatewayName('Bad_NS/gw')], http: [{ destinations: to() }] });
    expect(synthError(chart)).toContain("'spec.gateways' (Bad_NS/gw) must be \"<namespace>/<name>\"");
  });

  test('exportTo: duplicates and "*" mixed with namespaces are rejected', () => {
    expect(vsError([{ destinations: to() }], { exportTo: ['.', '.'] })).toContain('must not list . twice');
    expect(vsError([{ destinations: to() }], { exportTo: ['*', 'prod'] })).toContain("must not mix '*' with other namespaces");
    expect(vsError([{ destinations: to() }], { exportTo: ['prod_ns'] })).toContain("'spec.exportTo' (prod_ns) must be '.', '*' or a namespace name");
  });

  test('a rule after a rule without matches is unreachable', () => {
    expect(vsError([{ destinations: to() }, { match: [{ uri: StringMatch.prefix('/a') }], destinations: to() }]))
      .toContain("'spec.http[1].match[0]' (#1) is unreachable: rule #0 before it has no matches");
  });

  test('only the last rule may have no matches', () => {
    expect(vsError([{ destinations: to() }, { destinations: to() }])).toContain('only the last rule can have no matches');
  });

  test('different matches are not duplicates, whatever their key order', () => {
    const chart = Testing.chart();
    new VirtualService(chart, 'vs', {
      hosts: ['a'],
      http: [
        { match: [{ uri: StringMatch.exact('/a') }, { uri: StringMatch.prefix('/static/') }], destinations: to() },
        { match: [{ uri: StringMatch.prefix('/b'), headers: { x: StringMatch.exact('1') } }], destinations: to() },
        { match: [{ headers: { x: StringMatch.exact('1') }, uri: StringMatch.prefix('/c') }], destinations: to() },
      ],
    });
    expect(only(synthValid(chart), 'VirtualService').spec.http).toHaveLength(3);
  });

  test('duplicate matches are reported', () => {
    const m = [{ uri: StringMatch.prefix('/a') }];
    expect(vsError([{ match: m, destinations: to() }, { match: m, destinations: to() }])).toContain('is never used: rule #0 has the same match');
  });

  test('TLS routes need SNI hosts covered by the VirtualService hosts', () => {
    const chart = Testing.chart();
    new VirtualService(chart, 'vs', { hosts: ['a.example.com'], tls: [{ match: [{ sniHosts: ['b.example.com'] }], destinations: to() }] });
    expect(synthError(chart)).toContain("'spec.tls[0].match[0].sniHosts' (b.example.com) must be covered by one of the VirtualService hosts");
    const chart2 = Testing.chart();
    new VirtualService(chart2, 'vs', { hosts: ['a.example.com'], tls: [{ match: [{ sniHosts: [] }], destinations: to() }] });
    expect(synthError(chart2)).toContain("'spec.tls[0].match[0].sniHosts' ([]) must list at least one SNI host");
  });

  test('TCP routes check subnets', () => {
    const chart = Testing.chart();
    new VirtualService(chart, 'vs', { hosts: ['db'], tcp: [{ match: [{ destinationSubnets: ['10.0.0.0/33'] }], destinations: to() }] });
    expect(synthError(chart)).toContain("'spec.tcp[0].match[0].destinationSubnets[0]' (10.0.0.0/33) must be a CIDR block");
  });
});
