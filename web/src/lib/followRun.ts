// Follows a run as it is acquired: GET /api/v1/stream/run/{uid} (Server-Sent Events, read with fetch() so
// that the request carries the page's Authorization header), each stored document handed on with its
// sequence number in the run. A dropped connection (network, server restart, a `lagged` notice) is resumed
// after the last document received (`?after=`), so nothing is missed or seen twice; it ends with the run's
// `end` (after its stop), the signal, or an error the server states (404, 401, a `failed` message).
import { ApiError, apiPath, request } from "./api.ts";
import { parsePythonJson } from "./pythonJson.ts";
import type { Doc } from "./runs.ts";
import { SseParser } from "./sseParser.ts";

export type FollowState = "connecting" | "live" | "reconnecting";

export interface FollowOptions {
  /** Resume after this sequence number (0: from the start). */
  after: number;
  signal: AbortSignal;
  onDocument(seq: number, name: string, doc: Doc): void;
  onState(state: FollowState): void;
}

/** Waits before reconnecting: the server's `retry:`, doubled after each failed attempt, at most 30 s. */
const MAX_DELAY_MS = 30_000;

/** Whether a failure is worth reconnecting for: no answer, or a server-side one (not 4xx: that will stay). */
function transient(error: unknown): boolean {
  return !(error instanceof ApiError) || error.status === 0 || error.status >= 500;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

/** What carries over from one connection to the next. */
interface Progress {
  /** The last document's sequence number. */
  after: number;
  /** The reconnection delay the server last asked for. */
  retryMs: number;
}

/** Reads one connection to its end; whether the run ended (otherwise the connection dropped). */
async function readOnce(uid: string, options: FollowOptions, progress: Progress): Promise<boolean> {
  const { signal, onDocument, onState } = options;
  const response = await request(apiPath(["stream", "run", uid], [["after", String(progress.after)]]), {
    accept: "text/event-stream",
    signal,
  });
  onState("live");
  // A new parser per connection: a block cut off by the drop must not join the next connection's first.
  const parser = new SseParser();
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return false;
      const messages = parser.push(value);
      progress.retryMs = parser.retryMs ?? progress.retryMs;
      for (const message of messages) {
        if (message.event === "message") {
          const [name, doc] = parsePythonJson(message.data) as [string, Doc];
          progress.after = Number(message.id);
          onDocument(progress.after, name, doc);
        } else if (message.event === "end") return true;
        else if (message.event === "lagged")
          return false; // resumed like any drop
        else if (message.event === "failed") {
          const { status, detail } = parsePythonJson(message.data) as { status: number; detail: unknown };
          const text = typeof detail === "string" ? detail : JSON.stringify(detail);
          throw new ApiError(status, `${status}: ${text}`);
        }
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

/** Follows until the run's end or the signal (then resolves); rejects on an error that would not pass. */
export async function followRun(uid: string, options: FollowOptions): Promise<void> {
  const progress: Progress = { after: options.after, retryMs: 1000 };
  let failures = 0;
  options.onState("connecting");
  while (!options.signal.aborted) {
    const seen = progress.after;
    try {
      if (await readOnce(uid, options, progress)) return;
    } catch (error) {
      if (options.signal.aborted) return;
      if (!transient(error)) throw error;
    }
    if (options.signal.aborted) return;
    // A connection that brought documents was healthy: the next attempt starts from the short delay again.
    failures = progress.after > seen ? 0 : failures + 1;
    options.onState("reconnecting");
    await sleep(Math.min(MAX_DELAY_MS, progress.retryMs * 2 ** failures), options.signal);
  }
}
