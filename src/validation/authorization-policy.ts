import { conditionKeyProblem, conditionValueProblem, fieldValueProblem, MAX_SERVICE_ACCOUNTS } from './authorization-conditions';
import { Findings } from './findings';
import { checkPolicyTargets } from './policy-targets';
import { asList, asRecord, isRecord, textOf } from './shape';

// Istio 1.30.3's admission rules for AuthorizationPolicy (pkg/config/validation
// ValidateAuthorizationPolicy; the value rules are in ./authorization-conditions). A YAML list
// that is empty reaches the webhook as unset (protobuf JSON decoding), so `[]` counts as unset.

const ACTIONS = ['ALLOW', 'DENY', 'AUDIT', 'CUSTOM'];

/** Fields of `from.source`; the first ten also match plain TCP traffic. */
const SOURCE_FIELDS = ['principals', 'notPrincipals', 'namespaces', 'notNamespaces', 'ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks',
  'serviceAccounts', 'notServiceAccounts', 'requestPrincipals', 'notRequestPrincipals', 'trustDomains', 'notTrustDomains'];
const TCP_SOURCE_FIELDS = SOURCE_FIELDS.slice(0, 10);
/** Fields of `to.operation`; ports are the ones that match plain TCP traffic. */
const OPERATION_FIELDS = ['hosts', 'notHosts', 'ports', 'notPorts', 'methods', 'notMethods', 'paths', 'notPaths'];

/** Source fields an external authorizer (action CUSTOM) cannot match on: only IP blocks are supported. */
export const CUSTOM_UNSUPPORTED_SOURCE_FIELDS = SOURCE_FIELDS.filter((name) => !/ipBlocks$/i.test(name));

/** Whether action CUSTOM refuses a `when` key: the peer identity and request.auth.* are not supported. */
export function customUnsupportedKey(key: string): boolean {
  return ['source.namespace', 'source.serviceAccount', 'source.trustDomain', 'source.principal'].includes(key) || key.startsWith('request.auth.');
}


/** Whether a list field is set: Istio reads an empty list as unset. */
function isSet(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : value !== undefined && value !== null;
}

function checkValues(f: Findings, field: string, name: string, list: unknown): void {
  const values = asList(f, `${field}.${name}`, list);
  if (/serviceAccounts$/i.test(name) && values.length > MAX_SERVICE_ACCOUNTS) {
    f.error(`${field}.${name}`, values, `must have at most ${MAX_SERVICE_ACCOUNTS} entries`, 'split the rule, or match by namespaces or principals');
  }
  values.forEach((value, j) => {
    const problem = fieldValueProblem(name, value);
    if (problem) f.error(`${field}.${name}[${j}]`, value, problem, typeof value === 'string' ? 'fix or remove the value' : 'quote it');
  });
}

/** `from[i].source`; returns whether it matches plain TCP traffic too. */
function checkSource(f: Findings, field: string, source: Record<string, any>, custom: boolean): boolean {
  if (!SOURCE_FIELDS.some((name) => isSet(source[name]))) {
    f.error(field, source, 'must set at least one field', 'name the principals, namespaces or IP blocks to match, or remove this source');
  }
  const identities = ['principals', 'notPrincipals', 'namespaces', 'notNamespaces'].filter((name) => isSet(source[name]));
  const accounts = ['serviceAccounts', 'notServiceAccounts'].filter((name) => isSet(source[name]));
  if (identities.length > 0 && accounts.length > 0) {
    f.error(`${field}.${accounts[0]}`, source[accounts[0]], `must not be set together with ${identities.join(', ')}`, 'use serviceAccounts alone, or principals and namespaces');
  }
  for (const name of SOURCE_FIELDS) {
    checkValues(f, field, name, source[name]);
    if (custom && CUSTOM_UNSUPPORTED_SOURCE_FIELDS.includes(name) && isSet(source[name])) {
      f.error(`${field}.${name}`, source[name], 'is not supported with action CUSTOM', 'match on IP blocks, or on the request in to and when');
    }
  }
  return TCP_SOURCE_FIELDS.some((name) => isSet(source[name]));
}

/** `to[i].operation`; returns whether it names ports (matches plain TCP traffic). */
function checkOperation(f: Findings, field: string, operation: Record<string, any>): boolean {
  if (!OPERATION_FIELDS.some((name) => isSet(operation[name]))) {
    f.error(field, operation, 'must set at least one field', 'name the hosts, ports, methods or paths to match, or remove this operation');
  }
  for (const name of OPERATION_FIELDS) checkValues(f, field, name, operation[name]);
  return isSet(operation.ports) || isSet(operation.notPorts);
}

