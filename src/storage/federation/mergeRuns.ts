// The listing of a federation: each source's listing in the same order, merged as they arrive (a k-way merge,
// one run ahead per source), so a page costs each source at most offset + limit runs and a whole listing is
// streamed. A uid several sources hold is listed once, with every source holding it; copies that differ are
// reported as conflicts. A source that fails or is late drops out, reported; the others go on.
import { createHash } from "node:crypto";
import type { RunSummary } from "../../catalog/RunSummary.ts";
import { compareRuns } from "../../catalog/runOrder.ts";
import type { SortKey } from "../../catalog/SortKey.ts";
import { compareCodePoints } from "../../queries/compareValues.ts";
import type { FederationReport } from "./FederationReport.ts";
import { everySourceFailed, type Source, SourceError } from "./Source.ts";

/** A listed run with the sources holding it, in the federation's order. */
export interface FederatedRun {
  summary: RunSummary;
  sources: Source[];
}

interface Head {
  source: Source;
  iterator: AsyncIterator<RunSummary>;
  run: RunSummary;
}

function ordered(sort: readonly SortKey[] | undefined) {
  const keyed = (summary: RunSummary) => ({
    uid: summary.uid,
    metadata: { start: summary.start, stop: summary.stop },
  });
  return (a: RunSummary, b: RunSummary) =>
    compareRuns(keyed(a), keyed(b), sort) || compareCodePoints(a.uid, b.uid);
}

/** The next run of one source's listing, within its time limit; undefined at the end or when it failed. */
async function advance(
  source: Source,
  iterator: AsyncIterator<RunSummary>,
  report: FederationReport,
): Promise<Head | undefined> {
  try {
    const next = await source.call(() => iterator.next());
    if (!next.done) return { source, iterator, run: next.value };
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
    report.failed(error.failure);
    // A late source's listing is left to finish on its own: waiting for its end would wait for the late answer.
    void iterator.return?.().catch(() => undefined);
  }
  return undefined;
}

const sameStart = (a: RunSummary, b: RunSummary) => JSON.stringify(a.start) === JSON.stringify(b.start);

/** A start document's fingerprint: what is kept of each listed run to tell a differing copy met later. */
const fingerprint = (run: RunSummary) =>
  createHash("sha1").update(JSON.stringify(run.start)).digest("base64");

/**
 * Runs of every source's listing (`list`), in `sort` order, each uid once. Some sources failing is reported;
 * all of them, an UnavailableError naming each (`label` names the federation).
 */
export async function* mergeRuns(
  sources: readonly Source[],
  list: (source: Source) => AsyncIterable<RunSummary>,
  sort: readonly SortKey[] | undefined,
  report: FederationReport,
  label: string,
): AsyncGenerator<FederatedRun> {
  const compare = ordered(sort);
  const iterators = sources.map((source) => ({ source, iterator: list(source)[Symbol.asyncIterator]() }));
  const started = await Promise.all(
    iterators.map(({ source, iterator }) => advance(source, iterator, report)),
  );
  if (report.failures.length === sources.length) throw everySourceFailed(label, report.failures);
  const heads = started.filter((head): head is Head => head !== undefined);
  const rank = (head: Head) => sources.indexOf(head.source);
  const listed = new Map<string, { start: string; source: Source }>();
  try {
    while (heads.length > 0) {
      let first = heads[0];
      for (const head of heads) if (compare(head.run, first.run) < 0) first = head;
      // Copies with the same order position arrive together: every head holding this uid now, the
      // federation's first source first (its copy is the one shown).
      const holding = heads
        .filter((head) => head.run.uid === first.run.uid)
        .sort((a, b) => rank(a) - rank(b));
      const { run, source } = holding[0];
      for (const head of holding.slice(1))
        if (!sameStart(head.run, run)) report.conflict(run.uid, [source.name, head.source.name]);
      const earlier = listed.get(run.uid);
      if (earlier === undefined) {
        listed.set(run.uid, { start: fingerprint(run), source });
        yield { summary: run, sources: holding.map((head) => head.source) };
      } else if (earlier.start !== fingerprint(run))
        // A differing copy sorted elsewhere: listed once already, from the source it came from first.
        report.conflict(run.uid, [earlier.source.name, source.name]);
      const advanced = await Promise.all(holding.map((head) => advance(head.source, head.iterator, report)));
      for (const head of holding) heads.splice(heads.indexOf(head), 1);
      for (const head of advanced) if (head) heads.push(head);
    }
  } finally {
    for (const head of heads) void head.iterator.return?.().catch(() => undefined);
  }
}
