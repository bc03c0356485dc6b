import { RE2JS } from 're2js';
import { Findings } from './findings';
import { asList, isRecord, textOf } from './shape';

// Istio 1.30.3's admission rules for EnvoyFilter (pkg/config/validation/envoyfilter
// validateEnvoyFilter, with ValidateAlphaWorkloadSelector and what it calls in pkg/config/xds).
//
// Left out, and why:
// - the warning Istio's webhook adds to every EnvoyFilter ("exposes internal implementation
//   details"): it says nothing about the object, and the constructs refuse warnings;
// - most of the conversion of `patch.value` into the Envoy message `applyTo` names
//   (BuildXDSObjectFromStruct): without Envoy's protos, only what can be told without them is
//   checked: the type of `name`, `@type` URLs of Envoy APIs that Istio no longer knows (v2 and
//   other non-v3 versions), typed configs without a type, and filters without typed_config at
//   the top of the value (and in a transport socket). Unknown fields (a warning in Istio),
//   field types other than `name`, v3 type names that do not exist, and frozen (deprecated)
//   type URLs are not checked.

/** The filter names Istio's webhook warns about, with the name to use instead (pkg/config/xds). */
const DEPRECATED_FILTER_NAMES: { [deprecated: string]: string } = {
  'envoy.buffer': 'envoy.filters.http.buffer',
  'envoy.cors': 'envoy.filters.http.cors',
  'envoy.csrf': 'envoy.filters.http.csrf',
  'envoy.http_dynamo_filter': 'envoy.filters.http.dynamo',
  'envoy.ext_authz': 'envoy.filters.http.ext_authz or envoy.filters.network.ext_authz',
  'envoy.fault': 'envoy.filters.http.fault',
  'envoy.grpc_http1_bridge': 'envoy.filters.http.grpc_http1_bridge',
  'envoy.grpc_json_transcoder': 'envoy.filters.http.grpc_json_transcoder',
  'envoy.grpc_web': 'envoy.filters.http.grpc_web',
  'envoy.gzip': 'envoy.filters.http.gzip',
  'envoy.health_check': 'envoy.filters.http.health_check',
  'envoy.ip_tagging': 'envoy.filters.http.ip_tagging',
  'envoy.lua': 'envoy.filters.http.lua',
  'envoy.rate_limit': 'envoy.filters.http.ratelimit',
  'envoy.router': 'envoy.filters.http.router',
  'envoy.squash': 'envoy.filters.http.squash',
  'envoy.listener.http_inspector': 'envoy.filters.listener.http_inspector',
  'envoy.listener.original_dst': 'envoy.filters.listener.original_dst',
  'envoy.listener.original_src': 'envoy.filters.listener.original_src',
  'envoy.listener.proxy_protocol': 'envoy.filters.listener.proxy_protocol',
  'envoy.listener.tls_inspector': 'envoy.filters.listener.tls_inspector',
  'envoy.client_ssl_auth': 'envoy.filters.network.client_ssl_auth',
  'envoy.http_connection_manager': 'envoy.filters.network.http_connection_manager',
  'envoy.mongo_proxy': 'envoy.filters.network.mongo_proxy',
  'envoy.ratelimit': 'envoy.filters.network.ratelimit',
  'envoy.redis_proxy': 'envoy.filters.network.redis_proxy',
  'envoy.tcp_proxy': 'envoy.filters.network.tcp_proxy',
};

const HTTP_CONNECTION_MANAGER = 'envoy.filters.network.http_connection_manager';

/** The applyTo values whose match selects a listener (and a filter chain, filter, sub-filter). */
const LISTENER_OBJECTS = new Set(['LISTENER', 'FILTER_CHAIN', 'NETWORK_FILTER', 'HTTP_FILTER']);
/** The applyTo values whose match selects a route configuration. */
const ROUTE_OBJECTS = new Set(['ROUTE_CONFIGURATION', 'VIRTUAL_HOST', 'HTTP_ROUTE']);
/** Every applyTo Istio converts the value for. */
const OBJECT_TYPES = new Set([...LISTENER_OBJECTS, ...ROUTE_OBJECTS, 'CLUSTER', 'EXTENSION_CONFIG', 'BOOTSTRAP', 'LISTENER_FILTER']);
/** The objects that carry their configuration in `typed_config` (or, for filters, `config_discovery`). */
const TYPED_OBJECTS = new Set(['HTTP_FILTER', 'NETWORK_FILTER', 'LISTENER_FILTER', 'EXTENSION_CONFIG']);
/** The objects with a singular `transport_socket`, whose configuration is in `typed_config`. */
const WITH_TRANSPORT_SOCKET = new Set(['CLUSTER', 'FILTER_CHAIN']);

