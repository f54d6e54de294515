// The documents of one derived run as a processor produces them: the start with its provenance record, a
// descriptor per stream, events gathered into pages, the stop. Every uid and time is derived from the input
// (derivedIds.ts), so the same input gives byte-identical documents; `take()` hands over what is pending.
import type {
  DataKey,
  DocumentPair,
  EventDescriptor,
  EventPage,
  ExitStatus,
  RunStart,
  RunStop,
} from "../documents/types.ts";
import { ValidationError } from "../errors.ts";
import { PACKAGE_VERSION } from "../packageVersion.ts";
import type { ProvenanceRecord } from "../provenance/ProvenanceRecord.ts";
import { derivedDocumentUid } from "./derivedIds.ts";
import type { DerivedRunOutput, Processor, ProcessorParams } from "./Processor.ts";

/** The software entry of every derived run's provenance. */
export const PIPE_SOFTWARE = "databroker pipe";

/** Start keys copied from the input: who the run belongs to, so access rules see the derived run alike. */
const OWNERSHIP_KEYS = [
  "beamline_id",
  "beamline",
  "proposal_id",
  "proposal",
  "beamtime_id",
  "beamtime",
  "data_session",
  "data_groups",
  "owner",
  "group",
  "project",
  "sample",
];

export interface DerivedRunIdentity {
  uid: string;
  processor: Processor;
  params: ProcessorParams;
  /** Who runs the pipeline (provenance `created_by`); left out when undefined. */
  createdBy?: string;
}

interface OutputStream {
  descriptor: EventDescriptor;
  seq: number;
  pending: EventPage | null;
}

export class DerivedRunWriter implements DerivedRunOutput {
  private readonly documents: DocumentPair[] = [];
  private readonly streams = new Map<string, OutputStream>();
  private readonly pendingPages: OutputStream[] = [];
  /** The time of the input document being routed: what a descriptor declared now is stamped with. */
  inputTime = 0;
  started = false;
  stopped = false;
  /** Events written so far (for the progress line). */
  events = 0;

  constructor(private readonly identity: DerivedRunIdentity) {}

  get uid(): string {
    return this.identity.uid;
  }

  /** The derived run's start, made from the input's start: its time, its ownership keys, and provenance. */
  start(input: RunStart): void {
    const { processor, params, createdBy } = this.identity;
    const stream = typeof params.stream === "string" ? { stream: params.stream } : {};
    const provenance: ProvenanceRecord = {
      inputs: [{ uid: input.uid, ...stream }],
      software: [{ name: PIPE_SOFTWARE, version: PACKAGE_VERSION }],
      parameters: { processor: processor.name, version: processor.version, ...params },
      ...(createdBy === undefined ? {} : { created_by: createdBy }),
    };
    const owned = Object.fromEntries(
      OWNERSHIP_KEYS.filter((key) => key in input).map((key) => [key, input[key]]),
    );
    const start: RunStart = {
      ...owned,
      uid: this.uid,
      time: input.time,
      plan_name: `pipe ${processor.name}`,
      provenance: provenance as unknown as RunStart["provenance"],
    };
    this.documents.push(["start", start]);
    this.started = true;
  }

  stream(name: string, dataKeys: Record<string, DataKey>): void {
    if (this.streams.has(name)) throw new ValidationError(`the processor declared stream ${name} twice`);
    const descriptor: EventDescriptor = {
      uid: derivedDocumentUid(this.uid, `descriptor/${name}`),
      run_start: this.uid,
      time: this.inputTime,
      name,
      data_keys: dataKeys,
    };
    this.streams.set(name, { descriptor, seq: 0, pending: null });
    this.documents.push(["descriptor", descriptor]);
  }

  event(name: string, data: Record<string, unknown>, time: number): void {
    const stream = this.streams.get(name);
    if (!stream)
      throw new ValidationError(`the processor wrote an event to stream ${name} before declaring it`);
    stream.seq++;
    this.events++;
    if (!stream.pending) {
      stream.pending = {
        descriptor: stream.descriptor.uid,
        uid: [],
        seq_num: [],
        time: [],
        data: Object.fromEntries(Object.keys(stream.descriptor.data_keys).map((key) => [key, []])),
        timestamps: Object.fromEntries(Object.keys(stream.descriptor.data_keys).map((key) => [key, []])),
      };
      this.pendingPages.push(stream);
    }
    const page = stream.pending;
    page.uid.push(derivedDocumentUid(this.uid, `event/${name}/${stream.seq}`));
    page.seq_num.push(stream.seq);
    page.time.push(time);
    for (const key of Object.keys(page.data)) {
      if (!(key in data)) throw new ValidationError(`the processor's ${name} event lacks ${key}`);
      page.data[key].push(data[key]);
      page.timestamps[key].push(time);
    }
  }

  /** The stop, at the input's stop time; the input's exit status is kept (a failed scan gives a failed result). */
  stop(time: number, exitStatus: ExitStatus): void {
    const num_events = Object.fromEntries([...this.streams].map(([name, stream]) => [name, stream.seq]));
    this.flushPages();
    const stop: RunStop = {
      uid: derivedDocumentUid(this.uid, "stop"),
      run_start: this.uid,
      time,
      exit_status: exitStatus,
      num_events,
    };
    this.documents.push(["stop", stop]);
    this.stopped = true;
  }

  /** How many event rows wait in pages not yet taken. */
  get pendingRows(): number {
    return this.pendingPages.reduce((rows, stream) => rows + (stream.pending?.seq_num.length ?? 0), 0);
  }

  /** Whether documents or rows wait to be taken. */
  get hasPending(): boolean {
    return this.documents.length > 0 || this.pendingPages.length > 0;
  }

  /** The documents made since the last call, events as one page per stream. */
  take(): DocumentPair[] {
    this.flushPages();
    return this.documents.splice(0);
  }

  private flushPages(): void {
    for (const stream of this.pendingPages.splice(0)) {
      if (stream.pending) this.documents.push(["event_page", stream.pending]);
      stream.pending = null;
    }
  }
}
