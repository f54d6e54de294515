// Splits a stream holding many runs (apstools.json: one JSON array of 53 runs) into runs, by the links
// start <- descriptor/stop/resource (run_start) <- event/stream_datum (descriptor) <- datum (resource).
// A document before any start, or naming a run not in the stream, belongs to no run (a finding); one whose
// descriptor or resource is not yet known joins the latest run, whose check reports it as out of order.
import type { DocumentPair } from "../types.ts";
import { comesLaterMessage, ORDER_RULE } from "./comesLater.ts";
import { FindingLog } from "./FindingLog.ts";
import type { RunFinding } from "./RunReport.ts";

/**
 * A document's run (its start uid), or why it has none. A start named earlier by a document that then
 * belonged to no run (a stop before its start) carries that document's `order` finding as `early`.
 */
export type Assignment = { run: string; early?: RunFinding } | { orphan: RunFinding };

/** At most this many starts named before they came are remembered (the first few tell the problem). */
const EARLY_KEPT = 100;

type Doc = Record<string, unknown>;

/** Assigns each document of a stream, in order, to its run. */
export class RunSplitter {
  private index = 0;
  private latest?: string;
  private readonly runs = new Set<string>();
  /** descriptor / resource / stream_resource uid -> run uid, or null when it belongs to no run. */
  private readonly owners = new Map<string, string | null>();
  /** Start uids named by run_start before any such start came: the first such document of each. */
  private readonly namedEarly = new Map<string, { doc_index: number; name: string }>();

  assign(name: string, doc: unknown): Assignment {
    const i = this.index++;
    const fields: Doc = typeof doc === "object" && doc !== null ? (doc as Doc) : {};
    const orphan = (path: string, rule: string, message: string): Assignment => {
      if (typeof fields.uid === "string" && (name === "descriptor" || name.endsWith("resource"))) {
        this.owners.set(fields.uid, null);
      }
      return { orphan: { doc_index: i, name, path, rule, message, severity: "error" } };
    };
    const joins = (run: string): Assignment => {
      if (typeof fields.uid === "string" && (name === "descriptor" || name.endsWith("resource"))) {
        this.owners.set(fields.uid, run);
      }
      return { run };
    };

    if (name === "start") {
      if (typeof fields.uid !== "string")
        return orphan("uid", "no-run", "a start without a uid starts no run");
      this.runs.add(fields.uid);
      this.latest = fields.uid;
      return this.startAt(fields.uid, i);
    }
    if (this.latest === undefined) {
      this.rememberEarly(fields.run_start, i, name);
      return orphan("", "no-run", `${name} before any start`);
    }

    const runStart = fields.run_start;
    if (runStart !== undefined || name === "descriptor" || name === "stop") {
      if (typeof runStart === "string" && this.runs.has(runStart)) return joins(runStart);
      this.rememberEarly(runStart, i, name);
      return orphan("run_start", "reference", `run_start ${String(runStart)} names no run of this stream`);
    }
    const [path, owner] = ownerReference(name, fields);
    const run = typeof owner === "string" ? this.owners.get(owner) : undefined;
    if (run === null) return orphan(path, "reference", `${path} ${owner} belongs to no run of this stream`);
    return joins(run ?? this.latest);
  }

  private rememberEarly(runStart: unknown, doc_index: number, name: string): void {
    if (typeof runStart !== "string" || this.namedEarly.has(runStart) || this.namedEarly.size >= EARLY_KEPT)
      return;
    this.namedEarly.set(runStart, { doc_index, name });
  }

  /** The assignment of the start `uid`, document `i`: with the `order` finding of a document that named it earlier. */
  private startAt(uid: string, i: number): Assignment {
    const early = this.namedEarly.get(uid);
    if (early === undefined) return { run: uid };
    this.namedEarly.delete(uid);
    const message = comesLaterMessage(early.name, "start", uid, i);
    const finding: RunFinding = { ...early, path: "run_start", rule: ORDER_RULE, message, severity: "error" };
    return { run: uid, early: finding };
  }

  /** `assign` for `count` consecutive events of `descriptor` (a block): they all go where the first goes. */
  assignEvents(descriptor: string, count: number): Assignment {
    const assignment = this.assign("event", { descriptor });
    this.index += count - 1;
    return assignment;
  }
}

/** The field through which a document without run_start reaches its run. */
function ownerReference(name: string, doc: Doc): [string, unknown] {
  switch (name) {
    case "event":
    case "event_page":
    case "stream_datum":
      return ["descriptor", doc.descriptor];
    case "datum":
    case "datum_page":
    case "bulk_datum":
      return ["resource", doc.resource];
    case "bulk_events": {
      const first = Object.keys(doc)[0];
      return [first ?? "", first];
    }
    default:
      return ["", undefined];
  }
}

export interface SplitRuns {
  /** Runs in the order their starts appear, each with its documents in stream order. */
  runs: Array<{ uid: string; documents: DocumentPair[] }>;
  /** Documents that belong to no run (doc_index is the index in the whole stream). */
  findings: RunFinding[];
}

/** Group a multi-run stream of `[name, doc]` pairs into runs. */
export function splitRuns(pairs: Iterable<DocumentPair>): SplitRuns {
  const splitter = new RunSplitter();
  const runs = new Map<string, DocumentPair[]>();
  const orphans = new FindingLog();
  for (const pair of pairs) {
    const assignment = splitter.assign(pair[0], pair[1]);
    if ("orphan" in assignment) {
      orphans.add(assignment.orphan, orphanRepeatKey(assignment.orphan));
      continue;
    }
    let documents = runs.get(assignment.run);
    if (!documents) runs.set(assignment.run, (documents = []));
    documents.push(pair);
  }
  return { runs: [...runs].map(([uid, documents]) => ({ uid, documents })), findings: orphans.list() };
}

/** Orphans of one cause (e.g. every event of an orphan descriptor) are reported once, with a count. */
export function orphanRepeatKey(finding: RunFinding): string {
  return `${finding.rule}|${finding.name}|${finding.message}`;
}
