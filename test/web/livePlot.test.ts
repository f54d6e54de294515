// The run page follows a run while it is acquired. Unit checks of the pieces that read the live stream (the
// SSE parser over any chunking, Python's NaN/Infinity tokens, events by stream), then Debian's Chromium
// against a real `databroker serve`: documents POSTed one request at a time appear on the plot without a
// reload and without re-reading the columns, the summary and the table count them, a hidden tab closes the
// stream and resumes after the last document, a dropped connection (a relay that cuts it) reconnects and
// resumes, leaving the run closes the stream, and the stop turns "Live" into "Run finished". A search
// watching for new runs counts those it finds as they start and shows them.
import assert from "node:assert/strict";
import { type AddressInfo, connect, createServer, type Socket } from "node:net";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { type SseMessage, SseParser } from "../../src/client/SseParser.ts";
import { LiveEvents } from "../../web/src/lib/liveEvents.ts";
import { parsePythonJson } from "../../web/src/lib/pythonJson.ts";
import { launchBrowser, recordProblems, screenshot } from "./browser.ts";
import { startWebServer, type WebServer } from "./webServer.ts";

describe("reading a live stream", () => {
  const STREAM =
    'retry: 1000\r\n\r\n: keep-alive\n\nid: 1\ndata: ["start", {"uid": "a"}]\n\n' +
    'id: 2\ndata: ["event", {"v": NaN, "s": "NaN \\" Infinity", "w": [-Infinity, Infinity]}]\n\n' +
    'event: end\ndata: {"last_seq":\ndata: 2}\n\n';

  test("the parser gives the same messages however the text is cut into chunks", () => {
    const whole = new SseParser().push(STREAM);
    assert.deepEqual(whole, [
      { event: "message", id: "1", data: '["start", {"uid": "a"}]' },
      {
        event: "message",
        id: "2",
        data: '["event", {"v": NaN, "s": "NaN \\" Infinity", "w": [-Infinity, Infinity]}]',
      },
      { event: "end", id: "2", data: '{"last_seq":\n2}' },
    ]);
    for (let size = 1; size <= 7; size++) {
      const parser = new SseParser();
      const messages: SseMessage[] = [];
      for (let i = 0; i < STREAM.length; i += size) messages.push(...parser.push(STREAM.slice(i, i + size)));
      assert.deepEqual(messages, whole, `chunks of ${size}`);
      assert.equal(parser.retryMs, 1000);
    }
    // A block the connection cut off is not a message.
    assert.deepEqual(new SseParser().push('id: 3\ndata: ["event", {'), []);
  });

  test("NaN and ±Infinity read as numbers outside strings and stay text inside them", () => {
    const [, doc] = parsePythonJson(whole(STREAM)[1].data) as [string, Record<string, unknown>];
    assert.ok(Number.isNaN(doc.v));
    assert.equal(doc.s, 'NaN " Infinity');
    assert.deepEqual(doc.w, [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY]);
    assert.deepEqual(parsePythonJson('{"a": [1, 2.5]}'), { a: [1, 2.5] });
  });

  test("events and event pages go to their descriptor's stream with their scalar values", () => {
    const events = new LiveEvents();
    events.add("descriptor", { uid: "d1", name: "primary" });
    events.add("descriptor", { uid: "d2", name: "baseline" });
    assert.equal(
      events.add("event", {
        descriptor: "d1",
        seq_num: 1,
        time: 10,
        data: { det: 3, img: "datum/0", on: true },
      }),
      "primary",
    );
    events.add("event_page", {
      descriptor: "d1",
      seq_num: [2, 3],
      time: [11, 12],
      data: { det: [4, 5], on: [false, true] },
    });
    events.add("event", { descriptor: "d2", seq_num: 1, time: 10, data: { T: 290 } });
    assert.equal(events.add("event", { descriptor: "unknown", seq_num: 1, time: 1, data: {} }), undefined);
    assert.deepEqual(events.of("primary"), [
      { seq: 1, time: 10, values: { det: 3, on: 1 } },
      { seq: 2, time: 11, values: { det: 4, on: 0 } },
      { seq: 3, time: 12, values: { det: 5, on: 1 } },
    ]);
    assert.deepEqual(events.counts(), { primary: 3, baseline: 1 });
  });
});

function whole(text: string): SseMessage[] {
  return new SseParser().push(text);
}

interface DroppingProxy {
  url: string;
  /** Cuts every open connection and refuses new ones (a network drop, a server restarting). */
  drop(): void;
  restore(): void;
  close(): Promise<void>;
}

