import { Testing } from 'cdk8s';
import { OutboundTrafficPolicyMode, Protocol, Sidecar, SidecarProps } from '../src';
import { only, synthError, synthValid } from './support/schema';

describe('Sidecar', () => {
  test('egress scoped to the own namespace and istio-system, registry only', () => {
    const chart = Testing.chart();
    new Sidecar(chart, 'default', {
      egress: [{ hosts: ['./*', 'istio-system/*'] }],
      outboundTrafficPolicy: OutboundTrafficPolicyMode.REGISTRY_ONLY,
    });
    const manifests = synthValid(chart);
    expect(only(manifests, 'Sidecar').spec).toEqual({
      egress: [{ hosts: ['./*', 'istio-system/*'] }],
      outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
    });
    expect(manifests).toMatchSnapshot();
  });

  test('per-port listener for selected workloads', () => {
    const chart = Testing.chart();
    new Sidecar(chart, 'ratings', {
      workloadSelector: { app: 'ratings' },
      egress: [{ port: 3306, protocol: Protocol.MYSQL, hosts: ['db/mysql.db.svc.cluster.local'] }, { hosts: ['./*'] }],
    });
    const spec = only(synthValid(chart), 'Sidecar').spec;
    expect(spec.workloadSelector).toEqual({ labels: { app: 'ratings' } });
    expect(spec.egress[0].port).toEqual({ number: 3306, protocol: 'MYSQL', name: 'mysql-3306' });
  });
});

describe('Sidecar validation', () => {
  function sidecarError(props: SidecarProps): string {
    const chart = Testing.chart();
    new Sidecar(chart, 'sc', props);
    return synthError(chart);
  }

  test('an empty Sidecar is rejected', () => {
    expect(sidecarError({})).toContain("[test/sc] 'spec' ({}) must configure egress, ingress, outboundTrafficPolicy or inboundConnectionPool");
  });

  test('egress hosts must be namespace/host', () => {
    expect(sidecarError({ egress: [{ hosts: ['reviews.prod.svc.cluster.local'] }] })).toContain("'spec.egress[0].hosts[0]' (reviews.prod.svc.cluster.local) must be of the form \"<namespace>/<host>\"");
  });

  test('egress listeners need hosts', () => {
    expect(sidecarError({ egress: [{ hosts: [] }] })).toContain("'spec.egress[0].hosts' ([]) must list at least one host");
  });

  test('only the last egress listener may have no port', () => {
    expect(sidecarError({ egress: [{ hosts: ['./*'] }, { port: 80, hosts: ['./*'] }] })).toContain('must be last: only the last egress listener may have no port');
  });

  test('egress ports must be unique', () => {
    expect(sidecarError({ egress: [{ port: 80, hosts: ['./*'] }, { port: 80, hosts: ['istio-system/*'] }] })).toContain("'spec.egress[1].port.number' (80) must be unique");
  });

  test('wildcard selector labels are rejected', () => {
    expect(sidecarError({ workloadSelector: { app: '*' }, egress: [{ hosts: ['./*'] }] })).toContain('must not contain wildcards');
  });
});
