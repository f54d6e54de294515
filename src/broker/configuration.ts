// Device configuration as descriptors record it (`configuration[device].data`): per device, one row per
// descriptor, so a configuration changed mid-run (a second descriptor) shows as a second row.
import type { EventDescriptor } from "../documents/types.ts";
import type { Column } from "../tables/Column.ts";
import { Table } from "../tables/Table.ts";

/** Devices named by the descriptors' configuration and object_keys, in first-seen order. */
export function devicesOf(descriptors: readonly EventDescriptor[]): string[] {
  const devices = new Set<string>();
  for (const descriptor of descriptors) {
    for (const device of Object.keys(descriptor.configuration ?? {})) devices.add(device);
    for (const device of Object.keys(descriptor.object_keys ?? {})) devices.add(device);
  }
  return [...devices];
}

/** The configuration values of `device` in each descriptor that records it, in descriptor order. */
export function configurationOf(
  descriptors: readonly EventDescriptor[],
  device: string,
): Array<{ descriptor: string; time: number; data: Record<string, unknown> }> {
  return descriptors
    .filter((descriptor) => Object.hasOwn(descriptor.configuration ?? {}, device))
    .map((descriptor) => ({
      descriptor: descriptor.uid,
      time: descriptor.time,
      data: { ...(descriptor.configuration![device].data ?? {}) },
    }));
}

/** A column of loose values: float64 when every present value is a number (NaN where absent). */
function looseColumn(values: unknown[]): Column {
  const numeric = values.every((value) => typeof value === "number" || value === undefined);
  if (numeric && values.some((value) => value !== undefined))
    return Float64Array.from(values, (value) => (value === undefined ? Number.NaN : (value as number)));
  return values.map((value) => value ?? null);
}

/** Per device, a Table with columns `descriptor`, `time` (the descriptor's) and each configuration key. */
export function configurationTables(descriptors: readonly EventDescriptor[]): Record<string, Table> {
  const tables: Record<string, Table> = {};
  for (const device of devicesOf(descriptors)) {
    const rows = configurationOf(descriptors, device);
    if (rows.length === 0) continue;
    const keys = [...new Set(rows.flatMap((row) => Object.keys(row.data)))];
    const columns: Record<string, Column> = {
      descriptor: rows.map((row) => row.descriptor),
      time: Float64Array.from(rows, (row) => row.time),
    };
    for (const key of keys) columns[key] = looseColumn(rows.map((row) => row.data[key]));
    tables[device] = new Table(columns, rows.length);
  }
  return tables;
}
