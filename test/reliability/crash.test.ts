// Crash safety: a real `databroker serve` process takes concurrent POSTs of small whole runs and is killed
// with SIGKILL at a seeded random moment, then restarted on the same catalog, round after round (SQLite and
// PostgreSQL); a real `databroker ingest` of a 200-run JSON Lines file is killed the same way. Afterwards every
// acknowledged run (its POST answered 200) is stored whole, no run is partially visible, and SQLite's
// integrity_check is ok. DATABROKER_RELIABILITY_SCALE multiplies the rounds; DATABROKER_CRASH_SEED replays.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import Database from "better-sqlite3";
import type { DocumentPair } from "../../src/documents/types.ts";
import { seededRandom } from "../queries/randomQueries.ts";
import { type ServedProcess, spawnServer } from "../server/serveProcess.ts";
import { projectRoot } from "../support/sharedData.ts";
import { sharedPostgres } from "../support/sharedPostgres.ts";
import { checkCatalog, SCALE, seededUid, smallRun } from "./crashRuns.ts";

const SEED = Number(process.env.DATABROKER_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
const ROUNDS = 3 * SCALE;
const POSTERS = 4;
const API_KEY = "crash_test_key_0123456789";

console.log(`# crash seed ${SEED} (DATABROKER_CRASH_SEED=${SEED} replays), ${ROUNDS} rounds per catalog`);

function integrityOk(path: string): void {
  const db = new Database(path, { readonly: true });
  try {
    const rows = db.pragma("integrity_check") as Array<{ integrity_check: string }>;
    assert.deepEqual(
      rows.map((row) => row.integrity_check),
      ["ok"],
      `integrity_check (seed ${SEED})`,
    );
  } finally {
    db.close();
  }
}

function jsonSeq(pairs: DocumentPair[]): string {
  return pairs.map((pair) => JSON.stringify(pair)).join("\n");
}

interface Tally {
  sent: Map<string, DocumentPair[]>;
  acknowledged: Set<string>;
  posts: number;
  answered: Record<string, number>;
}

/** POSTs 1-3 new runs at a time until the server stops answering; records what a 200 acknowledged. */
async function poster(server: ServedProcess, random: () => number, tally: Tally, dead: () => boolean) {
  while (!dead()) {
    const runs: DocumentPair[][] = [];
    const count = 1 + Math.floor(random() * 3);
    for (let i = 0; i < count; i++) {
      const uid = seededUid(random);
      const run = smallRun(uid, tally.sent.size, 2 + Math.floor(random() * 20));
      tally.sent.set(uid, run);
      runs.push(run);
    }
    tally.posts++;
    let status = "no answer";
    try {
      const response = await fetch(`${server.url}/api/v1/documents/`, {
        method: "POST",
        headers: { "content-type": "application/json-seq", authorization: `Apikey ${API_KEY}` },
        body: jsonSeq(runs.flat()),
      });
      await response.arrayBuffer();
      status = String(response.status);
      if (response.status === 200)
        for (const run of runs) tally.acknowledged.add((run[0][1] as { uid: string }).uid);
    } catch (error) {
      if (!dead()) throw error;
    }
    tally.answered[status] = (tally.answered[status] ?? 0) + 1;
    // An answer other than 200 is a failure even when the kill follows it (only no answer is expected).
    assert.ok(status === "200" || status === "no answer", `POST answered ${status} (seed ${SEED})`);
  }
}

async function crashRounds(name: string, uri: string, random: () => number): Promise<Tally> {
  const tally: Tally = { sent: new Map(), acknowledged: new Set(), posts: 0, answered: {} };
  for (let round = 0; round < ROUNDS; round++) {
    const server = await spawnServer(["serve", "--catalog", uri, "--api-key", API_KEY]);
    let killed = false;
    const exited = once(server.child, "exit");
    const posting = Array.from({ length: POSTERS }, () =>
      poster(server, random, tally, () => killed || server.child.exitCode !== null),
    );
    // The kill lands anywhere from before the first POST is read to well into a burst of them.
    await new Promise((resolve) => setTimeout(resolve, 20 + random() * 700));
    killed = true;
    server.child.kill("SIGKILL");
    await exited;
    await Promise.all(posting);
  }
  const verdict = await checkCatalog(uri, tally.sent, tally.acknowledged, `${name} (seed ${SEED})`);
  console.log(
    `# crash ${name}: ${ROUNDS} kill -9 rounds, ${tally.posts} POSTs (${JSON.stringify(tally.answered)}), ` +
      `${tally.sent.size} runs sent, ${tally.acknowledged.size} acknowledged, all whole; ` +
      `${verdict.unacknowledgedWhole} unacknowledged runs stored whole, ${verdict.stored} stored, lost/partial 0`,
  );
  assert.ok(
    tally.acknowledged.size > 0,
    `${name}: some POST must be acknowledged before a kill (seed ${SEED})`,
  );
  return tally;
}

function runIngest(file: string, catalog: string) {
  const child = spawn(
    process.execPath,
    [join(projectRoot, "bin/databroker.js"), "ingest", file, "--catalog", catalog, "--quiet"],
    { cwd: projectRoot, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  return { child, exited: once(child, "exit"), output: () => output };
}

/** Resolves once the catalog at `path` holds more than `above` runs (polled read-only), or `exited()`. */
async function runStored(path: string, exited: () => boolean, above = 0): Promise<void> {
  while (!exited()) {
    try {
      const db = new Database(path, { readonly: true, fileMustExist: true });
      try {
        const { n } = db.prepare("SELECT count(*) AS n FROM runs").get() as { n: number };
        if (n > above) return;
      } finally {
        db.close();
      }
    } catch {
      // Not created yet, or its schema not yet written.
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("crash safety (kill -9)", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "databroker-crash-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("serve on SQLite: concurrent POSTs, SIGKILL, restart; acknowledged runs whole, none partial", async () => {
    const path = join(dir, "serve.sqlite");
    await crashRounds("serve SQLite", path, seededRandom(SEED));
    integrityOk(path);
  });

  test("serve on PostgreSQL: concurrent POSTs, SIGKILL, restart; acknowledged runs whole, none partial", async () => {
    const uri = await (await sharedPostgres()).createDatabase();
    await crashRounds("serve PostgreSQL", uri, seededRandom(SEED + 1));
  });

  test("ingest of 200 runs killed mid-file: stored runs whole; ingest again stores them all", async () => {
    const random = seededRandom(SEED + 2);
    const sent = new Map<string, DocumentPair[]>();
    const lines: string[] = [];
    for (let i = 0; i < 200; i++) {
      const uid = seededUid(random);
      const run = smallRun(uid, i, 2 + Math.floor(random() * 20));
      sent.set(uid, run);
      for (const pair of run) lines.push(JSON.stringify(pair));
    }
    const file = join(dir, "runs.jsonl");
    writeFileSync(file, `${lines.join("\n")}\n`);

    // How long a whole ingest spends storing here (from its first run stored), so the kills land inside it.
    const timing = join(dir, "timing.sqlite");
    const whole = runIngest(file, timing);
    await runStored(timing, () => whole.child.exitCode !== null);
    const began = performance.now();
    const [timingCode] = await whole.exited;
    assert.equal(timingCode, 0, whole.output());
    const duration = performance.now() - began;

    const catalog = join(dir, "ingest.sqlite");
    const rounds = 2 * SCALE;
    let completed = 0;
    let storedBefore = 0;
    for (let round = 0; round < rounds; round++) {
      const ingest = runIngest(file, catalog);
      // Each round skips the runs stored already: the kill lands after it has stored one more.
      await runStored(catalog, () => ingest.child.exitCode !== null, storedBefore);
      await new Promise((resolve) => setTimeout(resolve, (random() * duration * (200 - storedBefore)) / 200));
      if (ingest.child.exitCode === null) ingest.child.kill("SIGKILL");
      const [code] = await ingest.exited;
      if (code === 0) completed++;
      const verdict = await checkCatalog(catalog, sent, new Set(), `ingest round ${round} (seed ${SEED})`);
      integrityOk(catalog);
      storedBefore = verdict.stored;
      console.log(
        `# crash ingest round ${round}: killed with ${verdict.stored} of 200 runs stored, all whole`,
      );
    }
    const last = runIngest(file, catalog);
    const [code] = await last.exited;
    assert.equal(code, 0, last.output());
    const verdict = await checkCatalog(catalog, sent, new Set(sent.keys()), `ingest re-run (seed ${SEED})`);
    assert.equal(verdict.stored, 200);
    integrityOk(catalog);
    console.log(
      `# crash ingest: whole ingest stores for ${Math.round(duration)} ms, ${rounds} kill -9 rounds ` +
        `(${completed} finished before the kill), re-run stored all 200 whole, lost/partial 0`,
    );
  });
});
