// `--run NAME` or `--run ./file.ts`: a registered processor by name, or a user's module by path (a .ts file is
// loaded through tsx, which the command line runs on from the sources and registers on demand otherwise).
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { NotFoundError, UnsupportedError, ValidationError } from "../errors.ts";
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

const TSX_API: string = "tsx/esm/api";

/**
 * The module at `url`. TypeScript goes through tsx's `tsImport`, which reads a lone .ts file as a module
 * whatever package.json (or none) is beside it, where a plain import would take it for CommonJS.
 */
async function importModule(url: string, typescript: boolean): Promise<Record<string, unknown>> {
  if (!typescript) return await import(url);
  let tsx: typeof import("tsx/esm/api");
  try {
    // Named through a variable so the build leaves tsx (a development package) out of dist/cli.js.
    tsx = await import(TSX_API);
  } catch {
    throw new UnsupportedError(
      "loading a TypeScript processor needs the tsx package: install it, or give a .js module",
    );
  }
  return (await tsx.tsImport(url, import.meta.url)) as Record<string, unknown>;
}

/** A module's processor: its default export or `processor`, looking through CommonJS interop's extra `default`. */
function exportedProcessor(module: Record<string, unknown>): unknown {
  for (const candidate of [module.default, module.processor]) {
    if (isProcessor(candidate)) return candidate;
    const inner = candidate as { default?: unknown; processor?: unknown } | undefined;
    if (isProcessor(inner?.default)) return inner.default;
    if (isProcessor(inner?.processor)) return inner.processor;
  }
  return undefined;
}

/** The processor a module exports (default, or `processor`). */
export async function processorFromModule(path: string): Promise<Processor> {
  const absolute = resolve(path);
  if (!existsSync(absolute)) throw new NotFoundError(`no processor module ${path}`);
  let module: Record<string, unknown>;
  try {
    module = await importModule(pathToFileURL(absolute).href, /\.m?ts$/.test(absolute));
  } catch (error) {
    throw new ValidationError(`processor module ${path} could not be loaded: ${(error as Error).message}`);
  }
  const exported = exportedProcessor(module);
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
