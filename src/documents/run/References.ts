// References between the documents of a run: to a descriptor, resource, stream_resource or datum, and to the
// run's start (`run_start`). A reference to a document that only comes later is `order`, reported at the
// referring document; one that never resolves is `reference` (for datums, the `datum-unresolved` warning,
// and only when the run has resources); a run_start naming another run is `reference`.
import type { RunFindings } from "./RunFindings.ts";

export type Target = "descriptor" | "resource" | "stream_resource" | "datum";

/** Where a reference was made, to report it if its target comes late or never. */
export interface Referrer {
  doc_index: number;
  name: string;
  path: string;
  /** Findings about referrers sharing this key are reported once, with a count. */
  repeatKey?: string;
}

/** References to a document not seen yet, and the checks that wait for it. */
interface PendingReference {
  target: Target;
  uid: string;
  referrers: Referrer[];
  deferred: Array<() => void>;
}

/** The documents of each target kind the run has had so far. */
export type KnownTargets = Record<Target, { has(uid: string): boolean }>;

/**
 * Events that come before their descriptor are checked when it arrives (so they count in their stream's
 * seq_num and one misplaced descriptor is one finding); at most this many wait at a time, to bound memory.
 */
const MAX_DEFERRED = 10_000;

export class References {
  private readonly pending = new Map<string, PendingReference>();
  /** Checks waiting for their target, held up to MAX_DEFERRED at a time. */
  private deferred = 0;
  private readonly pendingRunStarts: Array<Referrer & { value: string }> = [];

  constructor(
    private readonly findings: RunFindings,
    private readonly known: KnownTargets,
  ) {}

  /** Is `uid` already known? If not, remember who asked, to report it when it comes (or never does). */
  refer(target: Target, uid: unknown, referrer: Referrer): boolean {
    if (typeof uid !== "string") return false;
    if (this.known[target].has(uid)) return true;
    const key = `${target}\u0000${uid}`;
    const entry = this.pending.get(key);
    if (entry) entry.referrers.push(referrer);
    else this.pending.set(key, { target, uid, referrers: [referrer], deferred: [] });
    return false;
  }

  /** `refer`, and run `check` once the target is there: now if it is, or when it arrives (if it does). */
  referThenCheck(target: Target, uid: unknown, referrer: Referrer, check: () => void): void {
    if (this.refer(target, uid, referrer)) check();
    else if (typeof uid === "string" && this.deferred < MAX_DEFERRED) {
      this.deferred++;
      this.pending.get(`${target}\u0000${uid}`)?.deferred.push(() => {
        this.deferred--;
        check();
      });
    }
  }

  /** A referable document arrived (already known to `known`): every earlier reference to it was out of order. */
  arrive(target: Target, uid: string, i: number): void {
    const key = `${target}\u0000${uid}`;
    const entry = this.pending.get(key);
    if (!entry) return;
    this.pending.delete(key);
    for (const { doc_index, name, path, repeatKey } of entry.referrers) {
      const message = `refers to ${target} ${uid}, which only comes later (document ${i})`;
      this.findings.report(
        { doc_index, name, path, rule: "order", message, severity: "error" },
        repeatKey ?? `order|${key}`,
      );
    }
    for (const check of entry.deferred) check();
  }

  /** A `run_start` at document `i`: it must name the run's start, `start` when it has come. */
  checkRunStart(i: number, name: string, value: unknown, start: { uid: string | null } | undefined): void {
    if (typeof value !== "string") return;
    const referrer = { doc_index: i, name, path: "run_start", value };
    if (!start) this.pendingRunStarts.push(referrer);
    else if (value !== start.uid) this.foreignRun(referrer, value, start.uid);
  }

  /** The start arrived: the run_starts met before it are checked. */
  startArrived(uid: string | null): void {
    for (const referrer of this.pendingRunStarts.splice(0)) {
      if (referrer.value !== uid) this.foreignRun(referrer, referrer.value, uid);
    }
  }

  /** The run ended: what never arrived is reported; unresolved datums only when the run has resources. */
  finish(hasResources: boolean): void {
    for (const { target, uid, referrers } of this.pending.values()) {
      for (const { doc_index, name, path, repeatKey } of referrers) {
        if (target !== "datum") {
          const message = `refers to ${target} ${uid}, not in this run`;
          this.findings.report(
            { doc_index, name, path, rule: "reference", message, severity: "error" },
            `reference|${target}|${uid}`,
          );
        } else if (hasResources) {
          const message = `the value ${uid} of an unfilled external key names no datum of this run`;
          this.findings.report(
            { doc_index, name, path, rule: "datum-unresolved", message, severity: "warning" },
            repeatKey,
          );
        }
      }
    }
    this.pending.clear();
  }

  private foreignRun(referrer: Referrer, value: string, startUid: string | null): void {
    const { doc_index, name, path } = referrer;
    const message = `names run ${value}, not this run (${startUid})`;
    this.findings.report({ doc_index, name, path, rule: "reference", message, severity: "error" });
  }
}
