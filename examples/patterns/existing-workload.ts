// README example: a CanaryService over a workload made with cdk8s-plus-33 (what `cdk8s init`
// brings). The tests check that the README shows this code and what it synthesizes.
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-33';
import { CanaryService } from '../../src';

/** Builds the README's existing-workload example into `app`. */
export function existingWorkloadExample(app: App): Chart {
  const chart = new Chart(app, 'shop', { namespace: 'shop' });

  const legacy = new kplus.Deployment(chart, 'legacy', {
    metadata: { name: 'reviews-v1' },
    containers: [{ image: 'example/reviews:1.0', portNumber: 8080 }],
  });
  new CanaryService(chart, 'reviews', {
    versions: [
      { name: 'v1', deployment: legacy }, // labelled app=reviews, version=v1
      { name: 'v2', image: 'example/reviews:2.0', weight: 10 },
    ],
  });
  // The Service targets 8080, the port the existing container declares.
  return chart;
}
