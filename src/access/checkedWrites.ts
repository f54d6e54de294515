// Writes under access control: each document is let through only when its writer may write its run — a
// new run by its start document's beamtime, a stored run by the beamtime it belongs to now. A stored run the
// writer cannot see is "no such run", as a read would answer. The check runs as the documents stream into
// the store's atomic put, so a refused document fails the whole batch and nothing of it is kept.
import { type DocumentItem, DocumentStream } from "../documents/formats/DocumentStream.ts";
import { isEventBlock } from "../documents/formats/eventBlock.ts";
import type { DocumentPair, RunStart } from "../documents/types.ts";
import { ForbiddenError, NotFoundError, ValidationError } from "../errors.ts";
import type { Store } from "../storage/Store.ts";
import type { AccessPolicy, WriteRefusal } from "./AccessPolicy.ts";
import type { Principal } from "./Principal.ts";

function refusalError(refusal: WriteRefusal): Error {
  if (refusal.status === 400) return new ValidationError(refusal.message);
  if (refusal.status === 403) return new ForbiddenError(refusal.message);
  return new NotFoundError(refusal.message);
}

/** The uid of the stored document a document hangs from, and what it is. */
function parentOf(
  name: string,
  doc: Record<string, unknown>,
): { uid: unknown; kind: "run" | "descriptor" | "resource" } | undefined {
  if (name === "stop" || name === "descriptor" || name === "resource" || name === "stream_resource")
    return doc.run_start === undefined ? undefined : { uid: doc.run_start, kind: "run" };
  if (name === "event" || name === "event_page" || name === "stream_datum")
    return { uid: doc.descriptor, kind: "descriptor" };
  if (name === "datum" || name === "datum_page") return { uid: doc.resource, kind: "resource" };
  return undefined;
}

/** `documents` as a stream that fails at the first document its writer may not write (blocks kept whole). */
export function checkedWrites(
  documents: Iterable<DocumentPair> | AsyncIterable<DocumentPair>,
  principal: Principal,
  policy: AccessPolicy,
  store: Store,
): DocumentStream {
  const source =
    documents instanceof DocumentStream
      ? documents
      : new DocumentStream(async function* () {
          for await (const pair of documents) yield [pair];
        });
  // What this batch introduces, so its own documents are not looked up in the store.
  const ownUids = new Set<string>();
  const checkedRuns = new Set<string>();
  const checkStoredRun = async (runUid: string) => {
    if (checkedRuns.has(runUid)) return;
    const start = await store.start(runUid);
    // An unknown run is the store's to report, with the document's index, like any dangling reference.
    if (start) {
      if (!policy.canRead(principal, start)) throw new NotFoundError(`no run ${runUid}`);
      const refusal = policy.writeRefusal(principal, start);
      if (refusal) throw refusalError(refusal);
    }
    checkedRuns.add(runUid);
  };
  const check = async (item: DocumentItem) => {
    if (isEventBlock(item)) {
      if (!ownUids.has(item.descriptor)) {
        const run = await store.runOf(item.descriptor);
        if (run !== undefined) await checkStoredRun(run);
      }
      return;
    }
    const [name, doc] = item as [string, Record<string, unknown>];
    if (name === "start") {
      const refusal = policy.writeRefusal(principal, doc as unknown as RunStart);
      if (refusal) throw refusalError(refusal);
    } else {
      const parent = parentOf(name, doc);
      if (parent && typeof parent.uid === "string" && !ownUids.has(parent.uid)) {
        const run = parent.kind === "run" ? parent.uid : await store.runOf(parent.uid);
        if (run !== undefined) await checkStoredRun(run);
      }
    }
    if (typeof doc.uid === "string") ownUids.add(doc.uid);
  };
  return new DocumentStream(async function* () {
    for await (const chunk of source.chunks()) {
      for (const item of chunk) await check(item);
      yield chunk;
    }
  });
}
