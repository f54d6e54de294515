// Every export format over HTTP, the Tiled way: `GET /api/v1/container/full/<run>?format=<name>`. One-file
// formats come as their file, folder formats as a tar archive (read here by Python's tarfile), each with a
// download name; an error found before the first byte answers with its status, an unknown format 406.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { Broker } from "../../src/broker/index.ts";
import { readDocuments } from "../../src/documents/formats/index.ts";
import type { DocumentPair } from "../../src/documents/types.ts";
import { exportFormats } from "../../src/exports/index.ts";
import { createServer } from "../../src/server/app.ts";
import { SqliteStore } from "../../src/storage/sqlite/SqliteStore.ts";
import { type RealRun, realRuns } from "../storage/realRuns.ts";
import { collect } from "../storage/storeHelpers.ts";
import { dataPath } from "../support/sharedData.ts";

const scratch = mkdtempSync(join(tmpdir(), "databroker-export-http-"));
const PACK = "databroker-pack/simple_catalog";
const PACK_ROOT = "f8483b80395561ac779a5425da6646ca";
let app: FastifyInstance;
let broker: Broker;
let api = "";
let imageRun: RealRun;
let newtonRun: RealRun;

before(async () => {
  const runs = (await realRuns()).filter((run) => run.source === PACK || run.source.includes("tutorials"));
  const store = new SqliteStore(join(scratch, "catalog.sqlite"));
  for (const run of runs) await store.put(run.documents);
  const hasResource = (run: RealRun, spec: string) =>
    run.documents.some(([name, doc]) => name === "resource" && doc.spec === spec);
  imageRun = runs.find((run) => hasResource(run, "NPY_SEQ")) as RealRun;
  newtonRun = runs.find((run) => hasResource(run, "newton")) as RealRun;
  broker = new Broker(store, { rootMap: { [PACK_ROOT]: dataPath(PACK, "external_files", PACK_ROOT) } });
  app = await createServer({ broker, auth: { public: true }, logger: false });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  api = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/api/v1`;
});

after(async () => {
  await app.close();
  await broker.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** What Python's tarfile finds in an archive: each member's name and bytes (base64). */
function tarMembers(bytes: Uint8Array): Record<string, Buffer> {
  const path = join(scratch, "body.tar");
  writeFileSync(path, bytes);
  const script =
    "import base64, json, sys, tarfile\n" +
    "with tarfile.open(sys.argv[1]) as t:\n" +
    "    print(json.dumps({m.name: base64.b64encode(t.extractfile(m).read()).decode() for m in t if m.isfile()}))\n";
  const members = JSON.parse(execFileSync("/usr/bin/python3", ["-c", script, path], { encoding: "utf8" }));
  return Object.fromEntries(
    Object.entries(members).map(([name, data]) => [name, Buffer.from(data as string, "base64")]),
  );
}

async function documentsOf(bytes: Uint8Array, extension: string): Promise<DocumentPair[]> {
  const path = join(scratch, `documents${extension}`);
  writeFileSync(path, bytes);
  return collect(readDocuments(path));
}

test("every registered format is offered for a run; each answers with its type and a download name", async () => {
  const stored = await collect(broker.store.documents(imageRun.uid));
  for (const format of exportFormats()) {
    const response = await fetch(`${api}/container/full/${imageRun.uid}?format=${format.name}`);
    assert.equal(response.status, 200, `${format.name}: ${await response.clone().text()}`);
    const body = new Uint8Array(await response.arrayBuffer());
    const disposition = response.headers.get("content-disposition") ?? "";
    if (format.layout === "file") {
      assert.equal(response.headers.get("content-type"), format.mediaType, format.name);
      assert.match(disposition, new RegExp(`filename="3_${imageRun.uid.slice(0, 8)}\\${format.extension}"`));
      if (format.carriesDocuments)
        assert.deepEqual(await documentsOf(body, format.extension), stored, format.name);
    } else {
      assert.equal(response.headers.get("content-type"), "application/x-tar", format.name);
      assert.match(disposition, new RegExp(`filename="3_${imageRun.uid.slice(0, 8)}\\.tar"`));
      assert.ok(Object.keys(tarMembers(body)).length > 0, `${format.name}: an archive with files`);
    }
  }
});

test("a pack over HTTP: the run's documents, its NPY file copied, catalog.yml, as Python's tarfile reads them", async () => {
  const response = await fetch(`${api}/container/full/${imageRun.uid}?format=pack`);
  const members = tarMembers(new Uint8Array(await response.arrayBuffer()));
  const names = Object.keys(members).sort();
  const top = `${imageRun.uid}/`;
  assert.ok(
    names.every((name) => name.startsWith(top)),
    names.join(", "),
  );
  assert.ok(names.includes(`${top}catalog.yml`));
  assert.ok(names.includes(`${top}documents/${imageRun.uid}.msgpack`));
  const npy = names.find((name) => name.endsWith("4d0d22_0.npy"));
  assert.ok(npy, names.join(", "));
  assert.deepEqual(members[npy], readFileSync(dataPath(PACK, "external_files", PACK_ROOT, "4d0d22_0.npy")));
});

test("an export that fails before its first byte answers with the error, not a cut-off 200", async () => {
  const response = await fetch(`${api}/container/full/${newtonRun.uid}?format=pack`);
  assert.ok(response.status >= 400 && response.status < 500, String(response.status));
  assert.match(((await response.json()) as { detail: string }).detail, /no handler for spec "newton"/);
});

test("an unknown format is a 406 naming the offered ones; About lists every export by name", async () => {
  const response = await fetch(`${api}/container/full/${imageRun.uid}?format=zip`);
  assert.equal(response.status, 406);
  assert.match(
    ((await response.json()) as { detail: string }).detail,
    /application\/vnd\.databroker\.pack\+tar/,
  );
  const about = (await (await fetch(`${api}/`)).json()) as {
    aliases: Record<string, Record<string, string[]>>;
  };
  const aliases = Object.values(about.aliases.BlueskyRun).flat();
  for (const format of exportFormats()) assert.ok(aliases.includes(format.name), format.name);
});
