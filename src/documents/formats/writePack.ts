// Writes a databroker-pack directory: one document file per run under documents/, the external files of
// chosen Resource roots copied under external_files/<id>/ (their documents' root rewritten to <id>, as
// databroker-pack does), the manifests, and a catalog.yml that readPack and databroker's intake drivers read.
import { createHash, randomBytes } from "node:crypto";
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { ConflictError, ValidationError } from "../../errors.ts";
import type { DocumentPair, Resource } from "../types.ts";
import { loadYaml } from "./loadYaml.ts";
import { pathExists } from "./pathExists.ts";
import { CATALOG_FILE, DOCUMENTS_MANIFEST, type PackCatalog, readPack } from "./readPack.ts";
import { extensionOf } from "./registry.ts";
import { writeDocuments } from "./writeDocuments.ts";

export type RunDocuments = AsyncIterable<DocumentPair> | Iterable<DocumentPair>;

export interface WritePackOptions {
  /** Format of the document files: msgpack (databroker-pack's default) or JSON Lines. */
  format?: "msgpack" | "jsonl";
  /**
   * Resource root (as written in the documents) -> its files to copy into the pack: absolute paths, or
   * relative to the root's directory. Those Resources get a root that root_map points to the copies.
   */
  externalFiles?: Record<string, string[]>;
  /**
   * Resource root -> the directory holding its files on this machine, when that is not the root itself.
   * Used to find the files to copy; for a root whose files are not copied, written into root_map as is.
   */
  rootMap?: Record<string, string>;
}

const DRIVERS = { msgpack: "bluesky-msgpack-catalog", jsonl: "bluesky-jsonl-catalog" } as const;

/** Writes `runs` (each: its documents, start first) as a databroker-pack directory `dir`; reads it back. */
export async function writePack(
  dir: string,
  runs: AsyncIterable<RunDocuments> | Iterable<RunDocuments>,
  options: WritePackOptions = {},
): Promise<PackCatalog> {
  const directory = resolve(dir);
  const format = options.format ?? "msgpack";
  if (await pathExists(join(directory, CATALOG_FILE))) {
    throw new ConflictError(`${directory} already holds a pack (${CATALOG_FILE})`);
  }
  await mkdir(join(directory, "documents"), { recursive: true });

  // Like databroker-pack, name each copied root by a salted hash: unique to this root and this pack.
  const salt = randomBytes(16).toString("hex");
  const copiedRoots = new Map<string, string>();
  for (const root of Object.keys(options.externalFiles ?? {})) {
    copiedRoots.set(root, createHash("md5").update(salt).update(root).digest("hex"));
  }

  const documentFiles: string[] = [];
  for await (const run of runs) {
    documentFiles.push(await writeRun(directory, run, format, copiedRoots));
  }

  const rootMap: Record<string, string> = {};
  for (const [root, location] of Object.entries(options.rootMap ?? {})) {
    if (!copiedRoots.has(root)) rootMap[root] = location;
  }
  for (const [root, id] of copiedRoots) {
    const base = options.rootMap?.[root] ?? root;
    const copies = await copyExternalFiles(directory, base, id, options.externalFiles?.[root] ?? []);
    await writeFile(join(directory, `external_files_manifest_${id}.txt`), lines(copies));
    rootMap[id] = `external_files/${id}`;
  }

  await writeFile(join(directory, DOCUMENTS_MANIFEST), lines(documentFiles));
  const pattern = `documents/*${extensionOf(format)}`;
  const catalog = {
    sources: {
      packed_catalog: {
        args: { paths: [join(directory, pattern)], root_map: rootMap },
        driver: DRIVERS[format],
        metadata: { generated_by: { library: "databroker (TypeScript)" }, relative_paths: [`./${pattern}`] },
      },
    },
  };
  const { stringify: stringifyYaml } = await loadYaml();
  await writeFile(join(directory, CATALOG_FILE), stringifyYaml(catalog));
  return readPack(directory);
}

function lines(items: string[]): string {
  return items.map((item) => `${item}\n`).join("");
}

/** Writes one run to documents/<start uid>; returns that path relative to the pack. */
async function writeRun(
  directory: string,
  run: RunDocuments,
  format: "msgpack" | "jsonl",
  copiedRoots: Map<string, string>,
): Promise<string> {
  const iterator = toAsyncIterator(run);
  const first = await iterator.next();
  if (first.done || first.value[0] !== "start") {
    const name = first.done ? "nothing" : `a ${first.value[0]} document`;
    throw new ValidationError(`a run to pack must begin with its start document, found ${name}`, [
      { doc_index: 0, name: first.done ? "" : first.value[0], path: "", rule: "start-first", message: name },
    ]);
  }
  const uid = String(first.value[1].uid);
  const file = `documents/${uid}${extensionOf(format)}`;
  async function* documents(): AsyncGenerator<DocumentPair> {
    yield first.value as DocumentPair;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      yield withPackedRoot(next.value, copiedRoots);
    }
  }
  await writeDocuments(join(directory, file), documents(), format);
  return file;
}

function toAsyncIterator(run: RunDocuments): AsyncIterator<DocumentPair> | Iterator<DocumentPair> {
  return Symbol.asyncIterator in run ? run[Symbol.asyncIterator]() : run[Symbol.iterator]();
}

/** A Resource whose files are copied gets the copy's id as root (a new object; the input is not changed). */
function withPackedRoot(pair: DocumentPair, copiedRoots: Map<string, string>): DocumentPair {
  if (pair[0] !== "resource") return pair;
  const id = copiedRoots.get(pair[1].root);
  return id === undefined ? pair : ["resource", { ...pair[1], root: id } satisfies Resource];
}

/** Copies files under `base` into external_files/<id>/, keeping their paths below `base`. */
async function copyExternalFiles(
  directory: string,
  base: string,
  id: string,
  files: string[],
): Promise<string[]> {
  const copies: string[] = [];
  for (const file of files) {
    const source = isAbsolute(file) ? file : join(base, file);
    const below = relative(base, source);
    if (below.startsWith("..") || isAbsolute(below)) {
      throw new ValidationError(`external file ${source} is not under its resource root ${base}`);
    }
    const copy = `external_files/${id}/${below.split(sep).join("/")}`;
    await mkdir(dirname(join(directory, copy)), { recursive: true });
    await copyFile(source, join(directory, copy));
    copies.push(copy);
  }
  return copies.sort();
}
