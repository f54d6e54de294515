// `databroker serve` and `databroker start` as real processes: the printed URL and key, 401 without a key,
// the key as header, parameter and cookie, --public reading anonymously while writing still needs the key,
// start seeding an empty catalog once with example runs that list, read as CSV and fill their HDF5 images.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Broker } from "../../src/broker/index.ts";
import { exampleRuns } from "../../src/examples/seedExampleRuns.ts";
import { dataPath, projectRoot } from "../support/sharedData.ts";
import { type ServedProcess, spawnServer } from "./serveProcess.ts";

const TUTORIAL_RUN = dataPath("bluesky-tutorials/example_data/0bffac43-2002-40b5-a9a5-e1aa6debf59f.jsonl");

interface SearchPage {
  data: Array<{ id: string; attributes: { metadata: { start: { plan_name: string } } } }>;
}

async function searchPage(response: Response): Promise<SearchPage> {
  return (await response.json()) as SearchPage;
}

function get(server: ServedProcess, path: string, headers: Record<string, string> = {}) {
  return fetch(`${server.url}${path}`, { headers });
}

function postRun(server: ServedProcess, headers: Record<string, string>) {
  return fetch(`${server.url}/api/v1/documents/`, {
    method: "POST",
    headers: { "content-type": "application/json-seq", ...headers },
    body: readFileSync(TUTORIAL_RUN),
  });
}

describe("databroker serve", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "databroker-serve-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("single-user mode: a printed random key; data needs it as header, parameter or cookie", async () => {
    const server = await spawnServer(["serve", "--catalog", join(dir, "private.sqlite")], {
      DATABROKER_API_KEY: "",
    });
    try {
      assert.match(server.apiKey, /^\w{32,}$/);
      assert.match(server.output(), new RegExp(`${server.url}/\\?api_key=${server.apiKey}`));
      assert.match(server.output(), new RegExp(`from_uri\\("${server.url}", api_key="${server.apiKey}"\\)`));

      assert.equal((await get(server, "/api/v1/")).status, 200, "About is public");
      const refused = await get(server, "/api/v1/search/");
      assert.equal(refused.status, 401);
      assert.ok(refused.headers.get("www-authenticate"));
      assert.equal(typeof ((await refused.json()) as { detail: unknown }).detail, "string");
      assert.equal(
        (await get(server, "/api/v1/search/", { authorization: "Apikey wrong_key_123" })).status,
        401,
      );

      const byHeader = await get(server, "/api/v1/search/", { authorization: `Apikey ${server.apiKey}` });
      assert.equal(byHeader.status, 200);
      const byParameter = await get(server, `/api/v1/search/?api_key=${server.apiKey}`);
      assert.equal(byParameter.status, 200);
      // A browser that opened the printed URL keeps browsing with the cookie it was given.
      const opened = await get(server, `/?api_key=${server.apiKey}`);
      const cookie = opened.headers.get("set-cookie")?.split(";")[0] ?? "";
      assert.ok(cookie.startsWith("tiled_api_key="));
      assert.equal((await get(server, "/api/v1/search/", { cookie })).status, 200);
      // ...but a cookie never writes (another site's page could make the browser send it).
      assert.equal((await postRun(server, { cookie })).status, 403);
      assert.equal((await postRun(server, { authorization: `Apikey ${server.apiKey}` })).status, 200);
      assert.equal(await server.stop(), 0, "SIGTERM closes the server and the catalog cleanly");
    } finally {
      await server.stop();
    }
    // The catalog was closed properly: it opens again and holds the run posted.
    const broker = await Broker.open(join(dir, "private.sqlite"));
    assert.equal(await broker.count(), 1);
    await broker.close();
  });

  test("--public: anyone reads, writing still needs the key; the key comes from DATABROKER_API_KEY", async () => {
    const key = "environment_key_0123456789";
    const server = await spawnServer(["serve", "--catalog", join(dir, "public.sqlite"), "--public"], {
      DATABROKER_API_KEY: key,
    });
    try {
      assert.equal(server.apiKey, key);
      const search = await get(server, "/api/v1/search/");
      assert.equal(search.status, 200);
      assert.deepEqual((await searchPage(search)).data, []);
      const anonymous = await postRun(server, {});
      assert.equal(anonymous.status, 401);
      assert.ok(anonymous.headers.get("www-authenticate"));
      assert.equal((await postRun(server, { authorization: `Apikey ${key}` })).status, 200);
      assert.equal((await searchPage(await get(server, "/api/v1/search/"))).data.length, 1);
    } finally {
      await server.stop();
    }
  });

  test("--api-key gives the key; a key outside [A-Za-z0-9_] is refused at start-up", async () => {
    const server = await spawnServer(["serve", "--catalog", "memory:", "--api-key", "given_key_abcdefgh"]);
    try {
      assert.equal(server.apiKey, "given_key_abcdefgh");
      assert.equal(
        (await get(server, "/api/v1/search/", { authorization: "Apikey given_key_abcdefgh" })).status,
        200,
      );
    } finally {
      await server.stop();
    }
    await assert.rejects(
      spawnServer(["serve", "--catalog", "memory:", "--api-key", "has-dash-key"]),
      /A-Z, a-z, 0-9/,
    );
  });
});

