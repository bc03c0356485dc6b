// README example: AuthorizationPolicy. The tests check that the README shows this code and its YAML.
import { App, Chart } from 'cdk8s';
import { AuthorizationAction, AuthorizationPolicy, ConditionKey } from '../../src';

/** Builds the README's AuthorizationPolicy example into `app`. */
export function authorizationPolicyExample(app: App): Chart {
  const chart = new Chart(app, 'shop', { namespace: 'shop' });

  // Deny by default in the namespace; then allow reads of ratings from reviews only.
  AuthorizationPolicy.allowNothing(chart, 'default-deny', { metadata: { name: 'allow-nothing' } });
  new AuthorizationPolicy(chart, 'ratings-readers', {
    metadata: { name: 'ratings-readers' },
    selector: { app: 'ratings' },
    rules: [{
      from: [{ principals: ['cluster.local/ns/shop/sa/reviews'] }],
      to: [{ methods: ['GET'], paths: ['/ratings/*'] }],
    }],
  });
  // Block one tenant everywhere in the namespace, whatever is allowed.
  new AuthorizationPolicy(chart, 'block-tenant', {
    metadata: { name: 'block-tenant' },
    action: AuthorizationAction.DENY,
    rules: [{ when: [{ key: ConditionKey.requestHeader('x-tenant'), values: ['blocked'] }], to: [{ ports: [9080] }] }],
  });
  return chart;
}
