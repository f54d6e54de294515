// The name of each run's file or folder, from a template over its start document, as suitcase's
// `file_prefix` and Python's str.format: `{scan_id}_{uid:.8}`, `{start[uid]}`, `{sample.name}`,
// `{scan_id:05d}`. What a name may not hold as a file name (`/`, NUL, a leading dot) becomes `_`.
import { ValidationError } from "../errors.ts";

export const DEFAULT_NAME_TEMPLATE = "{scan_id}_{uid:.8}";

const FIELD = /\{([^{}:]*)(?::([^{}]*))?\}/g;
// [[fill]align][0][width][.precision][type], the part of Python's format spec names need.
const SPEC = /^(?:(.)?([<>^]))?(0)?(\d+)?(?:\.(\d+))?([sdf])?$/;

/** The value at `key` in `start`: `a.b`, `a[b]` and `start[a]` (suitcase's form) all name start.a.b. */
function valueAt(start: Readonly<Record<string, unknown>>, key: string): unknown {
  const parts = key
    .replace(/\[([^\]]*)\]/g, ".$1")
    .split(".")
    .filter((part) => part !== "");
  if (parts[0] === "start") parts.shift();
  let value: unknown = start;
  for (const part of parts) {
    if (value === null || typeof value !== "object" || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function formatted(value: unknown, spec: string, key: string): string {
  const match = SPEC.exec(spec);
  if (!match)
    throw new ValidationError(
      `name template: {${key}:${spec}} has a format spec this template does not take`,
    );
  const [, fill = " ", align, zero, width, precision, type] = match;
  let text: string;
  if (type === "d" || type === "f") {
    if (typeof value !== "number" || (type === "d" && !Number.isInteger(value)))
      throw new ValidationError(
        `name template: {${key}:${spec}} needs a number, the run has ${JSON.stringify(value)}`,
      );
    text = type === "f" ? value.toFixed(precision === undefined ? 6 : Number(precision)) : String(value);
  } else {
    text = typeof value === "string" ? value : JSON.stringify(value);
    if (precision !== undefined) text = text.slice(0, Number(precision));
  }
  const size = width === undefined ? 0 : Number(width);
  if (text.length >= size) return text;
  if (zero && !align)
    return text.startsWith("-") ? `-${text.slice(1).padStart(size - 1, "0")}` : text.padStart(size, "0");
  const pad = (n: number) => (zero && !align ? "0" : fill).repeat(n);
  const side = align ?? (typeof value === "number" ? ">" : "<");
  const missing = size - text.length;
  if (side === "<") return text + pad(missing);
  if (side === ">") return pad(missing) + text;
  return pad(Math.floor(missing / 2)) + text + pad(Math.ceil(missing / 2));
}

/** The checked template's function: the name of a run from its start document. */
export function nameTemplate(template: string): (start: Readonly<Record<string, unknown>>) => string {
  if (template.trim() === "") throw new ValidationError("name template is empty");
  const stray = template.replace(FIELD, "");
  if (stray.includes("{") || stray.includes("}"))
    throw new ValidationError(`name template ${JSON.stringify(template)} has an unmatched brace`);
  for (const [, , spec] of template.matchAll(FIELD))
    if (spec !== undefined && !SPEC.test(spec))
      throw new ValidationError(
        `name template: format spec ${JSON.stringify(spec)} is not one this template takes`,
      );
  return (start) => {
    const name = template.replace(FIELD, (_field, key: string, spec: string | undefined) => {
      const value = valueAt(start, key);
      if (value === undefined || value === null)
        throw new ValidationError(`name template: the run's start document has no ${JSON.stringify(key)}`);
      return formatted(value, spec ?? "", key);
    });
    return name.replace(/[/\\\0]/g, "_").replace(/^\./, "_");
  };
}
