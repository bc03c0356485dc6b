import { analyze as analyzeYaml, messagesOf, reported } from './support';
import { AnalyzeSettings } from '../../../src/analysis/analyze';
import { AnalysisFinding, AnalysisLevel } from '../../../src/analysis/finding';

/** Analyzes YAML, checking that every object passed admission (so that the checks saw them all). */
function analyze(yaml: string, settings: Partial<AnalyzeSettings> = {}): AnalysisFinding[] {
  const findings = analyzeYaml(yaml, settings);
  expect(reported(findings, 'IST0106', 'CKI0003')).toEqual([]);
  return findings;
}

const condition = (type: string, status: string, reason: string, message: string) =>
  `{ type: "${type}", status: "${status}", reason: ${reason}, message: "${message}", lastTransitionTime: "2025-01-01T00:00:00Z" }`;

const service = (name: string, conditions: string[]) => `
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: shop }
spec: { selector: { app: ${name} }, ports: [{ name: http, port: 80 }] }
status: { conditions: [${conditions.join(', ')}] }`;

const serviceEntry = (name: string, conditions: string[]) => `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: ${name}, namespace: shop }
spec: { hosts: [${name}.example.com], ports: [{ number: 443, name: tls, protocol: TLS }], resolution: DNS }
status: { conditions: [${conditions.join(', ')}] }`;

const workloadEntry = (name: string, conditions: string[]) => `
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: { name: ${name}, namespace: shop }
spec: { address: 10.0.0.5, labels: { app: ${name} } }
status: { conditions: [${conditions.join(', ')}] }`;

const policy = (name: string, conditions: string[]) => `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: ${name}, namespace: shop }
spec: { action: DENY, rules: [{ to: [{ operation: { methods: [DELETE], ports: ["8080"] } }] }] }
status: { conditions: [${conditions.join(', ')}] }`;

const gateway = (name: string, conditions: string[]) => `
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: ${name}, namespace: shop }
spec: { gatewayClassName: istio-waypoint, listeners: [{ name: mesh, port: 15008, protocol: HBONE }] }
status: { conditions: [${conditions.join(', ')}] }`;

const route = (kind: string, name: string, conditions: string[]) => `
apiVersion: gateway.networking.k8s.io/v1
kind: ${kind}
metadata: { name: ${name}, namespace: shop }
spec:
  parentRefs: [{ group: "", kind: Service, name: ratings }]
  rules: [{ backendRefs: [{ name: ratings, port: 80 }] }]
status:
  parents:
  - parentRef: { group: "", kind: Service, name: ratings }
    controllerName: istio.io/gateway-controller
    conditions: [${conditions.join(', ')}]`;

describe('conditions.ConditionAnalyzer parity (Istio 1.30.3 analyzers_test.go)', () => {
  test('mirrors "Condition Analyzer" (conditions.ConditionAnalyzer)', () => {
    const findings = analyze([
      // A Service not bound to its waypoint, and another controller's negative condition (not Istio's: not read).
      service('ratings', [
        condition('istio.io/WaypointBound', 'False', 'WaypointNotReady', 'waypoint shop/waypoint is not ready'),
        condition('argocd.argoproj.io/Synced', 'False', 'OutOfSync', 'differs from Git'),
      ]),
      serviceEntry('payments', [condition('istio.io/WaypointBound', 'False', 'NoWaypoint', 'waypoint shop/waypoint not found')]),
      policy('ztunnel-refused', [condition('ZtunnelAccepted', 'False', 'UnsupportedValue', 'ztunnel cannot enforce HTTP attributes')]),
      // Accepted, but only in part.
      policy('partly-invalid', [condition('WaypointAccepted', 'True', 'PartiallyInvalid', 'targetRefs: shop/missing not found')]),
      gateway('waypoint', [condition('Programmed', 'False', 'AddressNotUsable', 'no address could be assigned')]),
      route('HTTPRoute', 'ratings-http', [condition('Accepted', 'False', 'NoMatchingParent', 'Service shop/ratings has no waypoint')]),
      route('GRPCRoute', 'ratings-grpc', [condition('Accepted', 'False', 'NoMatchingParent', 'Service shop/ratings has no waypoint')]),
    ].join('\n---'));
    expect(reported(findings, 'IST0171')).toEqual([
      ['IST0171', 'AuthorizationPolicy shop/partly-invalid'],
      ['IST0171', 'AuthorizationPolicy shop/ztunnel-refused'],
      ['IST0171', 'GRPCRoute shop/ratings-grpc'],
      ['IST0171', 'Gateway shop/waypoint'],
      ['IST0171', 'HTTPRoute shop/ratings-http'],
      ['IST0171', 'Service shop/ratings'],
      ['IST0171', 'ServiceEntry shop/payments'],
    ]);
    expect(messagesOf(findings, 'IST0171')).toContain('A condition with a negative status is present: type=istio.io/WaypointBound, reason=WaypointNotReady, '
      + 'message=waypoint shop/waypoint is not ready; Istio wrote this status in the cluster the object was read from: fix what the condition\'s message says');
    expect(findings.filter((f) => f.code === 'IST0171').every((f) => f.level === AnalysisLevel.WARNING)).toBe(true);
  });
});

