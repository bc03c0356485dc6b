import { Duration } from 'cdk8s';

/** gRPC status codes, for aborting gRPC requests with fault injection. */
export enum GrpcStatus {
  /** Not an error. */
  OK = 'OK',
  /** The operation was cancelled. */
  CANCELLED = 'CANCELLED',
  /** Unknown error. */
  UNKNOWN = 'UNKNOWN',
  /** The client gave an invalid argument. */
  INVALID_ARGUMENT = 'INVALID_ARGUMENT',
  /** The deadline expired. */
  DEADLINE_EXCEEDED = 'DEADLINE_EXCEEDED',
  /** An entity was not found. */
  NOT_FOUND = 'NOT_FOUND',
  /** The entity already exists. */
  ALREADY_EXISTS = 'ALREADY_EXISTS',
  /** The caller may not do this. */
  PERMISSION_DENIED = 'PERMISSION_DENIED',
  /** A resource ran out. */
  RESOURCE_EXHAUSTED = 'RESOURCE_EXHAUSTED',
  /** The system is not in a state for this operation. */
  FAILED_PRECONDITION = 'FAILED_PRECONDITION',
  /** The operation was aborted. */
  ABORTED = 'ABORTED',
  /** Out of the valid range. */
  OUT_OF_RANGE = 'OUT_OF_RANGE',
  /** Not implemented. */
  UNIMPLEMENTED = 'UNIMPLEMENTED',
  /** Internal error. */
  INTERNAL = 'INTERNAL',
  /** The service is unavailable. */
  UNAVAILABLE = 'UNAVAILABLE',
  /** Unrecoverable data loss. */
  DATA_LOSS = 'DATA_LOSS',
  /** The caller is not authenticated. */
  UNAUTHENTICATED = 'UNAUTHENTICATED',
}

/** Delays a share of requests before forwarding them. */
export interface FaultDelay {
  /** How long to delay each affected request (at least 1ms, whole milliseconds). */
  readonly fixedDelay: Duration;

  /**
   * Share of requests to delay, in percent (0, or 0.0001 to 100).
   *
   * @default 100
   */
  readonly percentage?: number;
}

/** Aborts a share of requests with an error, without forwarding them. */
export interface FaultAbort {
  /**
   * HTTP status to answer with (200-599). Give exactly one of `httpStatus` and `grpcStatus`.
   *
   * @default - none; `grpcStatus` must be set
   */
  readonly httpStatus?: number;

  /**
   * gRPC status to answer with.
   *
   * @default - none; `httpStatus` must be set
   */
  readonly grpcStatus?: GrpcStatus;

  /**
   * Share of requests to abort, in percent (0, or 0.0001 to 100).
   *
   * @default 100
   */
  readonly percentage?: number;
}

/**
 * Fault injection for chaos testing. Note that Istio disables retries and timeouts on a route
 * that injects faults.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPFaultInjection
 */
export interface FaultInjection {
  /**
   * Delay requests.
   *
   * @default - no delay
   */
  readonly delay?: FaultDelay;

  /**
   * Abort requests.
   *
   * @default - no abort
   */
  readonly abort?: FaultAbort;
}
