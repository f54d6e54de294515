// A list of strings (a page's event uids) <-> bytes. UUIDs and the like are joined by newlines as UTF-8, which
// encodes and splits several times faster than msgpack; a list that could not be split back unambiguously
// (empty, an empty string, a newline, a non-string) falls back to exact msgpack.
import { isAscii } from "node:buffer";
import type { BufferArena } from "./BufferArena.ts";
import { decodeExact, encodeExact } from "./exactMsgpack.ts";

const JOINED = 0;
const MSGPACK = 1;

function joinable(list: readonly unknown[]): list is readonly string[] {
  if (list.length === 0) return false;
  for (const item of list) if (typeof item !== "string" || item === "" || item.includes("\n")) return false;
  return true;
}

/** The bytes of `list`, in `arena` when given (else a buffer of their own). */
export function encodeStrings(list: readonly unknown[], arena?: BufferArena): Uint8Array {
  if (!joinable(list)) {
    const packed = encodeExact(list);
    const out = new Uint8Array(packed.length + 1);
    out[0] = MSGPACK;
    out.set(packed, 1);
    return out;
  }
  const text = list.join("\n");
  const length = Buffer.byteLength(text) + 1;
  const out = arena ? arena.bytes(length) : Buffer.allocUnsafeSlow(length);
  out[0] = JOINED;
  Buffer.from(out.buffer, out.byteOffset, length).write(text, 1);
  return out;
}

export function decodeStrings(bytes: Uint8Array): string[] {
  if (bytes[0] === MSGPACK) return decodeExact<string[]>(bytes.subarray(1));
  const text = Buffer.from(bytes.buffer, bytes.byteOffset + 1, bytes.byteLength - 1);
  // ASCII (uuids, the usual case) decodes as Latin-1 to the same string, several times faster than UTF-8.
  return text.toString(isAscii(text) ? "latin1" : "utf8").split("\n");
}
