// Runs the `databroker` command as users do (a child process from the project root), for the storage
// commands' tests.
import { spawnSync } from "node:child_process";
import { projectRoot } from "../support/sharedData.ts";

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Long enough for a busy machine; a command that hangs fails its test (exit code null) instead of the suite. */
const HANG_MS = 120_000;

export function databroker(args: string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const result = spawnSync(process.execPath, ["bin/databroker.js", ...args], {
    cwd: projectRoot,
    timeout: HANG_MS,
    encoding: "utf8",
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The same, with stdout as bytes (binary output formats). */
export function databrokerBytes(args: string[]): { code: number | null; stdout: Buffer; stderr: string } {
  const result = spawnSync(process.execPath, ["bin/databroker.js", ...args], {
    cwd: projectRoot,
    timeout: HANG_MS,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr.toString("utf8") };
}
