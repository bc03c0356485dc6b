import { checkExportTo, checkLabels, checkPort } from './common';
import { Findings } from './findings';
import { isJwtClaimHeader } from './http';
import { checkGatewayNames, checkHttpRoute, checkRouteDestinations } from './http-route';
import { hostCoveredBy, hostsOverlap, isIpAddress, subnetProblem, wildcardDomainProblem } from './names';
import { checkReachability } from './route-reachability';

const MESH = 'mesh';

const list = (value: unknown): any[] => (Array.isArray(value) ? value : []);

/**
 * Why a host of a VirtualService is invalid, or undefined. On a gateway, hosts matched by SNI may
 * also take the form Envoy gives auto-passthrough clusters: `outbound_.<port>_.<subset>_.<host>`.
 */
function hostProblem(host: string, sniOnGateway: boolean): string | undefined {
  if (sniOnGateway && host.startsWith('outbound_') && host.length <= 255) {
    const parts = host.split('_');
    if (parts.length < 4) return 'must follow the form outbound_.<port>_.<subset>_.<host>';
    const port = parts[1].replace(/^\.+|\.+$/g, '');
    const name = parts[3].replace(/^\.+|\.+$/g, '');
    if (parts[0] !== 'outbound' || !/[0-9]/.test(port) || !/[a-zA-Z]/.test(name)) {
      return 'must follow the form outbound_.<port>_.<subset>_.<host>';
    }
    return undefined;
  }
  return wildcardDomainProblem(host);
}

function checkL4Match(f: Findings, field: string, match: any): void {
  list(match.destinationSubnets).forEach((subnet: unknown, i: number) => {
    const problem = subnetProblem(String(subnet));
    if (problem) f.error(`${field}.destinationSubnets[${i}]`, subnet, problem, 'fix the subnet');
  });
  // Port 0 means any port.
  if (match.port !== 0) checkPort(f, `${field}.port`, match.port);
  checkLabels(f, `${field}.sourceLabels`, match.sourceLabels);
  checkGatewayNames(f, `${field}.gateways`, match.gateways);
}

function checkTlsRoute(f: Findings, field: string, tls: any, hosts: string[], onGateway: boolean): void {
  const matches = list(tls.match);
  if (matches.length === 0) {
    f.error(`${field}.match`, tls.match, 'must have at least one match', 'match on the SNI host(s) of the connection');
  }
  matches.forEach((match: any, i: number) => {
    const mfield = `${field}.match[${i}]`;
    if (!match || typeof match !== 'object') {
      f.error(mfield, match, 'must not be null', 'remove the empty match');
      return;
    }
    const sniHosts = list(match.sniHosts);
    if (sniHosts.length === 0) {
      f.error(`${mfield}.sniHosts`, match.sniHosts, 'must list at least one SNI host', 'add the host name clients connect to');
    }
    for (const item of sniHosts) {
      const sni = String(item);
      const problem = hostProblem(sni, onGateway);
      if (problem) {
        if (isIpAddress(sni)) {
          f.warning(`${mfield}.sniHosts`, sni, 'is an IP address, which goes against the SNI spec and most clients do not send', 'match on a host name');
        } else {
          f.error(`${mfield}.sniHosts`, sni, problem, 'fix the host name');
        }
      } else if (!hosts.some((h) => hostCoveredBy(sni, h))) {
        f.error(`${mfield}.sniHosts`, sni, `must be covered by one of the VirtualService hosts (${hosts.join(', ')})`,
          'add the host to the VirtualService hosts, or fix the SNI host');
      }
    }
    checkL4Match(f, mfield, match);
  });
  if (list(tls.route).length === 0) f.error(`${field}.route`, tls.route, 'is required', 'add a destination');
  checkRouteDestinations(f, `${field}.route`, tls.route);
}

function checkTcpRoute(f: Findings, field: string, tcp: any): void {
  list(tcp.match).forEach((match: any, i: number) => {
    if (!match || typeof match !== 'object') f.error(`${field}.match[${i}]`, match, 'must not be null', 'remove the empty match');
    else checkL4Match(f, `${field}.match[${i}]`, match);
  });
  if (list(tcp.route).length === 0) f.error(`${field}.route`, tcp.route, 'is required', 'add a destination');
  checkRouteDestinations(f, `${field}.route`, tcp.route);
}

