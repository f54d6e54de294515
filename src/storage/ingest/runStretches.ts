// Cuts one stream of documents into stretches of consecutive documents of one run, so each stretch is put as
// one atomic batch while the stream is still being read: a run never has to be held in memory. Documents of
// no run known to the stream (the stop of a run already stored) form stretches of their own (run null). A read
// error ends the current stretch cleanly and is thrown after it; blocks of events stay blocks.
import { type DocumentItem, DocumentStream, oneByOne } from "../../documents/formats/DocumentStream.ts";
import { isEventBlock } from "../../documents/formats/eventBlock.ts";
import { type RunFinding, RunSplitter } from "../../documents/run/index.ts";
import type { DocumentPair } from "../../documents/types.ts";

export interface RunStretch {
  /** The run's start uid, or null when the stream does not tell the run. */
  run: string | null;
  documents: DocumentStream;
  /** Set when a document of the run (its stop, say) came before its start: the run must not be stored. */
  outOfOrder?: RunFinding;
}

export async function* runStretches(documents: AsyncIterable<DocumentPair>): AsyncGenerator<RunStretch> {
  const chunks = (documents instanceof DocumentStream ? documents.chunks() : oneByOne(documents))[
    Symbol.asyncIterator
  ]();
  const splitter = new RunSplitter();
  const outOfOrder = new Map<string, RunFinding>();
  const runOf = (item: DocumentItem): string | null => {
    const assignment = isEventBlock(item)
      ? splitter.assignEvents(item.descriptor, item.count)
      : splitter.assign(item[0], item[1]);
    if (!("run" in assignment)) return null;
    if (assignment.early) outOfOrder.set(assignment.run, assignment.early);
    return assignment.run;
  };
  // The chunk being cut, the run of each of its items, and the next item.
  let chunk: readonly DocumentItem[] = [];
  let runs: Array<string | null> = [];
  let next = 0;
  let failure: { error: unknown } | undefined;
  /** Whether an item is left, reading the next chunk if need be. */
  const more = async (): Promise<boolean> => {
    while (next === chunk.length) {
      if (failure) return false;
      try {
        const step = await chunks.next();
        if (step.done) return false;
        chunk = step.value;
      } catch (error) {
        failure = { error };
        return false;
      }
      runs = chunk.map(runOf);
      next = 0;
    }
    return true;
  };
  /** The items of `run` from the next one on, up to the end of the chunk or of the run. */
  const take = (run: string | null): readonly DocumentItem[] => {
    const from = next;
    while (next < chunk.length && runs[next] === run) next++;
    return from === 0 && next === chunk.length ? chunk : chunk.slice(from, next);
  };
  while (await more()) {
    const run = runs[next];
    const stretch = new DocumentStream(async function* () {
      while ((await more()) && runs[next] === run) yield take(run);
    });
    const early = run === null ? undefined : outOfOrder.get(run);
    yield early === undefined ? { run, documents: stretch } : { run, documents: stretch, outOfOrder: early };
    // Whatever the consumer left of this stretch belongs to it: skip it.
    while ((await more()) && runs[next] === run) take(run);
  }
  if (failure) throw failure.error;
}
