// Incremental check of one run against the event-model invariants: fed one document at a time (so the
// ingest can check a live stream), `finish()` returns the report. The rules, their severities and why are in
// the README (Design notes: run checks). Each job has its module (documentChecks, RunBounds, UniqueIds,
// References, Streams, keySetChecks, pageLengths), reporting through RunFindings; this class feeds them.

import { blockColumns, cellOf, type EventBlock, everyCell } from "../formats/eventBlock.ts";
import { blockEvent } from "../formats/expandEventBlock.ts";
import { isBooleanOrString, isInteger, isObject, isString } from "../schema/predicates.ts";
import { type DataKey, isDocumentName } from "../types.ts";
import { checkDepth, checkSchema, checkTimes, reportUnknownName } from "./documentChecks.ts";
import { eventKeyProblems, streamKeysOf } from "./eventKeys.ts";
import { checkKeySets } from "./keySetChecks.ts";
import { checkColumnLength, checkColumnLengths } from "./pageLengths.ts";
import { References, type Referrer } from "./References.ts";
import { RunBounds } from "./RunBounds.ts";
import { atRow, RunFindings } from "./RunFindings.ts";
import { type RunFinding, type RunReport, reportOf } from "./RunReport.ts";
import { type DescriptorState, Streams } from "./Streams.ts";
import { isAcceptedTime } from "./timeRange.ts";
import { UniqueIds } from "./UniqueIds.ts";

type Doc = Record<string, unknown>;

export interface RunCheckerOptions {
  /** Check each document against its JSON Schema too (default true). */
  schema?: boolean;
}

export class RunChecker {
  private readonly schema: boolean;
  private index = 0;
  private readonly findings = new RunFindings();
  private readonly bounds = new RunBounds(this.findings);
  private readonly ids = new UniqueIds(this.findings);
  private readonly streams = new Streams(this.findings);
  private readonly descriptors = new Map<string, DescriptorState>();
  private readonly resources = new Set<string>();
  private readonly streamResources = new Set<string>();
  private readonly streamResourceKeys = new Set<unknown>();
  private readonly references = new References(this.findings, {
    descriptor: this.descriptors,
    resource: this.resources,
    stream_resource: this.streamResources,
    datum: { has: (id) => this.ids.hasDatum(id) },
  });
  private report?: RunReport;

  constructor(options: RunCheckerOptions = {}) {
    this.schema = options.schema ?? true;
  }

  /** The run's start uid, once its start document has been added. */
  get uid(): string | null {
    return this.bounds.start?.uid ?? null;
  }

  /** Number of documents added so far (the next document's index). */
  get count(): number {
    return this.index;
  }