/** Istio's admission rules for an EnvoyFilter spec. */
export function validateEnvoyFilterSpec(spec: any): Findings {
  const f = new Findings();
  if (!isRecord(spec)) return f;
  checkWorkloadSelector(f, spec.workloadSelector);
  asList(f, 'spec.configPatches', spec.configPatches).forEach((cp, i) => checkConfigPatch(f, `spec.configPatches[${i}]`, cp));
  return f;
}

/** ValidateAlphaWorkloadSelector: no empty keys, no wildcards; no labels selects every workload (a warning). */
function checkWorkloadSelector(f: Findings, selector: unknown): void {
  if (selector === undefined || selector === null) return;
  if (!isRecord(selector)) {
    f.error('spec.workloadSelector', selector, 'must be a mapping with labels', 'write workloadSelector: {labels: {app: web}}');
    return;
  }
  const labels = isRecord(selector.labels) ? selector.labels : {};
  for (const [key, value] of Object.entries(labels)) {
    if (key === '') f.error('spec.workloadSelector.labels', `=${textOf(value)}`, 'must not have an empty key', 'name the label');
    if (key.includes('*') || textOf(value).includes('*')) {
      f.error('spec.workloadSelector.labels', `${key}=${textOf(value)}`, 'must not contain wildcards', 'select workloads by exact label values');
    }
  }
  if (Object.keys(labels).length === 0) {
    f.warning('spec.workloadSelector', selector, 'has no labels, so the EnvoyFilter applies to every workload of the namespace',
      'give the labels of the workloads, or remove workloadSelector');
  }
}

/** Whether a field is set (protobuf JSON reads null as unset). */
function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function checkConfigPatch(f: Findings, field: string, cp: unknown): void {
  if (!isSet(cp)) {
    f.error(field, cp, 'must not be null', 'remove the empty entry from configPatches');
    return;
  }
  if (!isRecord(cp)) {
    f.error(field, cp, 'must be a mapping with applyTo, match and patch', 'write the patch as a YAML mapping');
    return;
  }
  const match = isRecord(cp.match) ? cp.match : undefined;
  // Istio does not validate waypoint patches yet.
  if (match?.context === 'WAYPOINT') return;
  const applyTo = textOf(cp.applyTo);
  if (applyTo === '' || applyTo === 'INVALID') {
    f.error(`${field}.applyTo`, cp.applyTo, 'is required', 'say what the patch applies to, e.g. HTTP_FILTER or CLUSTER');
    return;
  }
  const patch = cp.patch;
  if (!isRecord(patch)) {
    f.error(`${field}.patch`, patch, 'is required', 'give the operation and, except for REMOVE, the value');
    return;
  }
  const operation = textOf(patch.operation);
  if (operation === '' || operation === 'INVALID') {
    f.error(`${field}.patch.operation`, patch.operation, 'is required', 'give one of MERGE, ADD, REMOVE, INSERT_BEFORE, INSERT_AFTER, INSERT_FIRST, REPLACE');
    return;
  }
  if (operation !== 'REMOVE' && !isSet(patch.value)) {
    f.error(`${field}.patch.value`, patch.value, `is required for ${operation} (only REMOVE takes no value)`, 'give the Envoy configuration to apply');
    return;
  }
  const proxyVersion = isRecord(match?.proxy) ? match.proxy.proxyVersion : undefined;
  if (typeof proxyVersion === 'string' && proxyVersion !== '') {
    try {
      RE2JS.compile(proxyVersion);
    } catch (e) {
      f.error(`${field}.match.proxy.proxyVersion`, proxyVersion, `must be an RE2 regular expression (${(e as Error).message})`,
        "write e.g. '^1\\.30\\.' (no lookarounds or backreferences)");
      return;
    }
  }
  if (!checkMatchFitsApplyTo(f, field, applyTo, match)) return;
  if (isSet(patch.value)) checkValue(f, `${field}.patch.value`, applyTo, patch.value);
}