function checkCondition(f: Findings, field: string, condition: unknown, custom: boolean): void {
  if (!isRecord(condition)) {
    f.error(field, condition, 'must be a condition with a key and values', 'write e.g. {key: source.ip, values: [10.0.0.0/8]}');
    return;
  }
  const key = condition.key;
  if (key === undefined || key === null || key === '') {
    f.error(`${field}.key`, key, key === '' ? 'must not be empty' : 'must be set', 'name the attribute to match, e.g. request.headers[x-user]');
    return;
  }
  if (custom && typeof key === 'string' && customUnsupportedKey(key)) {
    f.error(`${field}.key`, key, 'is not supported with action CUSTOM', 'match on source.ip, request.headers or destination attributes instead');
  }
  if (!isSet(condition.values) && !isSet(condition.notValues)) {
    f.error(field, condition, 'must set values or notValues', 'list the values to match');
    return;
  }
  const keyProblem = conditionKeyProblem(key);
  if (keyProblem) f.error(`${field}.key`, key, keyProblem, 'use one of the supported attributes, e.g. source.ip, request.headers[<name>], request.auth.claims[<claim>]');
  for (const list of ['values', 'notValues']) {
    const values = asList(f, `${field}.${list}`, condition[list]);
    if (key === 'source.serviceAccount' && values.length > MAX_SERVICE_ACCOUNTS) {
      f.error(`${field}.${list}`, values, `must have at most ${MAX_SERVICE_ACCOUNTS} entries`, 'split the condition over several rules');
    }
    values.forEach((value, j) => {
      const problem = conditionValueProblem(textOf(key), value);
      if (problem) f.error(`${field}.${list}[${j}]`, value, problem, typeof value === 'string' ? 'fix or remove the value' : 'quote it');
    });
  }
}

/** Each item of `rule.from` or `rule.to`: present, with its `source` / `operation` object. Returns the usable inner objects. */
function innerObjects(f: Findings, field: string, list: unknown, inner: 'source' | 'operation'): Array<[string, Record<string, any>]> {
  const found: Array<[string, Record<string, any>]> = [];
  asList(f, field, list).forEach((item, j) => {
    const itemField = `${field}[${j}]`;
    if (!isRecord(item) || item[inner] === undefined || item[inner] === null) {
      const article = inner === 'operation' ? 'an' : 'a';
      f.error(isRecord(item) ? `${itemField}.${inner}` : itemField, item, `must have ${article} ${inner}`, `give the ${inner} to match, or remove this entry`);
    } else if (asRecord(f, `${itemField}.${inner}`, item[inner])) {
      found.push([`${itemField}.${inner}`, item[inner]]);
    }
  });
  return found;
}

function checkRule(f: Findings, field: string, rule: unknown, action: string): void {
  if (!isRecord(rule)) {
    f.error(field, rule, 'must be an object', 'write the rule as a YAML mapping; {} matches every request');
    return;
  }
  const custom = action === 'CUSTOM';
  const sources = innerObjects(f, `${field}.from`, rule.from, 'source');
  const operations = innerObjects(f, `${field}.to`, rule.to, 'operation');
  const tcpFrom = sources.map(([at, source]) => checkSource(f, at, source, custom)).some((tcp) => tcp);
  const tcpTo = operations.map(([at, operation]) => checkOperation(f, at, operation)).some((tcp) => tcp);
  asList(f, `${field}.when`, rule.when).forEach((condition, k) => checkCondition(f, `${field}.when[${k}]`, condition, custom));
  if (action === 'DENY' && ((sources.length > 0 && operations.length === 0 && !tcpFrom) || (operations.length > 0 && !tcpTo))) {
    f.warning(field, rule, 'matches only HTTP attributes in a DENY rule, so it denies all traffic to the plain TCP ports the policy covers',
      'add to.operation.ports with the HTTP ports the rule is meant for');
  }
}

/** The action and its provider: CUSTOM needs rules and a provider name, the others take no provider. */
function checkAction(f: Findings, spec: Record<string, any>): string {
  const action = spec.action ?? 'ALLOW';
  if (!ACTIONS.includes(action)) {
    f.error('spec.action', action, `must be one of ${ACTIONS.join(', ')}`, 'use ALLOW, DENY, AUDIT or CUSTOM');
    return action;
  }
  const provider = spec.provider;
  const hasProvider = provider !== undefined && provider !== null;
  if (hasProvider && action !== 'CUSTOM') {
    f.error('spec.provider', provider, `must only be set with action CUSTOM (the action is ${action})`, 'remove the provider, or set action: CUSTOM');
  }
  if ((action === 'CUSTOM' || action === 'DENY') && !isSet(spec.rules)) {
    f.error('spec.rules', spec.rules, `must be set with action ${action}: without rules the policy never triggers`,
      'add the rules to match, or an empty rule {} to match every request');
  } else if (action === 'CUSTOM' && (!isRecord(provider) || typeof provider.name !== 'string' || provider.name === '')) {
    f.error('spec.provider.name', isRecord(provider) ? provider.name : provider, 'must name the extension provider with action CUSTOM',
      'give the name of an extensionProviders entry of the mesh config');
  }
  return action;
}

/** Istio's admission rules for an AuthorizationPolicy spec (security.istio.io/v1). */
export function validateAuthorizationPolicySpec(spec: any): Findings {
  const f = new Findings();
  if (!isRecord(spec)) {
    if (spec !== undefined && spec !== null) f.error('spec', spec, 'must be an object', 'write the spec as a YAML mapping');
    return f;
  }
  checkPolicyTargets(f, spec);
  const action = checkAction(f, spec);
  asList(f, 'spec.rules', spec.rules).forEach((rule, i) => checkRule(f, `spec.rules[${i}]`, rule, action));
  return f;
}
