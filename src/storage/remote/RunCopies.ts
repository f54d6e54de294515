// A remote catalog's runs read whole: the run's documents fetched once from the server's replay route
// (/api/v1/documents/{uid}) into an in-memory catalog, which then answers every read of the run (descriptors,
// column pages, resources, datums) as a local catalog would. The few most recently read finished runs are kept;
// a run without its stop yet is read again after a second, so a run being acquired is seen growing.

import type { HttpSession } from "../../client/HttpSession.ts";
import { runDocuments } from "../../client/runDocuments.ts";
import { NotFoundError } from "../../errors.ts";
import { MemoryStore } from "../memory/MemoryStore.ts";

/** Finished runs kept in memory, most recently read last. */
const KEPT = 8;
/** How long the copy of a run still being written is used before it is read again (ms). */
const LIVE_COPY_MS = 1_000;

interface Copy {
  store: Promise<MemoryStore>;
  at: number;
  finished: boolean;
}

export class RunCopies {
  private readonly copies = new Map<string, Copy>();
  /** The run each descriptor, resource and stream resource read so far belongs to. */
  private readonly runOfDocument = new Map<string, string>();

  constructor(private readonly session: HttpSession) {}

  /** The catalog holding run `uid` alone; NotFoundError when the server has no such run. */
  async of(uid: string): Promise<MemoryStore> {
    const kept = this.copies.get(uid);
    if (kept && (kept.finished || performance.now() - kept.at < LIVE_COPY_MS)) {
      this.copies.delete(uid);
      this.copies.set(uid, kept);
      return kept.store;
    }
    const copy: Copy = { store: this.read(uid), at: performance.now(), finished: false };
    this.copies.set(uid, copy);
    copy.store.then(
      async (store) => {
        copy.finished = (await store.stop(uid)) !== undefined;
      },
      () => this.copies.delete(uid),
    );
    while (this.copies.size > KEPT) this.copies.delete(this.copies.keys().next().value as string);
    return copy.store;
  }

  /** The run a descriptor, resource or stream resource of a run read before belongs to. */
  runOf(documentUid: string): string | undefined {
    return this.runOfDocument.get(documentUid);
  }

  /** The copy holding a descriptor, resource or stream resource; NotFoundError when no run read holds it. */
  async holding(documentUid: string, what: string): Promise<MemoryStore> {
    const run = this.runOf(documentUid);
    if (run === undefined)
      throw new NotFoundError(`no ${what} ${documentUid} among the runs read from ${this.session.baseUrl}`);
    return this.of(run);
  }

  private async read(uid: string): Promise<MemoryStore> {
    const store = new MemoryStore();
    await store.put(runDocuments(this.session, uid, false));
    if ((await store.start(uid)) === undefined)
      throw new NotFoundError(`no run ${uid} at ${this.session.baseUrl}`);
    for (const descriptor of await store.descriptors(uid)) this.runOfDocument.set(descriptor.uid, uid);
    for (const resource of await store.resources(uid)) this.runOfDocument.set(resource.uid, uid);
    for (const resource of await store.streamResources(uid)) this.runOfDocument.set(resource.uid, uid);
    return store;
  }
}
