import { IConstruct } from 'constructs';
import { show } from '../validation/findings';

/**
 * Throws a props error in the house shape, prefixed with the construct path like cdk8s's own
 * validation errors: `[path] '<prop>' (<value>) <rule>; <fix>`.
 */
export function invalid(scope: IConstruct, field: string, value: unknown, rule: string, fix: string): never {
  throw new Error(`[${scope.node.path}] '${field}' (${show(value)}) ${rule}; ${fix}`);
}

/** Records a warning on the construct (metadata `cdk8s-istio:warning`) and prints it. */
export function warn(scope: IConstruct, message: string): void {
  scope.node.addMetadata('cdk8s-istio:warning', message);
  console.warn(`[WARNING] [${scope.node.path}] ${message}`);
}

/** Throws unless `port` is a TCP port number, 1-65535. */
export function checkPort(scope: IConstruct, field: string, port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) invalid(scope, field, port, 'must be a port number from 1 to 65535', 'give the TCP port');
}
