// README example: WasmPlugin. The tests check that the README shows this code and its YAML.
import { App, Chart } from 'cdk8s';
import { WasmPlugin, WasmPluginEnvSource, WasmPluginPhase } from '../../src';

/** Builds the README's WasmPlugin example into `app`. */
export function wasmPluginExample(app: App): Chart {
  const chart = new Chart(app, 'edge', { namespace: 'istio-ingress' });

  // Security headers on every response of the ingress gateway: an OCI image pinned by digest.
  new WasmPlugin(chart, 'security-headers', {
    metadata: { name: 'security-headers' },
    selector: { istio: 'ingressgateway' },
    url: 'oci://ghcr.io/example/wasm/security-headers@sha256:4f3c2a1b0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b',
    pluginConfig: { headers: { 'strict-transport-security': 'max-age=31536000', 'x-content-type-options': 'nosniff' } },
  });
  // A session-cookie-to-JWT plugin, which must run before Istio's JWT authentication:
  // downloaded over https and verified by its SHA-256.
  new WasmPlugin(chart, 'session-to-jwt', {
    metadata: { name: 'session-to-jwt' },
    selector: { istio: 'ingressgateway' },
    url: 'https://plugins.example.com/session-to-jwt-1.4.0.wasm',
    sha256: '0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9',
    phase: WasmPluginPhase.AUTHN,
    env: [{ name: 'POD_NAME', valueFrom: WasmPluginEnvSource.HOST }],
    match: [{ ports: [8443] }],
  });
  return chart;
}
