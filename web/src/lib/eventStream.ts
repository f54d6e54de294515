// An API event stream (Server-Sent Events) kept open: read with fetch() so that the request carries the
// page's Authorization header (EventSource cannot send it, and the page keeps credentials out of URLs),
// reconnected when it drops (the network, a server restart), until the caller's handler says it ended, the
// signal aborts, or the server states an error that would not pass (a 4xx answer, a `failed` message).

import { type SseMessage, SseParser } from "../../../src/client/SseParser.ts";
import { ApiError, request } from "./api.ts";
import { parsePythonJson } from "./pythonJson.ts";

export type StreamState = "connecting" | "live" | "reconnecting";

export interface EventStreamOptions {
  /** The stream's address, asked again at each connection (a resumed stream names where it left off). */
  path: () => string;
  signal: AbortSignal;
  /** Each message but `failed`; `end` closes the stream, `reconnect` drops it to connect again. */
  onMessage(message: SseMessage): "end" | "reconnect" | undefined;
  onState(state: StreamState): void;
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

/** Reads one connection to its end: whether the stream ended, and how many messages it brought. */
async function readOnce(options: EventStreamOptions, retry: { ms: number }) {
  const response = await request(options.path(), { accept: "text/event-stream", signal: options.signal });
  options.onState("live");
  // A new parser per connection: a block cut off by the drop must not join the next connection's first.
  const parser = new SseParser();
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let messages = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return { ended: false, messages };
      const received = parser.push(value);
      retry.ms = parser.retryMs ?? retry.ms;
      for (const message of received) {
        messages++;
        if (message.event === "failed") {
          const { status, detail } = parsePythonJson(message.data) as { status: number; detail: unknown };
          const text = typeof detail === "string" ? detail : JSON.stringify(detail);
          throw new ApiError(status, `${status}: ${text}`);
        }
        const next = options.onMessage(message);
        if (next) return { ended: next === "end", messages };
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

/** Follows the stream until it ends or the signal aborts (then resolves); rejects on a lasting error. */
export async function followEventStream(options: EventStreamOptions): Promise<void> {
  const retry = { ms: 1000 };
  let failures = 0;
  options.onState("connecting");
  while (!options.signal.aborted) {
    try {
      const { ended, messages } = await readOnce(options, retry);
      if (ended) return;
      // A connection that brought messages was healthy: the next attempt starts from the short delay again.
      failures = messages > 0 ? 0 : failures + 1;
    } catch (error) {
      if (options.signal.aborted) return;
      if (!transient(error)) throw error;
      failures++;
    }
    if (options.signal.aborted) return;
    options.onState("reconnecting");
    await sleep(Math.min(MAX_DELAY_MS, retry.ms * 2 ** Math.max(0, failures - 1)), options.signal);
  }
}
