// A folder sink that also takes each file's SHA-256 and size as it is written (what a checksum manifest
// lists), so that no file is read twice, whether it goes to a directory or into a tar stream.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import type { FolderSink } from "../ExportFormat.ts";

export interface FileDigest {
  sha256: string;
  bytes: number;
}

async function digestOfFile(path: string): Promise<FileDigest> {
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest("hex"), bytes };
}

export function hashingFolder(inner: FolderSink): FolderSink & { digests: Map<string, FileDigest> } {
  const digests = new Map<string, FileDigest>();
  return {
    digests,
    file: (name, fill) =>
      inner.file(name, async (sink) => {
        const hash = createHash("sha256");
        let bytes = 0;
        let via: FileDigest | undefined;
        await fill({
          async write(chunk) {
            hash.update(chunk);
            bytes += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.byteLength;
            await sink.write(chunk);
          },
          writeVia: (write) =>
            sink.writeVia(async (path) => {
              await write(path);
              via = await digestOfFile(path);
            }),
        });
        digests.set(name, via ?? { sha256: hash.digest("hex"), bytes });
      }),
    async copy(name, source) {
      await inner.copy(name, source);
      digests.set(name, await digestOfFile(source));
    },
  };
}
