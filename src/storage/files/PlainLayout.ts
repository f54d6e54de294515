// Appends to a plain directory of document files: each run of a batch becomes one new JSON Lines file in
// the top folder, named as fileNames.ts describes, so reading the directory in name order replays every run
// in a valid order. No existing file is ever rewritten; concurrent writers never take the same name.
import { unlink } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { encodeDocuments } from "../../documents/formats/documentEncoder.ts";
import type { CatalogLayout, DirectoryIndex } from "./CatalogLayout.ts";
import { discard, publishUnderFreeName, syncDirectory, writeTemporaryFor } from "./durableFiles.ts";
import { continuationName, namesFrom, safeStem } from "./fileNames.ts";
import { noteRunFile } from "./loadDirectory.ts";
import type { RunDocuments } from "./runOwnership.ts";

export class PlainLayout implements CatalogLayout {
  readonly writableDirectories: string[];

  constructor(private readonly root: string) {
    this.writableDirectories = [root];
  }

  async append(runs: RunDocuments[], index: DirectoryIndex): Promise<void> {
    const staged: Array<{ run: string; temporary: string; first: string }> = [];
    try {
      for (const { run, documents } of runs) {
        const first = this.firstName(run, index);
        const temporary = await writeTemporaryFor(
          join(this.root, first),
          encodeDocuments(documents, "jsonl"),
        );
        staged.push({ run, temporary, first });
      }
      // Publishing last and together keeps the window in which a crash splits a batch small.
      while (staged.length > 0) {
        const { run, temporary, first } = staged[0];
        const path = await publishUnderFreeName(temporary, this.root, namesFrom(first));
        staged.shift();
        noteRunFile(index.runFiles, run, path);
      }
    } finally {
      await discard(staged.map((entry) => entry.temporary));
    }
    await syncDirectory(this.root);
  }

  async remove(files: string[], record: () => Promise<void>): Promise<void> {
    await record();
    for (const file of [...files].reverse()) await unlink(file);
    for (const dir of new Set(files.map((file) => dirname(file)))) await syncDirectory(dir);
  }

  /** A new run's file is named after its uid; a run with files continues after the last of them. */
  private firstName(run: string, index: DirectoryIndex): string {
    const files = index.runFiles.get(run);
    if (!files) return `${safeStem(run)}.jsonl`;
    const [entry, ...below] = relative(this.root, files[files.length - 1]).split(sep);
    return continuationName(entry, below.length > 0);
  }
}
