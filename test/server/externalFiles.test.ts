// External files only from the catalog's file roots, over HTTP on SQLite and PostgreSQL (issue 11 item 2).
// Runs already stored (as a trusted import would) point anywhere: absolute paths, `../`, symlinks, /dev/zero,
// a FIFO, a directory, a file larger than declared, another catalog's HDF5, escaping templates; an anonymous
// reader of a --public server and the key holder get the same answers: the data inside the roots, one 404
// whether a file is missing or outside, never a byte of what lies outside. POSTed runs pointing outside are
// refused with a finding naming document, field and rule, unless the operator trusts the writers.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { encodeNpy } from "../../src/assets/npyFormat.ts";
import { Broker } from "../../src/broker/index.ts";
import type { DocumentPair } from "../../src/documents/types.ts";
import { encodeTiff } from "../../src/exports/tiff/TiffWriter.ts";
import { createServer } from "../../src/server/app.ts";
import { openStore } from "../../src/storage/openStore.ts";
import type { Store } from "../../src/storage/Store.ts";
import { ndarray } from "../../src/tables/NDArray.ts";
import { type ExternalRun, resourceRun, streamRun } from "../assets/externalRuns.ts";
import { writeHdf5 } from "../assets/hdf5Writer.ts";
import { READ_CATALOGS } from "./readServer.ts";

const KEY = "external_files_key_0123456789";
const OLD_ROOT = "/beamline/old";
const NOT_READABLE = /is not readable from this catalog's file roots/;

/** The folders of one suite: the catalog's own (its only root besides root_map's), its sibling, outside. */
function layout() {
  const base = mkdtempSync(join(tmpdir(), "databroker-external-"));
  const dirs = {
    base,
    catalog: join(base, "catalog"),
    sibling: join(base, "catalog2"),
    outside: join(base, "outside"),
    mapped: join(base, "mapped"),
  };
  for (const dir of [dirs.catalog, dirs.sibling, dirs.outside, dirs.mapped, join(dirs.catalog, "tiffs")])
    mkdirSync(dir, { recursive: true });
  return dirs;
}
type Dirs = ReturnType<typeof layout>;

const npy = (values: number[]) => encodeNpy(ndarray(new Float64Array(values), [values.length]));
const tiff = (value: number) => encodeTiff([{ width: 2, height: 1, pixels: new Uint8Array([value, value]) }]);

async function writeFiles(dirs: Dirs): Promise<void> {
  writeFileSync(join(dirs.catalog, "inside.npy"), npy([1, 2]));
  writeFileSync(join(dirs.catalog, "big.npy"), npy(Array.from({ length: 600_000 }, (_, i) => i)));
  writeFileSync(join(dirs.outside, "secret.npy"), npy([42, 43]));
  writeFileSync(join(dirs.sibling, "secret.npy"), npy([44, 45]));
  writeFileSync(join(dirs.mapped, "moved.npy"), npy([7, 8]));
  mkdirSync(join(dirs.catalog, "dir"));
  execFileSync("mkfifo", [join(dirs.catalog, "fifo")]);
  symlinkSync(join(dirs.outside, "secret.npy"), join(dirs.catalog, "escape.npy"));
  symlinkSync("/dev/zero", join(dirs.catalog, "zero"));
  symlinkSync(dirs.outside, join(dirs.catalog, "linkdir"));
  const frames = { data: new Float64Array([1, 2, 3, 4, 5, 6]), shape: [3, 2] };
  await writeHdf5(join(dirs.catalog, "frames.h5"), { "entry/data/data": frames });
  await writeHdf5(join(dirs.outside, "other.h5"), { "entry/data/data": frames });
  const wide = { data: new Float64Array(3 * 200_000), shape: [3, 200_000] };
  await writeHdf5(join(dirs.catalog, "wide.h5"), { "entry/data/data": wide });
  writeFileSync(join(dirs.catalog, "tiffs", "img_00000.tif"), tiff(9));
  writeFileSync(join(dirs.outside, "img_00000.tif"), tiff(66));
}

