// The runs one principal may read, looked up by uid: what the provenance checks (may the writer read each
// input?), the redaction (may the reader?) and the lineage walk ask. Judged by the access policy's
// per-run rule, never by a search's narrowing, so an input outside a search is not called hidden. Without
// a policy (no memberships) every stored run is readable.
import type { AccessPolicy } from "../access/AccessPolicy.ts";
import type { Principal } from "../access/Principal.ts";
import { andQuery } from "../broker/andQuery.ts";
import type { DocumentPair, RunStart } from "../documents/types.ts";
import { derivedFromQuery } from "../queries/kinds/derivedFrom.ts";
import { ALL, type Query } from "../queries/Query.ts";
import type { Store } from "../storage/Store.ts";
import { inputUidsOf } from "./ProvenanceRecord.ts";
import { redactProvenance } from "./redactProvenance.ts";

/** Past this many starts remembered, the memory starts over: a long-lived view stays bounded. */
const MAX_REMEMBERED = 10_000;

export class ReadableRuns {
  /**
   * Start documents by uid (undefined: missing or hidden), read once per view under access rules: a view
   * is made per request (the server) or per `Broker.as` call, whose rules are those read then.
   */
  private readonly starts = new Map<string, Promise<RunStart | undefined>>();

  constructor(
    private readonly store: Store,
    private readonly policy?: AccessPolicy,
    private readonly principal?: Principal,
  ) {}

  /** Whether some runs may be hidden from this view (else nothing is ever redacted). */
  get enforced(): boolean {
    return this.policy !== undefined && this.principal !== undefined && this.policy.enforced;
  }

  /** The runs of this view as a Query (ALL: every run). */
  get query(): Query {
    return this.enforced ? this.policy!.visibleRuns(this.principal!) : ALL;
  }

  /** The stored start of `uid` when it exists and may be read; undefined either way it may not. */
  start(uid: string): Promise<RunStart | undefined> {
    // Without rules nothing is judged, so nothing is remembered: a long-lived catalog never reads stale runs.
    if (!this.enforced) return this.store.start(uid);
    let found = this.starts.get(uid);
    if (!found) {
      if (this.starts.size >= MAX_REMEMBERED) this.starts.clear();
      found = this.store.start(uid).then((start) => (start && this.mayRead(start) ? start : undefined));
      this.starts.set(uid, found);
    }
    return found;
  }

  /** Whether the run `start` opens may be read in this view (a start not stored yet, in a batch, too). */
  mayRead(start: RunStart): boolean {
    return !this.enforced || this.policy!.canRead(this.principal!, start);
  }

  async canRead(uid: string): Promise<boolean> {
    return (await this.start(uid)) !== undefined;
  }

  /** `start` as this view shows it: inputs it may not read hidden (redactProvenance). */
  async shown(start: RunStart): Promise<RunStart> {
    if (!this.enforced) return start;
    const uids = inputUidsOf(start);
    if (uids.length === 0) return start;
    const readable = new Set<string>();
    for (const uid of uids) if (await this.canRead(uid)) readable.add(uid);
    return redactProvenance(start, (uid) => readable.has(uid));
  }

  /** A run's replayed documents with its start as this view shows it. */
  async *shownDocuments(documents: AsyncIterable<DocumentPair>): AsyncGenerator<DocumentPair> {
    for await (const pair of documents) {
      if (pair[0] === "start") yield ["start", await this.shown(pair[1] as RunStart)] as DocumentPair;
      else yield pair;
    }
  }

  /** The starts of the readable runs derived from `uid` (whose record names it as an input), oldest first. */
  async derivedFrom(uid: string): Promise<RunStart[]> {
    const starts: RunStart[] = [];
    const query = andQuery(this.query, derivedFromQuery(uid));
    for await (const summary of this.store.runs(query, { sort: [{ key: "time", direction: "asc" }] }))
      starts.push(summary.start);
    return starts;
  }
}
