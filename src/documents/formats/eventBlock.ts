// The compact form in which a parse worker sends consecutive `event` documents of one descriptor and one
// layout (same keys in the same order, in the event and in its data/timestamps/filled): one column per
// value, numbers as Float64Arrays (transferred, not copied), so the main thread only rebuilds the objects.
import type { DocumentPair } from "../types.ts";
import { isPlainObject } from "./documentShape.ts";

/** The values of one member or field across the block: a Float64Array when every value is a number. */
export type BlockColumn = Float64Array | unknown[];

/** One key of the events, in their order, with where its values are. */
export type BlockMember =
  | { key: "descriptor" }
  | { key: string; column: BlockColumn }
  | { key: string; fields: string[]; columns: BlockColumn[] };

export interface EventBlock {
  descriptor: string;
  count: number;
  members: BlockMember[];
}

/** The members of an event a block can hold; any other key sends the event as a plain document. */
const SCALAR_KEYS: ReadonlySet<string> = new Set(["uid", "seq_num", "time"]);
const OBJECT_KEYS: ReadonlySet<string> = new Set(["data", "timestamps", "filled"]);

/** The values of one column while a block grows; its kind is decided by the block's first event. */
class GrowingColumn {
  private readonly numbers: number[] | undefined;
  private readonly values: unknown[] | undefined;

  constructor(first: unknown) {
    if (typeof first === "number") this.numbers = [first];
    else this.values = [first];
  }

  /** Appends `value`; false (nothing appended) when a number column is given anything else. */
  push(value: unknown): boolean {
    if (this.numbers === undefined) this.values?.push(value);
    else if (typeof value === "number") this.numbers.push(value);
    else return false;
    return true;
  }

  pop(): void {
    (this.numbers ?? this.values)?.pop();
  }

  get isNumbers(): boolean {
    return this.numbers !== undefined;
  }

  /** The column; numbers are copied into `storage` from `offset` and given as a view of it. */
  finish(storage: Float64Array, offset: number): BlockColumn {
    if (this.numbers === undefined) return this.values ?? [];
    const view = storage.subarray(offset, offset + this.numbers.length);
    view.set(this.numbers);
    return view;
  }
}

type GrowingMember =
  | { key: "descriptor" }
  | { key: string; column: GrowingColumn }
  | { key: string; fields: string[]; columns: GrowingColumn[] };

/**
 * Collects consecutive events into one block. `add` takes an event if it fits the open block (or opens
 * one); `take` closes the block, returning it — or the event itself when it was alone, as a block of one
 * costs more than the document.
 */
export class EventBlockBuilder {
  private descriptor = "";
  private count = 0;
  private members: GrowingMember[] = [];
  /** Every column in the order `add` walks an event, to undo a partly appended event. */
  private columns: GrowingColumn[] = [];
  private first: DocumentPair | undefined;

  get isEmpty(): boolean {
    return this.count === 0;
  }

  /** Adds the event of `pair` to the open block, or opens one if none is open; false if it does not fit. */
  add(pair: DocumentPair): boolean {
    const event = pair[1] as unknown as Record<string, unknown>;
    if (this.count === 0) {
      if (!this.open(event)) return false;
      this.first = pair;
      return true;
    }
    if (event.descriptor !== this.descriptor) return false;
    let pushed = 0;
    let m = 0;
    const members = this.members;
    for (const key in event) {
      const member = m < members.length ? members[m++] : undefined;
      if (member === undefined || member.key !== key) return this.undo(pushed);
      if ("column" in member) {
        if (!member.column.push(event[key])) return this.undo(pushed);
        pushed++;
      } else if ("fields" in member) {
        const object = event[key];
        if (!isPlainObject(object)) return this.undo(pushed);
        const { fields, columns } = member;
        let f = 0;
        for (const field in object) {
          if (f >= fields.length || fields[f] !== field || !columns[f].push(object[field])) {
            return this.undo(pushed);
          }
          f++;
          pushed++;
        }
        if (f !== fields.length) return this.undo(pushed);
      }
    }
    if (m !== members.length) return this.undo(pushed);
    this.count++;
    return true;
  }

