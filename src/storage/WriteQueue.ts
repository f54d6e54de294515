// Runs an adapter's write transactions one after another within a process: a transaction awaits between its
// lookups and its write, and a second one must not start on the same connection meanwhile.

export class WriteQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
