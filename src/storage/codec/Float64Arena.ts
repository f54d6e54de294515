// Hands out Float64Array views of a few large buffers instead of one buffer per column: a page's numeric
// columns then share one allocation, which keeps garbage collection (driven by buffer allocations) down.

export class Float64Arena {
  private buffer = new Float64Array(0);
  private used = 0;

  /** `capacity`: numbers the first buffer holds; later ones are at least this big. */
  constructor(private readonly capacity: number) {}

  take(length: number): Float64Array {
    if (this.buffer.length - this.used < length) {
      this.buffer = new Float64Array(Math.max(length, this.capacity));
      this.used = 0;
    }
    const view = this.buffer.subarray(this.used, this.used + length);
    this.used += length;
    return view;
  }

  /** Returns the last `length` numbers taken (a column that turned out not to be numeric). */
  giveBack(length: number): void {
    this.used -= length;
  }
}