function checkJwtClaimRoutes(f: Findings, http: any[]): void {
  http.forEach((rule: any, i: number) => list(rule?.match).forEach((m: any, j: number) => {
    for (const key of ['headers', 'withoutHeaders']) {
      for (const name of Object.keys(m?.[key] && typeof m[key] === 'object' ? m[key] : {})) {
        if (isJwtClaimHeader(name)) {
          f.error(`spec.http[${i}].match[${j}].${key}`, name, 'routes on a JWT claim, which works only on a gateway', 'bind the VirtualService to a Gateway (not the mesh)');
        }
      }
    }
  }));
}

function checkHosts(f: Findings, hosts: string[], appliesToGateway: boolean, sni: boolean): void {
  let hostsValid = true;
  hosts.forEach((host, i) => {
    const problem = hostProblem(host, appliesToGateway && sni);
    if (problem && !isIpAddress(host)) {
      f.error(`spec.hosts[${i}]`, host, problem, 'use a DNS name such as "reviews" or "bookinfo.example.com"');
      hostsValid = false;
    } else if (!problem && !appliesToGateway && host === '*') {
      f.error(`spec.hosts[${i}]`, host, 'must not be "*" on a VirtualService bound to the mesh', 'name the hosts, or bind the VirtualService to a Gateway');
      hostsValid = false;
    }
  });
  if (!hostsValid) return;
  for (let i = 0; i < hosts.length; i++) {
    for (let j = i + 1; j < hosts.length; j++) {
      if (hostsOverlap(hosts[i], hosts[j])) {
        f.error('spec.hosts', `${hosts[i]} & ${hosts[j]}`, 'must not overlap (duplicate hosts)', 'remove one of them');
      }
    }
  }
}

/** Istio's admission rules for a VirtualService spec (networking.istio.io/v1), as emitted YAML. */
export function validateVirtualServiceSpec(spec: any, namespace?: string): Findings {
  const f = new Findings();
  spec = spec && typeof spec === 'object' ? spec : {};
  const hosts: string[] = list(spec.hosts).map(String);
  const gateways: string[] = list(spec.gateways).map(String);
  const http = list(spec.http);
  const tls = list(spec.tls);
  const tcp = list(spec.tcp);
  const delegate = hosts.length === 0;
  if (delegate) {
    if (gateways.length > 0) f.error('spec.gateways', gateways, 'must be empty in a delegate VirtualService (one without hosts)', 'bind the root VirtualService to the gateways instead');
    if (tls.length) f.error('spec.tls', tls.length, 'must be empty in a delegate VirtualService (one without hosts)', 'give the VirtualService hosts');
    if (tcp.length) f.error('spec.tcp', tcp.length, 'must be empty in a delegate VirtualService (one without hosts)', 'give the VirtualService hosts');
  }
  checkGatewayNames(f, 'spec.gateways', gateways);
  // Bound to gateways only when some are listed and "mesh" is not one of them.
  const noMesh = !gateways.includes(MESH);
  const appliesToGateway = gateways.length > 0 && noMesh;
  if (!appliesToGateway) checkJwtClaimRoutes(f, http);
  const sni = tls.some((route: any) => list(route?.match).some((m: any) => list(m?.sniHosts).length > 0));
  checkHosts(f, hosts, appliesToGateway, sni);

  if (!http.length && !tcp.length && !tls.length) {
    f.error('spec', 'no routes', 'must have http, tcp or tls routes', 'add a route with addHttpRoute(), addTcpRoute() or addTlsRoute()');
  }
  http.forEach((rule: any, i: number) => {
    if (!rule || typeof rule !== 'object') f.error(`spec.http[${i}]`, rule, 'must not be null', 'remove the empty rule');
    else checkHttpRoute(f, `spec.http[${i}]`, rule, delegate);
  });
  // SNI hosts are checked in the gateway form unless the VirtualService is bound to the mesh.
  tls.forEach((rule: any, i: number) => rule && typeof rule === 'object' && checkTlsRoute(f, `spec.tls[${i}]`, rule, hosts, noMesh));
  tcp.forEach((rule: any, i: number) => rule && typeof rule === 'object' && checkTcpRoute(f, `spec.tcp[${i}]`, rule));
  checkExportTo(f, 'spec.exportTo', Array.isArray(spec.exportTo) ? spec.exportTo : undefined, namespace, false);
  checkReachability(f, 'http', http);
  checkReachability(f, 'tcp', tcp);
  checkReachability(f, 'tls', tls);
  return f;
}
