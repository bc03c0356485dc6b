/** Protocols of Gateway server ports and ServiceEntry ports. */
export enum Protocol {
  /** HTTP/1.1, or HTTP/2 with prior knowledge. */
  HTTP = 'HTTP',
  /** HTTP over TLS, terminated by the gateway. */
  HTTPS = 'HTTPS',
  /** HTTP/2. */
  HTTP2 = 'HTTP2',
  /** gRPC. */
  GRPC = 'GRPC',
  /** gRPC-Web. */
  GRPC_WEB = 'GRPC-WEB',
  /** TLS, routed by SNI (terminated or passed through). */
  TLS = 'TLS',
  /** Opaque TCP. */
  TCP = 'TCP',
  /** MongoDB. */
  MONGO = 'MONGO',
  /** Redis. */
  REDIS = 'REDIS',
  /** MySQL. */
  MYSQL = 'MYSQL',
}
