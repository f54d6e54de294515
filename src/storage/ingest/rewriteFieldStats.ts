// `Store.putFieldStats` for every adapter: statistics computed after ingest (`databroker index` reads the
// files of external fields) written as a batch of their own through the adapter's ingest transaction, so
// field_stats and the stream's summary (stream_stats, or the memory store's) are rewritten exactly as a put
// rewrites them, in one commit per descriptor.
import { NotFoundError } from "../../errors.ts";
import type { FieldStats } from "../../queries/fieldStats.ts";
import type { PutFieldStatsOptions } from "../Store.ts";
import type { IngestBackend } from "./IngestBackend.ts";
import { streamOf } from "./preparedSlice.ts";

export function rewriteFieldStats(
  backend: IngestBackend,
  descriptorUid: string,
  stats: Record<string, FieldStats>,
  options: PutFieldStatsOptions = {},
): Promise<string[]> {
  return backend.transaction(async (tx) => {
    const descriptor = (await tx.documents([descriptorUid])).get(descriptorUid);
    if (descriptor?.name !== "descriptor") throw new NotFoundError(`no descriptor has uid ${descriptorUid}`);
    const stored = (await tx.fieldStats([descriptorUid])).get(descriptorUid) ?? {};
    const seen = options.eventsWhenRead;
    // Inside the write transaction: a put adding events to the field either came before (seen) or waits.
    const written = Object.keys(stats).filter(
      (field) => seen?.[field] === undefined || stored[field]?.events === seen[field],
    );
    if (written.length === 0) return written;
    await tx.write({
      documents: [],
      eventPages: [],
      datumPages: [],
      logs: [],
      // No events added: the count names the stream whose summary is rewritten.
      streamCounts: [
        { run: descriptor.run, descriptor: descriptorUid, stream: streamOf(descriptor.doc), added: 0 },
      ],
      fieldStats: [
        {
          descriptor: descriptorUid,
          stats: { ...stored, ...Object.fromEntries(written.map((f) => [f, stats[f]])) },
        },
      ],
    });
    return written;
  });
}
