// Appends to a databroker-pack directory in the pack's own terms, so databroker-pack's readers (which take
// each document file as one run, its first document the start) still read it: a new run becomes a new file
// `documents/<start uid>.msgpack` (or .jsonl for a JSON Lines pack) listed in documents_manifest.txt; a later
// batch of a run is appended to the run's file by rewriting it whole (old bytes + new documents, to a
// temporary file, fsync, rename over). Rewrites and the manifest are guarded by one lock file per pack.
import { createReadStream } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { basename, dirname, extname, join, relative, resolve, sep } from "node:path";
import { encodeDocuments } from "../../documents/formats/documentEncoder.ts";
import { loadYaml } from "../../documents/formats/loadYaml.ts";
import { pathExists } from "../../documents/formats/pathExists.ts";
import { CATALOG_FILE, DOCUMENTS_MANIFEST } from "../../documents/formats/readPack.ts";
import type { DocumentPair } from "../../documents/types.ts";
import { UnreadableError, UnsupportedError } from "../../errors.ts";
import type { CatalogLayout, DirectoryIndex } from "./CatalogLayout.ts";
import {
  discard,
  publishReplacing,
  publishUnderFreeName,
  syncDirectory,
  writeTemporaryFor,
} from "./durableFiles.ts";
import { numberedNames, safeStem } from "./fileNames.ts";
import { withLock } from "./LockFile.ts";
import { noteRunFile } from "./loadDirectory.ts";
import type { RunDocuments } from "./runOwnership.ts";

/** The lock every appender of the pack takes; hidden, so no reader of the pack looks at it. */
export const PACK_LOCK = ".documents_manifest.lock";

interface PackSource {
  driver?: string;
  metadata?: { relative_paths?: string[] | string };
}

interface Staged {
  run: string;
  temporary: string;
  /** The run's file to replace, or undefined for a new run's file. */
  replaces?: string;
}

export class PackLayout implements CatalogLayout {
  readonly writableDirectories: string[];

  private constructor(
    private readonly root: string,
    private readonly documentsDir: string,
    private readonly format: "msgpack" | "jsonl",
    private readonly extension: string,
  ) {
    this.writableDirectories = [root, documentsDir];
  }

  /** The layout of the pack at `root`, from its catalog.yml: the format and folder of its document files. */
  static async open(root: string): Promise<PackLayout> {
    const { parse: parseYaml } = await loadYaml();
    const catalog = (parseYaml(await readFile(join(root, CATALOG_FILE), "utf8")) ?? {}) as {
      sources?: Record<string, PackSource>;
    };
    const [source] = Object.values(catalog.sources ?? {});
    const format = source?.driver === "bluesky-jsonl-catalog" ? "jsonl" : "msgpack";
    const patterns = source?.metadata?.relative_paths;
    const pattern = Array.isArray(patterns) ? patterns[0] : patterns;
    // The catalog's own pattern (`./documents/*.msgpack`) tells where new files must go to be found.
    const wildcard = pattern ? basename(pattern) : "";
    const extension = /^\*\.[A-Za-z0-9]+$/.test(wildcard) ? wildcard.slice(1) : `.${format}`;
    const documentsDir = pattern ? dirname(resolve(root, pattern)) : join(root, "documents");
    return new PackLayout(root, documentsDir, format, extension);
  }

  async append(runs: RunDocuments[], index: DirectoryIndex): Promise<void> {
    await withLock(join(this.root, PACK_LOCK), async () => {
      const staged: Staged[] = [];
      const added: string[] = [];
      try {
        // Each run's file is read inside the lock: another process's append to it is part of it by now.
        for (const { run, documents } of runs) staged.push(await this.stage(run, documents, index));
        while (staged.length > 0) {
          const { run, temporary, replaces } = staged[0];
          let path: string;
          if (replaces) await publishReplacing(temporary, (path = replaces));
          else {
            const names = numberedNames(safeStem(run), this.extension);
            path = await publishUnderFreeName(temporary, this.documentsDir, names);
            added.push(path);
          }
          staged.shift();
          noteRunFile(index.runFiles, run, path);
        }
        await syncDirectory(this.documentsDir);
      } finally {
        await discard(staged.map((entry) => entry.temporary));
      }
      // The manifest after the files: a crash in between leaves a file the next append lists.
      await this.updateManifest(added);
    });
  }

  /**
   * Not offered: a pack lists its files in documents_manifest.txt, and an append re-lists any unlisted file,
   * so a crash between the two steps of a removal could bring the run back; unpack it to delete runs.
   */
  async remove(_files: string[], _record: () => Promise<void>): Promise<void> {
    throw new UnsupportedError(
      `${this.root} is a databroker-pack: runs cannot be deleted from a pack; nothing deleted`,
    );
  }

  private async stage(run: string, documents: DocumentPair[], index: DirectoryIndex): Promise<Staged> {
    const files = index.runFiles.get(run);
    if (!files) {
      const target = join(this.documentsDir, `${safeStem(run)}${this.extension}`);
      return { run, temporary: await writeTemporaryFor(target, encodeDocuments(documents, this.format)) };
    }
    const file = files[files.length - 1];
    if (index.damaged.has(file)) {
      throw new UnreadableError(
        file,
        "end",
        `run ${run} ends in this damaged file: documents appended after the damage could not be read back; repair or move the file first`,
      );
    }
    const temporary = await writeTemporaryFor(file, this.extended(file, documents));
    return { run, temporary, replaces: file };
  }

  /** The bytes of `file` followed by `documents` (a JSON Lines file missing its last newline gets one). */
  private async *extended(file: string, documents: DocumentPair[]): AsyncGenerator<Uint8Array> {
    let last: number | undefined;
    for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
      if (chunk.length > 0) last = chunk[chunk.length - 1];
      yield chunk;
    }
    if (this.format === "jsonl" && last !== undefined && last !== 0x0a) yield Buffer.from("\n");
    yield* encodeDocuments(documents, this.format);
  }

  /** Lists the new files in documents_manifest.txt, and any document file a crash left unlisted. */
  private async updateManifest(added: string[]): Promise<void> {
    const manifest = join(this.root, DOCUMENTS_MANIFEST);
    const lines = (await pathExists(manifest))
      ? (await readFile(manifest, "utf8")).split(/\r?\n/).filter((line) => line.trim() !== "")
      : [];
    const listed = new Set(lines.map((line) => resolve(this.root, line.trim())));
    const present = (await readdir(this.documentsDir))
      .filter((name) => !name.startsWith(".") && extname(name) === this.extension)
      .sort()
      .map((name) => join(this.documentsDir, name));
    const unlisted: string[] = [];
    for (const path of [...added, ...present]) {
      if (listed.has(path)) continue;
      listed.add(path);
      unlisted.push(path);
    }
    if (unlisted.length === 0) return;
    const relativeLines = unlisted.map((path) => relative(this.root, path).split(sep).join("/"));
    const text = [...lines, ...relativeLines].map((line) => `${line}\n`).join("");
    const temporary = await writeTemporaryFor(manifest, [Buffer.from(text)]);
    await publishReplacing(temporary, manifest);
    await syncDirectory(this.root);
  }
}
