/** Changes to the headers of a request or a response. */
export interface HeaderOperations {
  /**
   * Headers to set, replacing existing values.
   *
   * @default - none
   */
  readonly set?: { [name: string]: string };

  /**
   * Headers to append.
   *
   * @default - none
   */
  readonly add?: { [name: string]: string };

  /**
   * Headers to remove.
   *
   * @default - none
   */
  readonly remove?: string[];
}

/**
 * Header manipulation for requests sent upstream and responses sent back.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#Headers
 */
export interface Headers {
  /**
   * Changes to the request before it is forwarded.
   *
   * @default - unchanged
   */
  readonly request?: HeaderOperations;

  /**
   * Changes to the response before it is returned.
   *
   * @default - unchanged
   */
  readonly response?: HeaderOperations;
}
