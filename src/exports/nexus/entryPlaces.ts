// The groups the name map puts fields in, made on first use below the entry: a group is reused only by
// fields that want it with the same base class, and a dataset path goes to the first field that wants it
// (streams are written primary first, so a motor read in primary and baseline is mapped from primary).
import type { Group } from "h5wasm/node";
import type { FieldPlace } from "./nameMap.ts";

export class EntryPlaces {
  /** Absolute path -> NX_class of every group below the entry, mapped or not. */
  private readonly groups = new Map<string, string>();
  private readonly claimed = new Set<string>();

  constructor(private readonly entry: Group) {}

  /** A group made by the writer itself (a stream's NXdata, start, stop): the map must not reuse it. */
  reserve(name: string, nxClass: string): void {
    this.groups.set(`${this.entry.path}/${name}`, nxClass);
  }

  /** The group `place` names, made as needed, or undefined when it clashes with what is there. */
  claim(place: FieldPlace): Group | undefined {
    let path = this.entry.path;
    for (const step of place.groups) {
      path = `${path}/${step.name}`;
      const nxClass = this.groups.get(path);
      if (nxClass !== undefined && nxClass !== step.nxClass) return undefined;
      if (this.claimed.has(path)) return undefined; // a dataset of that name is there
    }
    const datasetPath = `${path}/${place.field}`;
    if (this.claimed.has(datasetPath) || this.groups.has(datasetPath)) return undefined;
    let group = this.entry;
    path = this.entry.path;
    for (const step of place.groups) {
      path = `${path}/${step.name}`;
      if (!this.groups.has(path)) {
        const made = group.create_group(step.name);
        made.create_attribute("NX_class", step.nxClass);
        this.groups.set(path, step.nxClass);
      }
      group = group.get(step.name) as Group;
    }
    this.claimed.add(datasetPath);
    return group;
  }
}
