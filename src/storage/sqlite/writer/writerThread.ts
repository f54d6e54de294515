// The writer thread: hosts the writer connection of every SqliteStore of the process (by handle; many stores,
// many files), so inserts, COMMIT fsyncs and checkpoints run beside the main thread's checks and encoding.
// Requests of one store run in order; those of different stores interleave only where one waits (a lock).
import { parentPort } from "node:worker_threads";
import { Connection } from "../Connection.ts";
import { HostedWriter } from "./HostedWriter.ts";
import { errorToWire } from "./threadErrors.ts";
import type { WriterCommand, WriterMessage, WriterRequest } from "./writerProtocol.ts";

const port = parentPort;
if (!port) throw new Error("writerThread.ts runs in a worker thread (started by WriterChannel)");

const writers = new Map<number, HostedWriter>();

function post(message: WriterMessage): void {
  port!.postMessage(message);
}

/** The store's writer, its connection opened on its first `begin`. */
function writerFor(request: WriterRequest): HostedWriter | undefined {
  let writer = writers.get(request.handle);
  if (!writer && request.op === "begin") {
    writer = new HostedWriter(Connection.writer(request.path));
    writers.set(request.handle, writer);
  }
  return writer;
}

/** Carries out `command` with the store's writer; what it returns is the reply's value. */
async function carryOut(writer: HostedWriter | undefined, command: WriterCommand): Promise<unknown> {
  // Closed, or never begun: only rollback and close have nothing to do; anything else is out of order.
  if (!writer) {
    if (command.op === "rollback" || command.op === "close") return undefined;
    throw new Error(`the SQLite writer thread has no connection for this store (${command.op})`);
  }
  switch (command.op) {
    case "begin":
      return writer.begin();
    case "documents":
      return writer.lookups.documents(command.uids);
    case "stops":
      return writer.lookups.stops(command.runUids);
    case "eventPages":
      return writer.lookups.eventPages(command.descriptor, command.first, command.last);
    case "datumPages":
      return writer.lookups.datumPages(command.resource);
    case "fieldStats":
      return writer.lookups.fieldStats(command.descriptors);
    case "write":
      return writer.write(command.batch);
    case "deleteRun":
      return writer.deleteRun(command.uid, command.request);
    case "writeAccess":
      return writer.writeAccess(command.expected, command.state, command.audit);
    case "noteKeyUse":
      return writer.noteKeyUse(command.prefix, command.at);
    case "writeAnnotation":
      return writer.writeAnnotation(command.change);
    case "savepoint":
      return writer.savepoint(command.name);
    case "rollbackTo":
      return writer.rollbackTo(command.name);
    case "commit":
      return writer.commit();
    case "rollback":
      return writer.rollback();
    case "close":
      return writer.close();
  }
}

async function answer(writer: HostedWriter | undefined, request: WriterRequest): Promise<void> {
  const { id } = request;
  try {
    const value = await carryOut(writer, request);
    post({ kind: "reply", id, value });
  } catch (error) {
    post({ kind: "failure", id, error: errorToWire(error) });
    return;
  }
  // After the answer: the store goes on while the WAL is copied back (see HostedWriter.checkpoint) and the
  // planner's statistics are refreshed (HostedWriter.maintain).
  if (request.op === "commit" && writer) writer.maintain();
}

port.on("message", (request: WriterRequest) => {
  let writer: HostedWriter | undefined;
  try {
    writer = writerFor(request);
  } catch (error) {
    post({ kind: "failure", id: request.id, error: errorToWire(error) });
    return;
  }
  if (request.op === "close") writers.delete(request.handle);
  // Through the store's queue: a request waits for the one before (a begin waiting for its lock).
  if (writer) void writer.queue.run(() => answer(writer, request));
  else void answer(undefined, request);
});
