/**
 * A gateway a VirtualService can bind to: a `Gateway` construct, `Gateway.MESH` (the sidecars of
 * the mesh), or a gateway defined elsewhere (`Gateway.fromGatewayName()`).
 */
export interface IGateway {
  /** The name a VirtualService uses to reference the gateway: `mesh`, `name` or `namespace/name`. */
  readonly gatewayName: string;
}
