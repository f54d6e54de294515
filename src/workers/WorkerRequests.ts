// Requests to a worker thread, each answered by its id. The worker holds the process open only while a request
// waits; when it dies (an error, an unreadable message, its exit), every waiting and later request fails with
// one error saying so. Shared by the SQLite writer thread's channel and the JSON Lines parse pool.
import type { Worker } from "node:worker_threads";

interface Waiting {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/** How a worker stopped: an error, a message that could not be read, or its exit. */
export type StopCause =
  | { event: "error"; error: Error }
  | { event: "messageerror"; error: Error }
  | { event: "exit"; code: number };

export interface WorkerRequestsOptions<Message> {
  /** Handles a message of the worker; settle a request with `answer` or `refuse`. */
  onMessage: (message: Message) => void;
  /** The error waiting and later requests fail with. */
  stopped: (cause: StopCause) => Error;
}

/** `Message`: what the worker posts. */
export class WorkerRequests<Message> {
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  /** Why the worker is gone, once it is. */
  private failure: Error | null = null;
  /** Set while terminating: the worker holds the process open until it has exited. */
  private held = false;

  constructor(
    readonly worker: Worker,
    options: WorkerRequestsOptions<Message>,
  ) {
    worker.on("message", (message: Message) => options.onMessage(message));
    const stop = (cause: StopCause) => this.failure ?? this.fail(options.stopped(cause));
    worker.on("error", (error) => stop({ event: "error", error }));
    worker.on("messageerror", (error) => stop({ event: "messageerror", error }));
    worker.on("exit", (code) => stop({ event: "exit", code }));
    // After the listeners: a first "message" listener refs the worker again.
    worker.unref();
  }

  /** Requests sent and not answered yet. */
  get pending(): number {
    return this.waiting.size;
  }

  /** Whether the worker has died. */
  get stopped(): boolean {
    return this.failure !== null;
  }

  /** Posts the message `build` makes with the request's id; resolves with the answer. */
  send<T>(build: (id: number) => unknown): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      if (this.waiting.size === 1) this.worker.ref();
      this.worker.postMessage(build(id));
    });
  }

  answer(id: number, value: unknown): void {
    this.take(id)?.resolve(value);
  }

  refuse(id: number, error: Error): void {
    this.take(id)?.reject(error);
  }

  /** Ends the worker (as a crash would): waiting requests fail. */
  async terminate(): Promise<void> {
    // Held open until it has exited: an idle worker is unref'd, and its exit would go unnoticed.
    this.held = true;
    this.worker.ref();
    await this.worker.terminate();
  }

  private take(id: number): Waiting | undefined {
    const waiting = this.waiting.get(id);
    this.waiting.delete(id);
    if (this.waiting.size === 0 && !this.held) this.worker.unref();
    return waiting;
  }

  private fail(error: Error): void {
    this.failure = error;
    for (const id of [...this.waiting.keys()]) this.refuse(id, error);
  }
}
