// Loads the templated bluesky-tiled-plugins fixtures with their `{{ uuid }}` and `{{ root_path }}`
// placeholders filled in, as the upstream tests render them.
import { readFileSync } from "node:fs";
import { dataPath } from "../support/sharedData.ts";

export interface FixtureDocument {
  name: string;
  doc: Record<string, any>;
}

export function renderFixture(file: string, rootPath: string, uuid = "0a1b2c3d"): FixtureDocument[] {
  const text = readFileSync(dataPath("bluesky-tiled-plugins-examples", file), "utf8")
    .replaceAll("{{ uuid }}", uuid)
    .replaceAll("{{ root_path }}", rootPath);
  return JSON.parse(text) as FixtureDocument[];
}

/** The documents of one kind, in file order. */
export function docsNamed(documents: FixtureDocument[], name: string): Array<Record<string, any>> {
  return documents.filter((d) => d.name === name).map((d) => d.doc);
}