describe('conditions: rules beyond the test grid (from conditions.go)', () => {
  test('positive conditions, conditions of other types, and objects without status are not reported', () => {
    const findings = analyze([
      service('a', [condition('istio.io/WaypointBound', 'True', 'Bound', 'bound to shop/waypoint')]),
      service('b', [condition('Accepted', 'False', 'Whatever', 'not a Service condition')]),
      gateway('c', [condition('Accepted', 'True', 'Accepted', 'ok'), condition('Programmed', 'Unknown', 'Pending', 'waiting')]),
      policy('d', [condition('WaypointAccepted', 'True', 'Accepted', 'bound')]),
      route('HTTPRoute', 'e', [condition('ResolvedRefs', 'True', 'ResolvedRefs', 'ok')]),
      `
apiVersion: v1
kind: Service
metadata: { name: f, namespace: shop }
spec: { selector: { app: f }, ports: [{ name: http, port: 80 }] }`,
    ].join('\n---'));
    expect(reported(findings, 'IST0171')).toEqual([]);
  });

  test('a WorkloadEntry not bound to its waypoint, and every negative condition of every route parent', () => {
    const findings = analyze([
      workloadEntry('vm', [condition('istio.io/WaypointBound', 'False', 'NoWaypoint', 'no waypoint')]),
      route('HTTPRoute', 'r', [condition('Accepted', 'False', 'NotAllowed', 'x'), condition('ResolvedRefs', 'False', 'BackendNotFound', 'y')]),
    ].join('\n---'));
    expect(reported(findings, 'IST0171')).toEqual([['IST0171', 'HTTPRoute shop/r'], ['IST0171', 'HTTPRoute shop/r'], ['IST0171', 'WorkloadEntry shop/vm']]);
  });

  test('a partly invalid waypoint policy whose status is False is reported twice, as Istio does', () => {
    const findings = analyze(policy('p', [condition('WaypointAccepted', 'False', 'PartiallyInvalid', 'targetRefs: shop/missing not found')]));
    expect(reported(findings, 'IST0171')).toEqual([['IST0171', 'AuthorizationPolicy shop/p'], ['IST0171', 'AuthorizationPolicy shop/p']]);
  });

  test('a kind of another API group is not read (an Istio Gateway is not a Gateway API Gateway)', () => {
    const findings = analyze(`
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: ingress, namespace: shop }
spec: { selector: { istio: ingressgateway }, servers: [{ port: { number: 80, name: http, protocol: HTTP }, hosts: ["*"] }] }
status: { conditions: [${condition('Programmed', 'False', 'Invalid', 'x')}] }`);
    expect(reported(findings, 'IST0171')).toEqual([]);
  });
});
