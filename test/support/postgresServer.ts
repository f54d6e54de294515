// A real, throwaway PostgreSQL 15 server for tests and benchmarks: initdb into a fresh temp dir, pg_ctl on a
// free loopback port (its unix socket in the same dir), a database per suite, stopped and deleted afterwards.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

/** Where Debian's postgresql-15 puts the server binaries (not on PATH); PG_BINDIR overrides it. */
export const POSTGRES_BINDIR = process.env.PG_BINDIR ?? "/usr/lib/postgresql/15/bin";

export interface ServerOptions {
  /**
   * fsync and synchronous commit, as a production server runs (benchmarks). Tests leave it off: a throwaway
   * server needs no crash safety, and the suites run several times faster without it.
   */
  durable?: boolean;
}

export interface PostgresServer {
  readonly port: number;
  readonly dataDir: string;
  /** A URI of a database on this server (created by `createDatabase`, or `postgres`). */
  uri(database?: string): string;
  /** Creates a fresh UTF-8 database and returns its URI. */
  createDatabase(name?: string): Promise<string>;
  stop(): void;
}

function requireBinaries(): void {
  for (const tool of ["initdb", "pg_ctl", "postgres"]) {
    if (!existsSync(join(POSTGRES_BINDIR, tool))) {
      throw new Error(
        `PostgreSQL 15 server binaries not found (${join(POSTGRES_BINDIR, tool)} is missing): install Debian's ` +
          "postgresql package, e.g. `bash scripts/provision.sh` as root (npm test runs it), or set PG_BINDIR",
      );
    }
  }
}

/** initdb and the server refuse to run as root: run them as the `postgres` system user then. */
function asServerUser(tool: string, args: string[]): string[] {
  const path = join(POSTGRES_BINDIR, tool);
  return process.getuid?.() === 0 ? ["runuser", "-u", "postgres", "--", path, ...args] : [path, ...args];
}

function run(tool: string, args: string[]): void {
  const [command, ...rest] = asServerUser(tool, args);
  const result = spawnSync(command, rest, { encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(
      `${tool} ${args.join(" ")} failed (${result.status ?? result.signal}): ${result.stderr || result.stdout}`,
    );
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

const running = new Set<() => void>();
// A test process that dies before its `after` hook still takes its server down.
process.once("exit", () => {
  for (const stop of running) stop();
});

let databases = 0;

/** Starts a server; call `stop()` when done (an exiting process stops it too). */
export async function startPostgres(options: ServerOptions = {}): Promise<PostgresServer> {
  requireBinaries();
  const root = mkdtempSync(join(tmpdir(), "databroker-pg-"));
  const dataDir = join(root, "data");
  const socketDir = join(root, "socket");
  mkdirSync(socketDir);
  if (process.getuid?.() === 0) execFileSync("chown", ["-R", "postgres:postgres", root]);
  const removeRoot = () => rmSync(root, { recursive: true, force: true });
  try {
    // C collation and UTF-8: text compares by code point, as every adapter orders strings.
    run("initdb", ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
  } catch (error) {
    removeRoot();
    throw error;
  }
  const settings = [
    "-c listen_addresses=127.0.0.1",
    `-c unix_socket_directories=${socketDir}`,
    "-c max_connections=200",
    "-c shared_buffers=256MB",
    ...(options.durable ? [] : ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]),
  ];
  let port = 0;
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    try {
      run("pg_ctl", [
        "-D",
        dataDir,
        "-l",
        join(root, "server.log"),
        "-w",
        "-t",
        "60",
        "-o",
        [`-c port=${port}`, ...settings].join(" "),
        "start",
      ]);
      break;
    } catch (error) {
      // Another process may have taken the port between the probe and the start.
      if (attempt >= 3) {
        removeRoot();
        throw error;
      }
    }
  }
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    running.delete(stop);
    try {
      run("pg_ctl", ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
    } finally {
      removeRoot();
    }
  };
  running.add(stop);
  const uri = (database = "postgres") => `postgresql://postgres@127.0.0.1:${port}/${database}`;
  return {
    port,
    dataDir,
    uri,
    async createDatabase(name = `test_${process.pid}_${++databases}`) {
      const client = new pg.Client({ connectionString: uri() });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)} ENCODING 'UTF8' TEMPLATE template0`);
      } finally {
        await client.end();
      }
      return uri(name);
    },
    stop,
  };
}
