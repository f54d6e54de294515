// Streams documents to a server's POST /api/v1/documents/ as a producer makes them: `write` queues, batches
// leave by count, bytes or time, one at a time and in order, and a batch the server did not acknowledge is
// sent again (network errors, 5xx, 429, 408) with capped, jittered exponential backoff. Re-sending is safe
// because a put skips documents stored identically under their uid, and one request is stored all or
// nothing: a batch that was stored before its answer was lost comes back "skipped", never duplicated.
import { stringifyJson } from "../documents/formats/jsonText.ts";
import { isDocumentName } from "../documents/types.ts";
import { ValidationError } from "../errors.ts";
import { errorFromResponse } from "./errorFromResponse.ts";
import { HttpSession } from "./HttpSession.ts";

export interface RunWriterOptions {
  /** Sent as `Authorization: Apikey <key>` when the writer is given a URL (a session brings its own). */
  apiKey?: string;
  /** A batch leaves once this many documents are queued (default 500). */
  batchDocuments?: number;
  /** ... or once its JSON reaches this many characters, about bytes (default 1 MiB: well under what the
   * server keeps in memory rather than spooling to a file). */
  batchBytes?: number;
  /** ... or this long after the first document of a batch was queued (default 50 ms). */
  batchDelayMs?: number;
  /** `write` waits while this many documents are written and not yet acknowledged (default 10,000). */
  maxQueued?: number;
  /** How long one batch is retried before the writer gives up (default 60 s). */
  retryForMs?: number;
  /** The first wait before a retry, doubled each time up to maxBackoffMs (defaults 100 ms and 5 s). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** A request without an answer after this long is abandoned and retried (default 60 s). */
  requestTimeoutMs?: number;
}

/** What the server acknowledged so far, summed over the batches. */
export interface RunWriterTotals {
  /** Documents acknowledged. */
  documents: number;
  /** Of those, newly stored; the rest were found stored already (a retried batch that had been stored). */
  stored: number;
  skipped: number;
  /** Requests answered 200, and requests sent again after a failure. */
  batches: number;
  retries: number;
}

/** A URL, a session, or anything holding one (RemoteBroker). */
export type RunWriterTarget = string | HttpSession | { session: HttpSession };

interface Waiter {
  /** Resolved once this many documents are acknowledged. */
  until: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

interface Blocked {
  text: string;
  resolve: () => void;
  reject: (error: Error) => void;
}

const DEFAULTS = {
  batchDocuments: 500,
  batchBytes: 1024 * 1024,
  batchDelayMs: 50,
  maxQueued: 10_000,
  retryForMs: 60_000,
  backoffMs: 100,
  maxBackoffMs: 5_000,
  requestTimeoutMs: 60_000,
};

/** Statuses that say "not now" rather than "not this": the batch is sent again. */
function retryable(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`RunWriter: ${name} must be > 0, got ${value}`);
  return value;
}

export class RunWriter {
  private readonly url: string;
  private readonly headers: Record<string, string>;
  private readonly options: typeof DEFAULTS;
  /** Documents as JSON text `[name, doc]`, in order: queued (not yet in a request). */
  private queue: string[] = [];
  private queuedBytes = 0;
  /** Writes waiting for room (maxQueued), in call order. */
  private readonly blocked: Blocked[] = [];
  /** Documents taken into the queue, and acknowledged by the server, since the start. */
  private accepted = 0;
  private acknowledged = 0;
  private waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** The oldest queued document has waited batchDelayMs. */
  private timeUp = false;
  private sending = false;
  private failure: Error | null = null;
  private closed = false;
  private readonly sums: RunWriterTotals = { documents: 0, stored: 0, skipped: 0, batches: 0, retries: 0 };

  constructor(target: RunWriterTarget, options: RunWriterOptions = {}) {
    const session =
      typeof target === "string"
        ? new HttpSession(target, { apiKey: options.apiKey })
        : target instanceof HttpSession
          ? target
          : target.session;
    this.url = `${session.baseUrl}/api/v1/documents/`;
    this.headers = { ...session.authHeaders, "content-type": "application/json", accept: "application/json" };
    const { apiKey: _key, ...given } = options;
    const set = Object.entries(given).filter(([, value]) => value !== undefined);
    this.options = { ...DEFAULTS, ...(Object.fromEntries(set) as Partial<typeof DEFAULTS>) };
    for (const [name, value] of Object.entries(this.options)) positive(name, value);
  }

  /** Documents written and not yet acknowledged (queued, in the request in flight, or waiting for room). */
  get pending(): number {
    return this.accepted - this.acknowledged + this.blocked.length;
  }

  /** What the server has acknowledged so far. */
  get totals(): RunWriterTotals {
    return { ...this.sums };
  }

