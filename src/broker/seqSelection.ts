// How callers pick events by seq_num: `{from, to}` or a `[from, to]` pair, half-open like StreamRange.
import type { SeqRange } from "../catalog/SeqRange.ts";
import { ValidationError } from "../errors.ts";

export type SeqSelection = SeqRange | readonly [from: number, to: number];

export function toSeqRange(selection: SeqSelection | undefined): SeqRange | undefined {
  if (selection === undefined) return undefined;
  const range: SeqRange = Array.isArray(selection)
    ? { from: selection[0], to: selection[1] }
    : { ...(selection as SeqRange) };
  for (const bound of [range.from, range.to]) {
    if (bound !== undefined && (typeof bound !== "number" || Number.isNaN(bound))) {
      throw new ValidationError(`seq range bounds must be numbers, got ${JSON.stringify(selection)}`);
    }
  }
  return range;
}

export function inSeqRange(seq: number, range: SeqRange | undefined): boolean {
  return (range?.from === undefined || seq >= range.from) && (range?.to === undefined || seq < range.to);
}
