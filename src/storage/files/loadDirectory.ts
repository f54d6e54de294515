// Reads every document file of a catalog directory into a MemoryStore, one run stretch at a time, so one bad
// run or one damaged file costs only itself: what could not be read or was rejected becomes a problem.

import { documentFilesOf } from "../../documents/formats/documentFiles.ts";
import { readDocuments } from "../../documents/formats/readDocuments.ts";
import { DatabrokerError, UnreadableError } from "../../errors.ts";
import { runStretches } from "../ingest/runStretches.ts";
import { MemoryStore } from "../memory/MemoryStore.ts";

/** Something of the directory the store could not take in; the rest of the directory is served. */
export interface DirectoryProblem {
  /** The file (or pack catalog) concerned, absolute. */
  file: string;
  /**
   * `unreadable`: the file is damaged or cannot be read; every whole document before the damage is kept.
   * `rejected`: documents that read fine but that the store refused (invalid, conflicting): none of them kept.
   */
  kind: "unreadable" | "rejected";
  /** Where in the file reading stopped (line or byte), for `unreadable`. */
  location?: string;
  /** The run concerned: rejected, or being read when the damage was met (it may be incomplete). */
  run?: string;
  message: string;
}

/** Run uid -> the files holding its documents, in reading order. */
export type RunFiles = Map<string, string[]>;

export interface LoadedDirectory {
  memory: MemoryStore;
  runFiles: RunFiles;
  problems: DirectoryProblem[];
  /** Files with damage: appending after their last whole document would hide the new documents too. */
  damaged: Set<string>;
}

/** Records that `file` holds documents of `run` (files arrive in reading order). */
export function noteRunFile(runFiles: RunFiles, run: string, file: string): void {
  const files = runFiles.get(run);
  if (!files) runFiles.set(run, [file]);
  else if (files[files.length - 1] !== file) files.push(file);
}

export async function loadDirectory(dir: string): Promise<LoadedDirectory> {
  const loaded: LoadedDirectory = {
    memory: new MemoryStore(),
    runFiles: new Map(),
    problems: [],
    damaged: new Set(),
  };
  const files = await documentFilesOf(dir, (error) => {
    if (!isReadFailure(error)) throw error;
    loaded.problems.push(unreadable(dir, error, undefined));
  });
  for (const file of files) await loadFile(file, loaded);
  return loaded;
}

async function loadFile(file: string, loaded: LoadedDirectory): Promise<void> {
  let current: string | undefined;
  try {
    for await (const stretch of runStretches(readDocuments(file))) {
      current = stretch.run ?? undefined;
      try {
        const report = await loaded.memory.put(stretch.documents);
        for (const run of report.runs) noteRunFile(loaded.runFiles, run, file);
      } catch (error) {
        if (!(error instanceof DatabrokerError)) throw error;
        const problem: DirectoryProblem = { file, kind: "rejected", message: error.message };
        if (current !== undefined) problem.run = current;
        loaded.problems.push(problem);
      }
    }
  } catch (error) {
    if (!isReadFailure(error)) throw error;
    loaded.damaged.add(file);
    loaded.problems.push(unreadable(file, error, current));
  }
}

/** A failure of the file rather than of this program: damage, a vanished file, no permission. */
function isReadFailure(error: unknown): boolean {
  return error instanceof DatabrokerError || typeof (error as NodeJS.ErrnoException)?.code === "string";
}

function unreadable(file: string, error: unknown, run: string | undefined): DirectoryProblem {
  const problem: DirectoryProblem = { file, kind: "unreadable", message: (error as Error).message };
  if (error instanceof UnreadableError) problem.location = error.location;
  if (run !== undefined) problem.run = run;
  return problem;
}
