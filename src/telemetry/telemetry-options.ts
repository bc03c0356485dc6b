import { Duration } from 'cdk8s';

/** Which traffic of a workload's proxy a setting applies to (Istio's `WorkloadMode`). */
export enum TelemetryMode {
  /** Both the requests the workload sends and those it receives. */
  CLIENT_AND_SERVER = 'CLIENT_AND_SERVER',
  /** The requests the workload sends (its proxy as the client, outbound). */
  CLIENT = 'CLIENT',
  /** The requests the workload receives (its proxy as the server, inbound). */
  SERVER = 'SERVER',
}

/** Istio's standard metrics (their Prometheus names in parentheses). */
export enum IstioMetric {
  /** Every standard metric. */
  ALL_METRICS = 'ALL_METRICS',
  /** Requests (`istio_requests_total`). */
  REQUEST_COUNT = 'REQUEST_COUNT',
  /** Request durations (`istio_request_duration_milliseconds`). */
  REQUEST_DURATION = 'REQUEST_DURATION',
  /** Request body sizes (`istio_request_bytes`). */
  REQUEST_SIZE = 'REQUEST_SIZE',
  /** Response body sizes (`istio_response_bytes`). */
  RESPONSE_SIZE = 'RESPONSE_SIZE',
  /** TCP connections opened (`istio_tcp_connections_opened_total`). */
  TCP_OPENED_CONNECTIONS = 'TCP_OPENED_CONNECTIONS',
  /** TCP connections closed (`istio_tcp_connections_closed_total`). */
  TCP_CLOSED_CONNECTIONS = 'TCP_CLOSED_CONNECTIONS',
  /** Bytes sent over TCP (`istio_tcp_sent_bytes_total`). */
  TCP_SENT_BYTES = 'TCP_SENT_BYTES',
  /** Bytes received over TCP (`istio_tcp_received_bytes_total`). */
  TCP_RECEIVED_BYTES = 'TCP_RECEIVED_BYTES',
  /** gRPC request messages (`istio_request_messages_total`). */
  GRPC_REQUEST_MESSAGES = 'GRPC_REQUEST_MESSAGES',
  /** gRPC response messages (`istio_response_messages_total`). */
  GRPC_RESPONSE_MESSAGES = 'GRPC_RESPONSE_MESSAGES',
}

/** Where the value of a custom tag added to trace spans comes from. */
export class TraceTag {
  /** The same value on every span. */
  public static literal(value: string): TraceTag {
    return new TraceTag('literal', 'value', value);
  }

  /** The value of a request header, or `defaultValue` when the request does not have it. */
  public static fromRequestHeader(name: string, defaultValue?: string): TraceTag {
    return new TraceTag('header', 'name', name, defaultValue);
  }

  /** The value of an environment variable of the proxy, or `defaultValue` when it is not set. */
  public static fromEnvironment(name: string, defaultValue?: string): TraceTag {
    return new TraceTag('environment', 'name', name, defaultValue);
  }

  /**
   * An Envoy access-log format string, e.g. `%UPSTREAM_CLUSTER%` (unknown specifiers become
   * empty).
   */
  public static fromFormatter(format: string): TraceTag {
    return new TraceTag('formatter', 'value', format);
  }

  private constructor(
    private readonly kind: string,
    private readonly key: string,
    private readonly text: string,
    private readonly defaultValue?: string,
  ) {}

  /**
   * The field (relative to the tag) and value that must not be empty.
   *
   * @internal
   */
  public get _required(): { field: string; value: string } {
    return { field: `${this.kind}.${this.key}`, value: this.text };
  }

  /** @internal */
  public _toIstio(): { [kind: string]: { [key: string]: string } } {
    const body: { [key: string]: string } = { [this.key]: this.text };
    if (this.defaultValue !== undefined) body.defaultValue = this.defaultValue;
    return { [this.kind]: body };
  }
}

/** A change to one tag (Prometheus label) of the selected metrics. */
export class TagOverride {
  /**
   * Sets the tag, adding it if the metric does not have it, to the value of a CEL expression
   * over the request's attributes, e.g. `request.host` or `'constant'`.
   */
  public static upsert(expression: string): TagOverride {
    return new TagOverride('UPSERT', expression);
  }

  /** Removes the tag from the metric. */
  public static remove(): TagOverride {
    return new TagOverride('REMOVE');
  }

  private constructor(
    /** UPSERT or REMOVE. */
    public readonly operation: string,
    /** The CEL expression of an UPSERT. */
    public readonly value?: string,
  ) {}

  /** @internal */
  public _toIstio(): { operation: string; value?: string } {
    return this.value === undefined ? { operation: this.operation } : { operation: this.operation, value: this.value };
  }
}

/** Tracing settings of a Telemetry. Unset fields are inherited from the parent Telemetry (namespace, then mesh). */
export interface TracingOptions {
  /**
   * The tracing provider: the name of an `extensionProviders` entry of the mesh config (e.g. a
   * zipkin or opentelemetry provider). Istio traces to one provider per tracing entry. When no
   * provider applies (none here, in a parent Telemetry or in the mesh config's
   * `defaultProviders.tracing`), Istio turns tracing off.
   *
   * @default - inherited: the parent Telemetry's, else the mesh config's `defaultProviders.tracing`
   */
  readonly provider?: string;

