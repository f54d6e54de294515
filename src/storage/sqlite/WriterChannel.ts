// The main thread's side of the writer thread (writerThread.ts): one per process, started when the first
// SqliteStore opens (in the background: a thread takes ~150 ms to start) and kept. It holds the process open
// only while a request is outstanding. Should the thread die, every outstanding and later request of this
// channel fails with one clear error, and `shared()` starts a fresh thread for the work that follows.
import type { Worker } from "node:worker_threads";
import { startWorker } from "../../workers/startWorker.ts";
import { errorFromWire } from "./threadErrors.ts";
import type { WriterCommand, WriterMessage } from "./writerProtocol.ts";

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

let current: WriterChannel | null = null;

export class WriterChannel {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** Why the thread is gone, once it is: every request fails with it. */
  private stopped: Error | null = null;
  /** Set by `terminate`: the thread holds the process open until it has exited. */
  private ending = false;

  private constructor() {
    this.worker = startWorker(new URL("./writerThread.ts", import.meta.url));
    this.worker.on("message", (message: WriterMessage) => this.receive(message));
    this.worker.on("error", (error) => this.stop(`failed: ${error.message}`, error));
    this.worker.on("messageerror", (error) =>
      this.stop(`sent a message that cannot be read: ${error.message}`),
    );
    this.worker.on("exit", (code) => this.stop(`exited (code ${code})`));
    // After the listeners: a first "message" listener refs the thread again.
    this.worker.unref();
  }

  /** The process's writer thread, started on first use (or again after it died). */
  static shared(): WriterChannel {
    if (!current || current.stopped) current = new WriterChannel();
    return current;
  }

  /** Whether the thread has died: a transaction begun on it is lost. */
  get alive(): boolean {
    return this.stopped === null;
  }

  /** Asks the writer of store `handle`. */
  request<T>(handle: number, command: WriterCommand): Promise<T> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage({ ...command, id, handle });
    });
  }

  /** Ends the thread (as a crash would): outstanding requests fail, the next store starts a new one. */
  async terminate(): Promise<void> {
    // Held open until it has exited: an idle thread is unref'd, and its exit would go unnoticed.
    this.ending = true;
    this.worker.ref();
    await this.worker.terminate();
  }

  private receive(message: WriterMessage): void {
    const waiting = this.pending.get(message.id);
    if (!waiting) return;
    this.settled(message.id);
    if (message.kind === "reply") waiting.resolve(message.value);
    else waiting.reject(errorFromWire(message.error));
  }

  private settled(id: number): void {
    this.pending.delete(id);
    if (this.pending.size === 0 && !this.ending) this.worker.unref();
  }

  private stop(how: string, cause?: Error): void {
    if (this.stopped) return;
    // A put left without its answer is rolled back by SQLite, unless its COMMIT had completed.
    this.stopped = new Error(`the SQLite writer thread ${how} before answering`, { cause });
    for (const [id, waiting] of this.pending) {
      this.settled(id);
      waiting.reject(this.stopped);
    }
  }
}
