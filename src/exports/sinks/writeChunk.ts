// Writing to a Node stream the way an export must: waiting when its buffer is full (constant memory), and
// failing, never hanging, when the reader went away (an HTTP client that disconnected, `| head`).
import type { Writable } from "node:stream";

/** As a pipe's writer sees it (EPIPE): the CLI treats it as a reader that stopped early, not a failure. */
function readerGone(): NodeJS.ErrnoException {
  return Object.assign(new Error("the export's reader closed its end"), { code: "EPIPE" });
}

export async function writeChunk(out: Writable, chunk: Uint8Array | string): Promise<void> {
  if (out.destroyed || out.writableEnded) throw readerGone();
  if (out.write(chunk)) return;
  await new Promise<void>((resolve, reject) => {
    const done = (error?: Error) => {
      out.off("drain", onDrain);
      out.off("close", onClose);
      out.off("error", done);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(readerGone());
    out.on("drain", onDrain);
    out.on("close", onClose);
    out.on("error", done);
  });
}
