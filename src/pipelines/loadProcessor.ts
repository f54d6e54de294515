// `--run NAME` or `--run ./file.ts`: a registered processor by name, or a user's module by path (a .ts file is
// loaded through tsx, which the command line runs on from the sources and registers on demand otherwise).
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { NotFoundError, ValidationError } from "../errors.ts";
import type { Processor } from "./Processor.ts";
import { processors } from "./processors/index.ts";

/** Text that names a module file rather than a registered processor. */
export function isModulePath(text: string): boolean {
  return /\.(ts|mts|js|mjs)$/.test(text) || text.includes("/");
}

function isProcessor(value: unknown): value is Processor {
  const candidate = value as Partial<Processor> | undefined;
  return (
    typeof candidate?.name === "string" &&
    typeof candidate.version === "string" &&
    Array.isArray(candidate.params) &&
    typeof candidate.create === "function"
  );
}

async function importModule(url: string, typescript: boolean): Promise<Record<string, unknown>> {
  try {
    return await import(url);
  } catch (error) {
    // Without tsx's loader (the built package), Node cannot read TypeScript: register it and try again.
    if (!typescript || (error as NodeJS.ErrnoException).code !== "ERR_UNKNOWN_FILE_EXTENSION") throw error;
    const { register } = await import("tsx/esm/api");
    register();
    return await import(url);
  }
}

/** The processor a module exports (default, or `processor`). */
export async function processorFromModule(path: string): Promise<Processor> {
  const absolute = resolve(path);
  let module: Record<string, unknown>;
  try {
    module = await importModule(pathToFileURL(absolute).href, /\.m?ts$/.test(absolute));
  } catch (error) {
    if (
      (error as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND" &&
      !(error as Error).message.includes(absolute)
    )
      throw new ValidationError(`processor module ${path} could not be loaded: ${(error as Error).message}`);
    if ((error as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND")
      throw new NotFoundError(`no processor module ${path}`);
    throw new ValidationError(`processor module ${path} could not be loaded: ${(error as Error).message}`);
  }
  const exported = module.default ?? module.processor;
  if (!isProcessor(exported))
    throw new ValidationError(
      `${path} exports no processor: export default {name, version, summary, params, create(params, output)}`,
    );
  return exported;
}

/** The processor `--run` names: a registered one, or a module file. */
export async function loadProcessor(text: string): Promise<Processor> {
  return isModulePath(text) ? processorFromModule(text) : processors.named(text);
}