  /**
   * Queues one document. It is serialized now, so later changes to `doc` are not sent. The promise resolves
   * once it is queued, which waits while `maxQueued` documents are unacknowledged; it rejects when the writer
   * has failed (the server refused a batch, or retries ran out) or is closed.
   */
  write(name: string, doc: object): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error("RunWriter: write after close()"));
    if (!isDocumentName(name))
      return Promise.reject(new ValidationError(`RunWriter: ${JSON.stringify(name)} is not a document name`));
    if (typeof doc !== "object" || doc === null || Array.isArray(doc))
      return Promise.reject(new ValidationError(`RunWriter: the ${name} document must be an object`));
    const text = stringifyJson([name, doc]);
    if (this.blocked.length > 0 || this.pending >= this.options.maxQueued) {
      return new Promise((resolve, reject) => this.blocked.push({ text, resolve, reject }));
    }
    this.enqueue(text);
    return Promise.resolve();
  }

  /** Resolves once every document written so far is acknowledged; rejects with the writer's failure. */
  flush(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const until = this.accepted + this.blocked.length;
    if (this.acknowledged >= until) return Promise.resolve();
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ until, resolve, reject }));
    this.pump();
    return done;
  }

  /** Flushes, then refuses further writes. */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      this.closed = true;
      this.clearTimer();
    }
  }

  private enqueue(text: string): void {
    this.queue.push(text);
    this.queuedBytes += text.length + 1;
    this.accepted++;
    if (this.batchReady()) this.pump();
    else if (!this.timer && !this.timeUp) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.timeUp = true;
        this.pump();
      }, this.options.batchDelayMs);
    }
  }

  private batchReady(): boolean {
    if (this.queue.length === 0) return false;
    const flushing = this.waiters.length > 0;
    return (
      flushing ||
      this.timeUp ||
      this.queue.length >= this.options.batchDocuments ||
      this.queuedBytes >= this.options.batchBytes
    );
  }

  /** Sends batches one after another while one is ready; a single loop, so batches never overtake. */
  private pump(): void {
    if (this.sending || this.failure || !this.batchReady()) return;
    this.sending = true;
    void this.sendAll();
  }

  private async sendAll(): Promise<void> {
    try {
      while (!this.failure && this.batchReady()) {
        const batch = this.takeBatch();
        const answer = await this.post(batch);
        this.sums.documents += batch.length;
        this.sums.stored += answer.stored;
        this.sums.skipped += answer.skipped;
        this.sums.batches++;
        this.acknowledged += batch.length;
        this.admitBlocked();
        this.settleWaiters();
      }
    } catch (error) {
      this.fail(error as Error);
    } finally {
      this.sending = false;
    }
  }

  /** The head of the queue up to batchDocuments and batchBytes (at least one document). */
  private takeBatch(): string[] {
    let count = 0;
    let bytes = 0;
    while (count < this.queue.length && count < this.options.batchDocuments) {
      const size = this.queue[count].length + 1;
      if (count > 0 && bytes + size > this.options.batchBytes) break;
      bytes += size;
      count++;
    }
    const batch = this.queue.slice(0, count);
    this.queue = this.queue.slice(count);
    this.queuedBytes -= bytes;
    if (this.queue.length === 0) {
      this.timeUp = false;
      this.clearTimer();
    }
    return batch;
  }

  /** Moves waiting writes into the queue as acknowledgements make room. */
  private admitBlocked(): void {
    while (this.blocked.length > 0 && this.accepted - this.acknowledged < this.options.maxQueued) {
      const next = this.blocked.shift()!;
      this.enqueue(next.text);
      next.resolve();
    }
  }

  private settleWaiters(): void {
    const done = this.waiters.filter((waiter) => this.acknowledged >= waiter.until);
    this.waiters = this.waiters.filter((waiter) => this.acknowledged < waiter.until);
    for (const waiter of done) waiter.resolve();
  }

  /** A refused batch or exhausted retries: nothing more is sent, everyone waiting hears why. */
  private fail(error: Error): void {
    this.failure = error;
    this.clearTimer();
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
    for (const write of this.blocked.splice(0)) write.reject(error);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** One batch, POSTed until the server answers 200 or refuses it, or retryForMs has passed. */
  private async post(batch: string[]): Promise<{ stored: number; skipped: number }> {
    const body = `[${batch.join(",")}]`;
    const { retryForMs, backoffMs, maxBackoffMs, requestTimeoutMs } = this.options;
    const deadline = Date.now() + retryForMs;
    for (let attempt = 1; ; attempt++) {
      let problem: string;
      let retryAfterMs = 0;
      try {
        const response = await fetch(this.url, {
          method: "POST",
          headers: this.headers,
          body,
          signal: AbortSignal.timeout(requestTimeoutMs),
        });
        const text = await response.text();
        if (response.ok) return JSON.parse(text) as { stored: number; skipped: number };
        if (!retryable(response.status)) throw errorFromResponse(response.status, text, this.url);
        problem = `HTTP ${response.status}: ${text.slice(0, 500)}`;
        retryAfterMs = 1000 * (Number(response.headers.get("retry-after")) || 0);
      } catch (error) {
        if (!(error instanceof TypeError || (error as Error).name === "TimeoutError")) throw error;
        // fetch's TypeError: refused, reset or closed connections (a server restarting), or our timeout.
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        problem = cause?.code ?? cause?.message ?? (error as Error).message;
      }
      // Jitter spreads the retries of many writers after a restart; the cap keeps a restart's gap short.
      const backoff = Math.min(maxBackoffMs, backoffMs * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
      const wait = Math.max(backoff, retryAfterMs);
      if (Date.now() + wait > deadline) {
        throw new Error(
          `RunWriter: POST ${this.url} of ${batch.length} documents failed ${attempt} times over ` +
            `${Math.round((Date.now() - deadline + retryForMs) / 1000)} s (retryForMs ${retryForMs}); last: ${problem}`,
        );
      }
      this.sums.retries++;
      await sleep(wait);
    }
  }
}
