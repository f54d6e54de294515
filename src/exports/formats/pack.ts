// databroker-pack directories, as databroker-pack lays them out: documents/<start uid>.msgpack (or .jsonl)
// per run, external files copied under external_files/<id>/ with each copied Resource's root rewritten to
// <id> (a salted hash of the root, unique to the root and the pack), the manifests, and a catalog.yml whose
// root_map makes the pack portable. Our `file:` catalog and databroker's intake drivers both read it.
import { createHash, randomBytes } from "node:crypto";
import { encodeDocuments } from "../../documents/formats/documentEncoder.ts";
import { loadYaml } from "../../documents/formats/loadYaml.ts";
import { CATALOG_FILE, DOCUMENTS_MANIFEST } from "../../documents/formats/readPack.ts";
import { extensionOf } from "../../documents/formats/registry.ts";
import type { DocumentPair, Resource } from "../../documents/types.ts";
import { ConflictError, ValidationError } from "../../errors.ts";
import type { CollectionExportFormat, ExternalFile, FolderSink } from "../ExportFormat.ts";

export type PackDocumentFormat = "msgpack" | "jsonl";

const DRIVERS = { msgpack: "bluesky-msgpack-catalog", jsonl: "bluesky-jsonl-catalog" } as const;

export interface PackOptions {
  format: PackDocumentFormat;
  /** Where the pack will live, for catalog.yml's absolute `paths` (databroker-pack writes them); none in a tar. */
  location?: string;
  /** Roots whose files are not copied but are found elsewhere: written into root_map as given. */
  rootMap?: Readonly<Record<string, string>>;
}

/** Writes one pack into `folder`: copy files by root, add runs' documents, then finish. */
export class PackWriter {
  private readonly salt = randomBytes(16).toString("hex");
  private readonly copiedRoots = new Map<string, string>();
  private readonly manifests = new Map<string, Set<string>>();
  private readonly documentFiles: string[] = [];

  constructor(
    private readonly folder: FolderSink,
    private readonly options: PackOptions,
  ) {}

  /** The id a copied root is known by in this pack. */
  private idOf(root: string): string {
    let id = this.copiedRoots.get(root);
    if (id === undefined) {
      id = createHash("md5").update(this.salt).update(root).digest("hex");
      this.copiedRoots.set(root, id);
      this.manifests.set(id, new Set());
    }
    return id;
  }

  /** Copies one external file under external_files/<id of its root>/ (once, however many runs use it). */
  async copy(file: ExternalFile): Promise<void> {
    const id = this.idOf(file.root);
    const name = `external_files/${id}/${file.relativePath}`;
    const manifest = this.manifests.get(id) as Set<string>;
    if (manifest.has(name)) return;
    await this.folder.copy(name, file.localPath);
    manifest.add(name);
  }

  /** Writes one run's documents (start first), the Resources of copied roots pointing at the copies. */
  async addRun(documents: AsyncIterable<DocumentPair> | Iterable<DocumentPair>): Promise<string> {
    let file: string | undefined;
    const packed = this.withPackedRoots(documents, (uid) => {
      file = `documents/${uid}${extensionOf(this.options.format)}`;
      if (this.documentFiles.includes(file)) throw new ConflictError(`run ${uid} is in the pack already`);
    });
    // The name is known once the start is read: the first chunk comes after it.
    const chunks = encodeDocuments(packed, this.options.format)[Symbol.asyncIterator]();
    const first = await chunks.next();
    if (file === undefined) throw new Error("unreachable: a start document names the file");
    await this.folder.file(file, async (sink) => {
      if (!first.done) await sink.write(first.value);
      for (let next = await chunks.next(); !next.done; next = await chunks.next())
        await sink.write(next.value);
    });
    this.documentFiles.push(file);
    return file;
  }

  private async *withPackedRoots(
    documents: AsyncIterable<DocumentPair> | Iterable<DocumentPair>,
    named: (uid: string) => void,
  ): AsyncGenerator<DocumentPair> {
    let index = 0;
    for await (const pair of documents) {
      if (index++ === 0) {
        if (pair[0] !== "start") {
          throw new ValidationError(
            `a run to pack must begin with its start document, found a ${pair[0]} document`,
            [{ doc_index: 0, name: pair[0], path: "", rule: "start-first", message: `found ${pair[0]}` }],
          );
        }
        named(String(pair[1].uid));
      }
      yield pair[0] === "resource" ? ["resource", this.packedResource(pair[1])] : pair;
    }
  }

  /** A Resource whose files are copied gets the copy's id as root (a new object; the input is not changed). */
  private packedResource(resource: Resource): Resource {
    const id = this.copiedRoots.get(resource.root);
    return id === undefined ? resource : { ...resource, root: id };
  }

  /** The manifests and catalog.yml. */
  async finish(): Promise<void> {
    const rootMap: Record<string, string> = {};
    for (const [root, location] of Object.entries(this.options.rootMap ?? {}))
      if (!this.copiedRoots.has(root)) rootMap[root] = location;
    for (const id of this.copiedRoots.values()) {
      rootMap[id] = `external_files/${id}`;
      const names = [...(this.manifests.get(id) ?? [])].sort();
      await this.folder.file(`external_files_manifest_${id}.txt`, (sink) => sink.write(lines(names)));
    }
    await this.folder.file(DOCUMENTS_MANIFEST, (sink) => sink.write(lines(this.documentFiles)));
    const pattern = `documents/*${extensionOf(this.options.format)}`;
    const catalog = {
      sources: {
        packed_catalog: {
          args: {
            paths: [this.options.location ? `${this.options.location}/${pattern}` : `./${pattern}`],
            root_map: rootMap,
          },
          driver: DRIVERS[this.options.format],
          metadata: {
            generated_by: { library: "databroker (TypeScript)" },
            relative_paths: [`./${pattern}`],
          },
        },
      },
    };
    const { stringify } = await loadYaml();
    await this.folder.file(CATALOG_FILE, (sink) => sink.write(stringify(catalog)));
  }
}

function lines(items: readonly string[]): string {
  return items.map((item) => `${item}\n`).join("");
}

function packFormat(format: PackDocumentFormat): CollectionExportFormat {
  return {
    name: format === "msgpack" ? "pack" : "pack-jsonl",
    aliases: format === "msgpack" ? ["databroker-pack", "pack-msgpack"] : [],
    summary: `a databroker-pack folder: every run's documents (${format}), external files copied, a portable root_map`,
    mediaType: "application/x-tar",
    carriesDocuments: true,
    layout: "collection",
    options: {
      "pack.external":
        "copy (default): copy the detector files each run reads (a run whose files cannot be read fails); " +
        "keep: the documents only, Resources pointing where they point now (databroker-pack's manifest mode)",
    },
    begin(folder, settings, location) {
      const external = settings.options["pack.external"] ?? "copy";
      if (external !== "copy" && external !== "keep")
        throw new ValidationError(`pack.external=${external}: use copy or keep`);
      const pack = new PackWriter(folder, { format, location });
      const lister = external === "copy" ? settings.externalFiles : undefined;
      if (external === "copy" && !lister)
        throw new ValidationError(
          "pack.external=copy needs the catalog's files (ExportSettings.externalFiles)",
        );
      return {
        async add(run) {
          for await (const file of lister?.filesOf(run) ?? []) await pack.copy(file);
          await pack.addRun(run.documents());
        },
        finish: () => pack.finish(),
      };
    },
  };
}

export const pack = packFormat("msgpack");
export const packJsonl = packFormat("jsonl");
