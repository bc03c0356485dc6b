import { App, Chart, Testing } from 'cdk8s';
import { PeerAuthentication, PeerAuthenticationMode } from '../../src';
import { only, synthError, synthValid } from '../support/schema';

describe('PeerAuthentication', () => {
  test('defaults: STRICT for the whole namespace', () => {
    const chart = Testing.chart();
    new PeerAuthentication(chart, 'pa', { metadata: { name: 'default' } });
    const pa = only(synthValid(chart), 'PeerAuthentication');
    expect(pa.spec).toEqual({ mtls: { mode: 'STRICT' } });
    expect(pa).toMatchSnapshot();
  });

  test('mesh-wide: in the root namespace, named default', () => {
    const app = new App();
    const chart = new Chart(app, 'mesh');
    PeerAuthentication.forMesh(chart, 'mesh-mtls');
    const pa = only(synthValid(chart), 'PeerAuthentication');
    expect(pa.metadata).toEqual({ name: 'default', namespace: 'istio-system' });
    expect(pa.spec).toEqual({ mtls: { mode: 'STRICT' } });
  });

  test('a workload policy with per-port modes, sorted by port', () => {
    const chart = Testing.chart();
    new PeerAuthentication(chart, 'pa', {
      selector: { app: 'reviews' },
      mode: PeerAuthenticationMode.STRICT,
      portLevelMtls: [{ port: 9090, mode: PeerAuthenticationMode.DISABLE }, { port: 8080, mode: PeerAuthenticationMode.PERMISSIVE }],
    });
    const pa = only(synthValid(chart), 'PeerAuthentication');
    expect(pa.spec).toEqual({
      selector: { matchLabels: { app: 'reviews' } },
      mtls: { mode: 'STRICT' },
      portLevelMtls: { 8080: { mode: 'PERMISSIVE' }, 9090: { mode: 'DISABLE' } },
    });
    expect(Object.keys(pa.spec.portLevelMtls)).toEqual(['8080', '9090']);
  });

  // mirrors TestValidatePeerAuthentication "empty selector with port level mtls"
  test('port-level mTLS needs a selector', () => {
    const chart = Testing.chart();
    new PeerAuthentication(chart, 'pa', { portLevelMtls: [{ port: 8080, mode: PeerAuthenticationMode.DISABLE }] });
    expect(synthError(chart)).toContain("[test/pa] 'spec.portLevelMtls' ([\"8080\"]) is only allowed on a workload policy (one with selector labels)");
  });

  test('ports are port numbers', () => {
    expect(() => new PeerAuthentication(Testing.chart(), 'pa', { selector: { app: 'a' }, portLevelMtls: [{ port: 0, mode: PeerAuthenticationMode.DISABLE }] }))
      .toThrow("[test/pa] 'portLevelMtls.port' (0) must be a port number from 1 to 65535");
  });

  // mirrors validateWorkloadSelector (wildcards)
  test('selector labels without wildcards', () => {
    const chart = Testing.chart();
    new PeerAuthentication(chart, 'pa', { selector: { app: 'rev*' } });
    expect(synthError(chart)).toContain("[test/pa] 'spec.selector.matchLabels' (app=rev*) must not contain wildcards");
  });

  test('an empty selector is refused (Istio warns: it selects the whole namespace)', () => {
    const chart = Testing.chart();
    new PeerAuthentication(chart, 'pa', { selector: {} });
    expect(synthError(chart)).toContain("'spec.selector' ({}) has no labels, so it selects every workload of the namespace");
  });
});
