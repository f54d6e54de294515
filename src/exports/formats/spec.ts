// A SPEC data file (`.dat`), laid out as apstools' SpecWriterCallback writes them at APS beamlines and as
// spec2nexus and SPEC's own tools read them. One run is one file: the file header (#F #E #D #C, #O/#o naming
// the baseline's numeric fields as positioners) then one scan: #S number and plan call, #D date, #C plan_type
// and uid, #MD start metadata, #P positioner values (the baseline's first reading), #N and #L, the primary
// stream's data lines, #C num_events and exit_status from the stop document.
// Columns: motors first (the start's hints.dimensions, else its motors), Epoch_float and Epoch (seconds since
// the start), the other scalar fields, detectors last (the last column is what SPEC plots). Numbers are written
// as the shortest text that reads back to the same double; bool as 1/0; a text value is written as its row
// number with a `#U row field text` line after the data line (apstools' rule: data lines hold only numbers).
// Fields holding an array per event are no columns: a #C line names them.
import type { RunLike, StreamLike } from "../../broker/BrokerLike.ts";
import { floatText } from "../../documents/floatMarks.ts";
import { cellValue, columnDType } from "../../tables/Column.ts";
import { isFloat, isNumeric } from "../../tables/DType.ts";
import type { Table } from "../../tables/Table.ts";
import type { FileExportFormat } from "../ExportFormat.ts";
import { DEFAULT_NAME_TEMPLATE, nameTemplate } from "../nameTemplate.ts";
import { describeArrayField, fieldShapes } from "./fieldShapes.ts";
import { oneLine, scanCommand, specDate } from "./specText.ts";

const ROWS_PER_CHUNK = 10_000;
const EXTENSION = ".dat";
// Start keys the scan's other lines carry already; the rest become #MD lines (apstools' list).
const KNOWN = new Set([
  "uid",
  "time",
  "project",
  "sample",
  "scan_id",
  "group",
  "owner",
  "hints",
  "plan_type",
  "plan_name",
  "plan_args",
]);
// SPEC lists at most 8 positioners per #O / #P line.
const PER_LINE = 8;

const names = (values: unknown): string[] =>
  Array.isArray(values) ? values.filter((v): v is string => typeof v === "string") : [];

/** The primary stream's scalar fields in #L order (without the Epoch columns, which go after the motors). */
function columnOrder(run: RunLike, stream: StreamLike, scalars: string[]) {
  const scalar = new Set(scalars);
  const dimensions = (run.start.hints?.dimensions ?? [])
    .filter(([, streamName]) => streamName === stream.name)
    .flatMap(([fields]) => (Array.isArray(fields) ? fields : [fields]));
  const motors = (dimensions.length > 0 ? dimensions : names(run.start.motors)).filter((f) => scalar.has(f));
  const hints = (stream.descriptors[0]?.hints ?? {}) as Record<string, { fields?: string[] } | undefined>;
  // A detector device names its hinted fields; one field may be hinted by two devices: listed once.
  const detectors = [
    ...new Set(
      names(run.start.detectors)
        .flatMap((detector) => hints[detector]?.fields ?? [detector])
        .filter((field) => scalar.has(field) && !motors.includes(field)),
    ),
  ];
  const placed = new Set([...motors, ...detectors]);
  return { motors, middle: scalars.filter((field) => !placed.has(field)), detectors };
}

/** One cell as SPEC data text; undefined for text, which goes to a #U line. */
function numberText(value: unknown, float: boolean): string | undefined {
  if (typeof value === "number") return float ? floatText(value) : String(value);
  if (typeof value === "bigint") return String(value);
  if (typeof value === "boolean") return value ? "1" : "0";
  return undefined;
}

/** The data lines (and #U lines) of one chunk of the primary stream. */
function dataLines(table: Table, columns: string[], t0: number, firstRow: number): string {
  const lines: string[] = [];
  const time = table.column("time");
  const cells = columns.map((name) => {
    if (name === "Epoch_float" || name === "Epoch") return undefined;
    const column = table.column(name);
    const dtype = columnDType(column);
    return { column, float: isFloat(dtype) || !isNumeric(dtype) };
  });
  for (let row = 0; row < table.length; row++) {
    const since = (cellValue(time, row) as number) - t0;
    const texts: string[] = [];
    const values = columns.map((name, i) => {
      if (name === "Epoch_float") return floatText(since);
      if (name === "Epoch") return String(Math.trunc(since + 0.5));
      const cell = cells[i] as NonNullable<(typeof cells)[number]>;
      const value = cellValue(cell.column, row);
      const text = numberText(value, cell.float);
      if (text !== undefined) return text;
      const index = firstRow + row;
      const shown = typeof value === "string" ? value : value == null ? "" : JSON.stringify(value);
      texts.push(`#U ${index} ${name} ${oneLine(shown)}`);
      return String(index);
    });
    lines.push(values.join(" "), ...texts);
  }
  return lines.length > 0 ? `${lines.join("\n")}\n` : "";
}