/** Every variant: the run, the status both callers get, and (for 200) the values. */
interface Variant {
  run: ExternalRun;
  status: number;
  values?: unknown;
  /** For 404s: the path the documents name (the message names it, and nothing else). */
  named?: string;
}

function variants(dirs: Dirs): Record<string, Variant> {
  const npyAt = (root: string, resource_path: string) => resourceRun({ spec: "npy", root, resource_path });
  const c = dirs.catalog;
  const hdf5 = (root: string, file: string) =>
    resourceRun({ spec: "AD_HDF5", root, resource_path: file, datum_kwargs: { point_number: 0 } });
  const stream = (uri: string, parameters: Record<string, unknown>, mimetype = "application/x-hdf5") =>
    streamRun({ mimetype, uri, parameters, rows: 1, shape: [1, 2], dtype_numpy: "<f8" });
  const tiffs = (template: string) =>
    stream(`file://localhost${c}/tiffs/`, { template }, "multipart/related;type=image/tiff");
  return {
    inside: { run: npyAt(c, "inside.npy"), status: 200, values: [[1, 2]] },
    "root_map'd into a root": { run: npyAt(OLD_ROOT, "moved.npy"), status: 200, values: [[7, 8]] },
    "absolute path outside": { run: npyAt(dirs.outside, "secret.npy"), status: 404 },
    "../ out of the catalog": { run: npyAt(c, "../outside/secret.npy"), status: 404 },
    "a sibling folder sharing the root's name as a prefix": {
      run: npyAt(dirs.sibling, "secret.npy"),
      status: 404,
    },
    "a symlink inside pointing outside": { run: npyAt(c, "escape.npy"), status: 404 },
    "a folder symlinked inside": { run: npyAt(join(c, "linkdir"), "secret.npy"), status: 404 },
    "/dev/zero as a TIFF": {
      run: resourceRun({ spec: "SINGLE_TIFF", root: "/dev", resource_path: "zero" }),
      status: 404,
    },
    "/dev/zero through a symlink inside": {
      run: resourceRun({ spec: "SINGLE_TIFF", root: c, resource_path: "zero" }),
      status: 404,
    },
    "a FIFO inside": { run: npyAt(c, "fifo"), status: 400 },
    "a directory inside": { run: npyAt(c, "dir"), status: 400 },
    "an NPY larger than declared": { run: npyAt(c, "big.npy"), status: 422 },
    "a missing file inside": { run: npyAt(c, "absent.npy"), status: 404 },
    "a missing file outside": { run: npyAt("/nonexistent-databroker-root", "x.npy"), status: 404 },
    "HDF5 inside": { run: hdf5(c, "frames.h5"), status: 200, values: [[1, 2]] },
    "another catalog's HDF5": { run: hdf5(dirs.outside, "other.h5"), status: 404 },
    "HDF5 stream inside": {
      run: stream(`file://localhost${c}/frames.h5`, { dataset: "/entry/data/data" }),
      status: 200,
      values: [[1, 2]],
    },
    "HDF5 stream outside": {
      run: stream(`file://localhost${dirs.outside}/other.h5`, { dataset: "/entry/data/data" }),
      status: 404,
    },
    "HDF5 rows larger than declared": {
      run: stream(`file://localhost${c}/wide.h5`, { dataset: "/entry/data/data" }),
      status: 422,
    },
    "TIFF sequence inside": { run: tiffs("img_{:05d}.tif"), status: 200, values: [[[9, 9]]] },
    "TIFF sequence whose template leads out": { run: tiffs("../../outside/img_{:05d}.tif"), status: 404 },
  };
}

