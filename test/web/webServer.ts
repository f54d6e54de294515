// A whole `databroker serve` process for the page's tests: a temporary SQLite catalog filled by the real
// `databroker ingest` with reference runs read in place (../shared/data), served on a free loopback port.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnServer } from "../server/serveProcess.ts";
import { dataPath, projectRoot } from "../support/sharedData.ts";
import { ensurePageBuilt } from "./pageBuild.ts";

/**
 * The runs served: tutorial scans with hints (the 8 whose 128x128 `newton` images no handler of ours reads),
 * USAXS scans, and a databroker-pack whose NPY_SEQ images are real files.
 */
const SOURCES = [
  dataPath("bluesky-tutorials", "example_data"),
  dataPath("apstools", "tests", "usaxs.json"),
  dataPath("databroker-pack", "simple_catalog"),
];

/**
 * The pack's Resources name their root by a relative key ("f8483b80..." -> external_files/f8483b80... in its
 * root_map): the server runs in external_files/, which it may read, so the key resolves to the real folder.
 */
const PACK_FILES = dataPath("databroker-pack", "simple_catalog", "external_files");

/** A run with a 2-D image per event, readable at /api/v1/array/full/<uid>/<stream>/data/<field>. */
export const IMAGE_RUN = {
  uid: "4e22852d-33b1-49d2-bf73-2b1478a8f0b4",
  stream: "primary",
  field: "img",
  /** Events x rows x columns: one event, a 10x10 image of ones. */
  shape: [1, 10, 10],
};

export interface WebServerOptions {
  /** Anyone may read without the key (`--public`). */
  public?: boolean;
  /** More document files or directories to ingest besides the reference runs. */
  extraSources?: string[];
  /** More folders the server may read external files from (`--file-root`), e.g. those of `extraSources`. */
  fileRoots?: string[];
  /**
   * Memberships to load (`databroker access load`, YAML as README "Access control" shows): the server is then
   * multi-user and `key` is not taken; sign in with the `userKeys` made for `users`.
   */
  memberships?: string;
  users?: string[];
  /** More `serve` options (say, the OIDC provider's). */
  serveArgs?: string[];
}

export interface WebServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The single-user key (unused once memberships are loaded). */
  key: string;
  /** An API key of each of `options.users`. */
  userKeys: Record<string, string>;
  /** Stops the server (SIGTERM) and removes the catalog. */
  stop(): Promise<void>;
}

/** Runs the command to its end; its standard output. */
function run(args: string[]): string {
  const result = spawnSync(process.execPath, [join(projectRoot, "bin", "databroker.js"), ...args], {
    cwd: projectRoot,
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`databroker ${args[0]} failed:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

export async function startWebServer(options: WebServerOptions = {}): Promise<WebServer> {
  ensurePageBuilt();
  const dir = mkdtempSync(join(tmpdir(), "databroker-web-server-"));
  const catalog = join(dir, "catalog.sqlite");
  const key = randomBytes(16).toString("hex");
  try {
    // A trusted import: the tutorials' and the pack's Resources place files outside the catalog's folder.
    const sources = [...SOURCES, ...(options.extraSources ?? [])];
    run(["ingest", ...sources, "--catalog", catalog, "--quiet", "--trust-resource-paths"]);
    const userKeys: Record<string, string> = {};
    if (options.memberships !== undefined) {
      writeFileSync(join(dir, "memberships.yaml"), options.memberships);
      run(["access", "load", join(dir, "memberships.yaml"), "--catalog", catalog]);
      // A new key's secret is printed alone on the last line.
      for (const user of options.users ?? [])
        userKeys[user] = run(["keys", "create", "--catalog", catalog, "--user", user])
          .trim()
          .split("\n")
          .pop()!;
    }
    const roots = [PACK_FILES, ...(options.fileRoots ?? [])].flatMap((root) => ["--file-root", root]);
    const args = ["serve", "--catalog", catalog, "--api-key", key, ...roots, ...(options.serveArgs ?? [])];
    const served = await spawnServer(options.public ? [...args, "--public"] : args, {}, PACK_FILES);
    // Never left running, even when the test process ends without its `after` hooks.
    const killOnExit = () => served.child.kill("SIGKILL");
    process.once("exit", killOnExit);
    return {
      url: served.url,
      key,
      userKeys,
      async stop() {
        process.off("exit", killOnExit);
        await served.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
