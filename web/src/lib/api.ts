// Every request the page makes goes through the same HTTP API as any client, with the signed-in credential
// in the Authorization header (never a private route). Errors come back as ApiError carrying the server's
// own `detail`, so the page shows what the API said.
import { credential } from "./session.ts";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/** The headers that carry the signed-in credential (none when browsing anonymously). */
export function authHeaders(): Record<string, string> {
  const signedIn = credential();
  if (!signedIn) return {};
  return {
    authorization: signedIn.kind === "key" ? `Apikey ${signedIn.secret}` : `Bearer ${signedIn.secret}`,
  };
}

async function failureOf(response: Response): Promise<ApiError> {
  const text = await response.text();
  let detail = text || response.statusText;
  try {
    const body = JSON.parse(text) as { detail?: unknown };
    if (body.detail !== undefined)
      detail = typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail);
  } catch {
    // not JSON: the text itself is the message
  }
  return new ApiError(response.status, `${response.status}: ${detail}`);
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  accept?: string;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

/** A request to the API; throws ApiError for any answer outside 2xx. */
export async function request(path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = {
    accept: options.accept ?? "application/json",
    ...authHeaders(),
    ...options.headers,
  };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? "GET",
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
      credentials: "omit", // the cookie only reads; the page always sends its credential explicitly
    });
  } catch (error) {
    if ((error as Error).name === "AbortError") throw error;
    throw new ApiError(0, `the server did not answer (${(error as Error).message})`);
  }
  if (!response.ok) throw await failureOf(response);
  return response;
}

export async function getJson<T>(path: string, options: RequestOptions = {}): Promise<T> {
  return (await (await request(path, options)).json()) as T;
}

/** A path under /api/v1 with its query parameters, each part encoded. */
export function apiPath(segments: readonly string[], params: Array<[string, string]> = []): string {
  const path = `/api/v1/${segments.map(encodeURIComponent).join("/")}`;
  return params.length === 0 ? path : `${path}?${new URLSearchParams(params).toString()}`;
}
