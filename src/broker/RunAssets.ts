// The external data of one run, found on demand: a datum id -> its Resource and datum_kwargs (the datums of a
// resource are loaded once, when first needed), and the StreamDatums behind a `STREAM:` key, read as rows.
import type { AssetReader, DatumReference } from "../assets/AssetReader.ts";
import type { Resource, StreamDatum, StreamResource } from "../documents/types.ts";
import { NotFoundError } from "../errors.ts";
import type { Store } from "../storage/Store.ts";
import type { NDArray } from "../tables/NDArray.ts";
import { concatenate } from "../tables/stack.ts";

/** A StreamDatum with the StreamResource it reads from. */
export interface StreamSlice {
  resource: StreamResource;
  datum: StreamDatum;
}

export class RunAssets {
  private readonly datumIndexes = new Map<string, Promise<Map<string, DatumReference>>>();
  private readonly resourceDocs = new Map<string, Promise<Resource | undefined>>();
  private runResources?: Promise<Resource[]>;
  private streamSlices?: Promise<StreamSlice[]>;

  constructor(
    private readonly store: Store,
    readonly runUid: string,
    readonly reader: AssetReader,
  ) {}

  /** The array behind one datum id (what an unfilled event holds). */
  async readDatum(datumId: string): Promise<NDArray> {
    const { resource, datum } = await this.findDatum(datumId);
    return this.reader.readDatum(resource, datum);
  }

  private async findDatum(datumId: string): Promise<{ resource: Resource; datum: DatumReference }> {
    if (typeof datumId !== "string") {
      throw new NotFoundError(`${JSON.stringify(datumId)} is not a datum id (run ${this.runUid})`);
    }
    // By convention a datum id is `<resource uid>/<n>`: try that resource before searching the run's.
    const slash = datumId.lastIndexOf("/");
    const guess = slash > 0 ? datumId.slice(0, slash) : undefined;
    const candidates = guess ? [guess] : [];
    for (let pass = 0; pass < 2; pass++) {
      for (const uid of candidates) {
        const datum = (await this.datumIndex(uid)).get(datumId);
        const resource = datum && (await this.resource(uid));
        if (datum && resource) return { resource, datum };
      }
      if (pass === 0) {
        this.runResources ??= this.store.resources(this.runUid);
        const others = (await this.runResources).map((r) => r.uid).filter((uid) => uid !== guess);
        candidates.splice(0, candidates.length, ...others);
      }
    }
    throw new NotFoundError(
      `datum ${datumId}: no Datum with this id in the resources of run ${this.runUid}` +
        (guess
          ? ` (resource ${guess} ${(await this.resource(guess)) ? "has no such datum" : "is not stored"})`
          : ""),
    );
  }

  private resource(uid: string): Promise<Resource | undefined> {
    let found = this.resourceDocs.get(uid);
    if (!found) this.resourceDocs.set(uid, (found = this.store.resource(uid)));
    return found;
  }

  private datumIndex(resourceUid: string): Promise<Map<string, DatumReference>> {
    let index = this.datumIndexes.get(resourceUid);
    if (!index) {
      index = (async () => {
        const byId = new Map<string, DatumReference>();
        for await (const page of this.store.datums(resourceUid)) {
          const keys = Object.keys(page.datum_kwargs ?? {});
          page.datum_id.forEach((id, row) => {
            const kwargs: Record<string, unknown> = {};
            for (const key of keys) kwargs[key] = page.datum_kwargs[key][row];
            byId.set(id, { datum_id: id, datum_kwargs: kwargs, resource: page.resource });
          });
        }
        return byId;
      })();
      this.datumIndexes.set(resourceUid, index);
    }
    return index;
  }

  /** The StreamDatums of `field` in the given descriptors, ordered by their first seq_num. */
  async streamSlicesOf(field: string, descriptorUids: readonly string[]): Promise<StreamSlice[]> {
    this.streamSlices ??= (async () => {
      const slices: StreamSlice[] = [];
      for (const resource of await this.store.streamResources(this.runUid)) {
        for await (const datum of this.store.streamDatums(resource.uid)) slices.push({ resource, datum });
      }
      return slices.sort((a, b) => a.datum.seq_nums.start - b.datum.seq_nums.start);
    })();
    const descriptors = new Set(descriptorUids);
    return (await this.streamSlices).filter(
      (slice) => slice.resource.data_key === field && descriptors.has(slice.datum.descriptor),
    );
  }

  /**
   * The rows of a `STREAM:` field at the given seq_nums (ascending), read a StreamDatum at a time: rows with
   * consecutive seq_nums under one StreamDatum become one read of its resource.
   */
  async readStreamRows(field: string, slices: StreamSlice[], seqNums: ArrayLike<number>): Promise<NDArray[]> {
    const blocks: NDArray[] = [];
    let row = 0;
    while (row < seqNums.length) {
      const seq = seqNums[row];
      const slice = coveringSlice(slices, seq);
      if (!slice) {
        throw new NotFoundError(`field ${field}: no StreamDatum of run ${this.runUid} covers seq_num ${seq}`);
      }
      const { datum } = slice;
      let end = row + 1;
      while (
        end < seqNums.length &&
        seqNums[end] === seqNums[end - 1] + 1 &&
        seqNums[end] < datum.seq_nums.stop
      )
        end++;
      const offset = seq - datum.seq_nums.start;
      const start = datum.indices.start + offset;
      blocks.push(
        await this.reader.readStreamDatum(slice.resource, {
          uid: datum.uid,
          indices: { start, stop: start + (end - row) },
          stream_resource: datum.stream_resource,
        }),
      );
      row = end;
    }
    return blocks;
  }

  /** The rows of `readStreamRows` as one array of shape [rows, ...]. */
  async streamRows(field: string, slices: StreamSlice[], seqNums: ArrayLike<number>): Promise<NDArray> {
    const blocks = await this.readStreamRows(field, slices, seqNums);
    return blocks.length === 1 ? blocks[0] : concatenate(blocks);
  }
}

/** The StreamDatum whose seq_num range holds `seq` (slices sorted by their first seq_num). */
export function coveringSlice(slices: StreamSlice[], seq: number): StreamSlice | undefined {
  let low = 0;
  let high = slices.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const { start, stop } = slices[mid].datum.seq_nums;
    if (seq < start) high = mid - 1;
    else if (seq >= stop) low = mid + 1;
    else return slices[mid];
  }
  return undefined;
}