/** The baseline's numeric fields and their first reading: the positioners of #O and #P. */
async function positioners(run: RunLike): Promise<{ names: string[]; values: string[]; others: string[] }> {
  if (!run.streamNames.includes("baseline")) return { names: [], values: [], others: [] };
  const stream = run.stream("baseline");
  const { scalars, arrays } = fieldShapes(stream);
  const chunks = stream.chunks({ size: 1, fields: scalars, fill: true });
  const first = await chunks.next();
  await chunks.return(undefined);
  const out = { names: [] as string[], values: [] as string[], others: arrays.map((field) => field.name) };
  if (first.done) return out;
  for (const name of scalars) {
    const column = first.value.column(name);
    const text = numberText(cellValue(column, 0), isFloat(columnDType(column)));
    if (text === undefined) out.others.push(name);
    else {
      out.names.push(name);
      out.values.push(text);
    }
  }
  return out;
}

/** `#O0 a  b ...` lines: 8 names (two spaces apart, as names may hold one) or values a line. */
function numbered(tag: string, items: string[], separator: string): string[] {
  if (items.length === 0) return [`${tag}0 `];
  const lines: string[] = [];
  for (let i = 0; i < items.length; i += PER_LINE)
    lines.push(`${tag}${i / PER_LINE} ${items.slice(i, i + PER_LINE).join(separator)}`);
  return lines;
}

function mdText(value: unknown): string {
  return oneLine(typeof value === "string" ? value : JSON.stringify(value));
}

export const specFormat: FileExportFormat = {
  name: "spec",
  aliases: ["specwriter", "dat"],
  summary: "a SPEC data file (.dat) of the primary stream, as apstools' SpecWriterCallback writes them",
  mediaType: "text/plain",
  carriesDocuments: false,
  layout: "file",
  extension: EXTENSION,
  async write(run, sink) {
    const { start, stop } = run;
    const t0 = start.time;
    const comment = (time: number, text: string) => `#C ${specDate(time)}.  ${oneLine(text)}`;
    const login = typeof start.login_id === "string" ? start.login_id.split("@") : [];
    const user = login[0] || (typeof start.owner === "string" && start.owner) || "BlueskyUser";
    const host = login[1] || (typeof start.hostname === "string" && start.hostname) || "localhost";
    const baseline = await positioners(run);
    const header = [
      `#F ${nameTemplate(DEFAULT_NAME_TEMPLATE)(start)}${EXTENSION}`,
      `#E ${Math.trunc(t0)}`,
      `#D ${specDate(t0)}`,
      `#C Bluesky  user = ${oneLine(user)}  host = ${oneLine(host)}`,
      ...numbered("#O", baseline.names, "  "),
      ...numbered("#o", baseline.names, "  "),
      "",
    ];
    const scan = [
      "",
      `#S ${scanCommand(start)}`,
      `#D ${specDate(t0)}`,
      comment(t0, `plan_type = ${start.plan_type ?? ""}`),
      comment(t0, `uid = ${start.uid}`),
      `#MD uid = ${start.uid}`,
      ...Object.keys(start)
        .filter((key) => !KNOWN.has(key))
        .sort()
        .map((key) => `#MD ${key} = ${mdText(start[key])}`),
      ...numbered("#P", baseline.values, " "),
    ];
    if (baseline.others.length > 0)
      scan.push(comment(t0, `baseline fields not positioners (not numbers): ${baseline.others.join(", ")}`));
    const primary = run.streamNames.includes("primary") ? run.stream("primary") : undefined;
    const { scalars, arrays } = primary ? fieldShapes(primary) : { scalars: [], arrays: [] };
    if (!primary) scan.push(comment(t0, "no primary stream: no data lines"));
    if (arrays.length > 0)
      scan.push(
        comment(t0, `not in the columns (an array per event): ${arrays.map(describeArrayField).join(", ")}`),
      );
    const order = primary ? columnOrder(run, primary, scalars) : { motors: [], middle: [], detectors: [] };
    const columns = [...order.motors, "Epoch_float", "Epoch", ...order.middle, ...order.detectors];
    scan.push(`#N ${columns.length}`, `#L ${columns.join("  ")}`);
    await sink.write(`${header.join("\n")}\n${scan.join("\n")}\n`);
    let rows = 0;
    if (primary)
      for await (const chunk of primary.chunks({ size: ROWS_PER_CHUNK, fields: scalars, fill: true })) {
        await sink.write(dataLines(chunk, columns, t0, rows));
        rows += chunk.length;
      }
    const end = stop?.time ?? t0;
    const tail = Object.entries(stop?.num_events ?? {}).map(([name, n]) =>
      comment(end, `num_events_${name} = ${n}`),
    );
    tail.push(comment(end, `exit_status = ${stop?.exit_status ?? "not available"}`));
    await sink.write(`${tail.join("\n")}\n`);
  },
};