  /**
   * The percentage of requests to trace (0 to 100, in steps of 0.01) when no upstream sampling
   * decision was made.
   *
   * @default - inherited: the parent Telemetry's, else the mesh config's `defaultConfig.tracing.sampling`, else 1%
   */
  readonly randomSamplingPercentage?: number;

  /**
   * Tags to add to every span, by tag name. They replace the parent Telemetry's tags.
   *
   * @default - none (the parent Telemetry's)
   */
  readonly customTags?: { [name: string]: TraceTag };

  /**
   * Whether to stop reporting spans (context propagation and sampling go on).
   *
   * @default - inherited (spans are reported)
   */
  readonly disableSpanReporting?: boolean;

  /**
   * Whether Envoy samples by the request ID it generated at the edge (turn off when the first
   * proxy's request IDs are not Envoy's, or traces break).
   *
   * @default - inherited (true)
   */
  readonly useRequestIdForTraceSampling?: boolean;

  /**
   * Whether spans carry Istio's own tags (`istio.canonical_service`, ...).
   *
   * @default - inherited (true)
   */
  readonly enableIstioTags?: boolean;

  /**
   * Whether to stop forwarding trace context headers (`traceparent`, `x-b3-*`), e.g. on an
   * egress gateway so that trace IDs do not leave the mesh.
   *
   * @default - inherited (false: context is propagated)
   */
  readonly disableContextPropagation?: boolean;

  /**
   * Which traffic the settings apply to.
   *
   * @default TelemetryMode.CLIENT_AND_SERVER
   */
  readonly mode?: TelemetryMode;
}

/** One access logging entry of a Telemetry. */
export interface AccessLoggingOptions {
  /**
   * The access log providers: names of `extensionProviders` entries of the mesh config. Give
   * `[]` for the providers Istio lets the entry inherit: those of the entry before it, or for a
   * first entry the parent Telemetry's, else the mesh config's `defaultProviders.accessLogging`
   * (Istio's default mesh config has none, and then the entry logs nothing: IST0157 reports it
   * when the App's `IstioAnalyzer` is given the mesh config).
   *
   * @default - `['envoy']` (the provider every Istio mesh config defines: the proxy's standard output) for an
   * entry that logs; none for a disabled entry, which then turns off the providers inherited from the parent Telemetry
   */
  readonly providers?: string[];

  /**
   * A CEL condition on the request, response or connection attributes: only what it matches
   * is logged, e.g. `response.code >= 400`. Checked as Istio's webhook parses it.
   *
   * @default - everything is logged
   */
  readonly filter?: string;

  /**
   * Whether the entry turns access logging off for its providers.
   *
   * @default false
   */
  readonly disabled?: boolean;

  /**
   * Which traffic the entry applies to.
   *
   * @default TelemetryMode.CLIENT_AND_SERVER
   */
  readonly mode?: TelemetryMode;
}

/** Which metrics an override applies to. */
export interface MetricSelection {
  /**
   * A standard metric. Give either this or `customMetric`.
   *
   * @default IstioMetric.ALL_METRICS (unless `customMetric` is given)
   */
  readonly metric?: IstioMetric;

  /**
   * A custom metric, by name.
   *
   * @default - none: `metric` selects
   */
  readonly customMetric?: string;

  /**
   * Which traffic's metrics.
   *
   * @default TelemetryMode.CLIENT_AND_SERVER
   */
  readonly mode?: TelemetryMode;
}

/** An override of the metrics a Telemetry's providers generate. Later overrides win. */
export interface MetricsOverride extends MetricSelection {
  /**
   * Whether the selected metrics are turned off (`false` turns back on what a parent Telemetry
   * turned off).
   *
   * @default - inherited (the metrics are generated)
   */
  readonly disabled?: boolean;

  /**
   * Changes to the tags (Prometheus labels) of the selected metrics, by tag name.
   *
   * @default - none
   */
  readonly tagOverrides?: { [tag: string]: TagOverride };
}

/**
 * The metrics settings of a Telemetry. A Telemetry has one metrics entry: Istio applies only the
 * providers of the last entry that names some, so several entries with different providers
 * would silently drop all but the last.
 */
export interface MetricsOptions {
  /**
   * The metrics providers: names of `extensionProviders` entries of the mesh config (e.g.
   * `prometheus`).
   *
   * @default - inherited: the parent Telemetry's, else the mesh config's `defaultProviders.metrics` (Istio's installation sets prometheus)
   */
  readonly providers?: string[];

  /**
   * Overrides, applied in order (later ones win): put the broad ones first.
   *
   * @default - none
   */
  readonly overrides?: MetricsOverride[];

  /**
   * How often long-lived (TCP) connections report their metrics; at least 1ms.
   *
   * @default - inherited (Istio's default: 5 seconds)
   */
  readonly reportingInterval?: Duration;
}
