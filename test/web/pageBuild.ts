// The built page the browser tests run: dist/web, rebuilt (`build.mjs --web`, about a second) whenever a file
// under web/ is newer than its index.html, so that a test never runs a stale page.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../support/sharedData.ts";

export const WEB_DIST = join(projectRoot, "dist", "web");

function newestTime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestTime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function builtTime(): number {
  try {
    return statSync(join(WEB_DIST, "index.html")).mtimeMs;
  } catch {
    return -1;
  }
}

export function ensurePageBuilt(): void {
  if (newestTime(join(projectRoot, "web")) <= builtTime()) return;
  const result = spawnSync(process.execPath, [join(projectRoot, "scripts", "build.mjs"), "--web"], {
    cwd: projectRoot,
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`the web page did not build:\n${result.stdout}${result.stderr}`);
}
