// A self-describing folder for a repository deposit: a BagIt bag (RFC 8493: bagit.txt, bag-info.txt, and
// SHA-256 manifests every repository tool and `sha256sum -c` verify) whose payload holds a README listing
// the runs, runs.json, and each run in the chosen formats (by default its documents as JSON Lines and its
// data as NeXus), under data/<run name>/.

import type { RunLike } from "../../broker/BrokerLike.ts";
import { ValidationError } from "../../errors.ts";
import { PACKAGE_VERSION } from "../../packageVersion.ts";
import type { CollectionExportFormat, ExportFormat, ExportSettings, FolderSink } from "../ExportFormat.ts";
import { DEFAULT_NAME_TEMPLATE, nameTemplate } from "../nameTemplate.ts";
import { exportFormats, findExportFormat } from "../registry.ts";
import { type FileDigest, hashingFolder } from "../sinks/hashingFolder.ts";

const DEFAULT_FORMATS = "jsonl,nexus";

interface PublishedRun {
  uid: string;
  scan_id: number | null;
  plan_name: string | null;
  start_time: string;
  duration_s: number | null;
  exit_status: string | null;
  events: Record<string, number>;
  files: string[];
}

/** The formats each run is published in: one-file or folder formats, by name. */
function includedFormats(settings: ExportSettings): ExportFormat[] {
  const names = (settings.options["publish.formats"] ?? DEFAULT_FORMATS)
    .split(",")
    .map((name) => name.trim());
  return names.map((name) => {
    const format = findExportFormat(name);
    if (!format) throw new ValidationError(`publish.formats: no export format ${JSON.stringify(name)}`);
    if (format.layout === "collection")
      throw new ValidationError(
        `publish.formats: ${name} holds many runs itself; choose one-file or folder formats`,
      );
    return format;
  });
}

/** A folder sink whose names go under `prefix`, recording what was written there. */
function under(folder: FolderSink, prefix: string, written: string[]): FolderSink {
  return {
    file: async (name, fill) => {
      await folder.file(`${prefix}${name}`, fill);
      written.push(`${prefix}${name}`);
    },
    copy: async (name, source) => {
      await folder.copy(`${prefix}${name}`, source);
      written.push(`${prefix}${name}`);
    },
  };
}

function readme(title: string, runs: readonly PublishedRun[], formats: readonly ExportFormat[]): string {
  const rows = runs.map(
    (run) =>
      `| ${run.scan_id ?? ""} | \`${run.uid}\` | ${run.plan_name ?? ""} | ${run.start_time} | ` +
      `${run.exit_status ?? "no stop"} | ${Object.entries(run.events)
        .map(([stream, count]) => `${stream}: ${count}`)
        .join(", ")} |`,
  );
  return [
    `# ${title}`,
    "",
    `${runs.length} run${runs.length === 1 ? "" : "s"} of bluesky event-model data, exported by databroker ` +
      `${PACKAGE_VERSION} on ${new Date().toISOString()}.`,
    "",
    "| scan_id | uid | plan | start (UTC) | exit status | events per stream |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows,
    "",
    "## Files",
    "",
    "Each run is in a folder of its own under `data/` (named by the export's template), in these formats:",
    "",
    ...formats.map((format) => `- **${format.name}**: ${format.summary}`),
    "",
    "`runs.json` lists the runs and their files for programs.",
    "",
    "## Checking and reading",
    "",
    "This folder is a BagIt bag (RFC 8493). From the folder holding `bagit.txt`, `sha256sum -c manifest-sha256.txt`",
    "checks every file. JSON Lines documents load back with `databroker ingest data/*/*.jsonl` (or Python's",
    "`json`, one `[name, document]` pair per line); NeXus files open with h5py, silx or NeXpy.",
    "",
  ].join("\n");
}

function manifest(digests: Map<string, FileDigest>, names: readonly string[]): string {
  return names.map((name) => `${digests.get(name)?.sha256}  ${name}\n`).join("");
}

export const publish: CollectionExportFormat = {
  name: "publish",
  aliases: ["bagit", "bundle"],
  summary:
    "a BagIt folder for a repository deposit: README, runs.json, checksums, each run as JSON Lines and NeXus",
  mediaType: "application/x-tar",
  carriesDocuments: true,
  layout: "collection",
  get options() {
    // Its own settings, and those of every format it can include (passed on to them).
    const own: Record<string, string> = {
      "publish.formats": `the formats each run is published in, comma-separated (default ${DEFAULT_FORMATS})`,
      "publish.title": "the README's title (default: the runs' plan names)",
    };
    for (const format of exportFormats())
      if (format.name !== "publish") Object.assign(own, format.options ?? {});
    return own;
  },
  begin(folder, settings) {
    const formats = includedFormats(settings);
    const bag = hashingFolder(folder);
    const nameOf = nameTemplate(settings.template ?? DEFAULT_NAME_TEMPLATE);
    const runs: PublishedRun[] = [];
    const payload: string[] = [];
    return {
      async add(run: RunLike) {
        const name = nameOf(run.start);
        const files: string[] = [];
        for (const format of formats) {
          const sink = under(bag, `data/${name}/`, files);
          if (format.layout === "file") {
            await sink.file(`${name}${format.extension}`, (file) => format.write(run, file, settings));
          } else if (format.layout === "folder") {
            await format.write(run, under(sink, `${format.name}/`, []), settings);
          }
        }
        const overview = await run.summary();
        payload.push(...files);
        runs.push({
          uid: run.uid,
          scan_id: overview.scan_id,
          plan_name: overview.plan_name,
          start_time: new Date(run.start.time * 1000).toISOString(),
          duration_s: overview.duration,
          exit_status: overview.exit_status,
          events: overview.events,
          files: files.map((file) => file.slice("data/".length)),
        });
      },
      async finish() {
        if (runs.length === 0) throw new ValidationError("nothing to publish: no run was exported");
        const plans = [...new Set(runs.map((run) => run.plan_name ?? "run"))].join(", ");
        const title = settings.options["publish.title"] ?? `${plans} (${runs.length} runs)`;
        await bag.file("data/README.md", (sink) => sink.write(readme(title, runs, formats)));
        await bag.file("data/runs.json", (sink) =>
          sink.write(`${JSON.stringify({ title, runs }, null, 2)}\n`),
        );
        const names = ["data/README.md", "data/runs.json", ...payload];
        const bytes = names.reduce((sum, name) => sum + (bag.digests.get(name)?.bytes ?? 0), 0);
        await bag.file("manifest-sha256.txt", (sink) => sink.write(manifest(bag.digests, names)));
        await bag.file("bagit.txt", (sink) =>
          sink.write("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"),
        );
        await bag.file("bag-info.txt", (sink) =>
          sink.write(
            `Bagging-Date: ${new Date().toISOString().slice(0, 10)}\n` +
              `Bag-Software-Agent: databroker ${PACKAGE_VERSION}\n` +
              `Payload-Oxum: ${bytes}.${names.length}\n` +
              `External-Description: ${title.replace(/\s+/g, " ")}\n`,
          ),
        );
        await bag.file("tagmanifest-sha256.txt", (sink) =>
          sink.write(manifest(bag.digests, ["bagit.txt", "bag-info.txt", "manifest-sha256.txt"])),
        );
      },
    };
  },
};
