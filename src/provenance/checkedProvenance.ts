// The write checks of provenance records, run as documents stream into the store's atomic put (so a refused
// record fails the whole batch and nothing of it is kept): each start document's `provenance` must be well
// formed (provenanceFindings.ts), every input must be a run its writer may read — a stored run or one
// started earlier in the batch — and under access rules `created_by`, when given, must be the writer. An
// input the writer may not read is "no run <uid>", word for word what a missing one gets: the answer never
// tells hidden from missing.
import type { Principal } from "../access/Principal.ts";
import { type DocumentItem, DocumentStream, documentCountOf } from "../documents/formats/DocumentStream.ts";
import { isEventBlock } from "../documents/formats/eventBlock.ts";
import type { DocumentPair, RunStart } from "../documents/types.ts";
import { type Finding, NotFoundError, ValidationError } from "../errors.ts";
import { PROVENANCE_KEY, rawProvenanceOf } from "./ProvenanceRecord.ts";
import { provenanceFindings } from "./provenanceFindings.ts";
import type { ReadableRuns } from "./ReadableRuns.ts";

function recordRejection(start: RunStart, findings: Finding[]): ValidationError {
  const [first] = findings;
  const more = findings.length > 1 ? ` (and ${findings.length - 1} more)` : "";
  return new ValidationError(
    `batch rejected, nothing stored: start document ${start.uid}: start.${first.path}: ${first.message} (rule ${first.rule})${more}`,
    findings,
  );
}

/** Documents from a plain array or generator go in chunks: no await per document slows a large put. */
const CHUNK = 1024;

function asDocumentStream(documents: Iterable<DocumentPair> | AsyncIterable<DocumentPair>): DocumentStream {
  if (documents instanceof DocumentStream) return documents;
  if (Symbol.asyncIterator in documents)
    return new DocumentStream(async function* () {
      for await (const pair of documents) yield [pair];
    });
  return new DocumentStream(async function* () {
    let chunk: DocumentPair[] = [];
    for (const pair of documents) {
      chunk.push(pair);
      if (chunk.length === CHUNK) {
        yield chunk;
        chunk = [];
      }
    }
    if (chunk.length > 0) yield chunk;
  });
}

/**
 * `documents` as a stream that fails at the first start document whose provenance record may not be
 * written by this writer. `readable` is the writer's view (every run, without access rules); `writer` is
 * set when memberships are enforced (then `created_by` must name them).
 */
export function checkedProvenance(
  documents: Iterable<DocumentPair> | AsyncIterable<DocumentPair>,
  readable: ReadableRuns,
  writer?: Principal,
): DocumentStream {
  const source = asDocumentStream(documents);
  // Runs this batch starts that its writer may read: inputs may be among them.
  const startedHere = new Set<string>();
  let docIndex = 0;
  const check = async (start: RunStart, index: number) => {
    const record = rawProvenanceOf(start);
    if (record === undefined) return;
    const findings = provenanceFindings(record, index);
    const createdBy = (record as { created_by?: unknown }).created_by;
    if (findings.length === 0 && writer && createdBy !== undefined) {
      const writerId = writer.kind === "user" ? writer.id : "anonymous";
      if (createdBy !== writerId)
        findings.push({
          doc_index: index,
          name: "start",
          path: `${PROVENANCE_KEY}.created_by`,
          rule: "writer",
          message: `is ${JSON.stringify(createdBy)} but the writer is ${JSON.stringify(writerId)}: leave it out or name yourself`,
        });
    }
    if (findings.length > 0) throw recordRejection(start, findings);
    const inputs = (record as { inputs: Array<{ uid: string }> }).inputs;
    for (const [position, { uid }] of inputs.entries()) {
      if (startedHere.has(uid) || (await readable.canRead(uid))) continue;
      throw new NotFoundError(
        `no run ${uid} (start document ${start.uid}: start.${PROVENANCE_KEY}.inputs[${position}].uid): a derived run's inputs must be runs its writer may read`,
      );
    }
  };
  return new DocumentStream(async function* () {
    for await (const chunk of source.chunks()) {
      for (const item of chunk as readonly DocumentItem[]) {
        const index = docIndex;
        docIndex += documentCountOf(item);
        if (isEventBlock(item) || item[0] !== "start") continue;
        const start = item[1] as RunStart;
        await check(start, index);
        if (typeof start.uid === "string" && readable.mayRead(start)) startedHere.add(start.uid);
      }
      yield chunk;
    }
  });
}
