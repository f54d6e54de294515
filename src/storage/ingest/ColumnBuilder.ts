// One column of a page of single events, filled row by row as the events stream in: numbers go straight into
// a Float64Array (no boxed values, no event kept, nothing to copy when the page is encoded); the first value
// that is not a number moves the column to a plain array, which the codec then encodes as it sees fit.
import { cellOf } from "../../documents/formats/eventBlock.ts";

export class ColumnBuilder {
  private values: unknown[] | null = null;
  private rows = 0;

  /** `numbers`: room for the rows the page expects (the page's columns share one buffer); it grows if need be. */
  constructor(private numbers: Float64Array) {}

  push(value: unknown): void {
    if (this.values === null) {
      if (typeof value === "number") {
        if (this.rows === this.numbers.length) this.grow();
        this.numbers[this.rows++] = value;
        return;
      }
      this.values = Array.from(this.numbers.subarray(0, this.rows));
    }
    this.values.push(value);
    this.rows++;
  }

  /** Appends values `from .. from + count - 1` of `column` (a block's column: numbers copied at once). */
  pushColumn(column: Float64Array | readonly unknown[], from: number, count: number): void {
    if (this.values === null && column instanceof Float64Array) {
      while (this.rows + count > this.numbers.length) this.grow();
      this.numbers.set(column.subarray(from, from + count), this.rows);
      this.rows += count;
      return;
    }
    for (let row = from; row < from + count; row++) this.push(cellOf(column, row));
  }

  /** The column: the numbers (exactly `rows` of them) when every value was a number, else the values. */
  finish(): Float64Array | unknown[] {
    if (this.values !== null) return this.values;
    // Room far larger than the rows (a page cut short) is not kept: a stored page holds no slack.
    return this.rows * 2 < this.numbers.length
      ? this.numbers.slice(0, this.rows)
      : this.numbers.subarray(0, this.rows);
  }

  private grow(): void {
    const numbers = new Float64Array(Math.max(16, this.numbers.length * 2));
    numbers.set(this.numbers);
    this.numbers = numbers;
  }
}
