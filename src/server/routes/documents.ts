// Ingest over HTTP: POST /api/v1/documents/[?catalog=NAME] (default: the primary catalog) with a JSON array, json-seq or msgpack body of `[name, doc]` or
// `{name, doc}`, spooled as it arrives (BodySpool.ts) and parsed from the spool. One request is one
// Store.put: all of it is stored or none of it.
import type { FastifyInstance } from "fastify";
import type { Finding } from "../../errors.ts";
import type { CatalogTree } from "../CatalogTree.ts";
import { BodySpool, bodyTooLarge } from "../ingest/BodySpool.ts";
import { limitDocuments } from "../ingest/documentLimits.ts";
import { howToRaise, type IngestLimits } from "../ingest/ingestLimits.ts";
import { BODY_SOURCE, ingestMediaTypeOf, requestDocuments } from "../ingest/requestDocuments.ts";
import { type RunResult, RunTally } from "../ingest/runTally.ts";
import { callerView, namedCatalogOf } from "./reply.ts";

export interface DocumentsRoutesOptions {
  /** Runs go to the catalog `catalog=` names, else the primary one (CatalogTree.ts). */
  catalogs: CatalogTree;
  /** Accept Resources whose files lie outside the broker's file roots (see ServerOptions). */
  trustResourcePaths?: boolean;
  /** A body that brings no data for this long is cut (408). */
  bodyIdleMs: number;
  limits: IngestLimits;
}

/** The answer to an ingest request. */
export interface IngestAnswer {
  /** Documents read from the body. */
  documents: number;
  /** Newly stored; the rest were already stored identically (a repeated request stores nothing). */
  stored: number;
  skipped: number;
  events: number;
  /** One entry per run the request touched. */
  runs: RunResult[];
  /** Warnings about documents of no run in the request (say, the stop of a run stored earlier). */
  warnings: Finding[];
}

export async function documentsRoutes(app: FastifyInstance, options: DocumentsRoutesOptions): Promise<void> {
  // In this plugin's scope no body is parsed by fastify (its parsers buffer the body and cap its size):
  // the route reads the raw request stream itself.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", (_request, _payload, done) => done(null, undefined));

  app.post("/api/v1/documents/", async (request, reply) => {
    const contentType = request.headers["content-type"];
    const tally = new RunTally();
    let body: BodySpool | undefined;
    try {
      ingestMediaTypeOf(contentType); // before the upload is received: a wrong type is told at once
      const { limits } = options;
      if (Number(request.headers["content-length"]) > limits.maxBodyBytes)
        throw bodyTooLarge(limits.maxBodyBytes);
      body = BodySpool.receive(request.raw, options.bodyIdleMs, limits.maxBodyBytes);
      const readLimits = {
        maxDocumentBytes: limits.maxDocumentBytes,
        howToRaise: howToRaise("maxDocumentBytes"),
      };
      const parsed = requestDocuments(body.chunks(), contentType, readLimits);
      const documents = tally.observe(limitDocuments(parsed, BODY_SOURCE, limits));
      // Atomic per request: the store reads the spooled body slice by slice (events as compact column
      // pages, not the body's text) and writes it in one transaction, begun once the body is all here.
      const catalog = namedCatalogOf(request, options.catalogs, callerView);
      const report = await catalog.put(documents, {
        trustResourcePaths: options.trustResourcePaths,
        inputComplete: body.complete,
      });
      const { runs, unattached } = tally.resultsFor(report.runs, report.warnings);
      const answer: IngestAnswer = {
        documents: report.documents,
        stored: report.stored,
        skipped: report.skipped,
        events: report.events,
        runs,
        warnings: unattached,
      };
      return reply.code(200).type("application/json").send(JSON.stringify(answer));
    } catch (error) {
      // A refused request may leave body bytes unread: close the connection rather than drain them.
      if (!request.raw.readableEnded) reply.header("connection", "close");
      throw error;
    } finally {
      await body?.dispose();
    }
  });
}
