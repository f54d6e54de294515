// Live data over HTTP, as Server-Sent Events (a plain GET with Accept: text/event-stream) or a websocket (the
// same path upgraded); the protocol is in README.md, "Live data".
// - GET /api/v1/stream/run/[{catalog}/]{uid}: each stored document of the run as one message, id = its seq in the run
//   (1 for the start), data = JSON [name, doc]; from seq after+1 (`Last-Event-ID: N` or `?after=N`), existing
//   documents first, then each as it is stored; `end` after the stop.
// - GET /api/v1/stream/runs?filter[...]&catalog=NAME (default: the primary catalog): `ready` once subscribed, then `start` and `stop` with the run's
//   summary for each run matching the filters (the search route's) that the caller may see.
// A HEAD answers the GET's status and headers without opening a stream. A run the caller may not see is a
// 404, as everywhere; errors after the stream began arrive as a `failed`
// message (status and detail) before the stream closes.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { WebSocket } from "ws";
import type { Broker, Run } from "../../broker/index.ts";
import { EventFloats } from "../../documents/eventFloats.ts";
import { stringifyJson } from "../../documents/formats/jsonText.ts";
import type { DocumentPair } from "../../documents/types.ts";
import { DatabrokerError, LaggedError } from "../../errors.ts";
import { queryFromTiledParams } from "../../queries/index.ts";
import { bodyOf } from "../errorReply.ts";
import { BadRequestError, NotAcceptableError, statusOf } from "../errors.ts";
import type { LiveChannel } from "../live/LiveChannel.ts";
import { socketChannel } from "../live/socketChannel.ts";
import { sseChannel } from "../live/sseChannel.ts";
import { paramsOf } from "../requestParams.ts";
import { asciiOnly } from "../writers/documentsWriter.ts";
import { callerView, exactRunOf, namedCatalogOf, pathCatalogOf, type ReadRoutesOptions } from "./reply.ts";

export interface StreamRoutesOptions extends ReadRoutesOptions {
  /** How often a quiet stream sends a heartbeat (default: 15 s). */
  heartbeatMs?: number;
  /** An event stream whose client reads nothing for this long is closed. */
  idleMs?: number;
}

const EVENT_STREAM = "text/event-stream";

/** A plain GET must accept an event stream (curl's and browsers' `*\/*` do). */
function checkAccepts(request: FastifyRequest): void {
  const accept = request.headers.accept;
  if (accept === undefined || accept === "" || /text\/event-stream|\*\/\*|text\/\*/.test(accept)) return;
  throw new NotAcceptableError(`${request.url.split("?")[0]} streams events only`, [
    EVENT_STREAM,
    "a websocket (Upgrade: websocket)",
  ]);
}

/** The seq a follower resumes after: Last-Event-ID (an EventSource reconnecting), else `after`, else 0. */
function afterOf(request: FastifyRequest): number {
  const header = request.headers["last-event-id"];
  const text = (Array.isArray(header) ? header[0] : header) ?? paramsOf(request).get("after") ?? "0";
  if (!/^\d{1,15}$/.test(text.trim()))
    throw new BadRequestError(
      `after (Last-Event-ID) must be a whole number of 0 or more, got ${JSON.stringify(text)}`,
    );
  return Number(text.trim());
}

/** JSON text of a message's data: exact numbers (floats stay floats, NaN as Python writes it), ASCII only. */
const dataText = (value: unknown) => asciiOnly(stringifyJson(value));

/** Each document's text, written once however many follow its run (a run's followers share its documents). */
const documentTexts = new WeakMap<object, string>();

/** The run's documents after `after`, then `end` once its stop was sent. */
async function sendRun(run: Run, after: number, channel: LiveChannel): Promise<void> {
  // Floats are told from ints by the descriptors, and a resumed stream may not see them again.
  const floats = new EventFloats();
  for (const descriptor of run.descriptors) floats.see(["descriptor", descriptor]);
  let last = after;
  for await (const { seq, name, doc } of run.follow({ after, signal: channel.signal })) {
    const pair = [name, doc] as DocumentPair;
    floats.see(pair);
    let text = documentTexts.get(doc);
    if (text === undefined) {
      text = dataText(pair);
      documentTexts.set(doc, text);
    }
    await channel.send({ event: "document", id: seq, data: text });
    last = seq;
  }
  if (!channel.signal.aborted) await channel.send({ event: "end", data: JSON.stringify({ last_seq: last }) });
}

