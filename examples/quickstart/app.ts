// The README's example, kept here so that the tests synthesize it and check the README's YAML.
import { App, Chart, Duration } from 'cdk8s';
import { Destination, DestinationRule, RetryOn, StringMatch, VirtualService } from '../../src';

/** Builds the README example into `app`. */
export function quickstart(app: App): Chart {
  const chart = new Chart(app, 'bookinfo', { namespace: 'bookinfo' });

  const reviews = new DestinationRule(chart, 'reviews-versions', { host: 'reviews' });
  const v1 = reviews.addSubset({ name: 'v1', labels: { version: 'v1' } });
  const v2 = reviews.addSubset({ name: 'v2', labels: { version: 'v2' } });

  new VirtualService(chart, 'reviews', { hosts: ['reviews'] })
    .addHttpRoute({
      match: [{ headers: { 'x-dark-launch': StringMatch.exact('v2') } }],
      destinations: [{ destination: Destination.toSubset(v2) }],
    })
    .addHttpRoute({
      destinations: [
        { destination: Destination.toSubset(v1), weight: 90 },
        { destination: Destination.toSubset(v2), weight: 10 },
      ],
      timeout: Duration.seconds(10),
      retries: { attempts: 3, perTryTimeout: Duration.seconds(2), retryOn: [RetryOn.GATEWAY_ERROR] },
    });
  return chart;
}
