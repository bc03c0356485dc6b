// README example: PeerAuthentication. The tests check that the README shows this code and its YAML.
import { App, Chart } from 'cdk8s';
import { PeerAuthentication, PeerAuthenticationMode } from '../../src';

/** Builds the README's PeerAuthentication example into `app`. */
export function peerAuthenticationExample(app: App): Chart {
  const chart = new Chart(app, 'shop', { namespace: 'shop' });

  // STRICT mTLS for the whole mesh, except one legacy port of one workload.
  PeerAuthentication.forMesh(chart, 'mesh-mtls');
  new PeerAuthentication(chart, 'legacy-metrics', {
    metadata: { name: 'legacy-metrics' },
    selector: { app: 'legacy' },
    portLevelMtls: [{ port: 9102, mode: PeerAuthenticationMode.PERMISSIVE }],
  });
  return chart;
}
