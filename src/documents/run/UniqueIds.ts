// Uids and datum ids are unique within a run: each is claimed by the first document that uses it, and a later
// use is a `duplicate-uid` / `duplicate-datum-id` finding naming that first document.
import { FirstUses } from "./FirstUses.ts";
import { atRow, type RunFindings } from "./RunFindings.ts";

export class UniqueIds {
  private readonly uids = new FirstUses();
  private readonly datumIds = new FirstUses();

  constructor(private readonly findings: RunFindings) {}

  /** The uid at `path` of document `i` (a string; anything else is its schema's business). */
  claimUid(i: number, name: string, path: string, uid: unknown): void {
    if (typeof uid !== "string") return;
    const first = this.uids.claim(uid, i);
    if (first >= 0) this.duplicateUid(i, name, path, uid, first);
  }

  /** The `uid` column of a page. */
  claimPageUids(i: number, name: string, uids: readonly unknown[]): void {
    this.uids.claimAll(uids, i, (j, first) =>
      this.duplicateUid(i, name, `uid[${j}]`, uids[j] as string, first),
    );
  }

  /** A datum id at `path` (`path[row]` in a page); true when it is new to the run. */
  claimDatumId(i: number, name: string, path: string, id: string, row?: number): boolean {
    const first = this.datumIds.claim(id, i);
    if (first < 0) return true;
    const message = `datum_id ${id} is already used (document ${first})`;
    const rule = "duplicate-datum-id";
    this.findings.report({ doc_index: i, name, path: atRow(path, row), rule, message, severity: "error" });
    return false;
  }

  hasDatum(id: string): boolean {
    return this.datumIds.has(id);
  }

  private duplicateUid(i: number, name: string, path: string, uid: string, first: number): void {
    const message = `uid ${uid} is already used (document ${first})`;
    this.findings.report({ doc_index: i, name, path, rule: "duplicate-uid", message, severity: "error" });
  }
}