for (const catalog of READ_CATALOGS) {
  describe(`external files over HTTP (${catalog.name})`, () => {
    let dirs: Dirs;
    let store: Store;
    let broker: Broker;
    let cases: Record<string, Variant>;
    const apps: FastifyInstance[] = [];
    let strict: string;
    let trusting: string;

    async function listen(trustResourcePaths: boolean): Promise<string> {
      const app = await createServer({ broker, auth: { apiKey: KEY, public: true }, trustResourcePaths });
      apps.push(app);
      await app.listen({ host: "127.0.0.1", port: 0 });
      const address = app.server.address();
      return `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
    }

    before(async () => {
      dirs = layout();
      await writeFiles(dirs);
      store = await openStore(await catalog.uri(dirs.catalog));
      cases = variants(dirs);
      // Stored directly, as a trusted import would: the reads alone must keep the files out.
      for (const { run } of Object.values(cases)) await store.put(run.documents);
      // SQLite: the catalog's folder is a root by default. PostgreSQL has no folder: it is configured.
      const fileRoots = catalog.name === "SQLite" ? undefined : [dirs.catalog];
      broker = new Broker(store, { rootMap: { [OLD_ROOT]: dirs.mapped }, fileRoots });
      strict = await listen(false);
      trusting = await listen(true);
    });

    after(async () => {
      for (const app of apps) await app.close();
      await broker.close();
      await store.close();
      rmSync(dirs.base, { recursive: true, force: true });
    });

    async function readImg(run: ExternalRun, withKey: boolean) {
      const headers: Record<string, string> = withKey ? { authorization: `Apikey ${KEY}` } : {};
      const response = await fetch(`${strict}/api/v1/array/full/${run.uid}/primary/data/img?format=json`, {
        headers,
        signal: AbortSignal.timeout(20_000),
      });
      return { status: response.status, body: JSON.parse(await response.text()) };
    }

    test("every variant: the same answer for an anonymous reader and the key holder, data only from inside", async () => {
      for (const [name, variant] of Object.entries(cases)) {
        const anonymous = await readImg(variant.run, false);
        const keyed = await readImg(variant.run, true);
        assert.equal(anonymous.status, variant.status, `${name}: ${JSON.stringify(anonymous.body)}`);
        assert.deepEqual(keyed, anonymous, name);
        if (variant.status === 200) assert.deepEqual(anonymous.body, variant.values, name);
        else assert.equal(typeof anonymous.body.detail, "string", name);
        if (variant.status === 404) assert.match(anonymous.body.detail, NOT_READABLE, name);
        if (variant.status === 400) assert.match(anonymous.body.detail, /not a regular file/, name);
        if (variant.status === 422)
          assert.match(anonymous.body.detail, /more than the \d+ bytes allowed/, name);
        // What lies outside never shows: no secret values.
        assert.ok(!/\b4[2-5]\b/.test(JSON.stringify(anonymous.body)), name);
      }
      // Nor the real path behind a symlink: the message names the path the documents name.
      for (const name of ["a symlink inside pointing outside", "/dev/zero through a symlink inside"]) {
        const { detail } = (await readImg(cases[name].run, true)).body;
        assert.ok(!detail.includes("secret.npy") && !detail.includes("/dev/zero"), detail);
      }
    });

    test("missing or outside, existing or not: one message but for the path the documents name", async () => {
      const names = [
        "a missing file inside",
        "a missing file outside",
        "absolute path outside",
        "../ out of the catalog",
        "a symlink inside pointing outside",
        "another catalog's HDF5",
      ];
      const shapes = new Set<string>();
      for (const name of names) {
        const { run } = cases[name];
        const { body } = await readImg(run, true);
        const resource = run.documents.find(([kind]) => kind === "resource")![1] as {
          uid: string;
          root: string;
          resource_path: string;
          spec: string;
        };
        const path = join(resource.root, resource.resource_path);
        shapes.add(
          body.detail
            .replaceAll(resource.uid, "<uid>")
            .replaceAll(path, "<path>")
            .replace(/spec \w+/, "spec <spec>")
            .replace(/ \{[^}]*\}/, " <kwargs>"),
        );
      }
      assert.equal(shapes.size, 1, [...shapes].join("\n"));
      assert.match(
        [...shapes][0],
        /^datum <uid>\/0 <kwargs> of resource <uid> \(spec <spec>, path <path>\): file <path> is not readable/,
      );
    });

    async function post(url: string, documents: DocumentPair[]) {
      const response = await fetch(`${url}/api/v1/documents/`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Apikey ${KEY}` },
        body: JSON.stringify(documents),
      });
      return { status: response.status, body: JSON.parse(await response.text()) };
    }

    test("ingest refuses a Resource or StreamResource outside the roots, naming document, field and rule", async () => {
      const c = dirs.catalog;
      const refused: Array<[string, ExternalRun, string, string]> = [
        [
          "root outside",
          resourceRun({ spec: "npy", root: dirs.outside, resource_path: "x.npy" }),
          "resource",
          "root",
        ],
        [
          "a sibling root",
          resourceRun({ spec: "npy", root: dirs.sibling, resource_path: "x.npy" }),
          "resource",
          "root",
        ],
        [
          "../ out",
          resourceRun({ spec: "npy", root: c, resource_path: "../outside/x.npy" }),
          "resource",
          "resource_path",
        ],
        [
          "absolute resource_path",
          resourceRun({ spec: "npy", root: "", resource_path: "/etc/passwd" }),
          "resource",
          "resource_path",
        ],
        [
          "a new file under a symlink leading out",
          resourceRun({ spec: "npy", root: c, resource_path: "linkdir/later.npy" }),
          "resource",
          "resource_path",
        ],
        [
          "uri outside",
          streamRun({
            mimetype: "application/x-hdf5",
            uri: `file://localhost${dirs.outside}/other.h5`,
            parameters: { dataset: "/entry/data/data" },
            rows: 1,
            shape: [1, 2],
            dtype_numpy: "<f8",
          }),
          "stream_resource",
          "uri",
        ],
      ];
      for (const [label, run, name, path] of refused) {
        const answer = await post(strict, run.documents);
        assert.equal(answer.status, 422, `${label}: ${JSON.stringify(answer.body)}`);
        const rules = answer.body.findings.filter(
          (finding: { rule: string }) => finding.rule === "file-root",
        );
        assert.equal(rules.length, 1, label);
        assert.equal(rules[0].doc_index, 2, label);
        assert.equal(rules[0].name, name, label);
        assert.equal(rules[0].path, path, label);
        assert.match(rules[0].message, /outside this catalog's file roots/, label);
        // Nothing of a refused request is kept.
        const stored = await fetch(`${strict}/api/v1/metadata/${run.uid}`, {
          headers: { authorization: `Apikey ${KEY}` },
        });
        assert.equal(stored.status, 404, label);
        // The operator who trusts the writers accepts it (and still reads nothing outside).
        assert.equal((await post(trusting, run.documents)).status, 200, label);
      }
    });

    test("ingest accepts a file that does not exist yet inside a root, and a root that root_map moves into one", async () => {
      const later = resourceRun({ spec: "npy", root: dirs.catalog, resource_path: "later/frame.npy" });
      const moved = resourceRun({ spec: "npy", root: OLD_ROOT, resource_path: "moved.npy" });
      for (const run of [later, moved]) {
        const answer = await post(strict, run.documents);
        assert.equal(answer.status, 200, JSON.stringify(answer.body));
      }
      assert.deepEqual((await readImg(moved, false)).body, [[7, 8]]);
      assert.equal((await readImg(later, false)).status, 404);
      mkdirSync(join(dirs.catalog, "later"));
      writeFileSync(join(dirs.catalog, "later", "frame.npy"), npy([5, 6]));
      assert.deepEqual((await readImg(later, false)).body, [[5, 6]]);
    });
  });
}
