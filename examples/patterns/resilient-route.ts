// README example: ResilientRoute. The tests check that the README shows this code and its YAML.
import { App, Chart, Duration } from 'cdk8s';
import { ResilientRoute, RetryOn } from '../../src';

/** Builds the README's ResilientRoute example into `app`. */
export function resilientRouteExample(app: App): Chart {
  const chart = new Chart(app, 'shop', { namespace: 'shop' });

  new ResilientRoute(chart, 'ratings', {
    host: 'ratings',
    timeout: Duration.seconds(6),
    retries: { attempts: 2, perTryTimeout: Duration.seconds(2), retryOn: [RetryOn.GATEWAY_ERROR] },
    connectionPool: { http: { http1MaxPendingRequests: 32 } },
    outlierDetection: { consecutive5xxErrors: 5, baseEjectionTime: Duration.seconds(30) },
  });
  return chart;
}
