import * as fs from 'fs';
import * as path from 'path';

/**
 * Every case of Istio 1.30.3's analyzer test grid (pkg/config/analysis/analyzers/analyzers_test.go,
 * `testGrid`, in its order): the analyzer, the case name, and the parity test file that mirrors it
 * with inputs of our own, or why it cannot be mirrored on static manifests.
 */
const GRID: Array<[analyzer: string, testCase: string, mirroredIn: string]> = [
  ['annotations.K8sAnalyzer', 'misannoted', 'annotations.test.ts'],
  ['maturity.AlphaAnalyzer', 'alpha', 'maturity.test.ts'],
  ['deprecation.FieldAnalyzer', 'deprecation', 'deprecation.test.ts'],
  ['externalcontrolplane.ExternalControlPlaneAnalyzer', 'externalControlPlaneMissingWebhooks', 'needs the live cluster: reads the istiod webhook configurations of an external control plane'],
  ['externalcontrolplane.ExternalControlPlaneAnalyzer', 'externalControlPlaneMissingWebhooks', 'needs the live cluster: reads the istiod webhook configurations of an external control plane'],
  ['externalcontrolplane.ExternalControlPlaneAnalyzer', 'externalControlPlaneUsingIpAddresses', 'needs the live cluster: reads the istiod webhook configurations of an external control plane'],
  ['externalcontrolplane.ExternalControlPlaneAnalyzer', 'externalControlPlaneValidWebhooks', 'needs the live cluster: reads the istiod webhook configurations of an external control plane'],
  ['externalcontrolplane.ExternalControlPlaneAnalyzer', 'externalControlPlaneValidWebhooks', 'needs the live cluster: reads the istiod webhook configurations of an external control plane'],
  ['gateway.IngressGatewayPortAnalyzer', 'gatewayNoWorkload', 'gateways.test.ts'],
  ['gateway.IngressGatewayPortAnalyzer', 'gatewayBadPort', 'gateways.test.ts'],
  ['gateway.IngressGatewayPortAnalyzer', 'gatewayCorrectPort', 'gateways.test.ts'],
  ['gateway.IngressGatewayPortAnalyzer', 'gatewayCustomIngressGateway', 'gateways.test.ts'],
  ['gateway.IngressGatewayPortAnalyzer', 'gatewayCustomIngressGatewayBadPort', 'gateways.test.ts'],
  ['gateway.IngressGatewayPortAnalyzer', 'gatewayCustomIngressGatewayBadPortWithoutTarget', 'gateways.test.ts'],
  ['gateway.IngressGatewayPortAnalyzer', 'gatewayCustomIngressGatewayTranslation', 'gateways.test.ts'],
  ['gateway.IngressGatewayPortAnalyzer', 'gatewayServiceMatchPod', 'gateways.test.ts'],
  ['gateway.SecretAnalyzer', 'gatewaySecret', 'gateways.test.ts'],
  ['gateway.SecretAnalyzer', 'gatewaySecretValidations', 'gateways.test.ts'],
  ['gateway.ConflictingGatewayAnalyzer', 'conflicting gateways detect', 'gateways.test.ts'],
  ['gateway.ConflictingGatewayAnalyzer', 'gateways with different port are non-conflicting', 'gateways.test.ts'],
  ['gateway.ConflictingGatewayAnalyzer', 'conflicting gateways with multiple port declarations', 'gateways.test.ts'],
  ['gateway.ConflictingGatewayAnalyzer', 'conflicting gateways detect by sub selector', 'gateways.test.ts'],
  ['gateway.ConflictingGatewayAnalyzer', 'conflicting gateways detect: no port', 'gateways.test.ts'],
  ['injection.Analyzer', 'istioInjection', 'injection.test.ts'],
  ['injection.Analyzer', 'istioInjectionEnableNamespacesByDefault', 'injection.test.ts'],
  ['injection.ImageAnalyzer', 'istioInjectionProxyImageMismatch', 'needs the live cluster: compares the proxy image of running pods with the injector image'],
  ['injection.ImageAnalyzer', 'injectionImageDistroless', 'needs the live cluster: compares the proxy image of running pods with the injector image'],
  ['injection.ImageAnalyzer', 'injectionImageDistrolessNoMeshConfig', 'needs the live cluster: compares the proxy image of running pods with the injector image'],
  ['injection.ImageAnalyzer', 'istioInjectionProxyImageMismatchAbsolute', 'needs the live cluster: compares the proxy image of running pods with the injector image'],
  ['injection.ImageAnalyzer', 'istioInjectionProxyImageMismatchWithRevisionCanary', 'needs the live cluster: compares the proxy image of running pods with the injector image'],
  ['service.PortNameAnalyzer', 'portNameNotFollowConvention', 'services.test.ts'],
  ['service.PortNameAnalyzer', 'namedPort', 'services.test.ts'],
  ['service.PortNameAnalyzer', 'unnamedPortInSystemNamespace', 'services.test.ts'],
  ['sidecar.SelectorAnalyzer', 'sidecarDefaultSelector', 'sidecars.test.ts'],
  ['sidecar.SelectorAnalyzer', 'sidecarSelector', 'sidecars.test.ts'],
  ['virtualservice.ConflictingMeshGatewayHostsAnalyzer', 'virtualServiceConflictingMeshGatewayHosts', 'virtual-services.test.ts'],
  ['virtualservice.ConflictingMeshGatewayHostsAnalyzer', 'virtualServiceConflictingMeshGatewayHostsWithExportTo', 'virtual-services.test.ts'],
  ['virtualservice.DestinationHostAnalyzer', 'virtualServiceDestinationHosts', 'virtual-services.test.ts'],
  ['virtualservice.DestinationRuleAnalyzer', 'virtualServiceDestinationRules', 'virtual-services.test.ts'],
  ['virtualservice.GatewayAnalyzer', 'virtualServiceGateways', 'virtual-services.test.ts'],
  ['virtualservice.JWTClaimRouteAnalyzer', 'virtualServiceJWTClaimRoute', 'virtual-services.test.ts'],
  ['virtualservice.GatewayAnalyzer', 'virtualServiceInternalGatewayRef', 'virtual-services.test.ts'],
  ['deployment.ServiceAssociationAnalyzer', 'serviceMultipleDeployments', 'deployments.test.ts'],
  ['deployment.ServiceAssociationAnalyzer', 'deploymentMultiServicesInDifferentNamespace', 'deployments.test.ts'],
  ['deployment.ServiceAssociationAnalyzer', 'serviceWithNoSelector', 'deployments.test.ts'],
  ['multicluster.MeshNetworksAnalyzer', 'unknown service registry in mesh networks', 'needs the live cluster: reads the service registries of remote clusters'],
  ['authn.BlockedCIDRsAnalyzer', 'blockedCIDRsMissing', 'security.test.ts'],
  ['authn.BlockedCIDRsAnalyzer', 'blockedCIDRsConfigured', 'security.test.ts'],
  ['authn.BlockedCIDRsAnalyzer', 'blockedCIDRsNoRA', 'security.test.ts'],
  ['authz.AuthorizationPoliciesAnalyzer', 'authorizationpolicies', 'security.test.ts'],
  ['destinationrule.CaCertificateAnalyzer', 'destinationrule with no cacert, simple at destinationlevel', 'destination-rules.test.ts'],
  ['destinationrule.CaCertificateAnalyzer', 'destinationrule with no cacert, mutual at destinationlevel', 'destination-rules.test.ts'],
  ['destinationrule.CaCertificateAnalyzer', 'destinationrule with no cacert, simple at portlevel', 'destination-rules.test.ts'],
  ['destinationrule.CaCertificateAnalyzer', 'destinationrule with credentialname, simple at destinationlevel, no workloadSelector', 'destination-rules.test.ts'],
  ['destinationrule.CaCertificateAnalyzer', 'destinationrule with credentialname, simple at destinationlevel, workloadSelector', 'destination-rules.test.ts'],
  ['destinationrule.CaCertificateAnalyzer', 'destinationrule with credentialname, simple at portlevel, no workloadSelector', 'destination-rules.test.ts'],
  ['destinationrule.CaCertificateAnalyzer', 'destinationrule with credentialname, simple at portlevel, workloadSelector', 'destination-rules.test.ts'],
  ['destinationrule.CaCertificateAnalyzer', 'destinationrule with no cacert, mutual at portlevel', 'destination-rules.test.ts'],
  ['destinationrule.CaCertificateAnalyzer', 'destinationrule with no cacert, mutual at destinationlevel and simple at port level', 'destination-rules.test.ts'],
  ['destinationrule.CaCertificateAnalyzer', 'destinationrule with no cacert, simple at destinationlevel and mutual at port level', 'destination-rules.test.ts'],
  ['destinationrule.CaCertificateAnalyzer', 'destinationrule with both cacerts', 'destination-rules.test.ts'],
  ['schemaValidation.CollectionValidationAnalyzer(VirtualService)', 'dupmatches', 'virtual-services.test.ts'],
  ['virtualservice.GatewayAnalyzer', 'host defined in virtualservice not found in the gateway', 'virtual-services.test.ts'],
  ['virtualservice.GatewayAnalyzer', 'host defined in virtualservice not found in the gateway(beta version)', 'virtual-services.test.ts'],
  ['virtualservice.GatewayAnalyzer', 'host defined in virtualservice not found in the gateway with ns', 'virtual-services.test.ts'],
  ['virtualservice.GatewayAnalyzer', 'host defined in virtualservice not found in the gateway with ns(beta version)', 'virtual-services.test.ts'],
  ['serviceentry.ProtocolAddressesAnalyzer', 'missing Addresses and Protocol in Service Entry', 'service-entries.test.ts'],
  ['serviceentry.ProtocolAddressesAnalyzer', 'missing Addresses and Protocol in Service Entry with ISTIO_META_DNS_AUTO_ALLOCATE enabled', 'service-entries.test.ts'],
  ['gateway.CertificateAnalyzer', 'certificate duplication in Gateway', 'gateways.test.ts'],
  ['webhook.Analyzer', 'webook', 'needs the live cluster: reads the admission webhook configurations of the cluster'],
  ['virtualservice.DestinationHostAnalyzer', 'Route Rule no effect on Ingress', 'virtual-services.test.ts'],
  ['deployment.ApplicationUIDAnalyzer', 'Application Pod SecurityContext with UID 1337', 'deployments.test.ts'],
  ['deployment.ApplicationUIDAnalyzer', 'Application Container SecurityContext with UID 1337', 'deployments.test.ts'],
  ['deployment.ApplicationUIDAnalyzer', 'Deployment Pod SecurityContext with UID 1337', 'deployments.test.ts'],
  ['deployment.ApplicationUIDAnalyzer', 'Deployment Container SecurityContext with UID 1337', 'deployments.test.ts'],
  ['injection.ImageAutoAnalyzer', 'Detect `image: auto` in non-injected pods', 'needs the live cluster: reads the injection webhook configurations of the cluster'],
  ['service.PortNameAnalyzer', 'ExternalNameServiceTypeInvalidPortName', 'services.test.ts'],
  ['service.PortNameAnalyzer', 'ExternalNameServiceTypeValidPortName', 'services.test.ts'],
  ['envoyfilter.EnvoyPatchAnalyzer', 'EnvoyFilterUsesRelativeOperation', 'envoy-filters.test.ts'],
  ['envoyfilter.EnvoyPatchAnalyzer', 'EnvoyFilterFilterChainMatch', 'envoy-filters.test.ts'],
  ['envoyfilter.EnvoyPatchAnalyzer', 'EnvoyFilterUsesAbsoluteOperation', 'envoy-filters.test.ts'],
  ['envoyfilter.EnvoyPatchAnalyzer', 'EnvoyFilterUsesReplaceOperation', 'envoy-filters.test.ts'],
  ['envoyfilter.EnvoyPatchAnalyzer', 'EnvoyFilterUsesAddOperation', 'envoy-filters.test.ts'],
  ['envoyfilter.EnvoyPatchAnalyzer', 'EnvoyFilterUsesRemoveOperation', 'envoy-filters.test.ts'],
  ['gateway.ConflictingGatewayAnalyzer', 'Analyze conflicting gateway with list type', 'gateways.test.ts'],
  ['telemetry.ProviderAnalyzer', 'Analyze invalid telemetry', 'telemetry.test.ts'],
  ['telemetry.ProviderAnalyzer', 'Analyze invalid telemetry', 'telemetry.test.ts'],
  ['telemetry.SelectorAnalyzer', 'telemetrySelector', 'telemetry.test.ts'],
  ['telemetry.DefaultSelectorAnalyzer', 'telemetryDefaultSelector', 'telemetry.test.ts'],
  ['telemetry.LightstepAnalyzer', 'Telemetry Lightstep', 'telemetry.test.ts'],
  ['k8sgateway.SelectorAnalyzer', 'KubernetesGatewaySelector', 'k8s-gateways.test.ts'],
  ['k8sgateway.CRDVersionAnalyzer', 'GatewayAPICRDVersionBelowMinimum', 'k8s-gateways.test.ts'],
  ['serviceentry.ProtocolAddressesAnalyzer', 'ServiceEntry Addresses Required Lowercase Protocol', 'service-entries.test.ts'],
  ['serviceentry.ProtocolAddressesAnalyzer', 'ServiceEntry Addresses Required Uppercase Protocol', 'service-entries.test.ts'],
  ['conditions.ConditionAnalyzer', 'Condition Analyzer', 'conditions.test.ts'],
  ['destinationrule.PodNotSelectedAnalyzer', 'DestinationRuleWithFakeHost', 'destination-rules.test.ts'],
  ['destinationrule.PodNotSelectedAnalyzer', 'DestinationRuleSubsetsNotSelectPods', 'destination-rules.test.ts'],
  ['destinationrule.PodNotSelectedAnalyzer', 'DestinationRuleSubsetsWithTopologyLabels', 'destination-rules.test.ts'],
  ['destinationrule.PodNotSelectedAnalyzer', 'DestinationRuleEmptyTopologyLabels', 'destination-rules.test.ts'],
  ['serviceentry.ProtocolAddressesAnalyzer', 'ServiceEntry Addresses Allocated', 'service-entries.test.ts'],
];

const LIVE_CLUSTER_ONLY = GRID.filter(([, , where]) => !where.endsWith('.test.ts'));
const MIRRORED = GRID.filter(([, , where]) => where.endsWith('.test.ts'));

test('the grid has every case of Istio 1.30.3', () => {
  expect(GRID).toHaveLength(100);
});

test.each(MIRRORED)('%s "%s" is mirrored in %s', (_analyzer, testCase, file) => {
  const text = fs.readFileSync(path.join(__dirname, file), 'utf8');
  expect(text).toContain(`mirrors "${testCase}"`);
});

test('only the analyzers that need a live cluster are left out', () => {
  expect([...new Set(LIVE_CLUSTER_ONLY.map(([analyzer]) => analyzer))].sort()).toEqual([
    'externalcontrolplane.ExternalControlPlaneAnalyzer', 'injection.ImageAnalyzer', 'injection.ImageAutoAnalyzer',
    'multicluster.MeshNetworksAnalyzer', 'webhook.Analyzer',
  ]);
  expect(MIRRORED).toHaveLength(87);
});
