// Incremental check of one run against the event-model invariants: fed one document at a time (so the
// ingest can check a live stream), `finish()` returns the report. Rules, severities and why:
//
// Errors (the run breaks the model): each document's schema (validateDocument; rule names from there);
// `start-first`, `one-start`, `start-missing`; `one-stop`, `stop-last` (a document after the stop);
// `order` (a reference to a descriptor, resource, stream_resource or datum that only comes later, reported
// at the referring document); `reference` (a reference that never resolves, or a run_start naming another
// run); `seq_num-gap` / `seq_num-repeat` (counted per stream *name* from 1, descriptors of one name share
// the counter; the counter resyncs after each finding so one slip is one finding); `data-keys`,
// `timestamps-keys`, `filled-keys` (see eventKeys.ts); `duplicate-uid`, `duplicate-datum-id`; `page-length`
// (the columns of a page disagree on its number of rows); `document-name` (not an event-model name);
// `time-range` (a `time` outside seconds since the epoch in years 1-9999: see timeRange.ts).
//
// Warnings (messy but readable; data must stay readable, all seen in ../shared/data):
// - `stop-missing`: apstools.json run 49dce8d9 (crashed or still running);
// - `descriptor-missing`: apstools.json run 3e89a55c (start and stop only);
// - `external-without-resource`: a descriptor key with `external` set, and the run has no Resource (which
//   names no data key, so any one counts) nor a StreamResource for that key: apstools.json 49dce8d9's
//   `adsimdet_image` (FILESTORE:, shape [25,27,0]);
// - `exit-status`: exit_status fail or abort: callbacks-tests uid-b31e8698, a failed tune_ar;
// - `num_events`: stop.num_events disagrees with the events counted (events and event-page rows, per stream
//   name). A warning, not an error: it is a summary, the events themselves are what is read, and real data
//   disagrees: apstools.json 3e89a55c claims {primary: 1} with no descriptor or event, and the hand-made
//   external_assets_single_key.json claims 3 events where StreamDatum carries the stream and no Event exists;
// - `multiple-descriptors`: a second descriptor for a stream name (configuration changed mid-run; readers
//   merge them); the message says whether the data_keys differ. Seen in internal_events.json;
// - `datum-unresolved`: an unfilled string value of an external key names no datum of the run, while the run
//   does have resources (old asset registries kept datums apart from the documents, so this may be
//   legitimate). Without any resource, `external-without-resource` already says it once per key.
//
// Choices: a descriptor without `name` is the stream "primary" (databroker's default); `STREAM:` keys may be
// absent from events (their data is in StreamDatum) but may also appear (the legacy twin in
// external_assets_legacy.json carries datum ids for them). An event before its descriptor is checked when
// the descriptor arrives, so it still counts in its stream's seq_num. A finding that repeats across events
// (same rule, path and descriptor) is reported once with "(and N more like it)", so a million broken events
// stay readable.

import { blockColumns, cellOf, type EventBlock, everyCell } from "../formats/eventBlock.ts";
import { blockEvent } from "../formats/expandEventBlock.ts";
import { isBooleanOrString, isInteger, isString } from "../schema/predicates.ts";
import { type DataKey, isDocumentName } from "../types.ts";
import { isValidDocument, validateDocument } from "../validate.ts";
import { eventKeyProblems, type StreamKeys, streamKeysOf } from "./eventKeys.ts";
import { FindingLog } from "./FindingLog.ts";
import { FirstUses } from "./FirstUses.ts";
import { type RunFinding, type RunReport, reportOf, type Severity } from "./RunReport.ts";
import { checkDocumentTimes, documentTimesAccepted, isAcceptedTime, TIME_RULE } from "./timeRange.ts";

type Doc = Record<string, unknown>;

