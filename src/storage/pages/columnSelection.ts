// What one `columns()` read decodes, resolved once per read from its fields and options and shared by every
// adapter: which roles, which fields, and whether the uids.
import type { ColumnReadOptions, ColumnRole } from "../ColumnPage.ts";
import { COLUMN_ROLES } from "../records.ts";

export interface ColumnSelection {
  /** The fields asked for, in the caller's order; undefined for all. */
  fieldList?: readonly string[];
  fields?: ReadonlySet<string>;
  roles: ReadonlySet<ColumnRole>;
  uids: boolean;
}

export function columnSelection(
  fields?: readonly string[],
  options: ColumnReadOptions = {},
): ColumnSelection {
  return {
    fieldList: fields,
    fields: fields ? new Set(fields) : undefined,
    roles: new Set(options.parts ?? COLUMN_ROLES),
    uids: options.uids ?? true,
  };
}

/** Whether the read wants this column. */
export function selects(selection: ColumnSelection, role: ColumnRole, key: string): boolean {
  return selection.roles.has(role) && (!selection.fields || selection.fields.has(key));
}
