// A SQLite catalog of the bluesky-tiled-plugins fixtures (../shared/data, rendered in place) whose detector
// files are written by Debian's python3 (h5py, tifffile; test/support/detectorFiles.py) beside the catalog,
// for the tests of `databroker index`, `fields` and `serve --index`: the StreamResource run (HDF5 det-key1 and
// det-key2 in primary, a TIFF sequence det-key3 in secondary) and legacy Resource runs reading the same frames.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FieldStats } from "../../src/queries/fieldStats.ts";
import { renderFixture } from "../assets/fixtures.ts";
import { projectRoot } from "../support/sharedData.ts";
import { databroker } from "./storageCli.ts";

/** Each field's statistics as numpy computes them from the files (FieldStats less `indexed`). */
export type ExpectedStats = Record<"det-key1" | "det-key2" | "det-key3", Omit<FieldStats, "indexed">>;

export interface DetectorCatalog {
  /** The SQLite catalog file. */
  catalog: string;
  /** Where the detector files are. */
  files: string;
  expected: ExpectedStats;
  /** Start uids: the StreamResource run, then the legacy ones. */
  runs: string[];
}

/** Descriptor uids of the StreamResource run (`uuid` bbbb2222) and of a legacy run by its uuid. */
export const PRIMARY = "bbbb2222-descriptor01";
export const SECONDARY = "bbbb2222-descriptor02";
export const legacyDescriptor = (uuid: string) => `${uuid}-8c00740d9771`;

function jsonLines(documents: Array<{ name: string; doc: unknown }>): string {
  return documents.map(({ name, doc }) => JSON.stringify([name, doc])).join("\n");
}

export interface DetectorRuns {
  /** Where the detector files are. */
  files: string;
  expected: ExpectedStats;
  /** The runs' JSON Lines files, to ingest. */
  sources: string[];
  /** Start uids: the StreamResource run, then the legacy ones. */
  runs: string[];
}

/** Writes the files and the runs' documents into `folder`: the StreamResource run and `legacyRuns` legacy ones (uuids c0, c1, ...). */
export function detectorRuns(folder: string, legacyRuns = 1): DetectorRuns {
  const files = join(folder, "detector");
  mkdirSync(files, { recursive: true });
  const expected = JSON.parse(
    execFileSync("/usr/bin/python3", [join(projectRoot, "test/support/detectorFiles.py"), files], {
      encoding: "utf8",
    }),
  ) as ExpectedStats;
  const sources = [join(folder, "streams.jsonl")];
  writeFileSync(sources[0], jsonLines(renderFixture("external_assets.json", files, "bbbb2222")));
  const runs = ["bbbb2222-9724b2201fe7"];
  for (let i = 0; i < legacyRuns; i++) {
    // Each legacy run's Resource under a uid of its own (the fixture's is the StreamResource's).
    const text = jsonLines(renderFixture("external_assets_legacy.json", files, `c${i}`)).replaceAll(
      '"det-key2-uid',
      `"legacy${i}-uid`,
    );
    sources.push(join(folder, `legacy${i}.jsonl`));
    writeFileSync(sources.at(-1)!, text);
    runs.push(`c${i}-9724b2201fe7`);
  }
  return { files, expected, sources, runs };
}

/** The same runs ingested with `databroker ingest` into a SQLite catalog in `folder`. */
export function detectorCatalog(folder: string, legacyRuns = 1): DetectorCatalog {
  const { sources, ...made } = detectorRuns(folder, legacyRuns);
  const catalog = join(folder, "catalog.sqlite");
  const ingest = databroker(["ingest", "--catalog", catalog, ...sources]);
  if (ingest.code !== 0) throw new Error(`ingest failed: ${ingest.stderr}`);
  return { catalog, ...made };
}