/** `ready`, then the start and stop of each run of `catalog` as they are stored. */
async function sendRuns(catalog: Broker, channel: LiveChannel): Promise<void> {
  const changes = catalog.subscribe({ signal: channel.signal });
  await channel.send({ event: "ready", data: "{}" });
  for await (const { kind, summary } of changes) {
    const { uid, start, stop, streams } = summary;
    await channel.send({ event: kind, data: dataText({ uid, start, stop, streams }) });
  }
}

/** Ends the channel, telling the client first why when `work` failed. */
async function streamed(
  channel: LiveChannel,
  work: () => Promise<void>,
  request: FastifyRequest,
): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!(error instanceof DatabrokerError))
      request.log.error({ err: error, requestId: request.id }, "stream failed");
    const failure =
      error instanceof DatabrokerError
        ? { status: statusOf(error), ...bodyOf(error), ...(error instanceof LaggedError && { lagged: true }) }
        : { status: 500, detail: `internal error, id ${request.id}` };
    await channel.send({
      event: error instanceof LaggedError ? "lagged" : "failed",
      data: dataText(failure),
    });
  } finally {
    channel.end();
  }
}

export async function streamRoutes(app: FastifyInstance, options: StreamRoutesOptions): Promise<void> {
  const { catalogs, heartbeatMs, idleMs } = options;
  // Open event streams are ended when the server closes (it would otherwise wait for them).
  const open = new Set<LiveChannel>();
  app.addHook("preClose", async () => {
    for (const channel of open) channel.end();
  });
  const tracked = (channel: LiveChannel) => {
    open.add(channel);
    channel.signal.addEventListener("abort", () => open.delete(channel), { once: true });
    return channel;
  };
  // A live stream outlasts any one search budget: each search keeps its own (no deadline for the request).
  const runOf = async (request: FastifyRequest) => {
    const { catalog, rest } = pathCatalogOf(request, catalogs, "stream/run", callerView);
    return exactRunOf(catalog, rest);
  };
  const catalogOf = (request: FastifyRequest) =>
    namedCatalogOf(request, catalogs, callerView).search(queryFromTiledParams(paramsOf(request)));

  app.route({
    method: "GET",
    url: "/api/v1/stream/run/*",
    // Everything that can fail before the stream opens answers with its own status.
    handler: async (request: FastifyRequest, reply: FastifyReply) => {
      checkAccepts(request);
      const after = afterOf(request);
      const run = await runOf(request);
      if (request.method === "HEAD") return reply.type(EVENT_STREAM).send();
      const channel = tracked(sseChannel(reply, heartbeatMs, idleMs));
      await streamed(channel, () => sendRun(run, after, channel), request);
    },
    wsHandler: async (socket: WebSocket, request: FastifyRequest) => {
      const channel = tracked(socketChannel(socket, heartbeatMs));
      await streamed(channel, async () => sendRun(await runOf(request), afterOf(request), channel), request);
    },
  });

  app.route({
    method: "GET",
    url: "/api/v1/stream/runs",
    handler: async (request: FastifyRequest, reply: FastifyReply) => {
      checkAccepts(request);
      const catalog = catalogOf(request);
      if (request.method === "HEAD") return reply.type(EVENT_STREAM).send();
      const channel = tracked(sseChannel(reply, heartbeatMs, idleMs));
      await streamed(channel, () => sendRuns(catalog, channel), request);
    },
    wsHandler: async (socket: WebSocket, request: FastifyRequest) => {
      const channel = tracked(socketChannel(socket, heartbeatMs));
      await streamed(channel, async () => sendRuns(catalogOf(request), channel), request);
    },
  });
}