  /** The collected events (a block, or the lone event's pair); the builder is then empty. */
  take(): EventBlock | DocumentPair | undefined {
    const { count, first, members, columns } = this;
    this.count = 0;
    this.members = [];
    this.columns = [];
    this.first = undefined;
    if (count <= 1) return first;
    // Every number column in one buffer: one transfer per block, not one per column.
    const storage = new Float64Array(count * columns.filter((column) => column.isNumbers).length);
    let offset = 0;
    const finish = (column: GrowingColumn) => {
      const done = column.finish(storage, offset);
      if (column.isNumbers) offset += count;
      return done;
    };
    return {
      descriptor: this.descriptor,
      count,
      members: members.map((member): BlockMember => {
        if ("column" in member) return { key: member.key, column: finish(member.column) };
        if ("fields" in member)
          return { key: member.key, fields: member.fields, columns: member.columns.map(finish) };
        return member;
      }),
    };
  }

  /** Opens a block with `event` as its first; false when the event has a layout blocks do not hold. */
  private open(event: Record<string, unknown>): boolean {
    if (typeof event.descriptor !== "string") return false;
    const members: GrowingMember[] = [];
    const columns: GrowingColumn[] = [];
    for (const key in event) {
      const value = event[key];
      if (key === "descriptor") members.push({ key });
      else if (SCALAR_KEYS.has(key)) {
        const column = new GrowingColumn(value);
        members.push({ key, column });
        columns.push(column);
      } else if (OBJECT_KEYS.has(key) && isPlainObject(value)) {
        const fields = Object.keys(value);
        // Rebuilding an object by assignment would turn a "__proto__" key into its prototype.
        if (fields.includes("__proto__")) return false;
        const fieldColumns = fields.map((field) => new GrowingColumn(value[field]));
        members.push({ key, fields, columns: fieldColumns });
        columns.push(...fieldColumns);
      } else return false;
    }
    this.descriptor = event.descriptor;
    this.members = members;
    this.columns = columns;
    this.count = 1;
    return true;
  }

  /** Removes the first `pushed` columns' last values (an event that turned out not to fit); false. */
  private undo(pushed: number): boolean {
    for (let c = 0; c < pushed; c++) this.columns[c].pop();
    return false;
  }
}

/** The buffer of a block's number columns (each distinct buffer once), to transfer rather than copy. */
export function blockBuffers(block: EventBlock): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  const collect = (column: BlockColumn) => {
    if (column instanceof Float64Array) buffers.add(column.buffer as ArrayBuffer);
  };
  for (const member of block.members) {
    if ("column" in member) collect(member.column);
    else if ("fields" in member) member.columns.forEach(collect);
  }
  return [...buffers];
}

/** Whether a parse result item is a block rather than a document pair. */
export function isEventBlock(item: EventBlock | DocumentPair): item is EventBlock {
  return !Array.isArray(item);
}

/** The columns of a record member of a block (`data`, `timestamps`, `filled`): its fields, in their order. */
export interface BlockRecord {
  fields: string[];
  columns: BlockColumn[];
}

/** A block's members by key (absent members left out). */
export interface BlockColumns {
  uid?: BlockColumn;
  seq_num?: BlockColumn;
  time?: BlockColumn;
  data?: BlockRecord;
  timestamps?: BlockRecord;
  filled?: BlockRecord;
}

export function blockColumns(block: EventBlock): BlockColumns {
  const out: Record<string, BlockColumn | BlockRecord> = {};
  for (const member of block.members) {
    if ("column" in member) out[member.key] = member.column;
    else if ("fields" in member) out[member.key] = { fields: member.fields, columns: member.columns };
  }
  return out as BlockColumns;
}

/** Value `row` of a column. at(): an indexed read that met arrays of several kinds would box doubles. */
export function cellOf(column: Float64Array | readonly unknown[], row: number): unknown {
  return column instanceof Float64Array ? column[row] : column.at(row);
}

/** Whether every value of `column` passes `test`. */
export function everyCell(column: BlockColumn, test: (value: unknown) => boolean): boolean {
  for (let row = 0; row < column.length; row++) if (!test(cellOf(column, row))) return false;
  return true;
}
