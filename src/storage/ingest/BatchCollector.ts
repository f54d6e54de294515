// First pass of a put: read the batch once, check every document (schema, and the run invariants of runs that
// start in this batch), pack events and datums into encoded pages, and note the original order as entries for
// the replay log. The batch is handed on in slices (a bounded number of documents and page bytes), so a huge
// batch is never held whole. Nothing here looks at the store.
import type { EventBlock } from "../../documents/formats/eventBlock.ts";
import { expandEventBlock } from "../../documents/formats/expandEventBlock.ts";
import { bulkDatumToDatumPage, bulkEventsToEventPages } from "../../documents/pages.ts";
import { comesLaterMessage, ORDER_RULE } from "../../documents/run/comesLater.ts";
import { RunChecker, type RunFinding } from "../../documents/run/index.ts";
import { checkDocumentTimes, documentTimesAccepted, TIME_RULE } from "../../documents/run/timeRange.ts";
import type {
  BulkDatum,
  BulkEvents,
  Datum,
  DatumPage,
  DocumentPair,
  Event,
  EventPage,
} from "../../documents/types.ts";
import { isDocumentName } from "../../documents/types.ts";
import { isValidDocument, validateDocument } from "../../documents/validate.ts";
import type { Finding } from "../../errors.ts";
import { BufferArena } from "../codec/BufferArena.ts";
import { POOLED_BYTES, pagePool } from "../codec/BufferPool.ts";
import {
  type DatumPageRecord,
  type EventPageRecord,
  eventPageBytes,
  type SingletonName,
} from "../records.ts";
import type { PutOptions } from "../Store.ts";
import { DatumPager } from "./DatumPager.ts";
import { EventPager } from "./EventPager.ts";
import { IndexStretches } from "./IndexStretches.ts";

/** Findings kept per batch; a million broken events need not make a million lines. */
export const MAX_FINDINGS = 1000;

/** A slice ends after this many documents, or once its pages hold this many bytes. */
const SLICE_DOCUMENTS = 20_000;
const SLICE_BYTES = 64 * 1024 * 1024;
/** Out-of-order events reported per descriptor (the rest are the same mistake). */
const UNPLACED_KEPT = 3;

export interface BatchSingleton {
  docIndex: number;
  name: SingletonName;
  uid: string;
  doc: Record<string, unknown>;
}

/** One step of the batch in original order; `run` is set when the batch itself tells the run. */
export type BatchEntry =
  | { kind: "document"; docIndex: number; uid: string; run: string | null }
  | { kind: "events" | "datums"; docIndex: number; pageNo: number; from: number; count: number };

/** Consecutive documents of a batch, collected: what one step of a put resolves and writes. */
export interface CollectedSlice {
  /** The batch's doc_index of the slice's first document, and how many documents the slice holds. */
  firstDocIndex: number;
  documentCount: number;
  singletons: BatchSingleton[];
  eventPages: Map<number, EventPageRecord>;
  datumPages: Map<number, DatumPageRecord>;
  entries: BatchEntry[];
  /** The buffers the event pages are encoded in (see BufferArena.release). */
  buffers: BufferArena;
  /** Bytes of its encoded pages. */
  pageBytes: number;
}

function emptySlice(firstDocIndex: number): CollectedSlice {
  return {
    firstDocIndex,
    documentCount: 0,
    singletons: [],
    eventPages: new Map(),
    datumPages: new Map(),
    entries: [],
    // Slices after the first come with large batches: their pages go straight into pooled buffers.
    buffers: new BufferArena(firstDocIndex === 0 ? 64 * 1024 : POOLED_BYTES, pagePool),
    pageBytes: 0,
  };
}

type Doc = Record<string, unknown>;

/** The run checker of a run that starts in this batch, with its documents' indexes in the batch. */
interface CheckedRun {
  checker: RunChecker;
  batchIndexes: IndexStretches;
}

/** What a document names that must come before it in a batch: its descriptor, or its run's start. */
const REFERRED: Readonly<Record<string, { kind: "descriptor" | "start"; path: string }>> = {
  event: { kind: "descriptor", path: "descriptor" },
  event_page: { kind: "descriptor", path: "descriptor" },
  stream_datum: { kind: "descriptor", path: "descriptor" },
  stop: { kind: "start", path: "run_start" },
  descriptor: { kind: "start", path: "run_start" },
  resource: { kind: "start", path: "run_start" },
  stream_resource: { kind: "start", path: "run_start" },
};

