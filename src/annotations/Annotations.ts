// The annotations of a catalog as one principal may use them: read those they may read, create on runs they
// may read, edit their own, delete their own or — as a PI of the run's beamtime or proposal, or an admin —
// shared ones. Every change is a new revision; an edit names the revision it was made from and meets a
// ConflictError (HTTP 409) when someone changed the annotation meanwhile. The run itself is resolved by the
// caller through the principal's view (a hidden run is already a 404 there).
import { randomUUID } from "node:crypto";
import type { AccessPolicy } from "../access/AccessPolicy.ts";
import type { Principal } from "../access/Principal.ts";
import type { RunStart } from "../documents/types.ts";
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnauthorizedError,
  ValidationError,
} from "../errors.ts";
import { type Annotation, type AnnotationContent, type AnnotationRevision, readersOf } from "./Annotation.ts";
import type { AnnotationRecords } from "./AnnotationRecords.ts";
import { checkAcrossFields, completeContent, readAnnotationInput } from "./annotationInput.ts";

/** Who acts: the principal, and the author name their changes are recorded under. */
export interface Annotator {
  principal: Principal;
  /** The author id: the user's id; for a catalog without memberships, whoever runs the library or CLI. */
  actor: string;
}

export class Annotations {
  private readonly readers: string[] | undefined;

  constructor(
    private readonly records: AnnotationRecords,
    private readonly policy: AccessPolicy,
    private readonly annotator: Annotator,
    /** Seconds since the epoch, for tests that need a fixed clock. */
    private readonly clock: () => number = () => Date.now() / 1000,
  ) {
    this.readers = policy.annotationReaders(annotator.principal);
  }

  /** The run's annotations this principal reads, oldest first. */
  list(start: RunStart): Promise<Annotation[]> {
    return this.records.list(start.uid, this.readers);
  }

  /** One annotation of the run; NotFoundError when there is none this principal reads. */
  async get(start: RunStart, id: string): Promise<Annotation> {
    const found = await this.records.get(id);
    if (!found || found.run !== start.uid || !this.reads(found))
      throw new NotFoundError(`no annotation ${JSON.stringify(id)} on run ${start.uid}`);
    return found;
  }

  /** Annotates a run: `input` is checked whole (annotationInput.ts); defaults: visible to every reader. */
  async create(start: RunStart, input: unknown): Promise<Annotation> {
    const author = this.writer();
    const { content } = readAnnotationInput(input);
    const complete = completeContent(content);
    this.checkSharedWith(complete);
    const at = this.clock();
    const annotation: Annotation = {
      id: randomUUID(),
      run: start.uid,
      author,
      created: at,
      updated: at,
      revision: 1,
      ...complete,
    };
    await this.records.write({ action: "create", annotation, expected: 0, actor: author, at });
    return annotation;
  }

  /**
   * Changes the fields `input` gives (the others stay). Only the author edits. `input.revision` (or
   * `revision`, from an If-Match) names the revision the edit was made from: a stale one is a ConflictError.
   */
  async edit(start: RunStart, id: string, input: unknown, revision?: number): Promise<Annotation> {
    const author = this.writer();
    const request = readAnnotationInput(input);
    const current = await this.get(start, id);
    if (!this.isAuthor(current))
      throw new ForbiddenError(`annotation ${id} is ${current.author}'s: only its author edits it`);
    this.checkRevision(current, request.revision ?? revision);
    const content: AnnotationContent = { ...current, ...request.content };
    if ("target" in request.content && request.content.target === undefined) delete content.target;
    checkAcrossFields(content);
    this.checkSharedWith(content);
    const at = this.clock();
    const { target: _target, ...kept } = current;
    const annotation: Annotation = {
      ...kept,
      visibility: content.visibility,
      shared_with: content.visibility === "users" ? content.shared_with : [],
      tags: content.tags,
      body: content.body,
      values: content.values,
      ...(content.target ? { target: content.target } : {}),
      updated: at,
      revision: current.revision + 1,
    };
    await this.records.write({ action: "edit", annotation, expected: current.revision, actor: author, at });
    return annotation;
  }

