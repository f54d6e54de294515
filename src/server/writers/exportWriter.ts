// A run in any export format over HTTP (`format=nexus`, `format=csv`...): streamed as it is written, in
// constant memory (a folder format as a tar archive). An error before the first byte (no handler for the
// run's detector files, say) still answers with its status; one after can only cut the response short.
import { PassThrough, type Readable } from "node:stream";
import type { RunLike } from "../../broker/BrokerLike.ts";
import { type ExportFormat, type ExportSettings, exportToStream } from "../../exports/index.ts";
import { DEFAULT_NAME_TEMPLATE, nameTemplate } from "../../exports/nameTemplate.ts";

/** The media type a format's registry entry has: a one-file format's own, a folder format's tar. */
export function exportMediaType(format: ExportFormat): string {
  return format.layout === "file" ? format.mediaType : `application/vnd.databroker.${format.name}+tar`;
}

/** What the reply's Content-Type says (folder formats are plain tar archives). */
export function exportContentType(format: ExportFormat): string {
  return format.layout === "file" ? format.mediaType : "application/x-tar";
}

/** The file name a browser saves the export as: `{scan_id}_{uid:.8}` and the format's extension. */
export function exportFileName(format: ExportFormat, run: RunLike): string {
  let name: string;
  try {
    name = nameTemplate(DEFAULT_NAME_TEMPLATE)(run.start);
  } catch {
    name = run.uid; // a run without a scan_id
  }
  return `${name}${format.layout === "file" ? format.extension : ".tar"}`;
}

/** Waits for the first chunk (or the end): an error before it rejects, so the route can answer it. */
async function startedBody(body: PassThrough, written: Promise<void>): Promise<Readable> {
  const first = new Promise<void>((resolve) => body.once("readable", () => resolve()));
  await Promise.race([first, written]);
  return body;
}

/** The export of `run` in `format` as a stream of bytes. */
export function exportBody(format: ExportFormat, run: RunLike, settings: ExportSettings): Promise<Readable> {
  const body = new PassThrough({ highWaterMark: 1 << 20 });
  // Errors reach the route (first-chunk wait) or the reply's own listener; this one keeps them handled.
  body.on("error", () => {});
  const written = exportToStream([run], body, { format, settings }, run.uid).then(
    () => {
      body.end();
    },
    (error: unknown) => {
      body.destroy(error as Error);
      throw error;
    },
  );
  written.catch(() => {}); // reported through the body (or the first-chunk wait), never unhandled
  return startedBody(body, written);
}
