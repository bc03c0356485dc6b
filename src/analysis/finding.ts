/** How serious an analysis finding is, as in `istioctl analyze`. */
export enum AnalysisLevel {
  /** The configuration does not work as written (synthesis fails, the CLI exits non-zero). */
  ERROR = 'Error',
  /** Probably a mistake. */
  WARNING = 'Warning',
  /** Worth knowing. */
  INFO = 'Info',
}

/** One finding of the analyzer. */
export interface AnalysisFinding {
  /** Istio's message code, e.g. `IST0101`, so that it can be searched for. */
  readonly code: string;
  /** How serious it is. */
  readonly level: AnalysisLevel;
  /** What is wrong and how to fix it. */
  readonly message: string;
  /** Kind of the object the finding is about. */
  readonly kind: string;
  /** Name of the object. */
  readonly name: string;
  /** Namespace of the object. */
  readonly namespace: string;
  /** Where the object comes from: a file path (CLI) or a construct path (synth). */
  readonly source: string;
}
