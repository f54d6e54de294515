// nexus: a run as one NeXus/HDF5 file (.nxs), written with h5wasm. One NXentry `/entry` holds the run's
// title, identifier and times, an NXdata per stream (signal and axes from the plan's hints), the start and
// stop documents and each descriptor's device configuration as NXcollections, and the groups the name map
// (nexus/nameMap.ts; `--option nexus.names=FILE`) places common devices in (NXsample, NXinstrument...).
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { Group, File as H5File } from "h5wasm/node";
import { h5wasmModule } from "../../assets/h5wasmModule.ts";
import type { RunLike } from "../../broker/BrokerLike.ts";
import { UnreadableError, ValidationError } from "../../errors.ts";
import type { FileExportFormat } from "../ExportFormat.ts";
import { DEFAULT_NAME_TEMPLATE, nameTemplate } from "../nameTemplate.ts";
import { EntryPlaces } from "../nexus/entryPlaces.ts";
import { writeCollection } from "../nexus/metadataGroup.ts";
import { NexusNameMap } from "../nexus/nameMap.ts";
import { hdf5Name } from "../nexus/nexusPath.ts";
import { writeStreamData } from "../nexus/streamData.ts";

/** The option naming a YAML name map laid over the default one. */
export const NEXUS_NAMES_OPTION = "nexus.names";
/** The option setting how many events are read (and held) at a time; default: about 32 MiB of values. */
export const NEXUS_CHUNK_EVENTS_OPTION = "nexus.chunk_events";

function chunkEventsOf(options: Readonly<Record<string, string>>): number | undefined {
  const text = options[NEXUS_CHUNK_EVENTS_OPTION];
  if (text === undefined) return undefined;
  const events = Number(text);
  if (!Number.isInteger(events) || events < 1)
    throw new ValidationError(
      `option ${NEXUS_CHUNK_EVENTS_OPTION} must be a whole number of events, 1 or more: got ${JSON.stringify(text)}`,
    );
  return events;
}

const ENTRY = "entry";
const EXTENSION = ".nxs";

function isoTime(seconds: unknown): string | undefined {
  return typeof seconds === "number" && Number.isFinite(seconds)
    ? new Date(seconds * 1000).toISOString()
    : undefined;
}

/** Streams in the order they are written: primary first (it claims the name map's places first). */
function streamOrder(run: RunLike): string[] {
  return [...run.streamNames].sort((a, b) => Number(b === "primary") - Number(a === "primary"));
}

/** The file's final name is the export's to choose: this is the name an export gives it by default. */
function defaultFileName(run: RunLike): string {
  try {
    return `${nameTemplate(DEFAULT_NAME_TEMPLATE)(run.start)}${EXTENSION}`;
  } catch {
    return `${run.uid}${EXTENSION}`; // a start without scan_id
  }
}

function writeRoot(file: H5File, run: RunLike, h5Version: string): void {
  file.create_attribute("NX_class", "NXroot");
  file.create_attribute("default", ENTRY);
  file.create_attribute("file_name", defaultFileName(run));
  file.create_attribute("file_time", new Date().toISOString());
  file.create_attribute("creator", "databroker");
  file.create_attribute("HDF5_Version", h5Version);
}

function writeEntryFields(entry: Group, run: RunLike): void {
  const { start, stop } = run;
  const title = [start.plan_name, start.scan_id].filter((part) => part !== undefined).join(" ");
  entry.create_dataset({ name: "title", data: title || run.uid, dtype: "S" });
  entry.create_dataset({ name: "entry_identifier", data: run.uid, dtype: "S" });
  entry.create_dataset({ name: "program_name", data: "databroker", dtype: "S" });
  const startTime = isoTime(start.time);
  if (startTime) entry.create_dataset({ name: "start_time", data: startTime, dtype: "S" });
  const endTime = isoTime(stop?.time);
  if (endTime) entry.create_dataset({ name: "end_time", data: endTime, dtype: "S" });
}

