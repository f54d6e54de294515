// What a request asks for, read from its raw URL: the node path (segments percent-decoded), the query
// parameters (names decoded too, lists as repeated keys), and the listing options Tiled defines.
import type { FastifyRequest } from "fastify";
import type { SeqRange } from "../catalog/SeqRange.ts";
import { ValidationError } from "../errors.ts";
import { BadRequestError } from "./errors.ts";
import { API_PREFIX } from "./links.ts";

/** The query parameters exactly as sent: repeated keys kept, names and values percent-decoded. */
export function paramsOf(request: FastifyRequest): URLSearchParams {
  const url = request.raw.url ?? "";
  const at = url.indexOf("?");
  return new URLSearchParams(at < 0 ? "" : url.slice(at + 1));
}

/** The node path after `/api/v1/<route>/`, one decoded segment per key (empty for the root). */
export function nodePathOf(request: FastifyRequest, route: string): string[] {
  const url = request.raw.url ?? "";
  const pathname = url.split("?")[0];
  const prefix = `${API_PREFIX}/${route}`;
  const rest = pathname.startsWith(prefix) ? pathname.slice(prefix.length) : "";
  return rest
    .split("/")
    .filter((segment) => segment !== "")
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        throw new BadRequestError(`path segment ${JSON.stringify(segment)} is not valid percent-encoding`);
      }
    });
}

export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 300;

export interface PageRequest {
  offset: number;
  limit: number;
}

function wholeNumber(params: URLSearchParams, name: string): number | undefined {
  const text = params.get(name);
  if (text === null || text.trim() === "") return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0)
    throw new ValidationError(
      `${name} must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}, got ${JSON.stringify(text)}`,
    );
  return value;
}

/**
 * `page[offset]`, `page[limit]` (default 100, at most 300) and `page[cursor]`. Our cursor is opaque to
 * clients and holds the offset where the next page starts; it cannot be combined with `page[offset]`.
 */
export function pageOf(params: URLSearchParams): PageRequest {
  const limit = wholeNumber(params, "page[limit]") ?? DEFAULT_PAGE_LIMIT;
  if (limit > MAX_PAGE_LIMIT) throw new ValidationError(`page[limit] must be at most ${MAX_PAGE_LIMIT}`);
  const cursor = params.get("page[cursor]");
  if (cursor !== null && cursor !== "") {
    if (params.has("page[offset]"))
      throw new BadRequestError("page[cursor] and page[offset] cannot be used together");
    return { offset: offsetOfCursor(cursor), limit };
  }
  return { offset: wholeNumber(params, "page[offset]") ?? 0, limit };
}

export function cursorOf(offset: number): string {
  return `o${offset.toString(36)}`;
}

function offsetOfCursor(cursor: string): number {
  const match = /^o([0-9a-z]+)$/.exec(cursor);
  const offset = match ? Number.parseInt(match[1], 36) : Number.NaN;
  if (!Number.isSafeInteger(offset))
    throw new BadRequestError(`page[cursor] ${JSON.stringify(cursor)} is not a cursor this server gave`);
  return offset;
}

/**
 * What `fields` selects: undefined = every attribute; an empty set (`fields=`) = ids only;
 * `count` = the exact count and no items.
 */
export function fieldsOf(params: URLSearchParams): Set<string> | undefined {
  if (!params.has("fields")) return undefined;
  return new Set(params.getAll("fields").filter((field) => field !== ""));
}

/** `expected_shape=3,4` or `scalar`: the shape the caller expects, or undefined. */
export function expectedShapeOf(params: URLSearchParams): number[] | undefined {
  const text = params.get("expected_shape");
  if (text === null || text === "") return undefined;
  if (text === "scalar") return [];
  return text.split(",").map((part) => {
    const n = Number(part);
    if (!Number.isInteger(n) || n < 0)
      throw new ValidationError(`expected_shape ${JSON.stringify(text)} must be whole numbers or "scalar"`);
    return n;
  });
}

/** Every value of a repeatable list parameter (`field=a&field=b`), empty values dropped. */
export function listOf(params: URLSearchParams, name: string): string[] {
  return params.getAll(name).filter((value) => value !== "");
}

/** A boolean parameter as Python sends it (`true`/`false`), or the fallback. */
export function booleanOf(params: URLSearchParams, name: string, fallback: boolean): boolean {
  const text = params.get(name)?.toLowerCase();
  if (text === undefined || text === "") return fallback;
  if (["true", "1", "yes", "on"].includes(text)) return true;
  if (["false", "0", "no", "off"].includes(text)) return false;
  throw new ValidationError(`${name} must be true or false, got ${JSON.stringify(text)}`);
}

/**
 * `seq=from:to`, databroker's own parameter (the Python client never sends it): the events with
 * from <= seq_num < to, either bound left out for none. How our client reads a seq range without the rest.
 */
export function seqRangeOf(params: URLSearchParams): SeqRange | undefined {
  const text = params.get("seq");
  if (text === null || text === "") return undefined;
  const bounds = text.split(":");
  const numbers = bounds.map((bound) => (bound.trim() === "" ? undefined : Number(bound)));
  if (bounds.length !== 2 || numbers.some((n) => n !== undefined && !Number.isFinite(n)))
    throw new ValidationError(
      `seq must be from:to (numbers, either may be left out), got ${JSON.stringify(text)}`,
    );
  const [from, to] = numbers;
  return { ...(from !== undefined && { from }), ...(to !== undefined && { to }) };
}

/**
 * `limit=n`, databroker's own (the Python client never sends it): only the first n rows of a stream's data,
 * in seq order. With `seq=from:` it is how our client reads a chunk without the rest of the stream.
 */
export function rowLimitOf(params: URLSearchParams): number | undefined {
  const limit = wholeNumber(params, "limit");
  if (limit === 0) throw new ValidationError("limit must be 1 or more");
  return limit;
}

/** The columns databroker's own `include` adds to a table; `seq_num` is the one there is. */
const INCLUDABLE = ["seq_num"];

/** Whether `include=seq_num` asks for each row's seq_num (the Python client never sends `include`). */
export function includesSeqNum(params: URLSearchParams): boolean {
  const named = listOf(params, "include").flatMap((value) => value.split(","));
  const unknown = named.filter((name) => !INCLUDABLE.includes(name));
  if (unknown.length > 0)
    throw new ValidationError(
      `include takes ${INCLUDABLE.join(", ")}, got ${JSON.stringify(unknown.join(","))}`,
    );
  return named.includes("seq_num");
}
