// README example: EnvoyFilter. The tests check that the README shows this code and its YAML.
import { App, Chart } from 'cdk8s';
import { EnvoyFilter, EnvoyFilterApplyTo, EnvoyFilterContext, EnvoyFilterOperation } from '../../src';

/** Builds the README's EnvoyFilter example into `app`. */
export function envoyFilterExample(app: App): Chart {
  const chart = new Chart(app, 'shop', { namespace: 'shop' });

  // A Lua filter just before the router of the reviews sidecars' inbound HTTP traffic: ordered
  // by a priority, and pinned to the Istio version whose filter names it was written against.
  new EnvoyFilter(chart, 'reviews-lua', {
    metadata: { name: 'reviews-lua' },
    workloadSelector: { app: 'reviews' },
    priority: 10,
    proxyVersion: '^1\\.30\\.',
    configPatches: [{
      applyTo: EnvoyFilterApplyTo.HTTP_FILTER,
      match: {
        context: EnvoyFilterContext.SIDECAR_INBOUND,
        listener: {
          filterChain: {
            filter: { name: 'envoy.filters.network.http_connection_manager', subFilter: { name: 'envoy.filters.http.router' } },
          },
        },
      },
      patch: {
        operation: EnvoyFilterOperation.INSERT_BEFORE,
        value: {
          name: 'shop.reviews-lua',
          typed_config: {
            '@type': 'type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua',
            defaultSourceCode: { inlineString: 'function envoy_on_response(h) h:headers():add("x-served-by", "reviews") end' },
          },
        },
      },
    }],
  });
  return chart;
}
