// First pass of a put, before any transaction: read the batch once, check every document (schema, and the
// run invariants of runs that start in this batch), pack events and datums into encoded pages, and note the
// original order as entries for the replay log. Nothing here looks at the store.
import { bulkDatumToDatumPage, bulkEventsToEventPages } from "../../documents/pages.ts";
import { RunChecker } from "../../documents/run/index.ts";
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
import type { DatumPageRecord, EventPageRecord, SingletonName } from "../records.ts";
import { DatumPager } from "./DatumPager.ts";
import { EventPager } from "./EventPager.ts";

/** Findings kept per batch; a million broken events need not make a million lines. */
export const MAX_FINDINGS = 1000;

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

export interface CollectedBatch {
  documentCount: number;
  /** Errors: any one rejects the batch. */
  findings: Finding[];
  /** Run warnings (no stop yet, failed run, ...): the batch is still stored. */
  warnings: Finding[];
  singletons: BatchSingleton[];
  eventPages: Map<number, EventPageRecord>;
  datumPages: Map<number, DatumPageRecord>;
  entries: BatchEntry[];
  /** The buffers the event pages are encoded in (see BufferArena.release). */
  buffers: BufferArena;
}

type Doc = Record<string, unknown>;

/** The run checker of a run that starts in this batch, with its documents' indexes in the batch. */
interface CheckedRun {
  checker: RunChecker;
  batchIndexes: number[];
}

class BatchCollector {
  readonly result: CollectedBatch = {
    documentCount: 0,
    findings: [],
    warnings: [],
    singletons: [],
    eventPages: new Map(),
    datumPages: new Map(),
    entries: [],
    buffers: new BufferArena(64 * 1024),
  };
  private pageCount = 0;
  private readonly nextPageNo = () => this.pageCount++;
  private readonly events = new EventPager(
    this.nextPageNo,
    (page) => this.result.eventPages.set(page.pageNo, page),
    this.result.buffers,
  );
  private readonly datums = new DatumPager(this.nextPageNo, (page) =>
    this.result.datumPages.set(page.pageNo, page),
  );
  /** Runs started in this batch, and the runs of its descriptors and resources, as far as the batch tells. */
  private readonly checkedRuns = new Map<string, CheckedRun>();
  private readonly localOwners = new Map<string, string>();
  private latestStart: string | null = null;

  add(name: unknown, doc: unknown): void {
    const i = this.result.documentCount++;
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
    const checked = run === null ? undefined : this.checkedRuns.get(run);
    if (checked) {
      checked.batchIndexes.push(i);
      for (const finding of checked.checker.add(name, doc)) this.note(finding, checked);
    } else if (!isValidDocument(name, doc)) {
      for (const finding of validateDocument(name, doc)) this.reject({ ...finding, doc_index: i });
    }
    // Once the batch is rejected, keep reading for findings but stop building pages.
    if (this.result.findings.length > 0) return;
    this.build(i, name, doc as Doc, run);
  }

  finish(): CollectedBatch {
    this.events.closeAll();
    this.datums.closeAll();
    for (const checked of this.checkedRuns.values()) {
      const report = checked.checker.finish();
      for (const finding of [...report.errors, ...report.warnings]) this.note(finding, checked);
    }
    return this.result;
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
          this.checkedRuns.set(doc.uid, { checker: new RunChecker(), batchIndexes: [] });
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
    this.result.singletons.push({ docIndex: i, name, uid, doc });
    this.result.entries.push({ kind: "document", docIndex: i, uid, run });
  }

  private eventPage(i: number, page: EventPage): void {
    this.rows("events", i, this.events.addPage(page), 0, page.uid.length);
  }

  private datumPage(i: number, page: DatumPage): void {
    this.rows("datums", i, this.datums.addPage(page), 0, page.datum_id.length);
  }

  /** Notes rows of a page in the order log, extending the previous entry when it continues it. */
  private rows(kind: "events" | "datums", i: number, pageNo: number, from: number, count: number): void {
    const entries = this.result.entries;
    const last = entries[entries.length - 1];
    if (
      count === 1 &&
      last !== undefined &&
      last.kind === kind &&
      last.pageNo === pageNo &&
      last.from + last.count === from &&
      last.docIndex + last.count === i
    ) {
      last.count++;
      return;
    }
    entries.push({ kind, docIndex: i, pageNo, from, count });
  }

  /** A run checker's finding, its doc_index turned from the run's numbering into the batch's. */
  private note(finding: Finding & { severity: "error" | "warning" }, checked: CheckedRun): void {
    const { severity, ...plain } = finding;
    const inBatch = {
      ...plain,
      doc_index: plain.doc_index === undefined ? undefined : checked.batchIndexes[plain.doc_index],
    };
    if (severity === "error") this.reject(inBatch);
    else if (this.result.warnings.length < MAX_FINDINGS) this.result.warnings.push(inBatch);
  }

  private reject(finding: Finding): void {
    if (this.result.findings.length < MAX_FINDINGS) this.result.findings.push(finding);
  }
}

function isAsync<T>(batch: Iterable<T> | AsyncIterable<T>): batch is AsyncIterable<T> {
  return Symbol.asyncIterator in batch;
}

export async function collectBatch(
  batch: Iterable<DocumentPair> | AsyncIterable<DocumentPair>,
): Promise<CollectedBatch> {
  const collector = new BatchCollector();
  // A plain loop for arrays and generators: for-await would cost a microtask per document.
  if (isAsync(batch)) for await (const [name, doc] of batch) collector.add(name, doc);
  else for (const [name, doc] of batch) collector.add(name, doc);
  return collector.finish();
}
