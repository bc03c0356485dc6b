import { checkSelectorLabels } from './common';
import { Findings } from './findings';
import { isRecord } from './shape';

// Istio 1.30.3's admission rules for PeerAuthentication (pkg/config/validation
// ValidatePeerAuthentication and validateWorkloadSelector).

/** Istio's admission rules for a PeerAuthentication spec. */
export function validatePeerAuthenticationSpec(spec: any): Findings {
  const f = new Findings();
  if (!isRecord(spec)) return f;
  const selector = spec.selector;
  const matchLabels = isRecord(selector) && isRecord(selector.matchLabels) ? selector.matchLabels : undefined;
  if (isRecord(selector)) {
    checkSelectorLabels(f, 'spec.selector.matchLabels', matchLabels);
    if (!matchLabels || Object.keys(matchLabels).length === 0) {
      f.warning('spec.selector', selector, 'has no labels, so it selects every workload of the namespace', 'give the labels of the workloads, or remove the selector');
    }
  }
  const portLevel = spec.portLevelMtls;
  if (portLevel !== undefined && portLevel !== null) {
    if (!isRecord(portLevel)) {
      f.error('spec.portLevelMtls', portLevel, 'must be a map from port numbers to mTLS settings', 'write it as a YAML mapping, e.g. {8080: {mode: DISABLE}}');
      return f;
    }
    const ports = Object.keys(portLevel);
    if (ports.length === 0) f.error('spec.portLevelMtls', portLevel, 'must have at least one port when it is set', 'add a port, or remove portLevelMtls');
    if (ports.length > 0 && (!matchLabels || Object.keys(matchLabels).length === 0)) {
      f.error('spec.portLevelMtls', ports, 'is only allowed on a workload policy (one with selector labels): a mesh or namespace policy cannot have port-level mTLS',
        'add a selector with the labels of the workloads that listen on these ports');
    }
    for (const port of ports) {
      const number = Number(port);
      if (!/^\d+$/.test(port) || number < 1 || number > 65535) {
        f.error(`spec.portLevelMtls.${port}`, port, 'must be a port number from 1 to 65535', 'give the container port the setting applies to');
      }
    }
  }
  return f;
}
