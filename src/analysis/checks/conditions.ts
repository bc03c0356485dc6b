import { isRecord } from '../../validation/shape';
import { AnalysisContext } from '../context';
import { AnalysisLevel } from '../finding';
import { Entry } from '../model';

const GATEWAY_API = 'gateway.networking.k8s.io';
const ROUTE_CONDITIONS = ['Accepted', 'Programmed', 'ResolvedRefs'];

/** The kinds whose status Istio's ConditionAnalyzer reads, with the condition types it reports when their status is "False". */
const NEGATIVE_WHEN_FALSE: Array<{ group: string; kind: string; types: string[]; perParent?: boolean }> = [
  { group: '', kind: 'Service', types: ['istio.io/WaypointBound'] },
  { group: 'networking.istio.io', kind: 'ServiceEntry', types: ['istio.io/WaypointBound'] },
  { group: 'networking.istio.io', kind: 'WorkloadEntry', types: ['istio.io/WaypointBound'] },
  { group: 'security.istio.io', kind: 'AuthorizationPolicy', types: ['ZtunnelAccepted', 'WaypointAccepted'] },
  { group: GATEWAY_API, kind: 'Gateway', types: ROUTE_CONDITIONS },
  { group: GATEWAY_API, kind: 'HTTPRoute', types: ROUTE_CONDITIONS, perParent: true },
  { group: GATEWAY_API, kind: 'GRPCRoute', types: ROUTE_CONDITIONS, perParent: true },
];

/** The status conditions of an object: `status.conditions`, or those of every `status.parents[]` for routes. */
function conditionsOf(entry: Entry, perParent: boolean): any[] {
  const status = entry.manifest.status;
  if (!isRecord(status)) return [];
  const lists = perParent ? (Array.isArray(status.parents) ? status.parents : []).map((p: any) => p?.conditions) : [status.conditions];
  return lists.flatMap((list: unknown) => (Array.isArray(list) ? list.filter(isRecord) : []));
}

/**
 * IST0171 (NegativeConditionStatus), as Istio's conditions.ConditionAnalyzer: an object's status,
 * as written by Istio in the cluster it was read from, holds a condition that says it does not
 * work: `istio.io/WaypointBound` False on a Service, ServiceEntry or WorkloadEntry;
 * `ZtunnelAccepted` or `WaypointAccepted` False (or `WaypointAccepted` with reason
 * `PartiallyInvalid`) on an AuthorizationPolicy; `Accepted`, `Programmed` or `ResolvedRefs` False
 * on a Gateway API Gateway, or on a parent of an HTTPRoute or GRPCRoute. Other conditions (other
 * controllers', e.g. Argo CD's) are not read.
 */
export function checkNegativeConditions(ctx: AnalysisContext): void {
  for (const { group, kind, types, perParent } of NEGATIVE_WHEN_FALSE) {
    for (const entry of ctx.inventory.ofGroup(group, kind)) {
      for (const condition of conditionsOf(entry, perParent ?? false)) {
        const negative = types.includes(condition.type) && condition.status === 'False';
        // Istio reports a partly invalid waypoint policy although its status is "True", and again if it is "False".
        const partlyInvalid = kind === 'AuthorizationPolicy' && condition.type === 'WaypointAccepted' && condition.reason === 'PartiallyInvalid';
        const times = (negative ? 1 : 0) + (partlyInvalid ? 1 : 0);
        for (let i = 0; i < times; i++) {
          ctx.report(entry, 'IST0171', AnalysisLevel.WARNING, 'A condition with a negative status is present: '
            + `type=${condition.type ?? ''}, reason=${condition.reason ?? ''}, message=${condition.message ?? ''}; `
            + 'Istio wrote this status in the cluster the object was read from: fix what the condition\'s message says');
        }
      }
    }
  }
}
