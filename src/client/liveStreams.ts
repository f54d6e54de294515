// The live routes (README, "Live data") read by the TypeScript client: `run.follow()` and
// `broker.subscribe()` of the RemoteRun and RemoteBroker. A dropped connection (a server restart, a proxy's
// timeout) is reopened with capped backoff: a run is resumed after the last seq received, so no document is
// lost or repeated; a subscription is reopened from that moment (what started meanwhile is not heard: search
// for it). Trying stops after `reconnectForMs` without success.
import type { RunSummary } from "../catalog/RunSummary.ts";
import { parseJson } from "../documents/formats/parseJson.ts";
import type { DocumentName } from "../documents/types.ts";
import { DatabrokerError, LaggedError } from "../errors.ts";
import type { FollowedDocument, FollowOptions, RunChange, SubscribeOptions } from "../live/types.ts";
import { errorFromResponse } from "./errorFromResponse.ts";
import type { HttpSession, Params } from "./HttpSession.ts";
import type { SseMessage } from "./SseParser.ts";
import { serverSentEvents } from "./serverSentEvents.ts";

export interface ReconnectOptions {
  /** How long to keep trying to reconnect before giving up with the last error (default 60 s). */
  reconnectForMs?: number;
}

const FIRST_WAIT_MS = 100;
const MOST_WAIT_MS = 2000;

/** What a stream's handler says after each message: go on, or the stream is done. */
type Handled = "more" | "done";

/**
 * Reads the event stream at `url()` (asked again on each reconnect), handing each message to `handle`,
 * until it says "done" or `signal` aborts; reconnects after failures other than the server's typed refusals.
 */
async function* reconnecting<T>(
  session: HttpSession,
  url: () => string,
  handle: (message: SseMessage) => { items: T[]; next: Handled },
  options: SubscribeOptions & ReconnectOptions,
): AsyncGenerator<T> {
  const { signal } = options;
  const reconnectForMs = options.reconnectForMs ?? 60_000;
  let failingSince: number | undefined;
  let wait = FIRST_WAIT_MS;
  while (!signal?.aborted) {
    try {
      const response = await session.eventStream(url(), signal);
      for await (const message of serverSentEvents(response.body as unknown as AsyncIterable<Uint8Array>)) {
        failingSince = undefined;
        wait = FIRST_WAIT_MS;
        const { items, next } = handle(message);
        yield* items;
        if (next === "done") return;
      }
      // The body ended without the stream's own end: the server went away.
      throw new Error(`${url()}: the stream ended early`);
    } catch (error) {
      if (signal?.aborted) return;
      if (error instanceof DatabrokerError) throw error;
      failingSince ??= Date.now();
      if (Date.now() - failingSince > reconnectForMs) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
      wait = Math.min(wait * 2, MOST_WAIT_MS);
    }
  }
}

/** A `failed` or `lagged` message as the error it reports. */
function streamError(message: SseMessage, url: string): Error {
  const body = parseJson(message.data) as { status?: number; detail?: string };
  if (message.event === "lagged") return new LaggedError(body.detail ?? "the subscriber lagged");
  const status = body.status ?? 500;
  if (status >= 500) return new Error(`${url}: ${body.detail ?? "the server failed"}`);
  return errorFromResponse(status, message.data, url);
}

export function followRemoteRun(
  session: HttpSession,
  uid: string,
  options: FollowOptions & ReconnectOptions = {},
): AsyncIterable<FollowedDocument> {
  let last = options.after ?? 0;
  const url = () => session.url("stream/run", [uid], [["after", String(last)]]);
  return reconnecting<FollowedDocument>(
    session,
    url,
    (message) => {
      if (message.event === "message") {
        const [name, doc] = parseJson(message.data) as [DocumentName, Record<string, unknown>];
        last = Number(message.id);
        return { items: [{ seq: last, name, doc }], next: "more" };
      }
      if (message.event === "end") return { items: [], next: "done" };
      if (message.event === "failed" || message.event === "lagged") throw streamError(message, url());
      return { items: [], next: "more" };
    },
    options,
  );
}

export function subscribeRemote(
  session: HttpSession,
  filters: Params,
  options: SubscribeOptions & ReconnectOptions = {},
): AsyncIterable<RunChange> {
  const url = () => session.url("stream/runs", [], filters);
  return reconnecting<RunChange>(
    session,
    url,
    (message) => {
      if (message.event === "start" || message.event === "stop") {
        const summary = parseJson(message.data) as RunSummary;
        return { items: [{ kind: message.event, summary }], next: "more" };
      }
      if (message.event === "failed" || message.event === "lagged") throw streamError(message, url());
      return { items: [], next: "more" };
    },
    options,
  );
}
