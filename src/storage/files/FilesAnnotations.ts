// A files catalog's annotations: one hidden append-only JSON Lines sidecar in the catalog directory, each line
// a revision (the annotation as a change left it) or the forgetting of a deleted run's annotations. Append-only
// rather than a JSON file rewritten atomically: a change costs one fsynced append however many annotations
// there are, histories only ever grow anyway, and a crash costs at most the torn last line (left out, as every
// JSON Lines sidecar does). The histories are replayed into the MemoryStore's MemoryAnnotations, which its
// in-memory search reads, so search needs nothing of its own here. Writers of every process take the
// directory's annotations lock, read what others appended since, check the revision, then append; readers
// read new lines (a stat when there are none) before answering, so they see other processes' changes too.
import { open } from "node:fs/promises";
import { join } from "node:path";
import type { Annotation, AnnotationRevision } from "../../annotations/Annotation.ts";
import type { AnnotationChange, AnnotationRecords } from "../../annotations/AnnotationRecords.ts";
import { applyAnnotationChange, revisionOf } from "../annotationRows.ts";
import type { MemoryAnnotations } from "../memory/MemoryAnnotations.ts";
import type { WriteQueue } from "../WriteQueue.ts";
import { appendJsonLines } from "./jsonLines.ts";
import { withLock } from "./LockFile.ts";

export const ANNOTATIONS_LOG = ".databroker-annotations.jsonl";
const ANNOTATIONS_LOCK = ".databroker-annotations.lock";

/** A line of the log: a revision, or every annotation of a deleted run forgotten. */
type LogLine = AnnotationRevision | { forget_run: string };

export interface FilesAnnotationsContext {
  directory: string;
  /** The histories search reads: the current MemoryStore's (a new one after the directory is read again). */
  histories: () => MemoryAnnotations;
  hasRun: (uid: string) => boolean;
  /** Throws when the catalog may not be written (read-only). */
  checkWritable: () => Promise<void>;
  /** The store's write queue: annotation writes wait for puts and deletions of this process. */
  queue: WriteQueue;
}

export class FilesAnnotations implements AnnotationRecords {
  /** What of the log is replayed: into which histories, from which file, up to which byte (whole lines). */
  private replayed?: { into: MemoryAnnotations; file: string; bytes: number };
  /** Replays one at a time: two must not apply the same lines twice. */
  private replaying: Promise<unknown> = Promise.resolve();

  constructor(private readonly context: FilesAnnotationsContext) {}

  private path(name: string): string {
    return join(this.context.directory, name);
  }

  async write(change: AnnotationChange): Promise<void> {
    await this.context.checkWritable();
    await this.context.queue.run(() =>
      withLock(this.path(ANNOTATIONS_LOCK), async () => {
        const histories = await this.catchUp();
        // Checked against the histories as they stand, without changing them: the appended line is the change.
        const { id } = change.annotation;
        const probe = new Map<string, AnnotationRevision[]>();
        const history = histories.histories.get(id);
        if (history) probe.set(id, history);
        applyAnnotationChange(probe, change, this.context.hasRun);
        await appendJsonLines(this.context.directory, ANNOTATIONS_LOG, [revisionOf(change)]);
        await this.catchUp();
      }),
    );
  }

  /**
   * Logs that a run's annotations are gone with it (FilesStore.deleteRun, in its queue, as part of recording
   * the deletion); nothing when the run never had any.
   */
  async forgetRun(run: string): Promise<void> {
    await withLock(this.path(ANNOTATIONS_LOCK), async () => {
      const histories = await this.catchUp();
      if (!histories.annotates(run)) return;
      const line: LogLine = { forget_run: run };
      await appendJsonLines(this.context.directory, ANNOTATIONS_LOG, [line]);
      await this.catchUp();
    });
  }

  async get(id: string): Promise<Annotation | undefined> {
    return (await this.catchUp()).get(id);
  }

  async list(run: string, readers?: readonly string[]): Promise<Annotation[]> {
    return (await this.catchUp()).list(run, readers);
  }

  async revisions(id: string): Promise<AnnotationRevision[]> {
    return (await this.catchUp()).revisions(id);
  }

  /**
   * Replays the log's lines not replayed yet into the current histories (all of them into new histories, or
   * when the file is another one) and returns those histories. A missing log is no annotations, and nothing
   * is created: read-only opens read this too.
   */
  catchUp(): Promise<MemoryAnnotations> {
    const next = this.replaying.then(() => this.replayNewLines());
    this.replaying = next.catch(() => undefined);
    return next;
  }

  private async replayNewLines(): Promise<MemoryAnnotations> {
    const into = this.context.histories();
    const handle = await open(this.path(ANNOTATIONS_LOG), "r").catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return undefined;
      throw error;
    });
    if (!handle) return into;
    try {
      const { dev, ino, size } = await handle.stat();
      const file = `${dev}:${ino}`;
      const replayed = this.replayed;
      let from = 0;
      if (replayed && replayed.into === into && replayed.file === file && replayed.bytes <= size)
        from = replayed.bytes;
      else into.histories.clear();
      const fresh = Buffer.alloc(size - from);
      if (fresh.length > 0) await handle.read(fresh, 0, fresh.length, from);
      // Whole lines only: a line being appended now (or torn by a crash) waits for its end.
      const whole = fresh.lastIndexOf(0x0a) + 1;
      for (const text of fresh.subarray(0, whole).toString("utf8").split("\n")) {
        const line = parseLine(text);
        if (!line) continue;
        if ("forget_run" in line) into.deleteRun(line.forget_run);
        else into.replay(line);
      }
      this.replayed = { into, file, bytes: from + whole };
      return into;
    } finally {
      await handle.close();
    }
  }
}

/** A line of the log; undefined for an empty or torn one (the write it belonged to did not complete). */
function parseLine(text: string): LogLine | undefined {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as LogLine;
  } catch {
    return undefined;
  }
}
