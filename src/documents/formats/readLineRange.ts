// Reads the lines that a byte range of a file owns — those whose first byte lies in the range — so that
// parse workers each read their own part of a file and the main thread reads nothing. Every line is owned
// by exactly one range, whatever the ranges' size: a range inside a long line owns no line.
import { readSync } from "node:fs";
import { byteOrderMarkLength } from "./jsonHead.ts";

const NEWLINE = 0x0a;
/** Read past the range's end at once, to find the end of its last line without a second read. */
const OVERRUN_BYTES = 64 * 1024;

/** Reused between calls (a worker reads one range at a time); grows with the largest range read. */
let scratch: Buffer = Buffer.allocUnsafeSlow(0);
/** Above this size the scratch buffer (grown for a very long line) is not kept for the next call. */
const KEPT_SCRATCH_BYTES = 64 << 20;

/**
 * The bytes of the lines starting in [start, end) of the file open as `fd` (read at explicit positions, so
 * threads can share the descriptor), each with its newline (the file's last line may have none), without a
 * byte order mark at the file's start. The result is a view of a buffer that the next call reuses: decode
 * it before calling again.
 */
export function readLineRange(fd: number, start: number, end: number): Buffer {
  if (scratch.length > KEPT_SCRATCH_BYTES) scratch = Buffer.allocUnsafeSlow(0);
  // One byte before the range tells whether a line starts at `start`.
  const from = start === 0 ? 0 : start - 1;
  let filled = 0;
  let atEof = false;
  const readUpTo = (target: number) => {
    if (scratch.length < target) scratch = grown(scratch, filled, target);
    while (filled < target) {
      const read = readSync(fd, scratch, filled, target - filled, from + filled);
      if (read === 0) {
        atEof = true;
        return;
      }
      filled += read;
    }
  };
  readUpTo(end - from + OVERRUN_BYTES);
  let first: number;
  if (start === 0) first = byteOrderMarkLength(scratch.subarray(0, filled));
  else {
    const newline = scratch.subarray(0, filled).indexOf(NEWLINE);
    if (newline < 0 || from + newline >= end - 1) return scratch.subarray(0, 0);
    first = newline + 1;
  }
  // The last line the range owns ends at the first newline at or after the range's last byte.
  let searchFrom = Math.max(first, end - 1 - from);
  for (;;) {
    const newline = scratch.subarray(0, filled).indexOf(NEWLINE, searchFrom);
    if (newline >= 0) return scratch.subarray(first, newline + 1);
    if (atEof) return scratch.subarray(first, filled);
    searchFrom = filled;
    // Doubling: a long line's bytes are read once and copied a bounded number of times.
    readUpTo(2 * filled);
  }
}

function grown(buffer: Buffer, keep: number, size: number): Buffer {
  const larger = Buffer.allocUnsafeSlow(Math.max(size, 2 * buffer.length));
  buffer.copy(larger, 0, 0, keep);
  return larger;
}
