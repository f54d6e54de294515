// How users name a run, to the local Broker, the remote client and every store alike; storage/runRef.ts
// parses it, catalog/RunAlias.ts reads aliases.

/**
 * How users name a run: a full uid or a unique uid prefix (at least 5 characters); a positive number is a
 * scan_id (the newest run with it wins); a negative number -N is the N-th most recent run by start time.
 * Text with a `/` is an alias, `beamline/proposal/beamtime/scan_id|latest|-N` (catalog/RunAlias.ts): brokers
 * resolve it, stores do not (they know no beamtimes).
 */
export type RunRef = string | number | { uid: string } | { scan_id: number } | { recent: number };
