// What a committed batch tells other processes on one PostgreSQL: NOTIFY payloads on CHANGES_CHANNEL, sent
// inside the batch's transaction so they are delivered at its commit (never for a rolled-back batch), in
// commit order. A payload must stay under PostgreSQL's 8,000 bytes: a batch of many runs sends several.

import type { RunsChanged } from "../RunChanges.ts";
import type { PreparedBatch } from "../records.ts";

export const CHANGES_CHANNEL = "databroker_changes";

/** Room for a payload's run uids, well under the 8,000-byte limit (uids are ASCII). */
const PAYLOAD_BYTES = 7000;

interface Notice {
  /** runs touched */
  r: string[];
  /** runs started */
  s: string[];
  /** runs stopped */
  e: string[];
}

/** The payloads announcing what `prepared` writes. */
export function changeNotices(prepared: PreparedBatch): string[] {
  const started = new Set(prepared.documents.filter((d) => d.name === "start").map((d) => d.run));
  const stopped = new Set(prepared.documents.filter((d) => d.name === "stop").map((d) => d.run));
  const payloads: string[] = [];
  let notice: Notice = { r: [], s: [], e: [] };
  let bytes = 0;
  for (const { run } of prepared.logs) {
    if (bytes + run.length > PAYLOAD_BYTES) {
      payloads.push(JSON.stringify(notice));
      notice = { r: [], s: [], e: [] };
      bytes = 0;
    }
    notice.r.push(run);
    bytes += run.length + 3;
    if (started.has(run)) {
      notice.s.push(run);
      bytes += run.length + 3;
    }
    if (stopped.has(run)) {
      notice.e.push(run);
      bytes += run.length + 3;
    }
  }
  if (notice.r.length > 0) payloads.push(JSON.stringify(notice));
  return payloads;
}

/** The change a payload announces; a payload it cannot read says only that something changed. */
export function changeOfNotice(payload: string | undefined): RunsChanged {
  try {
    const notice = JSON.parse(payload ?? "") as Notice;
    if (Array.isArray(notice.r) && Array.isArray(notice.s) && Array.isArray(notice.e))
      return { runs: notice.r, started: notice.s, stopped: notice.e };
  } catch {}
  return { runs: "any", started: [], stopped: [] };
}
