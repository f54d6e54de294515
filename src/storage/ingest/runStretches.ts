// Cuts one stream of documents into stretches of consecutive documents of one run (RunSplitter tells the
// run), so each stretch can be put as one atomic batch while the stream is still being read: a run never has
// to be held in memory. Runs one after another (every file met so far) give one stretch per run; documents
// of no run known to the stream (say, the stop of a run already in the catalog) form stretches of their own
// (run null) and the store judges them. A read error ends the current stretch cleanly and is thrown after it.
import { RunSplitter } from "../../documents/run/index.ts";
import type { DocumentPair } from "../../documents/types.ts";

export interface RunStretch {
  /** The run's start uid, or null when the stream does not tell the run. */
  run: string | null;
  documents: AsyncIterable<DocumentPair>;
}

interface Assigned {
  pair: DocumentPair;
  run: string | null;
}

export async function* runStretches(pairs: AsyncIterable<DocumentPair>): AsyncGenerator<RunStretch> {
  const splitter = new RunSplitter();
  const source = pairs[Symbol.asyncIterator]();
  let failure: { error: unknown } | undefined;
  const next = async (): Promise<Assigned | undefined> => {
    if (failure) return undefined;
    try {
      const step = await source.next();
      if (step.done) return undefined;
      const assignment = splitter.assign(step.value[0], step.value[1]);
      return { pair: step.value, run: "run" in assignment ? assignment.run : null };
    } catch (error) {
      failure = { error };
      return undefined;
    }
  };
  let pending = await next();
  while (pending) {
    const run: string | null = pending.run;
    async function* stretch(): AsyncGenerator<DocumentPair> {
      while (pending && pending.run === run) {
        const { pair } = pending;
        pending = await next();
        yield pair;
      }
    }
    yield { run, documents: stretch() };
    // Whatever the consumer left of this stretch belongs to it: skip it.
    while (pending && pending.run === run) pending = await next();
  }
  if (failure) throw failure.error;
}
