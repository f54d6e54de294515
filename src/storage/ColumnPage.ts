// Event data as stores read it back: pages of one descriptor's events, one decoded column per field and
// role, never one object per event. The broker turns these into Tables.

/** Which part of the events a column holds. */
export type ColumnRole = "data" | "timestamps" | "filled";

/**
 * One column of a page. Numbers (and rectangular arrays of numbers) come as one Float64Array in row-major
 * order with `shape = [rows, ...shape of each value]`; anything else as plain values with `shape = [rows]`.
 */
export type PageColumn =
  | { encoding: "float64"; shape: number[]; values: Float64Array }
  | { encoding: "values"; shape: number[]; values: unknown[] };

/** Events of one descriptor as columns: what `columns()` yields, never one object per event. */
export interface ColumnPage {
  descriptor: string;
  length: number;
  /** The events' uids; absent when the read asked for none (`ColumnReadOptions.uids: false`). */
  uid?: string[];
  seq_num: Float64Array;
  time: Float64Array;
  data: Record<string, PageColumn>;
  timestamps: Record<string, PageColumn>;
  /** The `filled` columns, for the events that carried `filled` (empty otherwise). */
  filled: Record<string, PageColumn>;
}

/** What a `columns()` read decodes besides seq_num and time; by default everything. */
export interface ColumnReadOptions {
  /** The roles to read (default all three); the others come back as empty records. */
  parts?: readonly ColumnRole[];
  /** Whether pages carry their events' uids (default true). */
  uids?: boolean;
}
