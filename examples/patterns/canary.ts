// README example: CanaryService. The tests check that the README shows this code and its YAML.
import { App, Chart } from 'cdk8s';
import { CanaryService, StringMatch } from '../../src';

/** Builds the README's CanaryService example into `app`. */
export function canaryExample(app: App): Chart {
  const chart = new Chart(app, 'shop', { namespace: 'shop' });

  new CanaryService(chart, 'reviews', {
    port: 9080,
    versions: [
      { name: 'v1', image: 'example/reviews:1.0' },
      { name: 'v2', image: 'example/reviews:2.0', weight: 10 },
    ],
    matchRoutes: [{ version: 'v2', headers: { 'x-dark-launch': StringMatch.exact('v2') } }],
  });
  return chart;
}
