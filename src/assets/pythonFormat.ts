// Python's string formatting as detector file templates use it: `%` formatting (`%s%s_%6.6d.tiff`) and
// `str.format` fields (`img_{:05d}.tif`), for string and integer arguments (plus f, x, X, o).
import { UnsupportedError, ValidationError } from "../errors.ts";

interface Spec {
  fill: string;
  /** `<` left, `>` right, `^` centre, `=` pad between sign and digits. */
  align: string;
  sign: string;
  alternate: boolean;
  width: number;
  precision?: number;
  type: string;
}

function toNumber(value: unknown, conversion: string): number {
  const n = typeof value === "bigint" ? Number(value) : value;
  if (typeof n !== "number") {
    throw new ValidationError(`format %${conversion}: a number is required, not ${JSON.stringify(value)}`);
  }
  return n;
}

/** Sign and digits of a number for conversion `type` (d, i, u, x, X, o, f, F or none). */
function numberParts(value: unknown, spec: Spec): { sign: string; digits: string } {
  const n = toNumber(value, spec.type);
  const negative = n < 0 || Object.is(n, -0);
  const sign = negative ? "-" : spec.sign === "+" ? "+" : spec.sign === " " ? " " : "";
  const magnitude = Math.abs(n);
  let digits: string;
  switch (spec.type) {
    case "d":
    case "i":
    case "u":
      digits = Math.trunc(magnitude).toString();
      if (spec.precision !== undefined) digits = digits.padStart(spec.precision, "0");
      break;
    case "x":
    case "X":
    case "o": {
      const base = spec.type === "o" ? 8 : 16;
      digits = Math.trunc(magnitude).toString(base);
      if (spec.type === "X") digits = digits.toUpperCase();
      if (spec.alternate) digits = (spec.type === "o" ? "0o" : spec.type === "x" ? "0x" : "0X") + digits;
      break;
    }
    case "f":
    case "F":
      digits = magnitude.toFixed(spec.precision ?? 6);
      break;
    case "":
      digits = spec.precision === undefined ? String(magnitude) : magnitude.toPrecision(spec.precision);
      break;
    default:
      throw new UnsupportedError(`format conversion "${spec.type}" is not supported in file templates`);
  }
  return { sign, digits };
}

function pad(text: string, spec: Spec, sign = ""): string {
  const room = spec.width - sign.length - text.length;
  if (room <= 0) return sign + text;
  const fill = spec.fill.repeat(room);
  switch (spec.align) {
    case "<":
      return sign + text + fill;
    case "^": {
      const left = Math.floor(room / 2);
      return spec.fill.repeat(left) + sign + text + spec.fill.repeat(room - left);
    }
    case "=":
      return sign + fill + text;
    default:
      return fill + sign + text;
  }
}

function formatValue(value: unknown, spec: Spec): string {
  const isText = spec.type === "s" || spec.type === "r" || (spec.type === "" && typeof value === "string");
  if (isText) {
    const text = String(value);
    return pad(spec.precision === undefined ? text : text.slice(0, spec.precision), {
      ...spec,
      align: spec.align || "<",
    });
  }
  const { sign, digits } = numberParts(value, spec);
  return pad(digits, { ...spec, align: spec.align || ">" }, sign);
}

const PERCENT_FIELD = /%(\([^)]*\))?([-+ 0#]*)(\d+)?(?:\.(\d+))?(.)/g;

/** Python's `template % args` for the conversions templates use (%s %r %d %i %u %x %X %o %f %%). */
export function percentFormat(template: string, args: readonly unknown[]): string {
  let next = 0;
  const result = template.replace(
    PERCENT_FIELD,
    (_whole, key, flags: string, width, precision, type: string) => {
      if (type === "%") return "%";
      if (key) throw new UnsupportedError(`named % fields are not supported in file templates: ${template}`);
      if (!"srdiuxXofF".includes(type)) {
        throw new UnsupportedError(`format conversion "%${type}" is not supported in file templates`);
      }
      if (next >= args.length)
        throw new ValidationError(`not enough arguments for format string "${template}"`);
      const left = flags.includes("-");
      const zero = flags.includes("0") && !left && !"sr".includes(type);
      const spec: Spec = {
        fill: zero ? "0" : " ",
        align: left ? "<" : zero ? "=" : ">",
        sign: flags.includes("+") ? "+" : flags.includes(" ") ? " " : "-",
        alternate: flags.includes("#"),
        width: width ? Number(width) : 0,
        precision: precision === undefined ? undefined : Number(precision),
        type: type === "r" ? "s" : type,
      };
      return formatValue(args[next++], spec);
    },
  );
  if (next < args.length) {
    throw new ValidationError(`not all arguments converted during formatting of "${template}"`);
  }
  return result;
}

const FORMAT_SPEC = /^(?:(.)?([<>=^]))?([-+ ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([sdxXofF])?$/;

function parseSpec(text: string, template: string): Spec {
  const match = FORMAT_SPEC.exec(text);
  if (!match)
    throw new UnsupportedError(`format spec "${text}" is not supported in file template "${template}"`);
  const [, fill, align, sign, alternate, zero, width, , precision, type] = match;
  return {
    fill: fill ?? (zero && !align ? "0" : " "),
    align: align ?? (zero ? "=" : ""),
    sign: sign ?? "-",
    alternate: Boolean(alternate),
    width: width ? Number(width) : 0,
    precision: precision === undefined ? undefined : Number(precision),
    type: type ?? "",
  };
}

/** Python's `template.format(*args)` for positional fields: `{}`, `{0}`, `{:05d}`, `{0:>4}`, `{{`, `}}`. */
export function braceFormat(template: string, args: readonly unknown[]): string {
  let out = "";
  let auto = 0;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i];
    if (ch === "}") {
      if (template[i + 1] !== "}") throw new ValidationError(`single '}' in format string "${template}"`);
      out += "}";
      i++;
      continue;
    }
    if (ch !== "{") {
      out += ch;
      continue;
    }
    if (template[i + 1] === "{") {
      out += "{";
      i++;
      continue;
    }
    const end = template.indexOf("}", i);
    if (end < 0) throw new ValidationError(`unclosed '{' in format string "${template}"`);
    const field = template.slice(i + 1, end);
    const colon = field.indexOf(":");
    const name = (colon < 0 ? field : field.slice(0, colon)).replace(/![rsa]$/, "");
    if (name !== "" && !/^\d+$/.test(name)) {
      throw new UnsupportedError(`named field "{${name}}" is not supported in file template "${template}"`);
    }
    const index = name === "" ? auto++ : Number(name);
    if (index >= args.length)
      throw new ValidationError(`format string "${template}" needs argument ${index}`);
    out += formatValue(args[index], parseSpec(colon < 0 ? "" : field.slice(colon + 1), template));
    i = end;
  }
  return out;
}

/**
 * The file name for frame `index` from a template that is either `str.format` style (`img_{:05d}.tif`)
 * or `%` style (`img_%05d.tif`).
 */
export function formatIndexTemplate(template: string, index: number): string {
  return /\{[^{}]*\}/.test(template.replaceAll("{{", "").replaceAll("}}", ""))
    ? braceFormat(template, [index])
    : percentFormat(template, [index]);
}
