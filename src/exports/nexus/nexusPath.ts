// A place in a NeXus entry as the name map writes it: `sample:NXsample/rotation_angle` (groups with their
// base class, then a field) or `instrument:NXinstrument/{device}:NXdetector` (groups only: the field keeps
// its own name inside). A bare `NXsample` segment names the group after its class (`sample`).

export interface NexusGroupStep {
  name: string;
  nxClass: string;
}

export interface NexusPath {
  groups: NexusGroupStep[];
  /** The dataset's name; undefined when the path ends with a group (the field keeps its own name). */
  field: string | undefined;
}

// NeXus's recommended name rule (letters, digits, underscore; dots inside), plus `{device}` / `{field}`
// placeholders that are filled per field.
const NAME = /^(?:[A-Za-z0-9_]|\{device\}|\{field\})(?:[A-Za-z0-9_.]|\{device\}|\{field\})*$/;
const NX_CLASS = /^NX[a-z_]+$/;

/** The path of `text`, or the rule it breaks (a message for the name map's error). */
export function parseNexusPath(text: string): NexusPath | string {
  const segments = text.split("/");
  if (segments.some((segment) => segment === ""))
    return `"${text}" has an empty segment (write group:NXclass/.../field)`;
  const groups: NexusGroupStep[] = [];
  let field: string | undefined;
  for (const [i, segment] of segments.entries()) {
    const last = i === segments.length - 1;
    const [name, nxClass, extra] = segment.split(":");
    if (extra !== undefined) return `segment "${segment}" has more than one ":"`;
    if (nxClass !== undefined) {
      if (!NAME.test(name)) return `group name "${name}" breaks the NeXus name rule [A-Za-z0-9_.]`;
      if (!NX_CLASS.test(nxClass))
        return `"${nxClass}" is not a NeXus base class name (NX followed by a-z, _)`;
      groups.push({ name, nxClass });
    } else if (NX_CLASS.test(name)) {
      groups.push({ name: name.slice(2), nxClass: name });
    } else if (last) {
      if (!NAME.test(name)) return `field name "${name}" breaks the NeXus name rule [A-Za-z0-9_.]`;
      field = name;
    } else {
      return `segment "${segment}" is a group in the middle of the path and needs its class (name:NXclass)`;
    }
  }
  if (groups.length === 0) return `"${text}" names no group: a mapped field goes into a NeXus group`;
  return { groups, field };
}

/** A name HDF5 takes as one link (no `/`; not `.` or empty), close to what bluesky called it. */
export function hdf5Name(name: string): string {
  const cleaned = name.replaceAll("/", "_");
  return cleaned === "" || cleaned === "." || cleaned === ".." ? `_${cleaned}` : cleaned;
}

/** `path` with its placeholders filled for one field of one device. */
export function fillPlaceholders(path: NexusPath, field: string, device: string | undefined): NexusPath {
  const fill = (name: string) =>
    name.replaceAll("{device}", nexusName(device ?? field)).replaceAll("{field}", nexusName(field));
  return {
    groups: path.groups.map((group) => ({ name: fill(group.name), nxClass: group.nxClass })),
    field: path.field === undefined ? undefined : fill(path.field),
  };
}

/** A device or field name made to follow NeXus's name rule, for names built from it. */
function nexusName(name: string): string {
  const cleaned = name.replaceAll(/[^A-Za-z0-9_.]/g, "_");
  return /^[A-Za-z0-9_]/.test(cleaned) ? cleaned : `_${cleaned}`;
}
