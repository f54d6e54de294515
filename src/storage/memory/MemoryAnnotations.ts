// A memory catalog's annotations: plain maps, everything in and out as a structured clone (no caller changes
// what is stored through an object it passed or was given). Files catalogs keep theirs the same way and
// persist them in a sidecar file.
import type { Annotation, AnnotationRevision } from "../../annotations/Annotation.ts";
import type { AnnotationChange, AnnotationRecords } from "../../annotations/AnnotationRecords.ts";
import { applyAnnotationChange, readableBy } from "../annotationRows.ts";

export class MemoryAnnotations implements AnnotationRecords {
  /** Every annotation ever stored, by id, with its revisions; deleted ones keep their history. */
  readonly histories = new Map<string, AnnotationRevision[]>();

  constructor(private readonly hasRun: (uid: string) => boolean) {}

  async write(change: AnnotationChange): Promise<void> {
    applyAnnotationChange(this.histories, structuredClone(change), this.hasRun);
  }

  async get(id: string): Promise<Annotation | undefined> {
    const latest = this.histories.get(id)?.at(-1);
    return latest && latest.action !== "delete" ? structuredClone(latest.annotation) : undefined;
  }

  async list(run: string, readers?: readonly string[]): Promise<Annotation[]> {
    return structuredClone(this.current(run).filter((annotation) => readableBy(annotation, readers)));
  }

  async revisions(id: string): Promise<AnnotationRevision[]> {
    return structuredClone(this.histories.get(id) ?? []);
  }

  /** The run's annotations that are not deleted, oldest first (what search and `list` read). */
  current(run?: string): Annotation[] {
    const found: Annotation[] = [];
    for (const history of this.histories.values()) {
      const latest = history.at(-1);
      if (latest && latest.action !== "delete" && (run === undefined || latest.annotation.run === run))
        found.push(latest.annotation);
    }
    return found.sort((a, b) => a.created - b.created || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Appends a revision stored and checked elsewhere (a files catalog's log), unchecked. */
  replay(revision: AnnotationRevision): void {
    const id = revision.annotation.id;
    this.histories.set(id, [...(this.histories.get(id) ?? []), revision]);
  }

  /** Whether any annotation of `run` was ever stored (deleted ones too). */
  annotates(run: string): boolean {
    for (const history of this.histories.values()) if (history[0]?.annotation.run === run) return true;
    return false;
  }

  /** Forgets every annotation of a deleted run. */
  deleteRun(run: string): void {
    for (const [id, history] of this.histories)
      if (history[0]?.annotation.run === run) this.histories.delete(id);
  }
}
