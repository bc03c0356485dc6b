import { Duration } from 'cdk8s';
import { StringMatch } from './string-match';

/** HTTP methods. */
export enum HttpMethod {
  /** GET */
  GET = 'GET',
  /** HEAD */
  HEAD = 'HEAD',
  /** POST */
  POST = 'POST',
  /** PUT */
  PUT = 'PUT',
  /** PATCH */
  PATCH = 'PATCH',
  /** DELETE */
  DELETE = 'DELETE',
  /** CONNECT */
  CONNECT = 'CONNECT',
  /** OPTIONS */
  OPTIONS = 'OPTIONS',
  /** TRACE */
  TRACE = 'TRACE',
}

/** What to do with CORS preflight requests whose origin matches no allowed origin. */
export enum UnmatchedPreflights {
  /** Forward them to the upstream. */
  FORWARD = 'FORWARD',
  /** Answer them without CORS headers and do not forward them. */
  IGNORE = 'IGNORE',
}

/**
 * Cross-origin resource sharing (CORS) for an HTTP route.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#CorsPolicy
 */
export interface CorsPolicy {
  /** Origins allowed to make cross-origin requests. */
  readonly allowOrigins: StringMatch[];

  /**
   * Methods allowed (`Access-Control-Allow-Methods`).
   *
   * @default - none listed
   */
  readonly allowMethods?: HttpMethod[];

  /**
   * Request headers allowed (`Access-Control-Allow-Headers`); `*` allows all.
   *
   * @default - none listed
   */
  readonly allowHeaders?: string[];

  /**
   * Response headers browsers may read (`Access-Control-Expose-Headers`).
   *
   * @default - none listed
   */
  readonly exposeHeaders?: string[];

  /**
   * How long browsers may cache the preflight result (whole seconds).
   *
   * @default - not sent
   */
  readonly maxAge?: Duration;

  /**
   * Whether requests may carry credentials (`Access-Control-Allow-Credentials`).
   *
   * @default false
   */
  readonly allowCredentials?: boolean;

  /**
   * What to do with preflight requests from origins that are not allowed.
   *
   * @default UnmatchedPreflights.FORWARD
   */
  readonly unmatchedPreflights?: UnmatchedPreflights;
}
