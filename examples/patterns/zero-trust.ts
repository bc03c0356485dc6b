// README example: zero-trust namespaces and grants. The tests check that the README shows this code and its YAML.
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { CanaryService, MeshNamespace } from '../../src';

/** Builds the README's zero-trust example into `app`. */
export function zeroTrustExample(app: App): Chart {
  const chart = new Chart(app, 'shop', { namespace: 'shop' });

  // Enrolled in the mesh, STRICT mTLS, deny-by-default.
  new MeshNamespace(chart, 'namespace', { name: 'shop' });

  const reviews = new CanaryService(chart, 'reviews', {
    port: 9080,
    versions: [{ name: 'v1', image: 'example/reviews:1' }, { name: 'v2', image: 'example/reviews:2', weight: 10 }],
  });
  // A caller in another namespace, named by object, not by a hand-typed principal.
  const web = new Chart(app, 'web', { namespace: 'web' });
  const frontend = new kplus.Deployment(web, 'frontend', {
    metadata: { name: 'frontend' },
    serviceAccount: new kplus.ServiceAccount(web, 'frontend-sa', { metadata: { name: 'frontend' } }),
    containers: [{ image: 'example/frontend:1', portNumber: 8080 }],
  });
  reviews.allowFrom(frontend, { methods: ['GET'] });
  // Prometheus (the istio-system addon) scrapes the metrics.
  reviews.allowFromNamespace('istio-system', { paths: ['/metrics'] });
  return chart;
}
