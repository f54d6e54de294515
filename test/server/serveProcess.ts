// Runs `databroker serve` / `databroker start` as a real child process and reads the ready lines it prints
// (base URL and API key), for the tests of the command line's server.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { type AddressInfo, createServer } from "node:net";
import { join } from "node:path";
import { projectRoot } from "../support/sharedData.ts";

export interface ServedProcess {
  child: ChildProcess;
  url: string;
  apiKey: string;
  /** Everything printed on stdout so far. */
  output(): string;
  /** Everything printed on stderr so far. */
  errors(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** A port free now (for a server that must come back on the same port after a restart). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, "close");
  return port;
}

export async function spawnServer(
  args: string[],
  env: Record<string, string> = {},
  cwd = projectRoot,
  /** The --port flag given (null: none, the port then comes from the environment or the configuration). */
  port: number | null = 0,
): Promise<ServedProcess> {
  const child = spawn(
    process.execPath,
    [join(projectRoot, "bin/databroker.js"), ...args, ...(port === null ? [] : ["--port", String(port)])],
    {
      cwd,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stdout = "";
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  const ready = new Promise<{ url: string; apiKey: string }>((resolve, reject) => {
    child.stdout?.on("data", (chunk) => {
      stdout += chunk;
      const url = /is serving .* at (http:\/\/\S+?)\/?(\s|$)/.exec(stdout)?.[1];
      // With access control no single-user key is printed: ready once the last line is out.
      const apiKey = /API key:\s+(\w+)/.exec(stdout)?.[1] ?? "";
      if (url && stdout.includes("Press Ctrl+C")) resolve({ url, apiKey });
    });
    child.once("exit", (code) => reject(new Error(`server exited (${code}) before it was ready: ${stderr}`)));
  });
  const { url, apiKey } = await ready;
  return {
    child,
    url,
    apiKey,
    output: () => stdout,
    errors: () => stderr,
    async stop() {
      // Already gone (exited, or killed by a signal: exitCode is then null and signalCode set).
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      const [code] = await exited;
      return code as number | null;
    },
  };
}