function isRecord(value: unknown): value is Doc {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

interface DescriptorState {
  uid: string;
  stream: string;
  docIndex: number;
  keys: StreamKeys;
}

interface StreamState {
  descriptors: DescriptorState[];
  nextSeq: number;
  events: number;
}

/** Where a reference was made, to report it if its target comes late or never. */
interface Referrer {
  doc_index: number;
  name: string;
  path: string;
  /** Findings about referrers sharing this key are reported once, with a count. */
  repeatKey?: string;
}

type Target = "descriptor" | "resource" | "stream_resource" | "datum";

/** References to a document not seen yet, and the checks that wait for it. */
interface PendingReference {
  target: Target;
  uid: string;
  referrers: Referrer[];
  deferred: Array<() => void>;
}

/**
 * Events that come before their descriptor are checked when it arrives (so they count in their stream's
 * seq_num and one misplaced descriptor is one finding); at most this many wait at a time, to bound memory.
 */
const MAX_DEFERRED = 10_000;

export interface RunCheckerOptions {
  /** Check each document against its JSON Schema too (default true). */
  schema?: boolean;
}

export class RunChecker {
  private readonly schema: boolean;
  private index = 0;
  private start?: { uid: string | null; index: number };
  private stop?: { doc: Doc; index: number };
  private readonly uids = new FirstUses();
  private readonly datumIds = new FirstUses();
  private readonly descriptors = new Map<string, DescriptorState>();
  private readonly streams = new Map<string, StreamState>();
  private readonly resources = new Set<string>();
  private readonly streamResourceKeys = new Set<unknown>();
  private readonly streamResources = new Set<string>();
  private readonly pending = new Map<string, PendingReference>();
  /** Checks of events waiting for their descriptor, held up to MAX_DEFERRED at a time. */
  private deferred = 0;
  private readonly pendingRunStarts: Array<Referrer & { value: string }> = [];
  private readonly log = new FindingLog();
  /** Findings of the document being added; null until it raises one. */
  private raised: RunFinding[] | null = null;
  private report?: RunReport;

  constructor(options: RunCheckerOptions = {}) {
    this.schema = options.schema ?? true;
  }

  /** The run's start uid, once its start document has been added. */
  get uid(): string | null {
    return this.start?.uid ?? null;
  }

  /** Number of documents added so far (the next document's index). */
  get count(): number {
    return this.index;
  }

  /** Check the next document of the run; returns the findings it raised (some may name earlier documents). */
  add(name: string, doc: unknown): RunFinding[] {
    if (this.report) throw new Error("RunChecker.add after finish()");
    this.raised = null;
    const i = this.index++;
    if (!isDocumentName(name)) {
      this.flag(
        "error",
        i,
        String(name),
        "",
        "document-name",
        `unknown document name ${JSON.stringify(name)}`,
      );
      return this.raised ?? [];
    }
    if (this.schema && !isValidDocument(name, doc)) {
      for (const finding of validateDocument(name, doc)) {
        this.flag("error", i, name, finding.path, finding.rule, finding.message);
      }
    }
    if (!isRecord(doc)) return this.raised ?? [];
    // Events repeat a bad time in every row: one finding per document kind, with a count.
    if (!documentTimesAccepted(name, doc)) {
      const timeRepeat = name === "start" || name === "stop" || name === "descriptor" ? undefined : name;
      checkDocumentTimes(name, doc, (path, message) =>
        this.flag("error", i, name, path, TIME_RULE, message, timeRepeat && `${TIME_RULE}|${timeRepeat}`),
      );
    }
    if (this.stop && name !== "stop") {
      this.flag(
        "error",
        i,
        name,
        "",
        "stop-last",
        `a ${name} after the stop (document ${this.stop.index})`,
        "stop-last",
      );
    }
    switch (name) {
      case "start":
        this.onStart(i, doc);
        break;
      case "stop":
        this.onStop(i, doc);
        break;
      case "descriptor":
        this.onDescriptor(i, doc);
        break;
      case "event":
        this.onEvent(i, name, doc, "");
        break;
      case "event_page":
        this.onEventPage(i, doc);
        break;
      case "bulk_events":
        // Deprecated: {descriptor uid: events}; checked event by event.
        for (const [descriptor, events] of Object.entries(doc)) {
          if (!Array.isArray(events)) continue;
          events.forEach((event, j) => {
            if (isRecord(event)) this.onEvent(i, name, event, `${descriptor}[${j}].`);
          });
        }
        break;
      case "resource":
        this.claimUid(i, name, "uid", doc.uid);
        if (doc.run_start !== undefined) this.checkRunStart(i, name, doc.run_start);
        if (typeof doc.uid === "string") this.arrive("resource", doc.uid, i);
        break;
      case "datum":
        this.refer("resource", doc.resource, { doc_index: i, name, path: "resource" });
        this.onDatumId(i, name, "datum_id", doc.datum_id);
        break;
      case "datum_page":
        this.onDatumPage(i, name, doc, doc.datum_id, "datum_id", doc.datum_kwargs);
        break;
      case "bulk_datum":
        this.onDatumPage(i, name, doc, doc.datum_ids, "datum_ids", undefined);
        break;
      case "stream_resource":
        this.claimUid(i, name, "uid", doc.uid);
        if (doc.run_start !== undefined) this.checkRunStart(i, name, doc.run_start);
        this.streamResourceKeys.add(doc.data_key);
        if (typeof doc.uid === "string") this.arrive("stream_resource", doc.uid, i);
        break;
      case "stream_datum":
        this.claimUid(i, name, "uid", doc.uid);
        this.refer("descriptor", doc.descriptor, { doc_index: i, name, path: "descriptor" });
        this.refer("stream_resource", doc.stream_resource, { doc_index: i, name, path: "stream_resource" });
        break;
    }
    return this.raised ?? [];
  }

  /**
   * Checks a block of consecutive events (formats/eventBlock.ts) exactly as adding its events one by one
   * would, reading it by columns, when that can be told from them: every event valid by its schema, its
   * descriptor arrived, no stop before it, its keys as the descriptor declares. Returns the findings
   * (duplicate uids, seq_num slips, datum references), or null, having checked nothing, when the events must
   * be added one by one.
   */
  addEventBlock(block: EventBlock): RunFinding[] | null {
    if (this.report) throw new Error("RunChecker.addEventBlock after finish()");
    const descriptor = this.descriptors.get(block.descriptor);
    if (this.stop || !descriptor) return null;
    const { uid, seq_num, time, data, timestamps, filled } = blockColumns(block);
    if (!uid || !seq_num || !time || !data || !timestamps) return null;
    // A time out of range (or not a number) sends the events one by one, where it is reported.
    if (!everyCell(uid, isString) || !everyCell(seq_num, isInteger) || !everyCell(time, isAcceptedTime))
      return null;
    if (filled && !filled.columns.every((column) => everyCell(column, isBooleanOrString))) return null;
    // The keys of one layout are those of its first event.
    const first = blockEvent(block, 0);
    if (eventKeyProblems(descriptor.keys, first.data, first.timestamps, first.filled).length > 0) return null;
    this.raised = null;
    const start = this.index;
    this.index += block.count;
    const external = descriptor.keys.external.map((key) => ({
      key,
      values: data.columns[data.fields.indexOf(key)],
      filled: filled?.columns[filled.fields.indexOf(key)],
    }));
    for (let row = 0; row < block.count; row++) {
      const i = start + row;
      this.claimUid(i, "event", "uid", cellOf(uid, row));
      this.countEvent(i, "event", descriptor, cellOf(seq_num, row), "seq_num");
      for (const { key, values, filled } of external) {
        const value = values === undefined ? undefined : cellOf(values, row);
        const isFilled = filled === undefined ? undefined : cellOf(filled, row);
        this.referDatum(i, "event", descriptor, value, isFilled, `data.${key}`);
      }
    }
    return this.raised ?? [];
  }

  /** Close the run: add the findings only the end can tell, and return the report (idempotent). */
  finish(): RunReport {
    if (this.report) return this.report;
    if (!this.start)
      this.flag("error", undefined, "start", "", "start-missing", "the run has no start document");
    if (!this.stop) {
      this.flag(
        "warning",
        undefined,
        "stop",
        "",
        "stop-missing",
        "the run has no stop (it crashed or is running)",
      );
    }
    if (this.descriptors.size === 0) {
      this.flag("warning", undefined, "descriptor", "", "descriptor-missing", "the run has no descriptor");
    }
    this.flagUnresolved();
    this.flagExternalWithoutResource();
    this.flagNumEvents();
    this.report = reportOf(this.uid, this.log.list());
    return this.report;
  }

  private onStart(i: number, doc: Doc): void {
    this.claimUid(i, "start", "uid", doc.uid);
    if (this.start) {
      this.flag(
        "error",
        i,
        "start",
        "",
        "one-start",
        `a second start (the run began at document ${this.start.index})`,
      );
      return;
    }
    const uid = typeof doc.uid === "string" ? doc.uid : null;
    this.start = { uid, index: i };
    if (i > 0)
      this.flag("error", i, "start", "", "start-first", `the start comes after ${i} other documents`);
    for (const referrer of this.pendingRunStarts.splice(0)) {
      if (referrer.value !== uid) this.flagForeignRun(referrer, referrer.value);
    }
  }

  private onStop(i: number, doc: Doc): void {
    this.claimUid(i, "stop", "uid", doc.uid);
    this.checkRunStart(i, "stop", doc.run_start);
    if (this.stop) {
      this.flag(
        "error",
        i,
        "stop",
        "",
        "one-stop",
        `a second stop (the first is document ${this.stop.index})`,
      );
      return;
    }
    this.stop = { doc, index: i };
    if (doc.exit_status === "fail" || doc.exit_status === "abort") {
      const reason = typeof doc.reason === "string" && doc.reason !== "" ? `: ${doc.reason}` : "";
      this.flag(
        "warning",
        i,
        "stop",
        "exit_status",
        "exit-status",
        `the run ended with "${doc.exit_status}"${reason}`,
      );
    }
  }

  private onDescriptor(i: number, doc: Doc): void {
    this.claimUid(i, "descriptor", "uid", doc.uid);
    this.checkRunStart(i, "descriptor", doc.run_start);
    if (typeof doc.uid !== "string" || !isRecord(doc.data_keys) || this.descriptors.has(doc.uid)) return;
    const stream = typeof doc.name === "string" ? doc.name : "primary";
    const descriptor: DescriptorState = {
      uid: doc.uid,
      stream,
      docIndex: i,
      keys: streamKeysOf(doc.data_keys as Record<string, DataKey>),
    };
    let state = this.streams.get(stream);
    if (!state) this.streams.set(stream, (state = { descriptors: [], nextSeq: 1, events: 0 }));
    const first = state.descriptors[0];
    if (first) {
      this.flag(
        "warning",
        i,
        "descriptor",
        "name",
        "multiple-descriptors",
        `stream "${stream}" already has descriptor ${first.uid} (document ${first.docIndex}); ${keyDifference(first.keys, descriptor.keys)}`,
      );
    }
    state.descriptors.push(descriptor);
    this.descriptors.set(doc.uid, descriptor);
    this.arrive("descriptor", doc.uid, i);
  }

  /** One event (or one event of a bulk_events, its path under `prefix`). */
  private onEvent(i: number, name: string, event: Doc, prefix: string): void {
    this.claimUid(i, name, `${prefix}uid`, event.uid);
    const descriptor = this.arrivedDescriptor(event.descriptor);
    if (descriptor) this.checkEvent(i, name, event, prefix, descriptor);
    else {
      const referrer = { doc_index: i, name, path: `${prefix}descriptor` };
      this.awaitDescriptor(event.descriptor, referrer, (later) =>
        this.checkEvent(i, name, event, prefix, later),
      );
    }
  }

  private checkEvent(i: number, name: string, event: Doc, prefix: string, descriptor: DescriptorState): void {
    const filled = isRecord(event.filled) ? event.filled : undefined;
    if (isRecord(event.data) && isRecord(event.timestamps))
      this.checkKeys(i, name, prefix, descriptor, event.data, event.timestamps, filled);
    this.countEvent(i, name, descriptor, event.seq_num, `${prefix}seq_num`);
    const external = descriptor.keys.external;
    if (external.length === 0) return;
    const data = isRecord(event.data) ? event.data : {};
    for (const key of external) {
      this.referDatum(i, name, descriptor, data[key], filled?.[key], `${prefix}data.${key}`);
    }
  }

  private onEventPage(i: number, page: Doc): void {
    const name = "event_page";
    const { uids, data, timestamps, filled } = pageColumns(page);
    const rows = uids.length;
    this.checkColumnLength(i, name, rows, "seq_num", page.seq_num);
    this.checkColumnLength(i, name, rows, "time", page.time);
    this.checkColumnLengths(i, name, rows, "data.", data);
    this.checkColumnLengths(i, name, rows, "timestamps.", timestamps);
    if (filled) this.checkColumnLengths(i, name, rows, "filled.", filled);
    this.uids.claimAll(uids, i, (j, first) =>
      this.flagDuplicateUid(i, name, `uid[${j}]`, uids[j] as string, first),
    );
    const descriptor = this.arrivedDescriptor(page.descriptor);
    if (descriptor) this.checkEventPage(i, page, descriptor);
    else {
      const referrer = { doc_index: i, name, path: "descriptor" };
      this.awaitDescriptor(page.descriptor, referrer, (later) => this.checkEventPage(i, page, later));
    }
  }

  private checkEventPage(i: number, page: Doc, descriptor: DescriptorState): void {
    const name = "event_page";
    const { uids, data, timestamps, filled } = pageColumns(page);
    // A page is columnar: its key sets hold for every row, so they are checked once.
    if (isRecord(page.data) && isRecord(page.timestamps))
      this.checkKeys(i, name, "", descriptor, data, timestamps, filled);
    const seqNums = Array.isArray(page.seq_num) ? page.seq_num : [];
    const external = descriptor.keys.external;
    if (external.length === 0) {
      this.countPage(i, name, descriptor, seqNums, uids.length);
      return;
    }
    // Columns are read with at(j): an optimized indexed read that has met arrays of several kinds would
    // box every array of doubles it reads (see storage/codec/columnCodec.ts).
    for (let j = 0; j < uids.length; j++) {
      this.countEvent(i, name, descriptor, seqNums.at(j), "seq_num", j);
      for (const key of external) {
        const column = data[key];
        const filledColumn = filled?.[key];
        const value = Array.isArray(column) ? column.at(j) : undefined;
        const isFilled = Array.isArray(filledColumn) ? filledColumn.at(j) : undefined;
        this.referDatum(i, name, descriptor, value, isFilled, `data.${key}`, j);
      }
    }
  }

  /** `countEvent` for each of a page's `rows` rows (their seq_nums in `seqNums`) at once. */
  private countPage(
    i: number,
    name: string,
    descriptor: DescriptorState,
    seqNums: readonly unknown[],
    rows: number,
  ): void {
    const stream = this.streams.get(descriptor.stream)!;
    stream.events += rows;
    let expected = stream.nextSeq;
    for (let j = 0; j < rows; j++) {
      const seq = seqNums.at(j);
      if (typeof seq !== "number") continue;
      if (seq !== expected) this.flagSeqNum(i, name, descriptor, seq, expected, "seq_num", j);
      expected = seq + 1;
    }
    stream.nextSeq = expected;
  }

  /** A datum_page (`kwargs` columns) or a bulk_datum (`datum_kwarg_list`). */
  private onDatumPage(
    i: number,
    name: string,
    doc: Doc,
    ids: unknown,
    idsPath: string,
    kwargs: unknown,
  ): void {
    this.refer("resource", doc.resource, { doc_index: i, name, path: "resource" });
    const datumIds = Array.isArray(ids) ? ids : [];
    if (isRecord(kwargs)) this.checkColumnLengths(i, name, datumIds.length, "datum_kwargs.", kwargs);
    else this.checkColumnLength(i, name, datumIds.length, "datum_kwarg_list", doc.datum_kwarg_list);
    for (let j = 0; j < datumIds.length; j++) this.onDatumId(i, name, idsPath, datumIds[j], j);
  }

  /** A datum id at `path` (`path[row]` when `row` is given, in a page). */
  private onDatumId(i: number, name: string, path: string, id: unknown, row?: number): void {
    if (typeof id !== "string") return;
    const first = this.datumIds.claim(id, i);
    if (first >= 0) {
      this.flag(
        "error",
        i,
        name,
        atRow(path, row),
        "duplicate-datum-id",
        `datum_id ${id} is already used (document ${first})`,
      );
      return;
    }
    this.arrive("datum", id, i);
  }

  private checkKeys(
    i: number,
    name: string,
    prefix: string,
    descriptor: DescriptorState,
    data: Doc,
    timestamps: Doc,
    filled: Doc | undefined,
  ): void {
    for (const problem of eventKeyProblems(descriptor.keys, data, timestamps, filled)) {
      const repeatKey = `${problem.rule}|${problem.path}|${descriptor.uid}`;
      this.flag("error", i, name, `${prefix}${problem.path}`, problem.rule, problem.message, repeatKey);
    }
  }

  /** Flags a column of a page (an array at `path`) that has not the page's number of rows. */
  private checkColumnLength(i: number, name: string, rows: number, path: string, column: unknown): void {
    if (Array.isArray(column) && column.length !== rows) {
      this.flag("error", i, name, path, "page-length", `${column.length} values for a page of ${rows} rows`);
    }
  }

  /** `checkColumnLength` for each column of `columns`, their paths `prefix` + key. */
  private checkColumnLengths(i: number, name: string, rows: number, prefix: string, columns: Doc): void {
    for (const key in columns) {
      const column = columns[key];
      if (Array.isArray(column) && column.length !== rows)
        this.checkColumnLength(i, name, rows, `${prefix}${key}`, column);
    }
  }

  /** Counts an event in its stream and checks its seq_num, found at `path` (`path[row]` in a page). */
  private countEvent(
    i: number,
    name: string,
    descriptor: DescriptorState,
    seq: unknown,
    path: string,
    row?: number,
  ): void {
    const stream = this.streams.get(descriptor.stream)!;
    stream.events++;
    if (typeof seq !== "number") return;
    const expected = stream.nextSeq;
    stream.nextSeq = seq + 1;
    if (seq !== expected) this.flagSeqNum(i, name, descriptor, seq, expected, path, row);
  }

  private flagSeqNum(
    i: number,
    name: string,
    descriptor: DescriptorState,
    seq: number,
    expected: number,
    path: string,
    row?: number,
  ): void {
    const where = `seq_num ${seq} in stream "${descriptor.stream}" where ${expected} was expected`;
    if (seq > expected)
      this.flag("error", i, name, atRow(path, row), "seq_num-gap", `${where}: ${seq - expected} missing`);
    if (seq < expected)
      this.flag("error", i, name, atRow(path, row), "seq_num-repeat", `${where}: it repeats or goes back`);
  }

  /**
   * An unfilled string value of an external key is a datum id, which must come before the event. `field` is
   * the key's path (`data.det`), `row` the row of a page; findings repeat per field and descriptor.
   */
  private referDatum(
    i: number,
    name: string,
    descriptor: DescriptorState,
    value: unknown,
    filled: unknown,
    field: string,
    row?: number,
  ): void {
    if (typeof value !== "string" || (filled !== undefined && filled !== false)) return;
    if (this.datumIds.has(value)) return;
    this.refer("datum", value, {
      doc_index: i,
      name,
      path: atRow(field, row),
      repeatKey: `datum|${field}|${descriptor.uid}`,
    });
  }

  /** The descriptor named by an event when it has already arrived (the common case: nothing to wait for). */
  private arrivedDescriptor(uid: unknown): DescriptorState | undefined {
    return typeof uid === "string" ? this.descriptors.get(uid) : undefined;
  }

  /** An event whose descriptor has not arrived: note the reference, and run `check` if it comes. */
  private awaitDescriptor(
    uid: unknown,
    referrer: Referrer,
    check: (descriptor: DescriptorState) => void,
  ): void {
    if (this.refer("descriptor", uid, referrer)) {
      check(this.descriptors.get(uid as string)!);
    } else if (typeof uid === "string" && this.deferred < MAX_DEFERRED) {
      this.deferred++;
      this.pending.get(`descriptor\u0000${uid}`)?.deferred.push(() => {
        this.deferred--;
        const descriptor = this.descriptors.get(uid);
        if (descriptor) check(descriptor);
      });
    }
  }

  /** Is `uid` already known? If not, remember who asked, to report it when it comes (or never does). */
  private refer(target: Target, uid: unknown, referrer: Referrer): boolean {
    if (typeof uid !== "string") return false;
    if (this.isKnown(target, uid)) return true;
    const key = `${target}\u0000${uid}`;
    const entry = this.pending.get(key);
    if (entry) entry.referrers.push(referrer);
    else this.pending.set(key, { target, uid, referrers: [referrer], deferred: [] });
    return false;
  }

  private isKnown(target: Target, uid: string): boolean {
    switch (target) {
      case "descriptor":
        return this.descriptors.has(uid);
      case "resource":
        return this.resources.has(uid);
      case "stream_resource":
        return this.streamResources.has(uid);
      case "datum":
        return this.datumIds.has(uid);
    }
  }

  /** A referable document arrived: register it, and every earlier reference to it was out of order. */
  private arrive(target: Target, uid: string, i: number): void {
    if (target === "resource") this.resources.add(uid);
    if (target === "stream_resource") this.streamResources.add(uid);
    const key = `${target}\u0000${uid}`;
    const entry = this.pending.get(key);
    if (!entry) return;
    this.pending.delete(key);
    for (const referrer of entry.referrers) {
      const message = `refers to ${target} ${uid}, which only comes later (document ${i})`;
      this.flag(
        "error",
        referrer.doc_index,
        referrer.name,
        referrer.path,
        "order",
        message,
        referrer.repeatKey ?? `order|${key}`,
      );
    }
    for (const check of entry.deferred) check();
  }

  private checkRunStart(i: number, name: string, value: unknown): void {
    if (typeof value !== "string") return;
    const referrer = { doc_index: i, name, path: "run_start", value };
    if (!this.start) this.pendingRunStarts.push(referrer);
    else if (value !== this.start.uid) this.flagForeignRun(referrer, value);
  }

  private flagForeignRun(referrer: Referrer, value: string): void {
    const message = `names run ${value}, not this run (${this.start?.uid})`;
    this.flag("error", referrer.doc_index, referrer.name, referrer.path, "reference", message);
  }

  private claimUid(i: number, name: string, path: string, uid: unknown): void {
    if (typeof uid !== "string") return;
    const first = this.uids.claim(uid, i);
    if (first >= 0) this.flagDuplicateUid(i, name, path, uid, first);
  }

  private flagDuplicateUid(i: number, name: string, path: string, uid: string, first: number): void {
    this.flag("error", i, name, path, "duplicate-uid", `uid ${uid} is already used (document ${first})`);
  }

  private flagUnresolved(): void {
    for (const { target, uid, referrers } of this.pending.values()) {
      for (const referrer of referrers) {
        const { doc_index, name, path, repeatKey } = referrer;
        if (target !== "datum") {
          this.flag(
            "error",
            doc_index,
            name,
            path,
            "reference",
            `refers to ${target} ${uid}, not in this run`,
            `reference|${target}|${uid}`,
          );
        } else if (this.resources.size > 0) {
          const message = `the value ${uid} of an unfilled external key names no datum of this run`;
          this.flag("warning", doc_index, name, path, "datum-unresolved", message, repeatKey);
        }
      }
    }
    this.pending.clear();
  }

  private flagExternalWithoutResource(): void {
    if (this.resources.size > 0) return;
    for (const descriptor of this.descriptors.values()) {
      for (const key of descriptor.keys.external) {
        if (this.streamResourceKeys.has(key)) continue;
        const message = `data key ${key} is external, but the run has no resource for it`;
        this.flag(
          "warning",
          descriptor.docIndex,
          "descriptor",
          `data_keys.${key}.external`,
          "external-without-resource",
          message,
        );
      }
    }
  }

  private flagNumEvents(): void {
    const numEvents = this.stop?.doc.num_events;
    if (!this.stop || !isRecord(numEvents)) return;
    const streams = new Set([...Object.keys(numEvents), ...this.streams.keys()]);
    for (const stream of streams) {
      const counted = this.streams.get(stream)?.events ?? 0;
      const claimed = numEvents[stream];
      if (claimed === undefined && counted === 0) continue;
      if (claimed !== counted) {
        const message = `the stop claims ${claimed === undefined ? "nothing" : claimed} events in stream "${stream}", the run has ${counted}`;
        this.flag("warning", this.stop.index, "stop", `num_events.${stream}`, "num_events", message);
      }
    }
  }

  /** Record a finding (see FindingLog for `repeatKey`); `add` returns it either way. */
  private flag(
    severity: Severity,
    doc_index: number | undefined,
    name: string,
    path: string,
    rule: string,
    message: string,
    repeatKey?: string,
  ): void {
    const finding: RunFinding = { doc_index, name, path, rule, message, severity };
    if (doc_index === undefined) delete finding.doc_index;
    this.log.add(finding, repeatKey);
    if (this.raised) this.raised.push(finding);
    else this.raised = [finding];
  }
}

/** The columns of an event page, whatever its shape (a broken page is reported by its schema). */
function pageColumns(page: Doc) {
  return {
    uids: Array.isArray(page.uid) ? page.uid : [],
    data: isRecord(page.data) ? page.data : {},
    timestamps: isRecord(page.timestamps) ? page.timestamps : {},
    filled: isRecord(page.filled) ? page.filled : undefined,
  };
}

/** A finding's path: `path`, or `path[row]` for a row of a page (built only when there is a finding). */
function atRow(path: string, row: number | undefined): string {
  return row === undefined ? path : `${path}[${row}]`;
}

/** How the data keys of a later descriptor of a stream differ from the first one's. */
function keyDifference(first: StreamKeys, later: StreamKeys): string {
  const added = [...later.declared].filter((key) => !first.declared.has(key));
  const dropped = [...first.declared].filter((key) => !later.declared.has(key));
  if (added.length === 0 && dropped.length === 0) return "same data_keys";
  const parts = [
    added.length > 0 ? `adds ${added.join(", ")}` : "",
    dropped.length > 0 ? `lacks ${dropped.join(", ")}` : "",
  ];
  return `its data_keys differ: ${parts.filter(Boolean).join("; ")}`;
}

/** Check one whole run, given as `[name, doc]` pairs in stream order. */
export function validateRun(
  documents: Iterable<readonly [string, unknown]>,
  options?: RunCheckerOptions,
): RunReport {
  const checker = new RunChecker(options);
  for (const [name, doc] of documents) checker.add(name, doc);
  return checker.finish();
}
