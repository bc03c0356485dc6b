import { IConstruct } from 'constructs';

/**
 * Constructs of one kind in an App, recorded when they are created, so that cross-construct
 * lookups (the ResilientRoute for a host, the CanaryServices of the app) cost a list read
 * instead of a walk over the whole construct tree for every route: at fleet scale those walks
 * made synthesis quadratic.
 */
const byRoot = new WeakMap<IConstruct, Map<string, IConstruct[]>>();

/** Records `construct` as one of the `kind`s of its App. */
export function register(kind: string, construct: IConstruct): void {
  const root = construct.node.root;
  let kinds = byRoot.get(root);
  if (!kinds) byRoot.set(root, kinds = new Map());
  const list = kinds.get(kind);
  if (list) list.push(construct);
  else kinds.set(kind, [construct]);
}

/** The constructs recorded as `kind` in the App of `scope`, in creation order. */
export function registered<T extends IConstruct>(kind: string, scope: IConstruct): T[] {
  return (byRoot.get(scope.node.root)?.get(kind) ?? []) as T[];
}
