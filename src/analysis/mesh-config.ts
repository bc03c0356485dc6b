import { parse } from 'yaml';
import { Inventory } from './model';
import { isRecord } from '../validation/shape';

/** Name of the ConfigMap that holds the mesh config (in the root namespace), and its key. */
const MESH_CONFIG_MAP = 'istio';
const MESH_KEY = 'mesh';

/**
 * The mesh config the checks should read, or undefined when it is not known: the one the
 * settings carry (given explicitly), else the `mesh` key of an `istio` ConfigMap in the root
 * namespace among the analyzed objects. A `mesh` that is not a YAML mapping counts as unknown.
 */
export function meshConfigOf(inventory: Inventory, settings: { readonly meshConfig?: any; readonly rootNamespace: string }): any {
  if (settings.meshConfig !== undefined && settings.meshConfig !== null) return settings.meshConfig;
  const configMap = inventory.ofGroup('', 'ConfigMap').find((c) => c.name === MESH_CONFIG_MAP && c.namespace === settings.rootNamespace);
  const text = configMap?.manifest.data?.[MESH_KEY];
  if (typeof text !== 'string') return undefined;
  try {
    const mesh = parse(text);
    // Empty text is the default mesh config.
    if (mesh === null || mesh === undefined) return {};
    return isRecord(mesh) ? mesh : undefined;
  } catch {
    return undefined;
  }
}
