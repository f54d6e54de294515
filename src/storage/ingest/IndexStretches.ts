// Maps the numbers 0, 1, 2, ... of a run's documents to their indexes in the batch, kept as stretches of
// consecutive indexes: a run written without interruption (the usual case) costs one stretch, not a number
// per document.

export class IndexStretches {
  /** Run index where each stretch begins, and the batch index it maps to. */
  private readonly starts: number[] = [];
  private readonly targets: number[] = [];
  private count = 0;

  /** Appends the next `count` run documents, found from `batchIndex` on. */
  push(batchIndex: number, count = 1): void {
    const last = this.starts.length - 1;
    const continues = last >= 0 && this.targets[last] + (this.count - this.starts[last]) === batchIndex;
    if (!continues) {
      this.starts.push(this.count);
      this.targets.push(batchIndex);
    }
    this.count += count;
  }

  /** The batch index of run document `runIndex` (undefined if none was pushed). */
  at(runIndex: number): number | undefined {
    if (runIndex < 0 || runIndex >= this.count) return undefined;
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.starts[middle] <= runIndex) low = middle;
      else high = middle - 1;
    }
    return this.targets[low] + (runIndex - this.starts[low]);
  }
}