test("a port already in use: one line saying so and how to choose another, exit code 2", async () => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
  const { port } = taken.address() as AddressInfo;
  try {
    const run = spawn(
      process.execPath,
      [join(projectRoot, "bin/databroker.js"), "serve", "--catalog", "memory:", "--port", String(port)],
      { cwd: projectRoot, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    run.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const [code] = await once(run, "exit");
    assert.equal(code, 2);
    assert.equal(
      stderr.trim(),
      `databroker: 127.0.0.1:${port} is already in use (another server?): choose another with --port`,
    );
  } finally {
    taken.close();
  }
});

describe("databroker start (npm start)", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "databroker-start-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("seeds an empty catalog once: the example runs list, a stream reads as CSV, images are filled", async () => {
    const catalog = join(dir, "catalog.sqlite");
    const expected = await exampleRuns(join(dir, "expected"));
    const uids = expected.map((run) => (run[0][1] as { uid: string }).uid);
    const first = await spawnServer(["start"], { DATABROKER_CATALOG: catalog });
    try {
      assert.match(first.output(), /seeded .* with 3 example runs/);
      const auth = { authorization: `Apikey ${first.apiKey}` };
      const page = await searchPage(await get(first, "/api/v1/search/", auth));
      assert.deepEqual(new Set(page.data.map((item: { id: string }) => item.id)), new Set(uids));
      const plans = page.data.map(
        (item: { attributes: { metadata: { start: { plan_name: string } } } }) =>
          item.attributes.metadata.start.plan_name,
      );
      assert.deepEqual(plans.sort(), ["count", "count", "scan"]);

      const csv = await get(first, `/api/v1/container/full/${uids[0]}/primary/data?format=csv`, auth);
      assert.equal(csv.status, 200);
      const lines = (await csv.text()).trim().split(/\r?\n/);
      assert.deepEqual(lines[0].split(","), ["time", "motor", "motor_setpoint", "det"]);
      assert.equal(lines.length, 1 + 51);
      const counts = lines.slice(1).map((line) => Number(line.split(",")[3]));
      const peakAt = counts.indexOf(Math.max(...counts));
      assert.ok(peakAt > 20 && peakAt < 35, `the peak sits near the middle of the scan (row ${peakAt})`);
    } finally {
      await first.stop();
    }
    // The HDF5 files were written beside the catalog and the images read back through the broker.
    const broker = await Broker.open(catalog);
    try {
      const image = await (await broker.run(2)).stream("primary").field("cam_image", { fill: true });
      assert.deepEqual(image.shape, [5, 48, 64]);
      const frames = await (await broker.run(3)).stream("primary").field("pilatus_image", { fill: true });
      assert.deepEqual(frames.shape, [8, 32, 32]);
    } finally {
      await broker.close();
    }
    const second = await spawnServer(["start"], { DATABROKER_CATALOG: catalog });
    try {
      assert.doesNotMatch(second.output(), /seeded/);
      const auth = { authorization: `Apikey ${second.apiKey}` };
      const page = await searchPage(await get(second, "/api/v1/search/", auth));
      assert.equal(page.data.length, 3, "no second copy of the examples");
    } finally {
      await second.stop();
    }
  });
});
