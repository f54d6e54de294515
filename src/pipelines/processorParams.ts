// A processor's parameters from `--param k=v` texts: each known name parsed by its parameter, repeatable ones
// collected, defaults filled in, unknown or missing ones refused with a message naming what is expected.
import { ValidationError } from "../errors.ts";
import type { ParamValue, Processor, ProcessorParam, ProcessorParams } from "./Processor.ts";

/** `name=value (help)` for every parameter: what an error message lists. */
export function expectedParams(processor: Processor): string {
  if (processor.params.length === 0) return `${processor.name} takes no parameters`;
  const each = processor.params.map((param) => {
    const given = param.default === undefined ? "required" : `default ${JSON.stringify(param.default)}`;
    return `${param.name}=<${param.help}> (${given}${param.repeatable ? ", repeatable" : ""})`;
  });
  return `${processor.name} takes ${each.join("; ")}`;
}

function refuse(processor: Processor, problem: string): never {
  throw new ValidationError(`${problem}; ${expectedParams(processor)}`);
}

function parsed(processor: Processor, param: ProcessorParam, text: string): ParamValue {
  if (!param.parse) return text;
  try {
    return param.parse(text);
  } catch (error) {
    return refuse(processor, `bad --param ${param.name}=${text}: ${(error as Error).message}`);
  }
}

/** The parameters `k=v` texts give, checked against the processor's list; ValidationError otherwise. */
export function paramsFromText(processor: Processor, texts: readonly string[]): ProcessorParams {
  const given: ProcessorParams = {};
  for (const text of texts) {
    const at = text.indexOf("=");
    if (at <= 0) refuse(processor, `--param takes name=value, got ${JSON.stringify(text)}`);
    const name = text.slice(0, at);
    const param = processor.params.find((known) => known.name === name);
    if (!param) refuse(processor, `unknown parameter ${JSON.stringify(name)}`);
    const value = parsed(processor, param, text.slice(at + 1));
    if (param.repeatable) given[name] = [...((given[name] as ParamValue[] | undefined) ?? []), value];
    else if (name in given) refuse(processor, `--param ${name} given twice`);
    else given[name] = value;
  }
  return withDefaults(processor, given);
}

/** The given parameters with defaults filled in; unknown or missing ones refused. */
export function withDefaults(processor: Processor, given: ProcessorParams): ProcessorParams {
  const params: ProcessorParams = {};
  for (const name of Object.keys(given))
    if (!processor.params.some((param) => param.name === name))
      refuse(processor, `unknown parameter ${JSON.stringify(name)}`);
  for (const param of processor.params) {
    const value = given[param.name] ?? param.default;
    if (value === undefined) refuse(processor, `missing parameter ${param.name}`);
    params[param.name] = value;
  }
  return params;
}

/** Parsers shared by processors: a whole number of at least `least`, a comma-separated list of names. */
export function wholeNumber(least: number): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < least) throw new Error(`expected a whole number >= ${least}`);
    return value;
  };
}

export function nameList(text: string): string[] {
  const names = text
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
  if (names.length === 0) throw new Error("expected one or more names separated by commas");
  return names;
}
