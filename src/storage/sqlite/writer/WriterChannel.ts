// The main thread's side of the writer thread (writerThread.ts): one per process, started when the first
// SqliteStore opens (in the background) and kept. It holds the process open
// only while a request is outstanding. Should the thread die, every outstanding and later request of this
// channel fails with one clear error, and `shared()` starts a fresh thread for the work that follows.
import { startWorker } from "../../../workers/startWorker.ts";
import { type StopCause, WorkerRequests } from "../../../workers/WorkerRequests.ts";
import { errorFromWire } from "./threadErrors.ts";
import type { WriterCommand, WriterMessage } from "./writerProtocol.ts";

let current: WriterChannel | null = null;

/** The error of every request once the thread is gone. */
function threadStopped(cause: StopCause): Error {
  const how =
    cause.event === "exit"
      ? `exited (code ${cause.code})`
      : cause.event === "error"
        ? `failed: ${cause.error.message}`
        : `sent a message that cannot be read: ${cause.error.message}`;
  // A put left without its answer is rolled back by SQLite, unless its COMMIT had completed.
  return new Error(`the SQLite writer thread ${how} before answering`, {
    cause: cause.event === "error" ? cause.error : undefined,
  });
}

export class WriterChannel {
  private readonly requests: WorkerRequests<WriterMessage>;

  private constructor() {
    this.requests = new WorkerRequests(startWorker(new URL("./writerThread.ts", import.meta.url)), {
      onMessage: (message: WriterMessage) => {
        if (message.kind === "reply") this.requests.answer(message.id, message.value);
        else this.requests.refuse(message.id, errorFromWire(message.error));
      },
      stopped: threadStopped,
    });
  }

  /** The process's writer thread, started on first use (or again after it died). */
  static shared(): WriterChannel {
    if (!current?.alive) current = new WriterChannel();
    return current;
  }

  /** Whether the thread has died: a transaction begun on it is lost. */
  get alive(): boolean {
    return !this.requests.stopped;
  }

  /** Asks the writer of store `handle`. */
  request<T>(handle: number, command: WriterCommand): Promise<T> {
    return this.requests.send<T>((id) => ({ ...command, id, handle }));
  }

  /** Ends the thread (as a crash would): outstanding requests fail, the next store starts a new one. */
  terminate(): Promise<void> {
    return this.requests.terminate();
  }
}