/** Whether the match has an object type (listener, routeConfiguration, cluster, waypoint). */
function matchedObject(match: Record<string, any> | undefined): boolean {
  return !!match && ['listener', 'routeConfiguration', 'cluster', 'waypoint'].some((k) => isSet(match[k]));
}

/**
 * The match selects the kind of object applyTo names, and its filter and sub-filter matches
 * are usable. Returns false where Istio stops checking the patch.
 */
function checkMatchFitsApplyTo(f: Findings, field: string, applyTo: string, match: Record<string, any> | undefined): boolean {
  if (!matchedObject(match)) return true;
  if (ROUTE_OBJECTS.has(applyTo) && !isSet(match!.routeConfiguration)) {
    f.error(`${field}.match`, Object.keys(match!), `must match a routeConfiguration for applyTo ${applyTo}`, 'match the route configuration (and vhost) to patch');
  }
  if (applyTo === 'CLUSTER' && !isSet(match!.cluster)) {
    f.error(`${field}.match`, Object.keys(match!), 'must match a cluster for applyTo CLUSTER', 'match the cluster to patch');
  }
  if (!LISTENER_OBJECTS.has(applyTo)) return true;
  const listener = match!.listener;
  if (!isRecord(listener)) {
    f.error(`${field}.match`, Object.keys(match!), `must match a listener for applyTo ${applyTo}`, 'match the listener (and filter chain) to patch');
    return false;
  }
  const filter = isRecord(listener.filterChain) ? listener.filterChain.filter : undefined;
  if (!isSet(filter)) return true;
  const where = `${field}.match.listener.filterChain.filter`;
  if (applyTo === 'LISTENER' || applyTo === 'FILTER_CHAIN') {
    f.warning(where, filter, `has no effect with applyTo ${applyTo}`, 'remove the filter match, or patch the NETWORK_FILTER or HTTP_FILTER');
  }
  const name = isRecord(filter) ? textOf(filter.name) : '';
  if (name === '') {
    f.error(`${where}.name`, isRecord(filter) ? filter.name : filter, 'must be set: a filter match matches by name', `name the network filter, e.g. ${HTTP_CONNECTION_MANAGER}`);
    return false;
  }
  const subFilter = filter.subFilter;
  if (isSet(subFilter)) {
    if (applyTo !== 'HTTP_FILTER') {
      f.error(`${where}.subFilter`, subFilter, `is only for applyTo HTTP_FILTER, not ${applyTo}`, 'remove the subFilter match, or patch the HTTP_FILTER');
      return false;
    }
    if (name !== HTTP_CONNECTION_MANAGER && name !== 'envoy.http_connection_manager') {
      f.error(`${where}.name`, name, `must be ${HTTP_CONNECTION_MANAGER} with a subFilter match: HTTP filters are inside the HTTP connection manager`,
        `match the filter ${HTTP_CONNECTION_MANAGER}`);
      return false;
    }
    if (!isRecord(subFilter) || textOf(subFilter.name) === '') {
      f.error(`${where}.subFilter.name`, isRecord(subFilter) ? subFilter.name : subFilter, 'must be set: a subFilter match matches by name',
        'name the HTTP filter, e.g. envoy.filters.http.router');
      return false;
    }
  }
  checkFilterName(f, `${where}.name`, name);
  if (isRecord(subFilter)) checkFilterName(f, `${where}.subFilter.name`, textOf(subFilter.name));
  return true;
}

function checkFilterName(f: Findings, field: string, name: string): void {
  const canonical = DEPRECATED_FILTER_NAMES[name];
  if (canonical) f.warning(field, name, 'is a deprecated filter name, which Istio\'s generated filters no longer use', `use ${canonical}`);
}

/**
 * The value, as far as it can be checked without Envoy's protos (see the top of the file):
 * errors as Istio's conversion refuses the value; warnings only when there are none.
 */
