import { analyze, messagesOf, reported } from './support';

/*
 * Istio 1.30.3's Kubernetes Gateway API analyzers (pkg/config/analysis/analyzers/k8sgateway),
 * each case of its analyzers_test.go grid mirrored with inputs of our own.
 */

const docs = (...parts: string[]) => parts.join('\n---');

const GATEWAY_POD = `
apiVersion: v1
kind: Pod
metadata:
  name: edge-istio-5d8f7c9b4-abcde
  namespace: default
  labels: { gateway.networking.k8s.io/gateway-name: edge, app: edge-istio }
spec: { containers: [{ name: istio-proxy, image: proxyv2 }] }`;

function policy(apiVersion: string, kind: string, name: string, body: string, namespace = 'default'): string {
  return `
apiVersion: ${apiVersion}
kind: ${kind}
metadata: { name: ${name}, namespace: ${namespace} }
spec:
${body}`;
}

const onGatewayPods = '  selector: { matchLabels: { gateway.networking.k8s.io/gateway-name: edge } }';

describe('k8sgateway.SelectorAnalyzer: IST0166 IneffectiveSelector', () => {
  test('mirrors "KubernetesGatewaySelector" (k8sgateway.SelectorAnalyzer)', () => {
    const findings = analyze(docs(GATEWAY_POD,
      policy('security.istio.io/v1', 'RequestAuthentication', 'ra-ineffective', onGatewayPods),
      policy('security.istio.io/v1', 'AuthorizationPolicy', 'ap-ineffective', onGatewayPods),
      policy('extensions.istio.io/v1alpha1', 'WasmPlugin', 'wasmplugin-ineffective', `${onGatewayPods}\n  url: oci://registry.example.com/filter:1`),
      policy('telemetry.istio.io/v1', 'Telemetry', 'telemetry-ineffective', `${onGatewayPods}\n  accessLogging: [{ providers: [{ name: envoy }] }]`),
      // Attached by targetRef: effective.
      policy('telemetry.istio.io/v1', 'Telemetry', 'telemetry-effective',
        '  targetRef: { group: gateway.networking.k8s.io, kind: Gateway, name: edge }\n  accessLogging: [{ providers: [{ name: envoy }] }]')));
    expect(reported(findings, 'IST0166')).toEqual([
      ['IST0166', 'AuthorizationPolicy default/ap-ineffective'],
      ['IST0166', 'RequestAuthentication default/ra-ineffective'],
      ['IST0166', 'Telemetry default/telemetry-ineffective'],
      ['IST0166', 'WasmPlugin default/wasmplugin-ineffective'],
    ]);
    expect(messagesOf(findings, 'IST0166')).toContainEqual(expect.stringContaining('Ineffective selector on Kubernetes Gateway edge. Use the TargetRef field instead '
      + '(selector gateway.networking.k8s.io/gateway-name=edge matches Pod default/edge-istio-5d8f7c9b4-abcde, a pod of the Gateway API Gateway)'));
  });

  test('not reported: targetRefs, another namespace, other pods, or no Gateway API pods at all', () => {
    const telemetry = (name: string, body: string, ns = 'default') => policy('telemetry.istio.io/v1', 'Telemetry', name,
      `${body}\n  accessLogging: [{ providers: [{ name: envoy }] }]`, ns);
    expect(reported(analyze(docs(GATEWAY_POD,
      telemetry('refs', '  targetRefs: [{ group: gateway.networking.k8s.io, kind: Gateway, name: edge }]'),
      telemetry('web', '  selector: { matchLabels: { app: web } }'),
      telemetry('other-ns', '  selector: { matchLabels: { app: edge-istio } }', 'shop'),
      policy('extensions.istio.io/v1alpha1', 'WasmPlugin', 'mesh-wide', '  url: oci://registry.example.com/filter:1'))), 'IST0166')).toEqual([]);
    expect(reported(analyze(telemetry('no-gateway-pods', onGatewayPods)), 'IST0166')).toEqual([]);
  });

  test('an empty selector matches every Gateway API pod of its namespace, as Istio\'s', () => {
    const findings = analyze(docs(GATEWAY_POD, policy('extensions.istio.io/v1alpha1', 'WasmPlugin', 'all', '  selector: {}\n  url: oci://registry.example.com/filter:1')));
    expect(reported(findings, 'IST0166')).toEqual([['IST0166', 'WasmPlugin default/all']]);
  });
});

function crd(plural: string, kind: string, annotations: string): string {
  return `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ${plural}.gateway.networking.k8s.io
  annotations: { ${annotations} }
spec:
  group: gateway.networking.k8s.io
  names: { kind: ${kind}, plural: ${plural}, listKind: ${kind}List, singular: ${kind.toLowerCase()} }
  scope: Namespaced
  versions: [{ name: v1, served: true, storage: true, schema: { openAPIV3Schema: { type: object } } }]`;
}

/** IST0176 findings as Istio's grid lists a cluster-scoped object: `Kind name`. */
const crdFindings = (yaml: string) => analyze(yaml).filter((f) => f.code === 'IST0176').map((f) => [f.code, `${f.kind} ${f.name}`]);

describe('k8sgateway.CRDVersionAnalyzer: IST0176 GatewayAPICRDVersionBelowMinimum', () => {
  test('mirrors "GatewayAPICRDVersionBelowMinimum" (k8sgateway.CRDVersionAnalyzer)', () => {
    const yaml = docs(crd('tlsroutes', 'TLSRoute', 'gateway.networking.k8s.io/bundle-version: v1.4.1, gateway.networking.k8s.io/channel: experimental'),
      crd('grpcroutes', 'GRPCRoute', 'gateway.networking.k8s.io/bundle-version: v1.4.1, gateway.networking.k8s.io/channel: standard'));
    expect(crdFindings(yaml)).toEqual([['IST0176', 'CustomResourceDefinition tlsroutes.gateway.networking.k8s.io']]);
    expect(messagesOf(analyze(yaml), 'IST0176')).toEqual(['Gateway API CRD "tlsroutes.gateway.networking.k8s.io" is at version "1.4.1" but Istio requires at least "1.5.0"; '
      + 'resources of this kind will not be processed. Upgrade the Gateway API CRDs to satisfy the minimum version; apply the CRDs of Gateway API v1.5.0 or later']);
  });

  test('a pre-release counts as its release; CRDs without the annotation, with an unreadable version, or without a minimum are not reported', () => {
    expect(crdFindings(docs(
      crd('tlsroutes', 'TLSRoute', 'gateway.networking.k8s.io/bundle-version: v1.5.0-rc.1'),
      crd('backendtlspolicies', 'BackendTLSPolicy', 'example.com/owner: platform'),
      crd('grpcroutes', 'GRPCRoute', 'gateway.networking.k8s.io/bundle-version: latest'),
      crd('httproutes', 'HTTPRoute', 'gateway.networking.k8s.io/bundle-version: v0.5.0')))).toEqual([]);
    expect(crdFindings(crd('backendtlspolicies', 'BackendTLSPolicy', 'gateway.networking.k8s.io/bundle-version: v1.3')))
      .toEqual([['IST0176', 'CustomResourceDefinition backendtlspolicies.gateway.networking.k8s.io']]);
    expect(messagesOf(analyze(crd('grpcroutes', 'GRPCRoute', 'gateway.networking.k8s.io/bundle-version: v1.0.0-rc1')), 'IST0176')[0])
      .toContain('is at version "1.0.0-rc1" but Istio requires at least "1.1.0"');
  });
});
