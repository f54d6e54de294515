// The files behind a run's external data on this machine, for exports that copy them (a databroker-pack).
// Handlers know which files a datum needs (`<path>_<index>.npy`, one HDF5 file, a TIFF per frame), so each
// datum is read once through the catalog's handlers while every file they open is recorded: whatever the
// spec, the copy holds exactly what reading the run needs.
import { isAbsolute, relative, sep } from "node:path";
import { AssetReader } from "../assets/AssetReader.ts";
import type { Broker } from "../broker/Broker.ts";
import type { RunLike } from "../broker/BrokerLike.ts";
import { unpackDatumPage } from "../documents/pages.ts";
import type { Datum, Resource } from "../documents/types.ts";
import { ValidationError } from "../errors.ts";
import type { ExternalFile, ExternalFileLister } from "./ExportFormat.ts";

export function localExternalFiles(broker: Broker): ExternalFileLister {
  const { registry, rootMap, roots, maxReadBytes } = broker.assets;
  return {
    async *filesOf(run: RunLike): AsyncGenerator<ExternalFile> {
      let opened: string[] = [];
      const reader = new AssetReader({
        registry,
        rootMap,
        fileRoots: roots.paths,
        maxReadBytes,
        onOpen: (path) => opened.push(path),
      });
      const resources = new Map<string, Resource>();
      const seen = new Set<string>();
      try {
        for await (const [name, doc] of run.documents()) {
          if (name === "resource") resources.set(doc.uid, doc);
          const datums: Datum[] =
            name === "datum" ? [doc] : name === "datum_page" ? unpackDatumPage(doc) : [];
          for (const datum of datums) {
            const resource = resources.get(datum.resource);
            if (!resource) continue; // validation at ingest guarantees the Resource came first
            opened = [];
            await reader.readDatum(resource, datum);
            for (const path of opened) {
              if (seen.has(path)) continue;
              seen.add(path);
              yield externalFile(resource, path, rootMap[resource.root] ?? resource.root);
            }
          }
        }
      } finally {
        await reader.close();
      }
    },
  };
}

function externalFile(resource: Resource, localPath: string, base: string): ExternalFile {
  const below = relative(base, localPath);
  if (below === "" || below.startsWith("..") || isAbsolute(below))
    throw new ValidationError(
      `resource ${resource.uid}: its handler read ${localPath}, which is not under its root ${base}`,
    );
  return { root: resource.root, relativePath: below.split(sep).join("/"), localPath };
}
