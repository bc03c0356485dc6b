import { AnalysisFinding, AnalysisLevel } from './finding';
import { Entry, Inventory } from './model';

/** What a check gets: the objects, and a way to report. */
export class AnalysisContext {
  public constructor(
    public readonly inventory: Inventory,
    /** Namespace holding mesh-wide policy (PeerAuthentication). */
    public readonly rootNamespace: string,
    private readonly out: AnalysisFinding[] = [],
  ) {}

  /** The same reporting over other objects. */
  public over(inventory: Inventory): AnalysisContext {
    return new AnalysisContext(inventory, this.rootNamespace, this.out);
  }

  /** Reports a finding about `entry`. */
  public report(entry: Entry, code: string, level: AnalysisLevel, message: string): void {
    this.out.push({ code, level, message, kind: entry.kind, name: entry.name, namespace: entry.namespace, source: entry.source });
  }

  /** Everything reported, errors first, then in report order. */
  public get findings(): AnalysisFinding[] {
    const order = [AnalysisLevel.ERROR, AnalysisLevel.WARNING, AnalysisLevel.INFO];
    return [...this.out].sort((a, b) => order.indexOf(a.level) - order.indexOf(b.level));
  }
}

/** A destination in a VirtualService, with the field it sits in. */
export interface RouteDestination {
  readonly field: string;
  readonly destination: any;
  readonly mirror: boolean;
}

/** Every route and mirror destination of a VirtualService spec. */
export function routeDestinations(spec: any): RouteDestination[] {
  const out: RouteDestination[] = [];
  for (const kind of ['http', 'tcp', 'tls']) {
    (spec[kind] ?? []).forEach((rule: any, i: number) => {
      (rule?.route ?? []).forEach((r: any, j: number) => {
        if (r?.destination) out.push({ field: `spec.${kind}[${i}].route[${j}].destination`, destination: r.destination, mirror: false });
      });
      if (rule?.mirror) out.push({ field: `spec.${kind}[${i}].mirror`, destination: rule.mirror, mirror: true });
      (rule?.mirrors ?? []).forEach((m: any, j: number) => {
        if (m?.destination) out.push({ field: `spec.${kind}[${i}].mirrors[${j}].destination`, destination: m.destination, mirror: true });
      });
    });
  }
  return out;
}
