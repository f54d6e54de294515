// The file roots as a library sees them: which paths lie inside (whole segments, `..` and symlinks resolved),
// the one checked opening (only regular files: /dev/zero, FIFOs and directories refused at once), the read
// budget (declared shape × item size, a cap, a TIFF's pixels counted before decoding), the ingest rule
// `file-root`, the catalog's folder as a default root, and Broker.put with and without trust.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { after, describe, test } from "node:test";
import { fileRootsFromEnv, maxReadBytesFromEnv } from "../../src/assets/environment.ts";
import { FileRoots } from "../../src/assets/FileRoots.ts";
import { FileAccess } from "../../src/assets/fileAccess.ts";
import { encodeNpy, readNpyFile } from "../../src/assets/npyFormat.ts";
import { ReadBudget } from "../../src/assets/ReadBudget.ts";
import { resourcePathFindings } from "../../src/assets/resourcePathCheck.ts";
import { readTiffFile } from "../../src/assets/tiffFormat.ts";
import { Broker } from "../../src/broker/index.ts";
import type { DataKey } from "../../src/documents/types.ts";
import { NotFoundError, UnreadableError, ValidationError } from "../../src/errors.ts";
import { encodeTiff } from "../../src/exports/tiff/TiffWriter.ts";
import { MemoryStore } from "../../src/storage/memory/MemoryStore.ts";
import { ndarray } from "../../src/tables/NDArray.ts";
import { resourceRun, streamRun } from "./externalRuns.ts";

const base = mkdtempSync(join(tmpdir(), "databroker-roots-"));
after(() => rmSync(base, { recursive: true, force: true }));
const root = join(base, "root");
const outside = join(base, "outside");
mkdirSync(join(root, "sub"), { recursive: true });
mkdirSync(join(base, "root2"));
mkdirSync(outside);
writeFileSync(join(root, "sub", "a.npy"), encodeNpy(ndarray(new Float64Array([1, 2]), [2])));
writeFileSync(join(outside, "secret.npy"), encodeNpy(ndarray(new Float64Array([42]), [1])));
writeFileSync(join(base, "root2", "x.npy"), encodeNpy(ndarray(new Float64Array([3]), [1])));
symlinkSync(join(outside, "secret.npy"), join(root, "link.npy"));
symlinkSync(outside, join(root, "linkdir"));
symlinkSync(join(root, "sub"), join(outside, "back"));
execFileSync("mkfifo", [join(root, "fifo")]);

describe("FileRoots", () => {
  const roots = new FileRoots([root]);

  test("locate: the real path of an existing file inside; undefined when missing, outside or linked out", () => {
    assert.equal(roots.locate(join(root, "sub", "a.npy")), join(root, "sub", "a.npy"));
    assert.equal(roots.locate(join(root, "sub", "..", "sub", "a.npy")), join(root, "sub", "a.npy"));
    // A path outside that resolves inside is inside: the real path decides.
    assert.equal(roots.locate(join(outside, "back", "a.npy")), join(root, "sub", "a.npy"));
    for (const path of [
      join(root, "missing.npy"),
      join(outside, "secret.npy"),
      join(root, "..", "outside", "secret.npy"),
      join(base, "root2", "x.npy"), // `root` is a prefix of `root2` as text, not as segments
      join(root, "link.npy"),
      join(root, "linkdir", "secret.npy"),
      "/dev/zero",
    ]) {
      assert.equal(roots.locate(path), undefined, path);
    }
  });

  test("admits: files that do not exist yet, as written and through the part that exists", () => {
    assert.ok(roots.admits(join(root, "later", "frame.npy")));
    assert.ok(roots.admits(root));
    assert.ok(!roots.admits(join(root, "..", "outside", "new.npy")));
    assert.ok(!roots.admits(join(base, "root2", "new.npy")));
    assert.ok(!roots.admits(join(root, "linkdir", "new.npy")));
    // A root that does not exist on this machine (yet) still admits what lies under it as written.
    assert.ok(new FileRoots(["/nsls2/data-databroker-test"]).admits("/nsls2/data-databroker-test/a/b.h5"));
    assert.ok(!new FileRoots([]).admits(join(root, "sub", "a.npy")));
    // "/" admits everything: the explicit "any file" root for trusted local use.
    assert.ok(new FileRoots(["/"]).admits("/etc/passwd"));
  });
});