export class BatchCollector {
  /** Documents read so far. */
  documentCount = 0;
  /**
   * Errors: any one rejects the batch. While the batch is read they are those seen so far; `finish` puts them
   * in document order (findings of no document last).
   */
  readonly findings: Finding[] = [];
  /** Run warnings (no stop yet, failed run, ...): the batch is still stored. Complete once `finish`ed. */
  readonly warnings: Finding[] = [];
  /** The errors about documents of no run started in this batch (the runs' checkers keep the others). */
  private readonly unchecked: Finding[] = [];
  private slice = emptySlice(0);
  /** False once the batch failed in the store: documents are still read and checked, nothing is built. */
  private building = true;
  private pageCount = 0;
  private readonly nextPageNo = () => this.pageCount++;
  private readonly events = new EventPager(
    this.nextPageNo,
    (page) => {
      this.slice.eventPages.set(page.pageNo, page);
      this.slice.pageBytes += eventPageBytes(page);
    },
    this.slice.buffers,
  );
  private readonly datums = new DatumPager(this.nextPageNo, (page) => {
    this.slice.datumPages.set(page.pageNo, page);
    this.slice.pageBytes += page.body.byteLength;
  });
  /** Runs started in this batch, and the runs of its descriptors and resources, as far as the batch tells. */
  private readonly checkedRuns = new Map<string, CheckedRun>();
  private readonly localOwners = new Map<string, string>();
  private latestStart: string | null = null;
  /**
   * Documents whose descriptor or start the batch had not shown yet, by `descriptor <uid>` or `start <uid>`:
   * a stored run's, or one that comes later in the batch, which is then an `order` error (as validate
   * reports it). The first few of each are kept: a run stored earlier may receive millions.
   */
  private readonly unplaced = new Map<string, Array<{ doc_index: number; name: string }>>();
  /** Descriptors and starts the batch has shown (of any run, stored earlier or not), by the same keys. */
  private readonly shown = new Set<string>();

  constructor(private readonly options: PutOptions = {}) {}

  /** Whether the current slice is due to be taken. */
  get sliceFull(): boolean {
    return (
      this.documentCount - this.slice.firstDocIndex >= SLICE_DOCUMENTS || this.slice.pageBytes >= SLICE_BYTES
    );
  }

  /** Hands over the documents read since the last slice (their open pages closed) and starts the next one. */
  takeSlice(): CollectedSlice {
    this.events.closeAll();
    this.datums.closeAll();
    const taken = this.slice;
    taken.documentCount = this.documentCount - taken.firstDocIndex;
    this.slice = emptySlice(this.documentCount);
    this.events.useArena(this.slice.buffers);
    return taken;
  }

  /** The batch failed in the store: read on only for the findings, which take precedence. */
  stopBuilding(): void {
    this.building = false;
  }

