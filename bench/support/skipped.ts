/** A workload whose feature is not there (yet): reported as skipped, its keys left out of results.json. */
export class WorkloadSkipped extends Error {}
