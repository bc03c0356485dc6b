// README example: ambient mode with a waypoint for L7 policy. The tests check that the README shows this code and its YAML.
import { App, Chart } from 'cdk8s';
import { AuthorizationPolicy, DataplaneMode, MeshNamespace, Waypoint } from '../../src';

/** Builds the README's ambient example into `app`. */
export function ambientExample(app: App): Chart {
  const chart = new Chart(app, 'shop', { namespace: 'shop' });

  // Ambient: no sidecars; ztunnel secures the connections (L4).
  const namespace = new MeshNamespace(chart, 'namespace', { name: 'shop', dataplane: DataplaneMode.ambient(), denyByDefault: false });
  // The namespace's waypoint: the L7 proxy its Services' traffic goes through.
  const waypoint = new Waypoint(chart, 'waypoint', { enrolNamespace: namespace });

  // HTTP rules attach to the waypoint (ztunnel cannot read HTTP: CKI0014).
  new AuthorizationPolicy(chart, 'read-only', {
    metadata: { name: 'read-only' },
    targetRefs: [waypoint.policyTarget()],
    rules: [{ to: [{ methods: ['GET', 'HEAD'] }] }],
  });
  return chart;
}