function checkValue(f: Findings, field: string, applyTo: string, value: unknown): void {
  if (!OBJECT_TYPES.has(applyTo)) return;
  if (!isRecord(value)) {
    f.error(field, value, 'must be a mapping (the fields of the Envoy object)', 'write the value as a YAML mapping');
    return;
  }
  const errors = new Findings();
  if (applyTo !== 'BOOTSTRAP' && isSet(value.name) && typeof value.name !== 'string') {
    errors.error(`${field}.name`, value.name, 'must be a string (the name of the Envoy object)', 'quote the name');
  }
  checkTypedConfigs(errors, field, value, 0);
  f.merge(errors);
  if (errors.count > 0) return;
  if (TYPED_OBJECTS.has(applyTo) && !hasTypedConfig(value, applyTo !== 'EXTENSION_CONFIG')) {
    f.warning(field, value, `configures ${textOf(value.name) || 'the filter'} by name without typed_config, which Envoy deprecates`,
      "give typed_config with the filter's '@type'");
  }
  if (WITH_TRANSPORT_SOCKET.has(applyTo)) {
    for (const key of ['transport_socket', 'transportSocket']) {
      const socket = value[key];
      if (isRecord(socket) && !hasTypedConfig(socket, false)) {
        f.warning(`${field}.${key}`, socket, `configures ${textOf(socket.name) || 'the transport socket'} by name without typed_config, which Envoy deprecates`,
          "give typed_config with the transport socket's '@type'");
      }
    }
  }
}

function hasTypedConfig(value: Record<string, any>, discovery: boolean): boolean {
  const keys = discovery ? ['typed_config', 'typedConfig', 'config_discovery', 'configDiscovery'] : ['typed_config', 'typedConfig'];
  return keys.some((k) => isSet(value[k]));
}

/** Deep enough for any Envoy configuration; deeper YAML is not walked. */
const MAX_DEPTH = 64;

/** Every `@type` in the value names a type Istio knows; every typed config names its type. */
function checkTypedConfigs(f: Findings, field: string, value: unknown, depth: number): void {
  if (depth > MAX_DEPTH) return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkTypedConfigs(f, `${field}[${i}]`, item, depth + 1));
    return;
  }
  if (!isRecord(value)) return;
  if ('@type' in value) {
    const url = value['@type'];
    if (typeof url !== 'string') {
      f.error(`${field}.@type`, url, 'must be a string: the type URL', "write e.g. 'type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua'");
    } else {
      const problem = typeUrlProblem(url);
      if (problem) f.error(`${field}.@type`, url, problem.rule, problem.fix);
    }
  }
  for (const [key, child] of Object.entries(value)) {
    if ((key === 'typed_config' || key === 'typedConfig') && isRecord(child) && !('@type' in child)) {
      f.error(`${field}.${key}`, child, "must name its type in '@type' (Istio cannot read a typed config without one, even an empty one)",
        "add '@type', e.g. 'type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua'");
    }
    checkTypedConfigs(f, `${field}.${key}`, child, depth + 1);
  }
}

/**
 * A type URL Istio cannot resolve: an Envoy type of another API version than v3 (Istio
 * registers only Envoy's v3 and v3alpha packages). Types outside Envoy's packages are not judged.
 */
function typeUrlProblem(url: string): { rule: string; fix: string } | undefined {
  const name = url.slice(url.lastIndexOf('/') + 1);
  if (name === '') return { rule: 'must name a type', fix: "write e.g. 'type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua'" };
  if (!name.startsWith('envoy.')) return undefined;
  const version = name.split('.').find((segment) => /^v\d+((alpha|beta)\d*)?$/.test(segment));
  if (version === undefined || /^v3(alpha\d*)?$/.test(version)) return undefined;
  return {
    rule: `is a type Istio does not know: Envoy's ${version} API${version === 'v2' ? ' was removed' : ' is not registered'}`,
    fix: 'use the v3 xDS API type (e.g. envoy.extensions.filters.network.ext_authz.v3.ExtAuthz for envoy.config.filter.network.ext_authz.v2.ExtAuthz)',
  };
}