describe("FileAccess.open", () => {
  const anywhere = new FileAccess(new FileRoots(["/"]), ReadBudget.capped());
  const inRoot = new FileAccess(new FileRoots([root]), ReadBudget.capped());

  test("only regular files: /dev/zero, a FIFO and a directory are refused without being read", () => {
    for (const path of ["/dev/zero", join(root, "fifo"), join(root, "sub")]) {
      assert.throws(
        () => anywhere.open(path),
        (e: unknown) => e instanceof UnreadableError && /not a regular file/.test(e.message),
        path,
      );
    }
  });

  test("missing and outside: one NotFoundError naming only the path asked for", () => {
    const messageOf = (path: string): string => {
      try {
        inRoot.open(path).close();
        return `${path} was opened`;
      } catch (error) {
        assert.ok(error instanceof NotFoundError);
        return error.message.replace(path, "<path>");
      }
    };
    const messages = [join(root, "missing.npy"), join(outside, "secret.npy"), join(root, "link.npy")].map(
      messageOf,
    );
    assert.deepEqual(
      new Set(messages),
      new Set(["file <path> is not readable from this catalog's file roots"]),
    );
  });

  test("opens the real path, so a symlink changed afterwards cannot redirect the read", () => {
    const file = new FileAccess(new FileRoots([base]), ReadBudget.capped()).open(
      join(outside, "back", "a.npy"),
    );
    try {
      assert.equal(file.path, join(root, "sub", "a.npy"));
    } finally {
      file.close();
    }
  });
});

describe("ReadBudget", () => {
  test("the declared bytes twice over, at least 1 MiB, at most the cap; no declared shape: the cap", () => {
    const image: DataKey = { dtype: "array", shape: [1024, 1024], dtype_numpy: "<u2", source: "s" };
    assert.equal(ReadBudget.declared(image, 3).allowed, 2 * 3 * 1024 * 1024 * 2);
    assert.equal(ReadBudget.declared({ ...image, shape: [2] }, 1).allowed, 2 ** 20);
    assert.equal(ReadBudget.declared(image, 1000, 10 ** 8).allowed, 10 ** 8);
    assert.equal(ReadBudget.declared({ ...image, shape: [25, 27, 0] }, 1, 5000).allowed, 5000);
    assert.equal(ReadBudget.declared(undefined, 1, 5000).allowed, 5000);
    // Without a numpy dtype, the widest item (8 bytes) is assumed.
    const { dtype_numpy: _, ...untyped } = image;
    assert.equal(ReadBudget.declared(untyped, 1).allowed, 2 * 1024 * 1024 * 8);
  });

  test("an NPY whose data is larger than the budget is refused before its data is read", () => {
    const path = join(root, "sub", "hundred.npy");
    writeFileSync(path, encodeNpy(ndarray(new Float64Array(100), [100])));
    const files = new FileAccess(new FileRoots([root]), ReadBudget.capped(200));
    assert.throws(
      () => readNpyFile(path, files),
      (e: unknown) =>
        e instanceof ValidationError &&
        /NPY data .* would take 800 bytes, more than the cap of 200/.test(e.message),
    );
  });

  test("a TIFF's pixels are counted from its headers before decoding: a small file cannot decode to gigabytes", () => {
    const bytes = encodeTiff([{ width: 2, height: 2, pixels: new Uint8Array(4) }], { rowsPerStrip: 2 });
    // Patch ImageWidth (256) and ImageLength (257) to 60000: 3.6 GB of pixels claimed by a ~200-byte file.
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const ifd = view.getUint32(4, true);
    for (let entry = 0; entry < view.getUint16(ifd, true); entry++) {
      const at = ifd + 2 + 12 * entry;
      const tag = view.getUint16(at, true);
      if (tag !== 256 && tag !== 257) continue;
      if (view.getUint16(at + 2, true) === 3) view.setUint16(at + 8, 60_000, true);
      else view.setUint32(at + 8, 60_000, true);
    }
    const path = join(root, "bomb.tif");
    writeFileSync(path, bytes);
    const files = new FileAccess(new FileRoots([root]), ReadBudget.capped());
    assert.throws(
      () => readTiffFile(path, files),
      (e: unknown) =>
        e instanceof ValidationError && /would take 3600000000 bytes, more than the cap/.test(e.message),
    );
  });
});

