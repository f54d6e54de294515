// Input text must be valid UTF-8: a decoder would turn bad bytes into U+FFFD and so change the data without a
// word. The check is native (simdutf) and skipped for ASCII; only a failure walks the bytes, to name the first
// bad one.
import { isAscii, isUtf8 } from "node:buffer";

/** The first bad byte of invalid UTF-8: its offset and a description for messages. */
export interface InvalidUtf8 {
  offset: number;
  /** `invalid UTF-8 (bytes 0xc0 0xaf)` */
  message: string;
}

/** Whether `bytes` are valid UTF-8 (ASCII first: the usual case, and the fastest check). */
export function isValidUtf8(bytes: Uint8Array): boolean {
  return isAscii(bytes) || isUtf8(bytes);
}

/** The first invalid sequence of `bytes`, or undefined when they are valid UTF-8. */
export function invalidUtf8(bytes: Uint8Array): InvalidUtf8 | undefined {
  if (isValidUtf8(bytes)) return undefined;
  const [offset, end] = firstInvalidSequence(bytes);
  const shown = Array.from(bytes.subarray(offset, end), hexByte).join(" ");
  const cut = offset + sequenceLength(bytes[offset]) > bytes.length ? ", a sequence cut short" : "";
  return { offset, message: `invalid UTF-8 (${end - offset === 1 ? "byte" : "bytes"} ${shown}${cut})` };
}

function hexByte(byte: number): string {
  return `0x${byte.toString(16).padStart(2, "0")}`;
}

/** The length a lead byte announces (1 for a byte that cannot lead). */
function sequenceLength(lead: number): number {
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 1;
}

/**
 * The first invalid sequence, as [start, end): its lead byte up to the byte that breaks it (RFC 3629: no
 * overlongs, no surrogates, nothing above U+10FFFF).
 */
function firstInvalidSequence(bytes: Uint8Array): [number, number] {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i];
    if (lead < 0x80) {
      i++;
      continue;
    }
    const length = sequenceLength(lead);
    if (length === 1) return [i, i + 1];
    // The second byte's range depends on the lead: it rules out overlongs, surrogates and > U+10FFFF.
    const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
    const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k < length; k++) {
      const byte = bytes[i + k];
      if (i + k >= bytes.length) return [i, bytes.length];
      if (k === 1 ? byte < low || byte > high : (byte & 0xc0) !== 0x80) return [i, i + k + 1];
    }
    i += length;
  }
  return [bytes.length, bytes.length];
}
