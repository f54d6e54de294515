// How users name a run, to the local Broker, the remote client and every store alike; storage/runRef.ts
// parses it.

/**
 * How users name a run: a full uid or a unique uid prefix (at least 5 characters); a positive number is a
 * scan_id (the newest run with it wins); a negative number -N is the N-th most recent run by start time.
 */
export type RunRef = string | number | { uid: string } | { scan_id: number } | { recent: number };