  /**
   * Deletes an annotation (its revisions stay readable to its readers through the run's history). The author
   * may; so may a PI of the run's beamtime or proposal, or an admin, when the annotation is shared.
   */
  async delete(start: RunStart, id: string, revision?: number): Promise<Annotation> {
    const actor = this.writer();
    const current = await this.get(start, id);
    if (!this.mayDelete(start, current))
      throw new ForbiddenError(
        current.visibility === "private"
          ? `annotation ${id} is private to ${current.author}: only they delete it`
          : `annotation ${id}: only its author, a PI of the run's beamtime or proposal, or an admin deletes it`,
      );
    this.checkRevision(current, revision);
    const at = this.clock();
    const annotation = { ...current, updated: at, revision: current.revision + 1 };
    await this.records.write({ action: "delete", annotation, expected: current.revision, actor, at });
    return annotation;
  }

  /** The revisions of one annotation this principal reads, oldest first. */
  async revisions(start: RunStart, id: string): Promise<AnnotationRevision[]> {
    const history = await this.records.revisions(id);
    const latest = history.at(-1)?.annotation;
    if (!latest || latest.run !== start.uid || !this.reads(latest))
      throw new NotFoundError(`no annotation ${JSON.stringify(id)} on run ${start.uid}`);
    return history;
  }

  /** The revisions of every annotation of the run this principal reads, in time order (Tiled's /revisions). */
  async runRevisions(start: RunStart): Promise<AnnotationRevision[]> {
    const all: AnnotationRevision[] = [];
    for (const annotation of await this.list(start))
      all.push(...(await this.records.revisions(annotation.id)));
    return all.sort(
      (a, b) => a.at - b.at || a.annotation.id.localeCompare(b.annotation.id) || a.revision - b.revision,
    );
  }

  /** Whether this principal may delete `annotation` of the run `start` (what a page shows as a button). */
  mayDelete(start: RunStart, annotation: Annotation): boolean {
    const { principal, actor } = this.annotator;
    if (!this.policy.enforced || annotation.author === actor) return true;
    if (annotation.visibility === "private") return false;
    return this.policy.roleOf(principal) === "admin" || this.policy.isPrincipalInvestigator(principal, start);
  }

  /** Whether this principal wrote `annotation` (only its author edits it). */
  isAuthor(annotation: Annotation): boolean {
    return !this.policy.enforced || annotation.author === this.annotator.actor;
  }

  private reads(annotation: Annotation): boolean {
    if (!this.readers) return true;
    return readersOf(annotation).some((reader) => this.readers?.includes(reader));
  }

  /** The author of a change, after checking the principal may change annotations at all. */
  private writer(): string {
    const { principal, actor } = this.annotator;
    if (!this.policy.enforced) return actor;
    if (principal.kind !== "user") throw new UnauthorizedError("sign in to annotate runs");
    if (!this.policy.scopesOf(principal).includes("write:annotations"))
      throw new ForbiddenError("annotating runs needs the scope write:annotations");
    return principal.id;
  }

  private checkRevision(current: Annotation, revision: number | undefined): void {
    if (revision !== undefined && revision !== current.revision)
      throw new ConflictError(
        `annotation ${current.id} is at revision ${current.revision}, not ${revision}: someone changed it meanwhile; read it again`,
      );
  }

  /** With memberships, a `users` annotation is shared with users the user office knows. */
  private checkSharedWith(content: AnnotationContent): void {
    if (!this.policy.enforced) return;
    const unknown = content.shared_with.filter((id) => !this.policy.isKnownUser(id));
    if (unknown.length > 0)
      throw new ValidationError(`annotation shared_with: unknown user(s) ${unknown.join(", ")}`, [
        {
          name: "annotation",
          path: "shared_with",
          rule: "known-user",
          message: `annotation shared_with: unknown user(s) ${unknown.join(", ")}`,
        },
      ]);
  }
}
