// Text pieces of a SPEC data file as apstools' SpecWriterCallback writes them for APS beamlines: the date
// `Mon Jan 28 12:48:09 2019` (local time, C's asctime layout), one-line comment text, and the #S scan command
// rebuilt from the start document's plan_name and plan_args in Python's notation.
import type { RunStart } from "../../documents/types.ts";

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

const two = (n: number) => String(n).padStart(2, "0");

/** `%a %b %d %H:%M:%S %Y` of epoch seconds, in this process's time zone (as apstools, at the beamline). */
export function specDate(seconds: number): string {
  const d = new Date(Math.trunc(seconds) * 1000);
  const time = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${two(d.getDate())} ${time} ${d.getFullYear()}`;
}

/** Text on one line: a SPEC file is read line by line, so a line break inside a value would start a new one. */
export function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, " ");
}

/** A value as Python prints it in a plan call: strings quoted, None/True/False, lists, dicts as {k=v}. */
function pythonText(value: unknown): string {
  if (typeof value === "string") return `'${JSON.stringify(value).slice(1, -1).replaceAll("'", "\\'")}'`;
  if (value === null || value === undefined) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (Array.isArray(value)) return `[${value.map(pythonText).join(", ")}]`;
  if (typeof value === "object")
    return `{${Object.entries(value)
      .map(([key, item]) => `${key}=${pythonText(item)}`)
      .join(", ")}}`;
  return String(value);
}

/** The `name=` of an ophyd repr (`EpicsMotor(prefix='x:m1', name='m1', ...)` -> m1); else the text. */
function deviceName(value: unknown): string {
  const text = String(value);
  const name = /[(,]\s*name=['"]?([^'",)]*)/.exec(text);
  return name ? name[1] : text;
}

/** `<scan_id>  <plan_name>(<args>)`: the #S line's text; detectors and motors named as the start lists them. */
export function scanCommand(start: RunStart): string {
  const args = Object.entries((start.plan_args ?? {}) as Record<string, unknown>).map(([key, value]) => {
    if (key === "detectors") return `${key}=${pythonText(start.detectors)}`;
    if (key.startsWith("motor")) return `${key}=${pythonText(start.motors)}`;
    if (key === "args" && Array.isArray(value)) return `${key}=[${value.map(deviceName).join(", ")}]`;
    return `${key}=${pythonText(value)}`;
  });
  return oneLine(`${start.scan_id || 1}  ${start.plan_name ?? ""}(${args.join(", ")})`);
}
