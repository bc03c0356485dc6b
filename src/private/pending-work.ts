import { IConstruct } from 'constructs';

/** Work that runs once, when a condition met elsewhere in the construct tree says so. */
export interface PendingItem {
  readonly apply: () => void;
  applied: boolean;
}

/**
 * Work recorded per App (construct root) for the cases where either side may be defined first:
 * each side records or looks for the other, and an item runs at most once.
 */
export class PendingWork<T extends PendingItem> {
  private readonly byRoot = new WeakMap<IConstruct, T[]>();

  /** The items recorded in the App of `scope`. */
  public of(scope: IConstruct): T[] {
    const root = scope.node.root;
    let list = this.byRoot.get(root);
    if (!list) this.byRoot.set(root, list = []);
    return list;
  }

  /** Records an item in the App of `scope`. */
  public add(scope: IConstruct, item: T): T {
    this.of(scope).push(item);
    return item;
  }

  /** Runs an item unless it ran already. */
  public run(item: T): void {
    if (item.applied) return;
    item.applied = true;
    item.apply();
  }
}
