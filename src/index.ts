import { IstioValidation } from './plugin/validation-plugin';

export * from './mesh-settings';
export * from './traffic-api';
export * from './networking/string-match';
export * from './networking/retry';
export * from './networking/fault';
export * from './networking/cors';
export * from './networking/headers';
export * from './networking/destination';
export * from './networking/gateway-ref';
export * from './networking/http-route';
export * from './networking/l4-route';
export * from './networking/protocol';
export * from './networking/tls';
export * from './networking/virtual-service';
export * from './networking/gateway';
export * from './networking/traffic-policy';
export * from './networking/destination-rule';
export * from './networking/service-entry';
export * from './networking/sidecar';
export * from './analysis/finding';
export * from './istio-analyzer';
export * from './security/peer-authentication';
export * from './security/policy-target';
export * from './security/authorization-rule';
export * from './security/authorization-policy';
export * from './security/request-authentication';
export * from './security/workload-identity';
export * from './security/workload-authorization';
export * from './security/mesh-namespace';
export * from './telemetry/telemetry-options';
export * from './telemetry/telemetry';
export * from './extensions/wasm-plugin';
export * from './extensions/envoy-filter-patch';
export * from './extensions/envoy-filter';
export * from './gateway-api/gateway';
export * from './gateway-api/reference-grant';
export * from './gateway-api/route-types';
export * from './gateway-api/http-route';
export * from './gateway-api/grpc-route';
export * from './gateway-api/waypoint';
export * from './patterns/resilience';
export * from './patterns/canary-service';
export * from './patterns/resilient-route';
export * from './patterns/gateway-route-target';
export * from './patterns/secure-gateway-route';
export * from './patterns/secure-gateway';

export * as networking from './imports/networking.istio.io';
export * as security from './imports/security.istio.io';
export * as gatewayapi from './imports/gateway.networking.k8s.io';
// Not `telemetry`: jsii refuses a submodule named like the Telemetry construct (in some languages they collide).
export * as telemetryapi from './imports/telemetry.istio.io';
export * as extensions from './imports/extensions.istio.io';

// The cdk8s CLI validation plugin (cdk8s.yaml `validations:` entry `class: IstioValidation`): the
// CLI loads the class by name from this module. It speaks the CLI's JavaScript contract, so it is
// set on the module at run time rather than exported, which keeps it out of the jsii API.
Object.defineProperty(exports, 'IstioValidation', { enumerable: true, get: () => IstioValidation });
