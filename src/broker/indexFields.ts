// `databroker index` and `serve --index`: the statistics of every field not indexed yet (external data, whose
// events hold datum ids; arrays stored before per-event sums were kept), computed from the values read as a
// Stream reads them filled (through the handlers) and stored descriptor by descriptor, each in its own commit:
// a job stopped midway leaves what it finished indexed, and the next one does only what is left. A field that
// cannot be read is reported and left not indexed; the others go on.
import type { DataKey } from "../documents/types.ts";
import { emptyFieldStats, type FieldStats } from "../queries/fieldStats.ts";
import { mergeStats } from "../storage/ingest/fieldStats.ts";
import type { UnindexedField } from "../storage/Store.ts";
import type { Broker } from "./Broker.ts";
import { declaredShape } from "./dataKeys.ts";
import { filledColumnStats } from "./filledColumnStats.ts";
import type { Run } from "./Run.ts";
import type { Stream } from "./Stream.ts";

/** A field that could not be indexed, and why (one line). */
export interface IndexFailure {
  run: string;
  stream: string;
  field: string;
  message: string;
}

export interface IndexProgress {
  runs: number;
  runsDone: number;
  fields: number;
  fieldsDone: number;
}

export interface IndexSummary {
  /** Runs and fields that were not indexed when the job began. */
  runs: number;
  fields: number;
  /** Fields indexed by this job. */
  indexed: number;
  failed: IndexFailure[];
  /** True when `signal` stopped the job before the end. */
  stopped: boolean;
}

export interface IndexOptions {
  onProgress?: (progress: Readonly<IndexProgress>) => void;
  onFailure?: (failure: IndexFailure) => void;
  /** Stops the job between two fields (what is finished is committed first). */
  signal?: AbortSignal;
  /** About how many bytes of one field's values are held at once (default 64 MiB). */
  chunkBytes?: number;
}

const CHUNK_BYTES = 64 * 1024 * 1024;

/** Rows per chunk: about `bytes` of float64 values of the declared shape (the shape may be wrong: a guess). */
function chunkRows(dataKey: DataKey | undefined, bytes: number): number {
  const values = (dataKey ? declaredShape(dataKey) : []).reduce((n, extent) => n * Math.max(extent, 1), 1);
  return Math.max(1, Math.floor(bytes / (8 * values)));
}

/** One field of one descriptor's events, read filled chunk by chunk, its statistics merged as ingest merges pages. */
async function statsOf(stream: Stream, field: string, chunkBytes: number): Promise<FieldStats> {
  let total = emptyFieldStats(0, true);
  const size = chunkRows(stream.dataKeys[field], chunkBytes);
  for await (const chunk of stream.chunks({ fields: [field], fill: true, size }))
    total = mergeStats(total, filledColumnStats(chunk.column(field), chunk.length));
  return total;
}

const CHANGED = "events were added to it while it was read: index again to include them";

/** Each field's stored event count (an unknown descriptor has none: its fields then fail as they are read). */
async function eventCounts(broker: Broker, descriptorUid: string): Promise<Record<string, number>> {
  const stored = await broker.store.fieldStats(descriptorUid).catch(() => ({}) as Record<string, FieldStats>);
  return Object.fromEntries(Object.entries(stored).map(([field, stats]) => [field, stats.events]));
}

function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, " ");
}

/** The fields to do, by run, then by descriptor, in the order the store listed them. */
function byRunAndDescriptor(fields: UnindexedField[]): Map<string, Map<string, UnindexedField[]>> {
  const runs = new Map<string, Map<string, UnindexedField[]>>();
  for (const item of fields) {
    let descriptors = runs.get(item.run);
    if (!descriptors) runs.set(item.run, (descriptors = new Map()));
    let list = descriptors.get(item.descriptor);
    if (!list) descriptors.set(item.descriptor, (list = []));
    list.push(item);
  }
  return runs;
}

/** One job: the fields to do, its progress and summary as it goes. */
class IndexJob {
  readonly progress: IndexProgress;
  readonly summary: IndexSummary;

  constructor(
    private readonly broker: Broker,
    private readonly todo: Map<string, Map<string, UnindexedField[]>>,
    private readonly options: IndexOptions,
  ) {
    let fields = 0;
    for (const descriptors of todo.values()) for (const list of descriptors.values()) fields += list.length;
    this.progress = { runs: todo.size, runsDone: 0, fields, fieldsDone: 0 };
    this.summary = { runs: todo.size, fields, indexed: 0, failed: [], stopped: false };
  }

  private get stopping(): boolean {
    return this.options.signal?.aborted ?? false;
  }

  async run(): Promise<IndexSummary> {
    this.options.onProgress?.(this.progress);
    for (const [runUid, descriptors] of this.todo) {
      // A run that cannot be read fails each of its fields with why.
      const run: Run | Error = await this.broker
        .run(runUid)
        .catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
      for (const [descriptorUid, fields] of descriptors) {
        if (this.stopping) break;
        await this.indexDescriptor(run, descriptorUid, fields);
      }
      if (this.stopping) {
        this.summary.stopped = true;
        break;
      }
      this.progress.runsDone++;
      this.options.onProgress?.(this.progress);
    }
    return this.summary;
  }

  /** Reads each field of one descriptor, then commits what was read in one put. */
  private async indexDescriptor(
    run: Run | Error,
    descriptorUid: string,
    fields: UnindexedField[],
  ): Promise<void> {
    const stats: Record<string, FieldStats> = {};
    // Events added while the values are read would be missed: such a field is not written (see below).
    const eventsWhenRead = await eventCounts(this.broker, descriptorUid);
    for (const item of fields) {
      if (this.stopping) break;
      try {
        if (run instanceof Error) throw run;
        const stream = run.descriptorStream(descriptorUid);
        stats[item.field] = await statsOf(stream, item.field, this.options.chunkBytes ?? CHUNK_BYTES);
      } catch (error) {
        this.fail(item, error);
      }
      this.progress.fieldsDone++;
      this.options.onProgress?.(this.progress);
    }
    const read = fields.filter((item) => item.field in stats);
    if (read.length === 0) return;
    try {
      const written = await this.broker.store.putFieldStats(descriptorUid, stats, { eventsWhenRead });
      this.summary.indexed += written.length;
      for (const item of read) if (!written.includes(item.field)) this.fail(item, CHANGED);
    } catch (error) {
      for (const item of read) this.fail(item, error);
    }
  }

  private fail(item: UnindexedField, error: unknown): void {
    const failure = { run: item.run, stream: item.stream, field: item.field, message: oneLine(error) };
    this.summary.failed.push(failure);
    this.options.onFailure?.(failure);
  }
}

export async function indexFields(broker: Broker, options: IndexOptions = {}): Promise<IndexSummary> {
  return new IndexJob(broker, byRunAndDescriptor(await broker.store.unindexedFields()), options).run();
}
