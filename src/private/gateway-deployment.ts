// What Istio's deployment controller gives a Gateway API Gateway it deploys proxies for
// (Istio 1.30.3 pilot/pkg/config/kube/gatewaycommon: deploymentcontroller.go, gateway_utils.go
// GetDefaultName, classinfo.go DisableNameSuffix).

/** The Gateway annotation that names the service account of its proxies. */
export const GATEWAY_SERVICE_ACCOUNT_ANNOTATION = 'gateway.istio.io/service-account';

/** Istio's classes whose deployments are named after the Gateway alone. */
const UNSUFFIXED_CLASSES = new Set(['istio-waypoint', 'istio-east-west', 'istio-agentgateway']);

/** The service account the proxies run as: the annotation, else `<name>-<class>`, else the name alone. */
export function deployedGatewayAccount(name: string, gatewayClassName: string, annotations: { [key: string]: unknown } | undefined): string {
  const annotated = annotations?.[GATEWAY_SERVICE_ACCOUNT_ANNOTATION];
  if (typeof annotated === 'string' && annotated !== '') return annotated;
  return UNSUFFIXED_CLASSES.has(gatewayClassName) ? name : `${name}-${gatewayClassName}`;
}
