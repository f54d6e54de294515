// One connection to a databroker (Tiled-compatible) server: base URL, API key, GETs and POSTs under /api/v1
// with retries on 5xx and network errors (exponential backoff), 4xx answers thrown as typed errors.
import { parseJson } from "../documents/formats/parseJson.ts";
import { errorFromResponse } from "./errorFromResponse.ts";

export interface SessionOptions {
  /** Sent as `Authorization: Apikey <key>`; none for a public server. */
  apiKey?: string;
  /** Attempts after the first on a 5xx answer or a network error (default 3). */
  retries?: number;
  /** The first wait before a retry in milliseconds, doubled each time (default 100). */
  backoffMs?: number;
  /** How long a request may wait for the answer's headers (ms; default: no limit). */
  timeoutMs?: number;
}

export type Params = ReadonlyArray<readonly [string, string]>;

const API_PREFIX = "/api/v1";

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A node path as URL segments, each percent-encoded (uids and field names may hold any character). */
export function nodePath(path: readonly string[]): string {
  return path.map((segment) => `/${encodeURIComponent(segment)}`).join("");
}

export class HttpSession {
  /** `http://host:port` without a trailing slash. */
  readonly baseUrl: string;
  private readonly headers: Record<string, string>;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly timeoutMs?: number;

  constructor(url: string, options: SessionOptions = {}) {
    this.baseUrl = url.replace(/\/+$/, "").replace(/\/api\/v1$/, "");
    this.headers = options.apiKey ? { authorization: `Apikey ${options.apiKey}` } : {};
    this.retries = options.retries ?? 3;
    this.backoffMs = options.backoffMs ?? 100;
    this.timeoutMs = options.timeoutMs;
  }

  /** fetch, given up when the answer's headers take longer than `timeoutMs` (its body may take longer). */
  private async fetchInTime(url: string, init: RequestInit): Promise<Response> {
    if (this.timeoutMs === undefined) return fetch(url, init);
    const abort = new AbortController();
    const timer = setTimeout(
      () => abort.abort(new Error(`no answer within ${this.timeoutMs} ms`)),
      this.timeoutMs,
    );
    try {
      return await fetch(url, { ...init, signal: abort.signal });
    } catch (error) {
      throw abort.signal.aborted ? abort.signal.reason : error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The headers that authenticate this session, for clients that send their own requests (RunWriter). */
  get authHeaders(): Record<string, string> {
    return { ...this.headers };
  }

  /** The URL of an API route (`search`, `table/full`, ...) on a node, with its parameters. */
  url(route: string, path: readonly string[] = [], params: Params = []): string {
    const query = params.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
    const suffix = query.length > 0 ? `?${query.join("&")}` : "";
    return `${this.baseUrl}${API_PREFIX}/${route}${nodePath(path)}${suffix}`;
  }

  /**
   * A successful response (2xx) to a GET, or to a POST with a JSON body (another `method` when given);
   * typed errors otherwise. Retried only when `idempotent` (GET and our POSTs are: reads, and ingest that
   * skips what is stored): a change that is not is never sent twice.
   */
  async request(
    url: string,
    init: {
      body?: unknown;
      accept?: string;
      method?: string;
      headers?: Record<string, string>;
      idempotent?: boolean;
    } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = {
      ...this.headers,
      ...init.headers,
      accept: init.accept ?? "application/json",
    };
    const hasBody = init.body !== undefined;
    if (hasBody) headers["content-type"] = "application/json";
    const body = hasBody ? JSON.stringify(init.body) : undefined;
    const method = init.method ?? (hasBody ? "POST" : "GET");
    const retries = (init.idempotent ?? (method === "GET" || method === "POST")) ? this.retries : 0;
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await this.fetchInTime(url, { method, headers, body });
      } catch (error) {
        // Refused or reset connections: the server may be restarting behind a load balancer.
        if (attempt < retries) {
          await sleep(this.backoffMs * 2 ** attempt);
          continue;
        }
        throw new Error(`${url}: ${(error as Error).message} after ${attempt + 1} attempts`, {
          cause: error,
        });
      }
      if (response.ok) return response;
      const text = await response.text();
      if (response.status >= 500) {
        if (attempt < retries) {
          await sleep(this.backoffMs * 2 ** attempt);
          continue;
        }
        throw new Error(`${url}: HTTP ${response.status} after ${attempt + 1} attempts: ${text}`);
      }
      throw errorFromResponse(response.status, text, url);
    }
  }

  /**
   * A JSON answer with every number exact: databroker's own `numbers=exact` has the server write NaN,
   * ±Infinity and -0 as Python's json does (standard JSON would make them null and 0); parseJson reads them.
   */
  async json<T>(url: string, body?: unknown): Promise<T> {
    const exact = /[?&]numbers=/.test(url) ? url : `${url}${url.includes("?") ? "&" : "?"}numbers=exact`;
    return parseJson(await (await this.request(exact, { body })).text()) as T;
  }

  /**
   * An open event stream (Server-Sent Events). Not retried here: the caller reconnects from what it saw.
   * A 4xx answer is its typed error; a 5xx or a network failure a plain Error, worth another try.
   */
  async eventStream(url: string, signal?: AbortSignal): Promise<Response> {
    const response = await fetch(url, { headers: { ...this.headers, accept: "text/event-stream" }, signal });
    if (response.ok) return response;
    const text = await response.text();
    if (response.status >= 500) throw new Error(`${url}: HTTP ${response.status}: ${text}`);
    throw errorFromResponse(response.status, text, url);
  }

  async bytes(url: string, accept: string, body?: unknown): Promise<Uint8Array> {
    return new Uint8Array(await (await this.request(url, { accept, body })).arrayBuffer());
  }
}
