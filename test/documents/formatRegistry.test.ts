// A document file format defined here, in the test alone — lines of `name<TAB>doc JSON` — registered and
// used end to end: detection picks it from content, `ingest` stores its runs, `documents` writes a stored
// run back in it, and what was written reads back to the same documents; the CLI and HTTP ingest offer it.
import assert from "node:assert/strict";
import { createWriteStream } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { test } from "node:test";
import { Command } from "commander";
import { exportRunDocuments, registerDocuments } from "../../src/cli/commands/documents.ts";
import { ingestPaths } from "../../src/cli/commands/ingest.ts";
import { composeRun } from "../../src/documents/compose.ts";
import {
  type DocumentFileFormat,
  detectFileFormat,
  detectFormat,
  documentFilesOf,
  registerDocumentFormat,
  stringifyJson,
  writeDocuments,
} from "../../src/documents/formats/index.ts";
import { DOCUMENT_NAMES, type DocumentPair } from "../../src/documents/types.ts";
import { UnreadableError } from "../../src/errors.ts";
import { requestDocuments } from "../../src/server/ingest/requestDocuments.ts";
import { openStore } from "../../src/storage/openStore.ts";
import { collect, collectUntilFailure, temporaryDirectory } from "./formats-support.ts";

const FIRST_LINE = new RegExp(`^(${DOCUMENT_NAMES.join("|")})\t`);

/** One document from one line, or UnreadableError naming the line. */
function documentOfLine(line: string, source: string, number: number): DocumentPair {
  const tab = line.indexOf("\t");
  try {
    if (tab < 0) throw new Error("no tab");
    return [line.slice(0, tab), JSON.parse(line.slice(tab + 1))] as DocumentPair;
  } catch (error) {
    throw new UnreadableError(source, `line ${number}`, `not name<TAB>JSON: ${(error as Error).message}`);
  }
}

/** Lines parsed as they arrive, each document yielded before the next line is parsed. */
async function* readTabSeparated(
  chunks: AsyncIterable<Buffer>,
  source: string,
): AsyncGenerator<DocumentPair[]> {
  const decoder = new StringDecoder("utf8");
  let carried = "";
  let number = 0;
  for await (const chunk of chunks) {
    const lines = (carried + decoder.write(chunk)).split("\n");
    carried = lines.pop() ?? ""; // cut by the chunk's end: completed by the next chunk
    for (const line of lines) {
      number++;
      if (line !== "") yield [documentOfLine(line, source, number)];
    }
  }
  const last = carried + decoder.end();
  if (last !== "") yield [documentOfLine(last, source, number + 1)];
}

const tabSeparated: DocumentFileFormat = {
  name: "tab-separated",
  aliases: ["tsv-documents"],
  label: "tab-separated documents",
  encoding: "tab-separated text",
  extensions: [".tsvdoc"],
  mediaTypes: ["text/x-documents-tsv"],
  binary: false,
  exportable: true,
  detect: (head) => FIRST_LINE.test(Buffer.from(head.subarray(0, 64)).toString("latin1")),
  read: readTabSeparated,
  writer: () => ({ document: ([name, doc]) => `${name}\t${stringifyJson(doc)}\n`, end: () => "" }),
};

registerDocumentFormat(tabSeparated);

function aRun(): DocumentPair[] {
  const run = composeRun({ plan_name: "count", scan_id: 7 });
  const primary = run.composeDescriptor({
    data_keys: {
      det: { source: "sim", dtype: "number", shape: [] },
      motor: { source: "sim", dtype: "integer", shape: [] },
    },
  });
  const events = [1, 2, 3].map((i) =>
    primary.composeEvent({ data: { det: i * 1.5, motor: i }, timestamps: { det: 1e9 + i, motor: 1e9 + i } }),
  );
  return [
    ["start", run.start],
    ["descriptor", primary.descriptor],
    ...events.map((event): DocumentPair => ["event", event]),
    ["stop", run.composeStop()],
  ];
}

test("a format registered at run time is detected, ingested, exported and read back", async (t) => {
  const dir = await temporaryDirectory(t);
  const documents = aRun();
  const file = join(dir, "run.tsvdoc");
  assert.equal(await writeDocuments(file, documents, "tab-separated"), documents.length);

  assert.equal(detectFormat(await readFile(file)), "tab-separated");
  assert.equal(await detectFileFormat(file), "tab-separated");
  assert.deepEqual(await documentFilesOf(dir), [file], "its extension marks document files");

  const catalog = join(dir, "catalog.sqlite");
  assert.equal(await ingestPaths([file], catalog, { quiet: true }), 0);

  const exported = join(dir, "exported.tsvdoc");
  const store = await openStore(catalog, { readOnly: true });
  try {
    const uid = (documents[0][1] as { uid: string }).uid;
    await exportRunDocuments(store, uid, "tab-separated", () => createWriteStream(exported));
  } finally {
    await store.close();
  }
  assert.match(await readFile(exported, "utf8"), /^start\t\{/);
  assert.deepEqual(await collect(exported), documents);
});

test("its reader reports damage by line after the documents before it", async (t) => {
  const file = join(await temporaryDirectory(t), "damaged.tsvdoc");
  const [start] = aRun();
  await writeFile(file, `start\t${JSON.stringify(start[1])}\nstop\t{oops\n`);
  const { documents, error } = await collectUntilFailure(file);
  assert.deepEqual(documents, [start]);
  assert.ok(error instanceof UnreadableError);
  assert.match(error.message, /damaged\.tsvdoc: line 2: not name<TAB>JSON/);
});

test("`documents --format` offers it, and HTTP ingest accepts its media type", async () => {
  const program = new Command();
  registerDocuments(program);
  const option = program.commands[0].options.find((candidate) => candidate.long === "--format");
  assert.equal(option?.description, "jsonl or msgpack or tab-separated");

  const documents = aRun();
  const body = documents.map(([name, doc]) => `${name}\t${JSON.stringify(doc)}\n`).join("");
  const received: DocumentPair[] = [];
  for await (const pair of requestDocuments(Readable.from([Buffer.from(body)]), "text/x-documents-tsv"))
    received.push(pair);
  assert.deepEqual(received, documents);
  await assert.rejects(
    drain(requestDocuments(Readable.from([Buffer.from(body)]), "application/json")),
    /holds tab-separated text/,
  );
});

/** Reads every document (for the error a read ends with). */
async function drain(documents: AsyncIterable<DocumentPair>): Promise<void> {
  for await (const _ of documents);
}
