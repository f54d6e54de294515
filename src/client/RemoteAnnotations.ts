// A run's annotations through a databroker server's annotation routes: what annotations/Annotations.ts does in
// process, over HTTP and with the server's access rules. Changes are never retried (a create sent twice would
// make two); an edit names the revision it was made from, and a stale one throws ConflictError (HTTP 409).
import type { Annotation, AnnotationRevision } from "../annotations/Annotation.ts";
import type { HttpSession } from "./HttpSession.ts";

export class RemoteAnnotations {
  constructor(
    private readonly session: HttpSession,
    private readonly run: string,
  ) {}

  private url(id?: string, suffix?: string): string {
    return this.session.url("annotations", [
      this.run,
      ...(id === undefined ? [] : [id]),
      ...(suffix ? [suffix] : []),
    ]);
  }

  private async change<T>(url: string, method: string, body?: unknown): Promise<T> {
    const response = await this.session.request(url, { method, body, idempotent: false });
    return (await response.json()) as T;
  }

  /** The run's annotations the caller reads, oldest first. */
  async list(): Promise<Annotation[]> {
    return (await this.session.json<{ data: Annotation[] }>(this.url())).data;
  }

  get(id: string): Promise<Annotation> {
    return this.session.json<Annotation>(this.url(id));
  }

  /** Creates one: `{tags, body, values, visibility, shared_with, target}` (see annotationInput.ts). */
  create(input: Record<string, unknown>): Promise<Annotation> {
    return this.change(this.url(), "POST", input);
  }

  /** Changes the fields given; `revision` is the one the change was made from (stale: ConflictError). */
  edit(id: string, input: Record<string, unknown>, revision: number): Promise<Annotation> {
    return this.change(this.url(id), "PATCH", { ...input, revision });
  }

  delete(id: string, revision?: number): Promise<Annotation> {
    const url = revision === undefined ? this.url(id) : `${this.url(id)}?revision=${revision}`;
    return this.change(url, "DELETE");
  }

  async revisions(id: string): Promise<AnnotationRevision[]> {
    return (await this.session.json<{ data: AnnotationRevision[] }>(this.url(id, "revisions"))).data;
  }
}