  add(name: unknown, doc: unknown): void {
    const i = this.documentCount++;
    if (!isDocumentName(name)) {
      this.reject({
        doc_index: i,
        name: String(name),
        path: "",
        rule: "document-name",
        message: `unknown document name ${JSON.stringify(name)}`,
      });
      return;
    }
    if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
      this.reject({
        doc_index: i,
        name,
        path: "",
        rule: "type",
        message: `${name}: the document must be an object`,
      });
      return;
    }
    const run = this.localRun(name, doc as Doc);
    if (name === "descriptor" || name === "start") this.placeReferrers(name, (doc as Doc).uid, i);
    if (run === null) this.rememberUnplaced(name, doc as Doc, i);
    const checked = run === null ? undefined : this.checkedRuns.get(run);
    if (checked) {
      checked.batchIndexes.push(i);
      for (const finding of checked.checker.add(name, doc)) this.note(finding, checked);
    } else {
      if (!isValidDocument(name, doc))
        for (const finding of validateDocument(name, doc)) this.reject({ ...finding, doc_index: i });
      // A document of a run stored earlier (its stop, more events): the time rule its run checker would apply.
      if (!documentTimesAccepted(name, doc as Doc))
        checkDocumentTimes(name, doc as Doc, (path, message) =>
          this.reject({ doc_index: i, name, path, rule: TIME_RULE, message }),
        );
    }
    if ((name === "resource" || name === "stream_resource") && this.options.checkResource) {
      for (const finding of this.options.checkResource(name, doc as Doc))
        this.reject({ ...finding, doc_index: i });
    }
    // Once the batch is rejected, keep reading for findings but stop building pages.
    if (this.findings.length > 0 || !this.building) return;
    this.build(i, name, doc as Doc, run);
  }

  /**
   * Consecutive events as one block (formats/DocumentStream.ts): checked and packed column by column when
   * the run started in this batch and its checker takes the block whole; else added event by event.
   */
  addEventBlock(block: EventBlock): void {
    const run = this.owner(block.descriptor);
    const checked = run === null ? undefined : this.checkedRuns.get(run);
    const found = checked?.checker.addEventBlock(block);
    if (checked === undefined || found === null || found === undefined) {
      const events: DocumentPair[] = [];
      expandEventBlock(block, events);
      for (const [name, doc] of events) this.add(name, doc);
      return;
    }
    const first = this.documentCount;
    this.documentCount += block.count;
    checked.batchIndexes.push(first, block.count);
    for (const finding of found) this.note(finding, checked);
    if (this.findings.length > 0 || !this.building) return;
    this.events.addBlock(block, (pageNo, row, from, count) =>
      this.rows("events", first + from, pageNo, row, count),
    );
  }

  /**
   * The end of the batch: the run-level checks of the runs it started. The findings and warnings become
   * those of the runs' reports (which hold what `add` returned, and what only the end can tell) and the
   * errors about other documents, in document order.
   */
  finish(): void {
    const errors = [...this.unchecked];
    const warnings: Finding[] = [];
    for (const checked of this.checkedRuns.values()) {
      const report = checked.checker.finish();
      for (const finding of report.errors) errors.push(inBatch(finding, checked));
      for (const finding of report.warnings) warnings.push(inBatch(finding, checked));
    }
    replaceWith(this.findings, inDocumentOrder(errors));
    replaceWith(this.warnings, inDocumentOrder(warnings));
  }

  /** A document of no run the batch shows yet: remembered under the descriptor or start it names. */
  private rememberUnplaced(name: string, doc: Doc, doc_index: number): void {
    const referred = REFERRED[name];
    if (referred === undefined) return;
    const uid = doc[referred.path];
    const key = `${referred.kind} ${uid}`;
    if (typeof uid !== "string" || this.shown.has(key)) return;
    const referrers = this.unplaced.get(key);
    if (referrers === undefined) this.unplaced.set(key, [{ doc_index, name }]);
    else if (referrers.length < UNPLACED_KEPT) referrers.push({ doc_index, name });
  }

  /** The descriptor or start `uid` arrived as document `i`: documents before it that named it were out of order. */
  private placeReferrers(kind: "descriptor" | "start", uid: unknown, i: number): void {
    if (typeof uid !== "string") return;
    const key = `${kind} ${uid}`;
    this.shown.add(key);
    const referrers = this.unplaced.get(key);
    if (referrers === undefined) return;
    this.unplaced.delete(key);
    const path = kind === "start" ? "run_start" : "descriptor";
    for (const { doc_index, name } of referrers) {
      const message = comesLaterMessage(name, kind, uid, i);
      this.reject({ doc_index, name, path, rule: ORDER_RULE, message });
    }
  }

  private owner(uid: unknown): string | null {
    return typeof uid === "string" ? (this.localOwners.get(uid) ?? null) : null;
  }

  /** The run of a document when the batch itself tells it (its start, descriptor or resource is here). */
  private localRun(name: string, doc: Doc): string | null {
    switch (name) {
      case "start":
        if (typeof doc.uid !== "string") return null;
        if (!this.checkedRuns.has(doc.uid))
          this.checkedRuns.set(doc.uid, { checker: new RunChecker(), batchIndexes: new IndexStretches() });
        this.latestStart = doc.uid;
        return doc.uid;
      case "stop":
      case "descriptor":
        return this.owner(doc.run_start);
      case "resource":
      case "stream_resource": {
        // Old resources carry no run_start: they belong to the run being written around them.
        const run = doc.run_start === undefined ? this.latestStart : this.owner(doc.run_start);
        if (run !== null && typeof doc.uid === "string") this.localOwners.set(doc.uid, run);
        return run;
      }
      case "event":
      case "event_page":
      case "stream_datum":
        return this.owner(doc.descriptor);
      case "datum":
      case "datum_page":
      case "bulk_datum":
        return this.owner(doc.resource);
      case "bulk_events":
        return this.owner(Object.keys(doc)[0]);
      default:
        return null;
    }
  }

  private build(i: number, name: string, doc: Doc, run: string | null): void {
    switch (name) {
      case "start":
        this.localOwners.set(doc.uid as string, doc.uid as string);
        this.singleton(i, name, doc, doc.uid as string);
        break;
      case "descriptor":
        if (typeof doc.run_start === "string" && this.checkedRuns.has(doc.run_start)) {
          this.localOwners.set(doc.uid as string, doc.run_start);
        }
        this.singleton(i, name, doc, run);
        break;
      case "stop":
      case "resource":
      case "stream_resource":
      case "stream_datum":
        this.singleton(i, name, doc, run);
        break;
      case "event": {
        const [pageNo, row] = this.events.add(doc as unknown as Event);
        this.rows("events", i, pageNo, row, 1);
        break;
      }
      case "event_page":
        this.eventPage(i, doc as unknown as EventPage);
        break;
      case "bulk_events":
        for (const page of bulkEventsToEventPages(doc as unknown as BulkEvents)) this.eventPage(i, page);
        break;
      case "datum": {
        const [pageNo, row] = this.datums.add(doc as unknown as Datum);
        this.rows("datums", i, pageNo, row, 1);
        break;
      }
      case "datum_page":
        this.datumPage(i, doc as unknown as DatumPage);
        break;
      case "bulk_datum":
        this.datumPage(i, bulkDatumToDatumPage(doc as unknown as BulkDatum));
        break;
    }
  }

  private singleton(i: number, name: SingletonName, doc: Doc, run: string | null): void {
    const uid = doc.uid as string;
    this.slice.singletons.push({ docIndex: i, name, uid, doc });
    this.slice.entries.push({ kind: "document", docIndex: i, uid, run });
  }

  private eventPage(i: number, page: EventPage): void {
    this.rows("events", i, this.events.addPage(page), 0, page.uid.length);
  }

  private datumPage(i: number, page: DatumPage): void {
    this.rows("datums", i, this.datums.addPage(page), 0, page.datum_id.length);
  }

  /** Notes rows of a page in the order log, extending the previous entry when it continues it. */
  private rows(kind: "events" | "datums", i: number, pageNo: number, from: number, count: number): void {
    const entries = this.slice.entries;
    const last = entries[entries.length - 1];
    if (
      last !== undefined &&
      last.kind === kind &&
      last.pageNo === pageNo &&
      last.from + last.count === from &&
      last.docIndex + last.count === i
    ) {
      last.count += count;
      return;
    }
    entries.push({ kind, docIndex: i, pageNo, from, count });
  }

  /** A finding of a run's checker, seen as the batch is read (`finish` takes them from the run's report). */
  private note(finding: RunFinding, checked: CheckedRun): void {
    if (finding.severity === "error") this.seen(inBatch(finding, checked));
  }

  /** An error about a document of no run started in this batch. */
  private reject(finding: Finding): void {
    if (this.unchecked.length < MAX_FINDINGS) this.unchecked.push(finding);
    this.seen(finding);
  }

  private seen(finding: Finding): void {
    if (this.findings.length < MAX_FINDINGS) this.findings.push(finding);
  }
}

/** A run checker's finding, its doc_index turned from the run's numbering into the batch's. */
function inBatch(finding: RunFinding, checked: CheckedRun): Finding {
  const { severity: _, ...plain } = finding;
  return {
    ...plain,
    doc_index: plain.doc_index === undefined ? undefined : checked.batchIndexes.at(plain.doc_index),
  };
}

/** Findings sorted by document (stable; findings of no document last), at most MAX_FINDINGS of them. */
function inDocumentOrder(findings: Finding[]): Finding[] {
  const position = (finding: Finding) => finding.doc_index ?? Number.MAX_SAFE_INTEGER;
  return findings.sort((a, b) => position(a) - position(b)).slice(0, MAX_FINDINGS);
}

function replaceWith(list: Finding[], items: Finding[]): void {
  list.length = 0;
  list.push(...items);
}
