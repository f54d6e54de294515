// The external data of one run, found on demand: a datum id -> its Resource and datum_kwargs (the datums of a
// resource are loaded once, when first needed), and the StreamDatums behind a `STREAM:` key, read as rows.
import type { AssetReader, DatumReference } from "../assets/AssetReader.ts";
import type { DataKey, Resource } from "../documents/types.ts";
import { NotFoundError } from "../errors.ts";
import type { Store } from "../storage/Store.ts";
import type { NDArray } from "../tables/NDArray.ts";
import { concatenate } from "../tables/stack.ts";
import { StreamRowIndex, type StreamRowRef, type StreamSlice } from "./StreamRowIndex.ts";

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

  /** The array behind one datum id (what an unfilled event holds); `dataKey`, its key, bounds the read. */
  async readDatum(datumId: string, dataKey?: DataKey): Promise<NDArray> {
    const { resource, datum } = await this.findDatum(datumId);
    return this.reader.readDatum(resource, datum, dataKey);
  }

  private async findDatum(datumId: string): Promise<{ resource: Resource; datum: DatumReference }> {
    if (typeof datumId !== "string") {
      throw new NotFoundError(`${JSON.stringify(datumId)} is not a datum id (run ${this.runUid})`);
    }
    // By convention a datum id is `<resource uid>/<n>`: that resource first, then every resource of the run.
    const slash = datumId.lastIndexOf("/");
    const guess = slash > 0 ? datumId.slice(0, slash) : undefined;
    const found = guess === undefined ? undefined : await this.datumIn(guess, datumId);
    if (found) return found;
    this.runResources ??= this.store.resources(this.runUid);
    for (const { uid } of await this.runResources) {
      const elsewhere = uid === guess ? undefined : await this.datumIn(uid, datumId);
      if (elsewhere) return elsewhere;
    }
    const known = guess !== undefined && (await this.resource(guess)) !== undefined;
    throw new NotFoundError(
      `datum ${datumId}: no Datum with this id in the resources of run ${this.runUid}` +
        (guess === undefined ? "" : ` (resource ${guess} ${known ? "has no such datum" : "is not stored"})`),
    );
  }

  private async datumIn(
    resourceUid: string,
    datumId: string,
  ): Promise<{ resource: Resource; datum: DatumReference } | undefined> {
    const datum = (await this.datumIndex(resourceUid)).get(datumId);
    const resource = datum && (await this.resource(resourceUid));
    return datum && resource ? { resource, datum } : undefined;
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

  /** The StreamDatums of `field` in the given descriptors, indexed by seq_num. */
  async streamRowIndex(field: string, descriptorUids: readonly string[]): Promise<StreamRowIndex> {
    this.streamSlices ??= (async () => {
      const slices: StreamSlice[] = [];
      for (const resource of await this.store.streamResources(this.runUid)) {
        for await (const datum of this.store.streamDatums(resource.uid)) slices.push({ resource, datum });
      }
      return slices;
    })();
    const descriptors = new Set(descriptorUids);
    return new StreamRowIndex(
      (await this.streamSlices).filter(
        (slice) => slice.resource.data_key === field && descriptors.has(slice.datum.descriptor),
      ),
    );
  }

  /**
   * The rows of a `STREAM:` field, as one array of shape [rows, ...]: consecutive rows of one StreamDatum
   * become one read of its resource, bounded by what `dataKey` declares.
   */
  async readStreamRows(
    field: string,
    refs: Array<StreamRowRef | undefined>,
    seqNums: ArrayLike<number>,
    dataKey?: DataKey,
  ): Promise<NDArray> {
    const blocks: NDArray[] = [];
    for (let row = 0; row < refs.length; ) {
      const ref = refs[row];
      if (!ref) {
        throw new NotFoundError(
          `field ${field}: no StreamDatum of run ${this.runUid} covers seq_num ${seqNums[row]}`,
        );
      }
      let end = row + 1;
      while (
        end < refs.length &&
        refs[end]?.slice === ref.slice &&
        refs[end]!.offset === ref.offset + (end - row)
      )
        end++;
      const { datum, resource } = ref.slice;
      const start = datum.indices.start + ref.offset;
      blocks.push(
        await this.reader.readStreamDatum(
          resource,
          {
            uid: datum.uid,
            indices: { start, stop: start + (end - row) },
            stream_resource: datum.stream_resource,
          },
          dataKey,
        ),
      );
      row = end;
    }
    return blocks.length === 1 ? blocks[0] : concatenate(blocks);
  }
}