describe("the ingest rule file-root", () => {
  const roots = new FileRoots([root]);
  const fields = (run: { documents: Array<[string, unknown]> }, rootMap = {}) =>
    run.documents.flatMap(([name, doc]) =>
      name === "resource" || name === "stream_resource"
        ? resourcePathFindings(name, doc as Record<string, unknown>, roots, rootMap).map(
            (f) => `${f.name}.${f.path}`,
          )
        : [],
    );

  test("names the field at fault: root, resource_path or uri; none inside or root_map'd inside", () => {
    const npyAt = (r: string, path: string) => resourceRun({ spec: "npy", root: r, resource_path: path });
    assert.deepEqual(fields(npyAt(root, "sub/a.npy")), []);
    assert.deepEqual(fields(npyAt(root, "not/yet.npy")), []);
    assert.deepEqual(fields(npyAt(outside, "secret.npy")), ["resource.root"]);
    assert.deepEqual(fields(npyAt(root, "../outside/secret.npy")), ["resource.resource_path"]);
    assert.deepEqual(fields(npyAt("/old", "a.npy")), ["resource.root"]);
    assert.deepEqual(fields(npyAt("/old", "a.npy"), { "/old": root }), []);
    const stream = (uri: string) =>
      streamRun({
        mimetype: "application/x-hdf5",
        uri,
        parameters: {},
        rows: 1,
        shape: [1],
        dtype_numpy: "<f8",
      });
    assert.deepEqual(fields(stream(`file://localhost${root}/x.h5`)), []);
    assert.deepEqual(fields(stream(`file://localhost${outside}/x.h5`)), ["stream_resource.uri"]);
    // No local file is ever opened for another scheme: nothing to refuse here (reading says unsupported).
    assert.deepEqual(fields(stream("s3://bucket/x.h5")), []);
  });
});

describe("Broker", () => {
  test("put refuses a Resource outside the roots with a finding; fileRoots or trustResourcePaths accept it", async () => {
    const run = resourceRun({ spec: "npy", root, resource_path: "sub/a.npy" });
    const memory = new Broker(new MemoryStore()); // a memory catalog has no folder: no root at all
    await assert.rejects(memory.put(run.documents), (e: unknown) => {
      assert.ok(e instanceof ValidationError);
      assert.deepEqual(
        e.findings.map(({ doc_index, name, path, rule }) => ({ doc_index, name, path, rule })),
        [{ doc_index: 2, name: "resource", path: "root", rule: "file-root" }],
      );
      return true;
    });
    assert.equal(await memory.count(), 0);
    const trusted = await memory.put(run.documents, { trustResourcePaths: true });
    assert.deepEqual(trusted.runs, [run.uid]);
    // Stored, but still not readable: reading is checked on its own.
    await assert.rejects((await memory.run(run.uid)).stream("primary").field("img"), NotFoundError);

    const rooted = new Broker(new MemoryStore(), { fileRoots: [root] });
    assert.deepEqual((await rooted.put(run.documents)).runs, [run.uid]);
    const img = await (await rooted.run(run.uid)).stream("primary").field("img");
    assert.deepEqual(Array.from(img.data as Float64Array), [1, 2]);
  });

  test("a SQLite or files catalog's own folder is a root; the environment adds more", async () => {
    const run = resourceRun({ spec: "npy", root: join(root, "sub"), resource_path: "a.npy" });
    for (const uri of [join(root, "catalog.sqlite"), `file://${join(root, "files-catalog")}`]) {
      const broker = await Broker.open(uri);
      try {
        if (uri.startsWith("file://")) {
          // The files catalog's folder is root/files-catalog: root/sub is outside it.
          await assert.rejects(broker.put(run.documents), ValidationError);
          continue;
        }
        await broker.put(run.documents);
        const img = await (await broker.run(run.uid)).stream("primary").field("img");
        assert.deepEqual(Array.from(img.data as Float64Array), [1, 2]);
      } finally {
        await broker.close();
      }
    }
    assert.deepEqual(fileRootsFromEnv({ DATABROKER_FILE_ROOTS: `/a${delimiter}${delimiter}/b` }), [
      "/a",
      "/b",
    ]);
    assert.equal(maxReadBytesFromEnv({ DATABROKER_MAX_READ_BYTES: "4096" }), 4096);
    assert.throws(() => maxReadBytesFromEnv({ DATABROKER_MAX_READ_BYTES: "lots" }), ValidationError);
  });
});