/** A TCP relay on loopback between the browser and the server, whose connections the test can cut. */
async function droppingProxy(target: string): Promise<DroppingProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  let down = false;
  const relay = createServer((client) => {
    if (down) return client.destroy();
    const upstream = connect(Number(port), hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {}); // a cut connection: its peer is destroyed too
    }
    client.pipe(upstream).pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(relay.address() as AddressInfo).port}`,
    drop() {
      down = true;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      down = false;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => relay.close(() => resolve()));
    },
  };
}

describe("live data in the page", () => {
  let server: WebServer;
  let proxy: DroppingProxy;
  let browser: Browser;
  before(async () => {
    server = await startWebServer();
    proxy = await droppingProxy(server.url);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await proxy?.close();
    await server?.stop();
  });

  const uid = "3a7c1e52-8b4d-4f6e-9a0b-1c2d3e4f5a6b";
  const descriptor = "4b8d2f63-9c5e-4a7f-8b1c-2d3e4f5a6b7c";
  const T0 = 1_810_000_000;

  /** Stores documents through the API, as a RunEngine's callback would: one request, one commit. */
  async function post(body: string): Promise<void> {
    const response = await fetch(`${server.url}/api/v1/documents/`, {
      method: "POST",
      body,
      headers: { authorization: `Apikey ${server.key}`, "content-type": "application/json" },
    });
    assert.equal(response.status, 200, await response.text());
  }
  const json = (docs: Array<[string, Record<string, unknown>]>) => JSON.stringify(docs);
  /** Event n: det = n², motor = n / 10 (det written by hand so that a NaN can be sent as Python does). */
  const event = (n: number, det = String(n * n)) =>
    `["event", {"uid": "${String(n).padStart(8, "0")}-5555-4666-8777-888888888888", "descriptor": "${descriptor}", ` +
    `"time": ${T0 + n}, "seq_num": ${n}, "data": {"det": ${det}, "motor": ${n / 10}}, ` +
    `"timestamps": {"det": ${T0 + n}, "motor": ${T0 + n}}}]`;
  const events = (from: number, to: number) =>
    `[${Array.from({ length: to - from + 1 }, (_, i) => event(from + i)).join(",")}]`;

  const points = (page: Page, n: number) =>
    page
      .getByTestId("chart")
      .and(page.locator(`[data-points='${n}']`))
      .waitFor({ timeout: 15_000 });
  const status = (page: Page, text: string) =>
    page.getByTestId("live-status").filter({ hasText: text }).waitFor({ timeout: 15_000 });

  test("new points appear without reloading; the stream resumes after a hidden tab and a drop; the stop ends it", async () => {
    await post(
      json([
        [
          "start",
          {
            uid,
            time: T0,
            scan_id: 4242,
            plan_name: "scan",
            detectors: ["det"],
            motors: ["motor"],
            hints: { dimensions: [[["motor"], "primary"]] },
          },
        ],
        [
          "descriptor",
          {
            uid: descriptor,
            run_start: uid,
            time: T0,
            name: "primary",
            data_keys: {
              det: { dtype: "number", shape: [], source: "SIM:det" },
              motor: { dtype: "number", shape: [], source: "SIM:motor", units: "mm" },
            },
            hints: { det: { fields: ["det"] }, motor: { fields: ["motor"] } },
          },
        ],
      ]),
    );
    await post(events(1, 3));

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = recordProblems(page);
    const streamRequests: string[] = [];
    let columnReads = 0;
    let navigations = 0;
    page.on("request", (request) => {
      const url = new URL(request.url());
      if (url.pathname.startsWith("/api/v1/stream/run/")) streamRequests.push(url.search);
      if (url.pathname.startsWith("/api/v1/array/")) columnReads++;
    });
    page.on("framenavigated", (frame) => {
      if (frame === page.mainFrame()) navigations++;
    });
    await page.goto(`${proxy.url}/run/${uid}?api_key=${server.key}`);
    await status(page, "Live");
    await points(page, 3);
    const readsBefore = columnReads;
    const navigationsBefore = navigations;

    // One event per request, as a scan acquires them: each is drawn without a reload or a re-read.
    for (let n = 4; n <= 7; n++) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await post(`[${event(n)}]`);
      await points(page, n);
    }
    assert.equal(columnReads, readsBefore, "appended from the stream, not read again");
    assert.equal(navigations, navigationsBefore, "no reload");
    await page.getByTestId("summary").filter({ hasText: "primary: 7" }).waitFor();
    await page
      .locator("select[name=stream] option")
      .filter({ hasText: "primary (7 events)" })
      .waitFor({ state: "attached" });
    await screenshot(page, "live-plot");
    // A NaN (as Python writes it) is counted as an event but not drawn as a point.
    await post(`[${event(8, "NaN")}]`);
    await page.getByTestId("summary").filter({ hasText: "primary: 8" }).waitFor();
    await points(page, 7);

    // A hidden tab closes the stream; shown again, it resumes after the last document it had (seq 10).
    const setVisibility = (state: "hidden" | "visible") =>
      page.evaluate(`(() => {
        Object.defineProperty(document, "visibilityState", { value: "${state}", configurable: true });
        document.dispatchEvent(new Event("visibilitychange"));
      })()`);
    await setVisibility("hidden");
    await post(events(9, 10));
    await setVisibility("visible");
    await points(page, 9);
    assert.equal(streamRequests.at(-1), "?after=10", streamRequests.join(" "));

    // A dropped connection: the page says so, and comes back where it left off once the server answers again.
    proxy.drop();
    await status(page, "Reconnecting");
    await post(events(11, 12));
    proxy.restore();
    await status(page, "Live");
    await points(page, 11);
    assert.equal(streamRequests.at(-1), "?after=12", streamRequests.join(" "));
    assert.equal(columnReads, readsBefore, "resumed, not read again");

    // The table tab counts the events received live.
    await page.getByRole("tab", { name: "Table" }).click();
    await page.getByTestId("table-page").filter({ hasText: "of 12" }).waitFor();
    await post(`[${event(13)}]`);
    await page.getByTestId("table-page").filter({ hasText: "of 13" }).waitFor({ timeout: 15_000 });
    await page.getByRole("tab", { name: "Plot" }).click();
    await points(page, 12);

    // Leaving the run closes its stream; coming back reads the run and follows it afresh, each point once.
    const closed = page.waitForEvent("requestfailed", {
      predicate: (request) => request.url().includes(`/api/v1/stream/run/${uid}`),
    });
    await page.locator("a.brand").click();
    assert.equal((await closed).failure()?.errorText, "net::ERR_ABORTED");
    await page.getByTestId("result-count").waitFor();
    await page.goBack();
    await status(page, "Live");
    await points(page, 12);
    assert.equal(streamRequests.at(-1), "?after=0", streamRequests.join(" "));

    await post(
      json([
        [
          "stop",
          {
            uid: "5c9e3a74-0d6f-4b8a-9c2d-3e4f5a6b7c8d",
            run_start: uid,
            time: T0 + 20,
            exit_status: "success",
          },
        ],
      ]),
    );
    await status(page, "Run finished");
    await page.getByTestId("summary").filter({ hasText: "success" }).waitFor({ timeout: 15_000 });
    assert.equal(await page.getByRole("status").filter({ hasText: "Live" }).count(), 0);
    await screenshot(page, "live-plot-finished");
    // The drop failed the open stream and the attempts made meanwhile; nothing else went wrong.
    assert.deepEqual(
      problems.filter((p) => !p.includes(`/api/v1/stream/run/${uid}`)),
      [],
    );
    await page.close();
  });

  test("a search watching for new runs announces those it finds as they start, and shows them", async () => {
    const start = (id: string, plan: string) =>
      json([["start", { uid: id, time: T0 + 100, plan_name: plan }]]);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = recordProblems(page);
    await page.goto(`${server.url}/?q=${encodeURIComponent('plan_name == "watched"')}&api_key=${server.key}`);
    await page
      .getByTestId("result-count")
      .filter({ hasText: /^0 runs$/ })
      .waitFor();
    await page.getByLabel("Watch for new runs").check();
    await page.getByTestId("new-runs").and(page.locator("[data-ready=yes]")).waitFor();
    assert.equal(new URL(page.url()).searchParams.get("watch"), "1");

    // A run the search does not find is not announced; the ones it finds are counted as they start.
    await post(start("6d0f4b85-1e7a-4c9b-8d3e-4f5a6b7c8d9e", "not watched"));
    await post(start("7e1a5c96-2f8b-4dac-9e4f-5a6b7c8d9e0f", "watched"));
    await page.getByRole("button", { name: "1 new run — show" }).waitFor({ timeout: 15_000 });
    await post(start("8f2b6da7-3a9c-4ebd-8f5a-6b7c8d9e0f1a", "watched"));
    await page.getByRole("button", { name: "2 new runs — show" }).waitFor({ timeout: 15_000 });
    await screenshot(page, "live-new-runs");
    await page.getByRole("button", { name: "2 new runs — show" }).click();
    await page
      .getByTestId("result-count")
      .filter({ hasText: /^2 runs$/ })
      .waitFor();
    assert.equal(await page.getByRole("button", { name: /new runs? — show/ }).count(), 0);
    // Unticked, the stream is closed: nothing is announced.
    await page.getByLabel("Watch for new runs").uncheck();
    assert.equal(new URL(page.url()).searchParams.get("watch"), null);
    assert.deepEqual(problems, []);
    await page.close();
  });
});