/** Each stream's descriptors' configuration: configuration/<stream>/<device>/<key> (descriptor_<i>/ when several). */
function writeConfiguration(entry: Group, run: RunLike): void {
  const configuration = entry.create_group("configuration");
  configuration.create_attribute("NX_class", "NXcollection");
  for (const name of streamOrder(run)) {
    const descriptors = run.stream(name).descriptors;
    const perDescriptor = descriptors.map((descriptor) =>
      Object.fromEntries(
        Object.entries(descriptor.configuration ?? {}).map(([device, config]) => [
          device,
          config?.data ?? {},
        ]),
      ),
    );
    if (perDescriptor.length === 1) writeCollection(configuration, name, perDescriptor[0]);
    else
      writeCollection(
        configuration,
        name,
        Object.fromEntries(perDescriptor.map((config, i) => [`descriptor_${i}`, config])),
      );
  }
}

interface NexusSettings {
  names: NexusNameMap;
  chunkEvents: number | undefined;
  h5Version: string;
}

async function writeRun(file: H5File, run: RunLike, settings: NexusSettings): Promise<void> {
  writeRoot(file, run, settings.h5Version);
  const entry = file.create_group(ENTRY);
  entry.create_attribute("NX_class", "NXentry");
  writeEntryFields(entry, run);
  const places = new EntryPlaces(entry);
  const streams = streamOrder(run);
  for (const reserved of ["start", "stop", "configuration"]) places.reserve(reserved, "NXcollection");
  const groups = new Map<string, Group>();
  for (const name of streams) {
    const group = entry.create_group(hdf5Name(name));
    group.create_attribute("NX_class", "NXdata");
    places.reserve(hdf5Name(name), "NXdata");
    groups.set(name, group);
  }
  if (streams.length > 0) entry.create_attribute("default", hdf5Name(streams[0]));
  writeCollection(entry, "start", run.start);
  if (run.stop) writeCollection(entry, "stop", run.stop);
  writeConfiguration(entry, run);
  for (const name of streams)
    await writeStreamData(
      run,
      run.stream(name),
      groups.get(name)!,
      settings.names,
      places,
      settings.chunkEvents,
    );
}

export const nexus: FileExportFormat = {
  name: "nexus",
  aliases: ["nxs", "hdf5", "h5"],
  summary: "the run's values as a NeXus/HDF5 file: an NXdata per stream, metadata as NXcollections",
  mediaType: "application/x-hdf5",
  carriesDocuments: false,
  layout: "file",
  extension: EXTENSION,
  options: {
    [NEXUS_NAMES_OPTION]:
      "a YAML file mapping data keys and devices to NeXus paths, laid over the default map",
    [NEXUS_CHUNK_EVENTS_OPTION]: "events read (and held) at a time (default: about 32 MiB of values)",
  },
  async write(run, sink, settings) {
    const namesFile = settings.options[NEXUS_NAMES_OPTION];
    const names = namesFile ? await NexusNameMap.load(namesFile) : NexusNameMap.defaults();
    const chunkEvents = chunkEventsOf(settings.options);
    const h5wasm = await h5wasmModule();
    const h5Version = await hdf5LibraryVersion();
    await sink.writeVia(async (path) => {
      const file = new h5wasm.File(path, "w");
      if (file.file_id < 0n) throw new UnreadableError(path, "byte 0", "h5wasm could not create the file");
      try {
        await writeRun(file, run, { names, chunkEvents, h5Version });
      } finally {
        file.close();
      }
    });
  },
};

let libraryVersion: Promise<string> | undefined;

/**
 * The HDF5 version inside h5wasm. h5wasm has no call for it, but its WebAssembly carries HDF5's own
 * "HDF5 library version: X.Y.Z" banner; read once per process, "unknown" if the build ever lacks it.
 */
function hdf5LibraryVersion(): Promise<string> {
  libraryVersion ??= (async () => {
    try {
      const module = fileURLToPath(new URL("hdf5_util.js", import.meta.resolve("h5wasm/node")));
      const text = (await readFile(module)).toString("latin1");
      return /HDF5 library version: (\d+\.\d+\.\d+)/.exec(text)?.[1] ?? "unknown";
    } catch {
      return "unknown";
    }
  })();
  return libraryVersion;
}