  /** Check the next document of the run; returns the findings it raised (some may name earlier documents). */
  add(name: string, doc: unknown): RunFinding[] {
    if (this.report) throw new Error("RunChecker.add after finish()");
    this.findings.beginDocument();
    const i = this.index++;
    if (!isDocumentName(name)) {
      reportUnknownName(this.findings, i, name);
      return this.findings.ofDocument();
    }
    if (this.schema) checkSchema(this.findings, i, name, doc);
    if (!isObject(doc)) return this.findings.ofDocument();
    checkTimes(this.findings, i, name, doc);
    checkDepth(this.findings, i, name, doc);
    if (name !== "stop") this.bounds.checkBeforeStop(i, name);
    switch (name) {
      case "start":
        this.ids.claimUid(i, name, "uid", doc.uid);
        if (this.bounds.addStart(i, doc)) this.references.startArrived(this.uid);
        break;
      case "stop":
        this.ids.claimUid(i, name, "uid", doc.uid);
        this.checkRunStart(i, name, doc.run_start);
        this.bounds.addStop(i, doc);
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
            if (isObject(event)) this.onEvent(i, name, event, `${descriptor}[${j}].`);
          });
        }
        break;
      case "resource":
        this.ids.claimUid(i, name, "uid", doc.uid);
        if (doc.run_start !== undefined) this.checkRunStart(i, name, doc.run_start);
        if (typeof doc.uid === "string") {
          this.resources.add(doc.uid);
          this.references.arrive("resource", doc.uid, i);
        }
        break;
      case "datum":
        this.references.refer("resource", doc.resource, { doc_index: i, name, path: "resource" });
        this.onDatumId(i, name, "datum_id", doc.datum_id);
        break;
      case "datum_page":
        this.onDatumPage(i, name, doc, doc.datum_id, "datum_id", doc.datum_kwargs);
        break;
      case "bulk_datum":
        this.onDatumPage(i, name, doc, doc.datum_ids, "datum_ids", undefined);
        break;
      case "stream_resource":
        this.ids.claimUid(i, name, "uid", doc.uid);
        if (doc.run_start !== undefined) this.checkRunStart(i, name, doc.run_start);
        this.streamResourceKeys.add(doc.data_key);
        if (typeof doc.uid === "string") {
          this.streamResources.add(doc.uid);
          this.references.arrive("stream_resource", doc.uid, i);
        }
        break;
      case "stream_datum":
        this.ids.claimUid(i, name, "uid", doc.uid);
        this.references.refer("descriptor", doc.descriptor, { doc_index: i, name, path: "descriptor" });
        this.references.refer("stream_resource", doc.stream_resource, {
          doc_index: i,
          name,
          path: "stream_resource",
        });
        break;
    }
    return this.findings.ofDocument();
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
    if (this.bounds.stop || !descriptor) return null;
    const { uid, seq_num, time, data, timestamps, filled } = blockColumns(block);
    if (!uid || !seq_num || !time || !data || !timestamps) return null;
    // A time out of range (or not a number) sends the events one by one, where it is reported.
    if (!everyCell(uid, isString) || !everyCell(seq_num, isInteger) || !everyCell(time, isAcceptedTime))
      return null;
    if (filled && !filled.columns.every((column) => everyCell(column, isBooleanOrString))) return null;
    // The keys of one layout are those of its first event.
    const first = blockEvent(block, 0);
    if (eventKeyProblems(descriptor.keys, first.data, first.timestamps, first.filled).length > 0) return null;
    this.findings.beginDocument();
    const start = this.index;
    this.index += block.count;
    const external = descriptor.keys.external.map((key) => ({
      key,
      values: data.columns[data.fields.indexOf(key)],
      filled: filled?.columns[filled.fields.indexOf(key)],
    }));
    for (let row = 0; row < block.count; row++) {
      const i = start + row;
      this.ids.claimUid(i, "event", "uid", cellOf(uid, row));
      this.streams.countEvent(i, "event", descriptor, cellOf(seq_num, row), "seq_num");
      for (const { key, values, filled } of external) {
        const value = values === undefined ? undefined : cellOf(values, row);
        const isFilled = filled === undefined ? undefined : cellOf(filled, row);
        this.referDatum(i, "event", descriptor, value, isFilled, `data.${key}`);
      }
    }
    return this.findings.ofDocument();
  }

  /** Close the run: add the findings only the end can tell, and return the report (idempotent). */
  finish(): RunReport {
    if (this.report) return this.report;
    this.bounds.finish();
    if (this.descriptors.size === 0) {
      const message = "the run has no descriptor";
      this.findings.report({
        name: "descriptor",
        path: "",
        rule: "descriptor-missing",
        message,
        severity: "warning",
      });
    }
    this.references.finish(this.resources.size > 0);
    this.checkExternalResources();
    const stop = this.bounds.stop;
    if (stop) this.streams.checkNumEvents(stop.doc, stop.index);
    this.report = reportOf(this.uid, this.findings.list());
    return this.report;
  }

  private checkRunStart(i: number, name: string, value: unknown): void {
    this.references.checkRunStart(i, name, value, this.bounds.start);
  }

  private onDescriptor(i: number, doc: Doc): void {
    this.ids.claimUid(i, "descriptor", "uid", doc.uid);
    this.checkRunStart(i, "descriptor", doc.run_start);
    if (typeof doc.uid !== "string" || !isObject(doc.data_keys) || this.descriptors.has(doc.uid)) return;
    const descriptor: DescriptorState = {
      uid: doc.uid,
      stream: typeof doc.name === "string" ? doc.name : "primary",
      docIndex: i,
      keys: streamKeysOf(doc.data_keys as Record<string, DataKey>),
    };
    this.streams.addDescriptor(descriptor);
    this.descriptors.set(doc.uid, descriptor);
    this.references.arrive("descriptor", doc.uid, i);
  }

  /** One event (or one event of a bulk_events, its path under `prefix`). */
  private onEvent(i: number, name: string, event: Doc, prefix: string): void {
    this.ids.claimUid(i, name, `${prefix}uid`, event.uid);
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
    const filled = isObject(event.filled) ? event.filled : undefined;
    if (isObject(event.data) && isObject(event.timestamps))
      checkKeySets(this.findings, i, name, prefix, descriptor, event.data, event.timestamps, filled);
    this.streams.countEvent(i, name, descriptor, event.seq_num, `${prefix}seq_num`);
    const external = descriptor.keys.external;
    if (external.length === 0) return;
    const data = isObject(event.data) ? event.data : {};
    for (const key of external) {
      this.referDatum(i, name, descriptor, data[key], filled?.[key], `${prefix}data.${key}`);
    }
  }

  private onEventPage(i: number, page: Doc): void {
    const name = "event_page";
    const { uids, data, timestamps, filled } = pageColumns(page);
    const rows = uids.length;
    checkColumnLength(this.findings, i, name, rows, "seq_num", page.seq_num);
    checkColumnLength(this.findings, i, name, rows, "time", page.time);
    checkColumnLengths(this.findings, i, name, rows, "data.", data);
    checkColumnLengths(this.findings, i, name, rows, "timestamps.", timestamps);
    if (filled) checkColumnLengths(this.findings, i, name, rows, "filled.", filled);
    this.ids.claimPageUids(i, name, uids);
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
    if (isObject(page.data) && isObject(page.timestamps))
      checkKeySets(this.findings, i, name, "", descriptor, data, timestamps, filled);
    const seqNums = Array.isArray(page.seq_num) ? page.seq_num : [];
    const external = descriptor.keys.external;
    if (external.length === 0) {
      this.streams.countPage(i, name, descriptor, seqNums, uids.length);
      return;
    }
    // Columns are read with at(j): an optimized indexed read that has met arrays of several kinds would
    // box every array of doubles it reads (see storage/codec/columnCodec.ts).
    for (let j = 0; j < uids.length; j++) {
      this.streams.countEvent(i, name, descriptor, seqNums.at(j), "seq_num", j);
      for (const key of external) {
        const column = data[key];
        const filledColumn = filled?.[key];
        const value = Array.isArray(column) ? column.at(j) : undefined;
        const isFilled = Array.isArray(filledColumn) ? filledColumn.at(j) : undefined;
        this.referDatum(i, name, descriptor, value, isFilled, `data.${key}`, j);
      }
    }
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
    this.references.refer("resource", doc.resource, { doc_index: i, name, path: "resource" });
    const datumIds = Array.isArray(ids) ? ids : [];
    const rows = datumIds.length;
    if (isObject(kwargs)) checkColumnLengths(this.findings, i, name, rows, "datum_kwargs.", kwargs);
    else checkColumnLength(this.findings, i, name, rows, "datum_kwarg_list", doc.datum_kwarg_list);
    for (let j = 0; j < rows; j++) this.onDatumId(i, name, idsPath, datumIds[j], j);
  }

  /** A datum id at `path` (`path[row]` when `row` is given, in a page). */
  private onDatumId(i: number, name: string, path: string, id: unknown, row?: number): void {
    if (typeof id !== "string") return;
    if (this.ids.claimDatumId(i, name, path, id, row)) this.references.arrive("datum", id, i);
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
    if (this.ids.hasDatum(value)) return;
    this.references.refer("datum", value, {
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
    this.references.referThenCheck("descriptor", uid, referrer, () => {
      const descriptor = this.descriptors.get(uid as string);
      if (descriptor) check(descriptor);
    });
  }

  /** Without any Resource (which names no data key, so any one counts), an external key needs a StreamResource. */
  private checkExternalResources(): void {
    if (this.resources.size > 0) return;
    for (const descriptor of this.descriptors.values()) {
      for (const key of descriptor.keys.external) {
        if (this.streamResourceKeys.has(key)) continue;
        const message = `data key ${key} is external, but the run has no resource for it`;
        this.findings.report({
          doc_index: descriptor.docIndex,
          name: "descriptor",
          path: `data_keys.${key}.external`,
          rule: "external-without-resource",
          message,
          severity: "warning",
        });
      }
    }
  }
}

/** The columns of an event page, whatever its shape (a broken page is reported by its schema). */
function pageColumns(page: Doc) {
  return {
    uids: Array.isArray(page.uid) ? page.uid : [],
    data: isObject(page.data) ? page.data : {},
    timestamps: isObject(page.timestamps) ? page.timestamps : {},
    filled: isObject(page.filled) ? page.filled : undefined,
  };
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
