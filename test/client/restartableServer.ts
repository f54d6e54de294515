// A real `databroker serve` child process on a temp SQLite catalog and a fixed loopback port, which a test
// can kill -9 and start again on the same catalog and port (as a supervisor restarts a crashed service),
// and a loopback proxy in front of it that can hold answers back or drop them after the server stored the
// request (as a load balancer cutting a connection does).
import { once } from "node:events";
import { createServer as createHttpServer, type Server } from "node:http";
import { freePort, type ServedProcess, spawnServer } from "../server/serveProcess.ts";

/** Headers of one connection that fetch sets itself (and refuses to be given). */
const HOP_HEADERS = new Set(["host", "connection", "keep-alive", "transfer-encoding", "content-length"]);

export const WRITER_KEY = "run_writer_test_key_0123456789";

export class RestartableServer {
  private served: ServedProcess | null = null;

  private constructor(
    readonly catalog: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Serves `catalog` on a port of its own, started and ready. */
  static async start(catalog: string): Promise<RestartableServer> {
    const server = new RestartableServer(catalog, await freePort());
    await server.restart();
    return server;
  }

  /** Starts the process (again), resolving once it prints that it serves. */
  async restart(): Promise<void> {
    this.served = await spawnServer(
      ["serve", "--catalog", this.catalog, "--api-key", WRITER_KEY],
      {},
      undefined,
      this.port,
    );
  }

  /** SIGKILL: no shutdown of any kind, as a crash or an OOM kill. */
  async kill(): Promise<void> {
    const child = this.served?.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, "exit");
    child.kill("SIGKILL");
    await exited;
  }

  /** SIGTERM and the exit. */
  async stop(): Promise<void> {
    await this.served?.stop();
  }

  errors(): string {
    return this.served?.errors() ?? "";
  }
}

/**
 * An HTTP proxy on loopback that forwards every request to `upstream` and relays the answer, unless told to
 * hold the answers (until `release`), to drop the next n of them (the request is stored upstream, then the
 * client's connection is destroyed without an answer) or to answer the next ones itself with a 5xx or 429.
 */
export class FaultProxy {
  /** Requests forwarded so far, and the status of each answer upstream gave. */
  readonly statuses: number[] = [];
  private dropNext = 0;
  private readonly refusals: number[] = [];
  private held: Array<() => void> | null = null;
  private heldChanged: Array<() => void> = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(upstream: string): Promise<FaultProxy> {
    let proxy: FaultProxy | undefined;
    const server = createHttpServer((request, response) => {
      void proxy!.forward(upstream, request, response);
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const address = server.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    proxy = new FaultProxy(server, `http://127.0.0.1:${port}`);
    return proxy;
  }

  /** The next requests are answered with these statuses by the proxy itself, not forwarded. */
  refuse(...statuses: number[]): void {
    this.refusals.push(...statuses);
  }

  /** The next `n` answers are lost after the server has stored their requests. */
  dropAnswers(n: number): void {
    this.dropNext = n;
  }

  /** Answers wait from now on until `release`. */
  hold(): void {
    this.held ??= [];
  }

  /** Sends the answers held back, and every later one at once. */
  release(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const send of held) send();
  }

  /** Resolves once at least `n` answers are held back. */
  async holding(n: number): Promise<void> {
    while ((this.held?.length ?? 0) < n) await new Promise<void>((resolve) => this.heldChanged.push(resolve));
  }

  async close(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, "close");
  }

  private async forward(
    upstream: string,
    request: import("node:http").IncomingMessage,
    response: import("node:http").ServerResponse,
  ): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(
        (entry): entry is [string, string] => typeof entry[1] === "string" && !HOP_HEADERS.has(entry[0]),
      ),
    );
    const refusal = this.refusals.shift();
    if (refusal !== undefined) {
      this.statuses.push(refusal);
      response.writeHead(refusal, { "content-type": "application/json", "retry-after": "0" });
      response.end(JSON.stringify({ detail: `refused by the test proxy (${refusal})` }));
      return;
    }
    const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
    const answer = await fetch(`${upstream}${request.url}`, { method: request.method, headers, body });
    const text = Buffer.from(await answer.arrayBuffer());
    this.statuses.push(answer.status);
    if (this.dropNext > 0) {
      this.dropNext--;
      request.socket.destroy();
      return;
    }
    const send = () => {
      response.writeHead(answer.status, {
        "content-type": answer.headers.get("content-type") ?? "text/plain",
      });
      response.end(text);
    };
    if (this.held) {
      this.held.push(send);
      for (const wake of this.heldChanged.splice(0)) wake();
    } else send();
  }
}
