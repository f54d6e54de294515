// The directories external detector files may be read from. A path is inside a root when, after `..` and
// symlinks are resolved on both sides, the root is a whole-segment prefix of it (`/data` holds `/data/x`,
// never `/data2/x`). Reads compare real paths; ingest, whose files may not exist yet, compares the path as
// written and the real path of the part of it that exists.
import { realpathSync } from "node:fs";
import { dirname, resolve, sep } from "node:path";

/** Whether `path` is `root` or lies under it; both absolute and normalized. */
function within(root: string, path: string): boolean {
  if (path === root) return true;
  return path.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);
}

function realpathOrUndefined(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/**
 * An absolute path with symlinks resolved as far as it exists: the real path of its deepest existing
 * ancestor, followed by the rest as written. `exists` tells whether the whole path was found.
 */
function resolveExisting(path: string): { resolved: string; exists: boolean } {
  let existing = resolve(path);
  let real = realpathOrUndefined(existing);
  const exists = real !== undefined;
  while (real === undefined && dirname(existing) !== existing) {
    existing = dirname(existing);
    real = realpathOrUndefined(existing);
  }
  const rest = resolve(path)
    .slice(existing.length)
    .replace(/^[/\\]+/, "");
  return { resolved: rest === "" ? (real ?? existing) : resolve(real ?? existing, rest), exists };
}

export class FileRoots {
  /** The roots as configured, absolute and normalized (relative ones resolved against the working directory). */
  readonly paths: readonly string[];
  /** Real paths of the roots that exist; one that does not exist yet is looked up again next time. */
  private readonly realRoots = new Map<string, string>();

  constructor(roots: Iterable<string>) {
    this.paths = [...new Set([...roots].filter((root) => root !== "").map((root) => resolve(root)))];
  }

  /** The roots with symlinks resolved (a root that exists is remembered, one that does not is looked up again). */
  private real(): string[] {
    return this.paths.map((root) => {
      let real = this.realRoots.get(root);
      if (real === undefined) {
        const found = resolveExisting(root);
        if (found.exists) this.realRoots.set(root, found.resolved);
        real = found.resolved;
      }
      return real;
    });
  }

  /**
   * The real path of `path` when it exists and lies inside a root; undefined when it is missing or outside
   * (callers answer both alike, so that nobody learns which files exist elsewhere).
   */
  locate(path: string): string | undefined {
    const real = realpathOrUndefined(resolve(path));
    return real !== undefined && this.real().some((root) => within(root, real)) ? real : undefined;
  }

  /**
   * Whether a path that may not exist yet would be inside a root: as written (`..` resolved) and, through
   * the part of it that exists, after symlinks (a link inside a root to a folder outside does not count).
   */
  admits(path: string): boolean {
    const absolute = resolve(path);
    if (!this.paths.some((root) => within(root, absolute))) return false;
    const { resolved } = resolveExisting(absolute);
    return this.real().some((root) => within(root, resolved));
  }
}
