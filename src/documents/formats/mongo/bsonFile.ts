// Reads a mongodump `.bson` file record by record (each record is one BSON document, its int32 length first),
// holding one chunk at a time, never the file: a whole pass, or only some byte ranges of it (the records of one
// run, found by an earlier pass). A record whose length is impossible or that the file ends inside is an
// UnreadableError naming the file and the byte offset; the records before it have been given.
import { open } from "node:fs/promises";
import { UnreadableError } from "../../../errors.ts";
import { CHUNK_BYTES, fileChunks } from "../fileChunks.ts";

/** mongod refuses documents over 16 MiB; a little slack for old servers, then the length is damage. */
const MAX_RECORD = 48 * 1024 * 1024;

/** One record: its bytes (a view of a chunk, valid until the next batch) and where it lies in the file. */
export interface BsonRecord {
  bytes: Buffer;
  start: number;
  offset: number;
  length: number;
}

/** A byte range `[start, end)` of a file holding whole records. */
export interface Extent {
  start: number;
  end: number;
}

function badLength(path: string, offset: number, length: number): UnreadableError {
  return new UnreadableError(
    path,
    `byte ${offset}`,
    `not a BSON record: its length says ${length} bytes (a damaged or truncated mongodump file)`,
  );
}

/** Splits whole records off `bytes` (which starts at file offset `base`); returns where the whole ones end. */
function splitRecords(bytes: Buffer, base: number, path: string, into: BsonRecord[]): number {
  let pos = 0;
  while (pos + 4 <= bytes.length) {
    const length = bytes.readInt32LE(pos);
    if (length < 5 || length > MAX_RECORD) throw badLength(path, base + pos, length);
    if (pos + length > bytes.length) break;
    if (bytes[pos + length - 1] !== 0) throw badLength(path, base + pos, length);
    into.push({ bytes, start: pos, offset: base + pos, length });
    pos += length;
  }
  return pos;
}

function truncated(path: string, offset: number, left: number, length: number | undefined): UnreadableError {
  const told = length === undefined ? "" : ` of the ${length} its length says`;
  return new UnreadableError(
    path,
    `byte ${offset}`,
    `the file ends inside a BSON record (${left} bytes${told}): a truncated mongodump file`,
  );
}

/** Every record of the file, in batches (one per chunk read). */
export async function* bsonRecords(
  path: string,
  onBytesRead?: (bytes: number) => void,
): AsyncGenerator<BsonRecord[]> {
  let carry: Buffer | undefined;
  let base = 0;
  for await (const chunk of fileChunks(path)) {
    onBytesRead?.(chunk.length);
    const bytes: Buffer = carry === undefined ? chunk : Buffer.concat([carry, chunk]);
    const records: BsonRecord[] = [];
    let used: number;
    try {
      used = splitRecords(bytes, base, path, records);
    } catch (error) {
      if (records.length > 0) yield records;
      throw error;
    }
    if (records.length > 0) yield records;
    carry = used === bytes.length ? undefined : bytes.subarray(used);
    base += used;
  }
  if (carry !== undefined)
    throw truncated(path, base, carry.length, carry.length >= 4 ? carry.readInt32LE(0) : undefined);
}

/** The records of some byte ranges of the file, in the order given (each range holds whole records). */
export async function* bsonRecordsIn(path: string, extents: readonly Extent[]): AsyncGenerator<BsonRecord[]> {
  const handle = await open(path, "r");
  try {
    for (const extent of extents) {
      let at = extent.start;
      while (at < extent.end) {
        // Read up to a chunk, or the whole of one record larger than that.
        const head = Buffer.alloc(4);
        await handle.read(head, 0, 4, at);
        const want = Math.min(extent.end - at, Math.max(CHUNK_BYTES, head.readInt32LE(0)));
        const bytes = Buffer.alloc(want);
        const { bytesRead } = await handle.read(bytes, 0, want, at);
        const records: BsonRecord[] = [];
        const used = splitRecords(bytes.subarray(0, bytesRead), at, path, records);
        if (used === 0) throw truncated(path, at, bytesRead, head.readInt32LE(0));
        yield records;
        at += used;
      }
    }
  } finally {
    await handle.close();
  }
}

/** Grows the last extent of `extents` when the record at `offset` follows it directly, else starts one. */
export function extend(extents: Extent[], offset: number, length: number): void {
  const last = extents.at(-1);
  if (last !== undefined && last.end === offset) last.end = offset + length;
  else extents.push({ start: offset, end: offset + length });
}
