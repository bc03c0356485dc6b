/** The identity of a workload in the mesh: the service account its pods run as. */
export interface WorkloadIdentity {
  /** Namespace of the service account (the workload's namespace). */
  readonly namespace: string;

  /** Name of the service account. */
  readonly serviceAccount: string;
}
