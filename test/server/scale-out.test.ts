// Horizontal scale: two real `databroker serve` processes on one PostgreSQL database, started together (they
// race the schema), ingest real runs at once — different runs to each, and some runs to both — then every
// run is read back through both, each exactly once with all its documents: nothing lost, nothing doubled.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { unpackDatumPage, unpackEventPage } from "../../src/documents/pages.ts";
import type { DatumPage, DocumentPair, EventPage } from "../../src/documents/types.ts";
import { realRuns } from "../storage/realRuns.ts";
import { sharedPostgres } from "../support/sharedPostgres.ts";
import { type ServedProcess, spawnServer } from "./serveProcess.ts";

const API_KEY = "scale_out_key_0123456789";
const AUTH = { authorization: `Apikey ${API_KEY}` };
/** Every SHARED_EVERY-th run is posted to both servers at once; the others alternate between them. */
const SHARED_EVERY = 4;

interface IngestAnswer {
  documents: number;
  stored: number;
  skipped: number;
  events: number;
}

/** What a run's documents hold, events and datums unpacked from their pages: the thing to compare. */
interface RunContents {
  start: string;
  stops: number;
  descriptors: string[];
  events: string[];
  datums: string[];
  resources: string[];
}

function contentsOf(documents: DocumentPair[]): RunContents {
  const contents: RunContents = {
    start: "",
    stops: 0,
    descriptors: [],
    events: [],
    datums: [],
    resources: [],
  };
  for (const [name, doc] of documents) {
    const uid = (doc as { uid?: string }).uid ?? "";
    if (name === "start") contents.start = uid;
    else if (name === "stop") contents.stops++;
    else if (name === "descriptor") contents.descriptors.push(uid);
    else if (name === "event") contents.events.push(uid);
    else if (name === "event_page")
      contents.events.push(...unpackEventPage(doc as EventPage).map((e) => e.uid));
    else if (name === "datum") contents.datums.push((doc as { datum_id: string }).datum_id);
    else if (name === "datum_page")
      contents.datums.push(...unpackDatumPage(doc as DatumPage).map((d) => d.datum_id));
    else if (name === "resource" || name === "stream_resource") contents.resources.push(uid);
  }
  // Sorted, duplicates kept: a document stored twice would show up as a longer list.
  for (const list of [contents.descriptors, contents.events, contents.datums, contents.resources])
    list.sort();
  return contents;
}

async function post(server: ServedProcess, documents: DocumentPair[]): Promise<IngestAnswer> {
  const response = await fetch(`${server.url}/api/v1/documents/`, {
    method: "POST",
    headers: { ...AUTH, "content-type": "application/json" },
    body: JSON.stringify(documents),
  });
  const text = await response.text();
  assert.equal(response.status, 200, text);
  return JSON.parse(text) as IngestAnswer;
}

/** Every run id the server's search lists, page by page. */
async function listedRuns(server: ServedProcess): Promise<string[]> {
  const ids: string[] = [];
  let link: string | null = `${server.url}/api/v1/search/?page[limit]=25&fields=`;
  while (link) {
    const response = await fetch(link, { headers: AUTH });
    assert.equal(response.status, 200);
    const page = (await response.json()) as { data: Array<{ id: string }>; links: { next: string | null } };
    ids.push(...page.data.map((item) => item.id));
    link = page.links.next;
  }
  return ids;
}

/** A run's documents as the server sends them (json-seq of {name, doc}, external data not filled). */
async function servedDocuments(server: ServedProcess, uid: string): Promise<DocumentPair[]> {
  const response = await fetch(`${server.url}/api/v1/documents/${uid}?fill=false`, {
    headers: { ...AUTH, accept: "application/json-seq" },
  });
  assert.equal(response.status, 200, uid);
  return (await response.text())
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const { name, doc } = JSON.parse(line.replace("\x1e", ""));
      return [name, doc] as DocumentPair;
    });
}

describe("two databroker serve processes on one PostgreSQL database", () => {
  let servers: ServedProcess[] = [];
  let runs: DocumentPair[][] = [];
  let answers: Array<{ run: number; server: number; answer: IngestAnswer }> = [];

  before(async () => {
    const catalog = await (await sharedPostgres()).createDatabase();
    runs = (await realRuns()).filter((run) => !run.isolated).map((run) => run.documents);
    // Started together on an empty database: both apply the schema's migrations at once. The real runs'
    // Resources name their beamlines' folders: a trusted import, as a facility's own migration would be.
    servers = await Promise.all(
      [0, 1].map(() =>
        spawnServer(["serve", "--catalog", catalog, "--api-key", API_KEY, "--trust-resource-paths"]),
      ),
    );
  });

  after(async () => {
    for (const server of servers) await server.stop();
  });

  test("ingest into both at once: every request succeeds, each shared run is stored by exactly one", async () => {
    const targets = runs.map((_, index) => (index % SHARED_EVERY === 0 ? [0, 1] : [index % 2]));
    answers = await Promise.all(
      targets.flatMap((serverIndexes, run) =>
        serverIndexes.map(async (server) => ({
          run,
          server,
          answer: await post(servers[server], runs[run]),
        })),
      ),
    );
    assert.ok(runs.length > 90, `${runs.length} runs`);
    for (const [index, documents] of runs.entries()) {
      const mine = answers.filter((answer) => answer.run === index);
      assert.equal(mine.length, targets[index].length);
      for (const { answer } of mine) {
        assert.equal(answer.documents, documents.length);
        assert.equal(answer.stored + answer.skipped, documents.length);
      }
      // Idempotent under a race: whichever server got the run first stored it, the other skipped it all.
      assert.equal(
        mine.reduce((sum, { answer }) => sum + answer.stored, 0),
        documents.length,
        `run ${index} stored ${mine.map(({ answer }) => answer.stored).join(" + ")} of ${documents.length}`,
      );
    }
    assert.ok(
      answers.some(({ answer }) => answer.skipped > 0),
      "some shared run lost the race",
    );
  });

  test("both servers list every run exactly once", async () => {
    const expected = runs.map((documents) => contentsOf(documents).start).sort();
    for (const server of servers) assert.deepEqual((await listedRuns(server)).sort(), expected);
  });

  test("both servers give every run's documents: each event, datum and descriptor once", async () => {
    for (const documents of runs) {
      const posted = contentsOf(documents);
      for (const server of servers) {
        const served = contentsOf(await servedDocuments(server, posted.start));
        assert.deepEqual(served, posted, `run ${posted.start} through ${server.url}`);
      }
    }
  });

  test("both exit cleanly on SIGTERM, closing their pools", async () => {
    assert.deepEqual(await Promise.all(servers.map((server) => server.stop())), [0, 0]);
  });
});
