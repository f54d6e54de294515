// The web page as scientists use it, in Debian's Chromium against a real `databroker serve` on reference runs
// (USAXS tune scans, tutorial scans, a databroker-pack) plus a synthetic frame stack: sign in, search with the
// language and the filters, back/forward, a run's plot, overlays, images, the event table, downloads and
// annotations, a read-only public server, a live run. Every figure the page shows is checked against what
// the API answers for the same request; screenshots of each view go to test-results/web/.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { TestOidcProvider } from "../support/oidcProvider.ts";
import { launchBrowser, recordProblems, screenshot } from "./browser.ts";
import { FRAME_RUN, framePixels, writeFrameRun } from "./frameRun.ts";
import { IMAGE_RUN, startWebServer, type WebServer } from "./webServer.ts";

let server: WebServer;
let browser: Browser;
let frameDir: string;

before(async () => {
  frameDir = mkdtempSync(join(tmpdir(), "databroker-web-frames-"));
  const frameFile = writeFrameRun(frameDir);
  server = await startWebServer({ extraSources: [frameFile], fileRoots: [frameDir] });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(frameDir, { recursive: true, force: true });
});

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(`${server.url}${path}`, {
    ...init,
    headers: { authorization: `Apikey ${server.key}`, accept: "application/json", ...init.headers },
  });
  assert.ok(response.ok, `${path}: ${response.status} ${await response.clone().text()}`);
  return (await response.json()) as T;
}

interface SearchPage {
  data: Array<{ id: string; attributes: { metadata: { start: Record<string, unknown> } } }>;
  meta: { count: number };
}

function searchPath(text: string, extra = ""): string {
  return `/api/v1/search/?filter[query][condition][text]=${encodeURIComponent(text)}&page[limit]=300${extra}`;
}

async function countOf(text: string): Promise<number> {
  return (await api<SearchPage>(searchPath(text))).meta.count;
}

async function uidOf(text: string): Promise<string> {
  const page = await api<SearchPage>(searchPath(text));
  assert.equal(page.meta.count, 1, `exactly one run is ${text}`);
  return page.data[0].id;
}

/** A new browser page signed in through the printed sign-in URL, at `path`. */
async function openSignedIn(path: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems = recordProblems(page);
  await page.goto(`${server.url}${path}${path.includes("?") ? "&" : "?"}api_key=${server.key}`);
  await page.getByTestId("who").filter({ hasText: "Signed in as" }).waitFor();
  return { page, problems };
}

async function resultCount(page: Page): Promise<number> {
  const text = await page.getByTestId("result-count").filter({ hasNotText: /…/ }).textContent();
  const match = /^([\d,]+) runs?$/.exec(text ?? "");
  assert.ok(match, `a count, got ${JSON.stringify(text)}`);
  return Number(match[1].replaceAll(",", ""));
}

/** Waits until the result count shows `expected` (it updates after the URL does). */
async function waitForCount(page: Page, expected: number): Promise<void> {
  await page
    .getByTestId("result-count")
    .filter({ hasText: new RegExp(`^${expected.toLocaleString("en-US")} runs?$`) })
    .waitFor();
}

/** What a canvas holds: how many pixels are painted, how many colors, and a hash of its pixels. */
async function canvasStats(
  page: Page,
  selector: string,
): Promise<{ painted: number; colors: number; hash: number }> {
  return page.evaluate(`(() => {
    const canvas = document.querySelector(${JSON.stringify(selector)});
    const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
    let painted = 0, hash = 0;
    const colors = new Set();
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] > 0) painted++;
      colors.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
      hash = (hash * 31 + data[i] + data[i + 1] * 7 + data[i + 2] * 13) >>> 0;
    }
    return { painted, colors: colors.size, hash };
  })()`);
}

async function chartFigures(page: Page): Promise<{ points: number; series: number }> {
  const chart = page.getByTestId("chart");
  await chart.waitFor();
  return {
    points: Number(await chart.getAttribute("data-points")),
    series: Number(await chart.getAttribute("data-series")),
  };
}

describe("signing in", () => {
  test("a wrong key is refused with the server's reason; the right one signs in and shows the runs", async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await screenshot(page, "sign-in");
    await page.getByLabel("API key").fill("wrong_key_123456");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").filter({ hasText: "refused this key" }).waitFor();
    assert.match((await page.getByRole("alert").textContent()) ?? "", /invalid API key/);
    await page.getByLabel("API key").fill(server.key);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByTestId("who").filter({ hasText: "Signed in as single-user" }).waitFor();
    const total = (await api<SearchPage>("/api/v1/search/?page[limit]=1")).meta.count;
    await waitForCount(page, total);
    // Signing out forgets the key: the page asks for one again.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await page.close();
  });

  test("the printed sign-in URL signs in and leaves no key in the address bar or history", async () => {
    const { page, problems } = await openSignedIn("/");
    assert.equal(new URL(page.url()).searchParams.get("api_key"), null);
    await page.waitForLoadState("networkidle");
    assert.deepEqual(problems, []);
    await page.close();
  });
});

describe("searching", () => {
  test("the query language finds exactly what the API finds; a syntax error points at its column", async () => {
    const { page, problems } = await openSignedIn("/");
    const text = 'plan_name == "tune_mr" or (scan_id >= 11 and scan_id <= 13 and plan_name == "scan")';
    await page.locator("#query-text").fill(text);
    await page.getByRole("button", { name: "Search" }).click();
    const expected = await countOf(text);
    assert.ok(expected >= 4, "the reference data has these runs");
    await waitForCount(page, expected);
    assert.equal(await page.locator("[data-testid=results] tbody tr").count(), expected);
    assert.equal(new URL(page.url()).searchParams.get("q"), text);
    await screenshot(page, "search-language");

    await page.locator("#query-text").fill('plan_name == "scan" and');
    await page.getByRole("button", { name: "Search" }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    const message = (await alert.textContent()) ?? "";
    assert.match(message, /^The search failed400: .*column 24/s);
    assert.ok(
      problems.every((p) => /status of 400/.test(p)),
      problems.join("\n"),
    );
    await page.close();
  });

  test("quick filters, sorting and columns live in the URL; back and forward restore them", async () => {
    const { page } = await openSignedIn("/");
    const total = await resultCount(page);
    await page.locator("select[name=plan]").selectOption("scan");
    const scans = await countOf('plan_name == "scan"');
    await waitForCount(page, scans);
    assert.equal(new URL(page.url()).searchParams.get("plan"), "scan");

    await page.getByRole("button", { name: "scan_id", exact: true }).click();
    await page.locator("th[aria-sort=ascending]", { hasText: "scan_id" }).waitFor();
    const ascending = await api<SearchPage>(`${searchPath('plan_name == "scan"')}&sort=scan_id`);
    const firstScan = String(ascending.data[0].attributes.metadata.start.scan_id);
    assert.equal(
      await page.locator("[data-testid=results] tbody tr td:nth-child(2)").first().textContent(),
      firstScan,
    );

    await page.getByLabel("Add a column (start key)").fill("detectors");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await page.getByRole("columnheader", { name: /detectors/ }).waitFor();
    await screenshot(page, "search-filters");

    await page.goBack(); // the column added replaced its entry: back undoes the sort
    await page.locator("th[aria-sort=descending]", { hasText: "start" }).waitFor();
    await page.goBack();
    await waitForCount(page, total);
    assert.equal(await page.locator("select[name=plan]").inputValue(), "");
    await page.goForward();
    await waitForCount(page, scans);
    assert.equal(await page.locator("select[name=plan]").inputValue(), "scan");
    // The shared link opens the same view.
    const shared = await browser.newPage();
    await shared.goto(`${page.url()}&api_key=${server.key}`);
    await waitForCount(shared, scans);
    await shared.close();
    await page.close();
  });

  test("the date filters read days in the browser's time zone, as the API reads them with that zone", async () => {
    const { page } = await openSignedIn("/");
    await page.locator("input[name=since]").fill("2020-02-02");
    await page.locator("input[name=until]").fill("2020-02-02");
    const zone = (await page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone")) as string;
    const text = 'time >= "2020-02-02" and time < "2020-02-03"';
    const expected = (
      await api<SearchPage>(`${searchPath(text)}&filter[query][condition][tz]=${encodeURIComponent(zone)}`)
    ).meta.count;
    assert.ok(expected >= 6, "the tutorial scans of that day");
    await waitForCount(page, expected);
    assert.equal(new URL(page.url()).searchParams.get("since"), "2020-02-02");
    await page.close();
  });

  test("pages of results, and a search that finds nothing says so", async () => {
    const { page } = await openSignedIn("/?size=25");
    const total = await resultCount(page);
    assert.ok(total > 25);
    assert.equal(await page.locator("[data-testid=results] tbody tr").count(), 25);
    await page.getByRole("button", { name: "Next ›" }).first().click();
    await page.getByTestId("page-of").filter({ hasText: "Page 2" }).waitFor();
    await page.locator("[data-testid=results][aria-busy=false]").waitFor();
    assert.equal(await page.locator("[data-testid=results] tbody tr").count(), Math.min(25, total - 25));
    await page.locator("#query-text").fill('plan_name == "no such plan"');
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByRole("status").filter({ hasText: "No run matches this search." }).waitFor();
    await page.close();
  });
});

describe("a run", () => {
  test("summary and the default plot follow the hints: dimension vs. hinted detector, every point drawn", async () => {
    const uid = await uidOf('plan_name == "tune_mr"');
    const { page, problems } = await openSignedIn(`/?q=${encodeURIComponent('plan_name == "tune_mr"')}`);
    await page.locator("[data-testid=results] tbody tr a").first().click();
    await page.waitForURL(new RegExp(`/run/${uid}`));
    const summary = (await page.getByTestId("summary").textContent()) ?? "";
    assert.match(summary, new RegExp(uid));
    assert.match(summary, /primary: 31/);
    const { points, series } = await chartFigures(page);
    assert.deepEqual({ points, series }, { points: 31, series: 1 });
    assert.equal(await page.locator("select[name=x]").inputValue(), "m_stage_r");
    assert.ok(await page.getByRole("checkbox", { name: "I0_USAXS" }).isChecked());
    const drawn = await canvasStats(page, "[data-testid=chart] canvas");
    assert.ok(drawn.colors > 2, "the line is drawn on the canvas");
    await screenshot(page, "run-plot");

    // Another x, a second y, a log scale: all in the URL, all drawn.
    await page.locator("select[name=x]").selectOption("m_stage_r_user_setpoint");
    await page.getByRole("checkbox", { name: "scaler0_time" }).check();
    await page.getByRole("checkbox", { name: "log y" }).check();
    await page.getByTestId("chart").and(page.locator("[data-series='2']")).waitFor();
    assert.deepEqual(await chartFigures(page), { points: 62, series: 2 });
    const url = new URL(page.url());
    assert.equal(url.searchParams.get("x"), "m_stage_r_user_setpoint");
    assert.equal(url.searchParams.get("logy"), "1");
    assert.deepEqual(problems, []);
    await page.close();
  });

  test("overlaying another run compares the same field across scans", async () => {
    const first = await uidOf('plan_name == "tune_mr"');
    const second = await uidOf('plan_name == "TuneAxis.tune"');
    const { page } = await openSignedIn(`/run/${first}`);
    await chartFigures(page);
    await page.getByLabel(/Overlay a run/).fill(second.slice(0, 10));
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await page.getByTestId("chart").and(page.locator("[data-series='2']")).waitFor();
    assert.deepEqual(await chartFigures(page), { points: 62, series: 2 });
    assert.equal(new URL(page.url()).searchParams.get("overlay"), second);
    await screenshot(page, "run-overlay");
    await page.close();
  });

  test("an image field: pixels drawn from the files through the handlers, the frame slider changes them", async () => {
    const { page, problems } = await openSignedIn(`/run/${FRAME_RUN.uid}?tab=images`);
    const canvas = "[data-testid=image]";
    await page.getByTestId("cursor").filter({ hasText: "48 × 64 pixels" }).waitFor();
    const first = await canvasStats(page, canvas);
    assert.equal(first.painted, FRAME_RUN.height * FRAME_RUN.width);
    assert.ok(first.colors > 20, `a picture, not a flat color (${first.colors} colors)`);
    await page.locator("input[name=frame]").fill("3");
    await page.getByTestId("frame").filter({ hasText: "4 / 5" }).waitFor();
    await page.locator('[data-testid=image][aria-label$="frame 3"]').waitFor();
    await page.waitForLoadState("networkidle");
    const fourth = await canvasStats(page, canvas);
    assert.notEqual(fourth.hash, first.hash);
    // The cursor readout names the pixel under the pointer and its value in the file.
    const box = (await page.locator(canvas).boundingBox())!;
    await page.mouse.move(
      box.x + ((44 + 0.5) / FRAME_RUN.width) * box.width,
      box.y + ((24 + 0.5) / FRAME_RUN.height) * box.height,
    );
    const readout = (await page.getByTestId("cursor").filter({ hasText: "x 44, y 24" }).textContent()) ?? "";
    const shown = Number(readout.split(": ")[1]);
    const stored = framePixels(3)[24 * FRAME_RUN.width + 44];
    assert.ok(Math.abs(shown - stored) <= Math.abs(stored) * 1e-5, `${shown} vs ${stored}`);
    // A log stretch and another color map redraw the same frame differently.
    await page.getByRole("checkbox", { name: "log scale" }).check();
    await page.waitForURL(/stretch=log/);
    await page.locator("select[name=cmap]").selectOption("gray");
    await page.waitForURL(/cmap=gray/);
    let redrawn = await canvasStats(page, canvas);
    for (let i = 0; i < 50 && redrawn.hash === fourth.hash; i++) {
      await page.waitForTimeout(20); // the redraw follows the URL's change by a frame
      redrawn = await canvasStats(page, canvas);
    }
    assert.notEqual(redrawn.hash, fourth.hash);
    await screenshot(page, "run-image");
    assert.deepEqual(problems, []);
    await page.close();
  });

  test("a 1-D array per event is drawn as a line, one event at a time", async () => {
    const { page } = await openSignedIn(`/run/${FRAME_RUN.uid}?tab=images&field=cam_profile&frame=2`);
    await page
      .getByTestId("chart")
      .and(page.locator(`[data-points='${FRAME_RUN.width}']`))
      .waitFor();
    assert.equal(await page.getByTestId("frame").textContent(), "3 / 5");
    await page.close();
  });

  test("the reference pack's NPY_SEQ image renders", async () => {
    const { page } = await openSignedIn(`/run/${IMAGE_RUN.uid}?tab=images&field=${IMAGE_RUN.field}`);
    await page
      .getByTestId("cursor")
      .filter({ hasText: `${IMAGE_RUN.shape[1]} × ${IMAGE_RUN.shape[2]} pixels` })
      .waitFor();
    const stats = await canvasStats(page, "[data-testid=image]");
    assert.equal(stats.painted, IMAGE_RUN.shape[1] * IMAGE_RUN.shape[2]);
    await page.close();
  });

  test("the event table reads a page at a time, with the API's values", async () => {
    const uid = await uidOf('plan_name == "tune_mr"');
    const { page } = await openSignedIn(`/run/${uid}?tab=table&rows=25`);
    await page.getByTestId("table-page").filter({ hasText: "Events 1–25 of 31" }).waitFor();
    await page.locator("[data-testid=events][aria-busy=false]").waitFor();
    assert.equal(await page.locator("[data-testid=events] tbody tr").count(), 25);
    await page.getByRole("button", { name: "Next ›" }).click();
    await page.getByTestId("table-page").filter({ hasText: "Events 26–31 of 31" }).waitFor();
    await page.locator("[data-testid=events][aria-busy=false]").waitFor();
    assert.equal(await page.locator("[data-testid=events] tbody tr").count(), 6);
    const table = await api<Record<string, number[]>>(
      `/api/v1/table/full/${uid}/primary/data?format=application/json&seq=26:32&include=seq_num`,
    );
    const firstRow = await page
      .locator("[data-testid=events] tbody tr")
      .first()
      .locator("td")
      .allTextContents();
    assert.equal(firstRow[0], "26");
    const headers = await page.locator("[data-testid=events] thead th").allTextContents();
    const i0 = headers.indexOf("I0_USAXS");
    assert.equal(Number(firstRow[i0]), Number(table.I0_USAXS[0].toPrecision(6)));
    await screenshot(page, "run-table");
    await page.close();
  });

  test("a CSV download is byte for byte what the API serves", async () => {
    const uid = await uidOf('plan_name == "tune_mr"');
    const { page } = await openSignedIn(`/run/${uid}?tab=downloads`);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download primary as CSV" }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^scan108_[0-9a-f]{8}_primary\.csv$/);
    const saved = readFileSync((await download.path())!, "utf8");
    const response = await fetch(`${server.url}/api/v1/table/full/${uid}/primary/data?format=text/csv`, {
      headers: { authorization: `Apikey ${server.key}` },
    });
    assert.equal(saved, await response.text());
    await page.close();
  });

  test("every export format is offered; a run exported as msgpack is what the API serves, named by the server", async () => {
    const uid = await uidOf('plan_name == "tune_mr"');
    const { page } = await openSignedIn(`/run/${uid}?tab=downloads`);
    for (const name of ["jsonl", "msgpack", "pack", "publish"])
      await page.getByRole("button", { name: `Download run as ${name}`, exact: true }).waitFor();
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download run as msgpack" }).click(),
    ]);
    assert.equal(download.suggestedFilename(), `108_${uid.slice(0, 8)}.msgpack`);
    const saved = readFileSync((await download.path())!);
    const response = await fetch(`${server.url}/api/v1/container/full/${uid}?format=msgpack`, {
      headers: { authorization: `Apikey ${server.key}` },
    });
    assert.deepEqual(saved, Buffer.from(await response.arrayBuffer()));
    await screenshot(page, "run-downloads");
    await page.close();
  });

  test("the metadata tree filters to matching keys and values", async () => {
    const uid = await uidOf('plan_name == "tune_mr"');
    const { page } = await openSignedIn(`/run/${uid}?tab=metadata`);
    const tree = page.getByTestId("metadata-tree");
    await tree.waitFor();
    await page.getByLabel("Filter keys and values").fill("exit_status");
    await tree.getByText('"success"').waitFor();
    assert.equal(await tree.getByText("plan_name").count(), 0);
    await screenshot(page, "run-metadata");
    await page.close();
  });

  test("annotations: add one with tags, edit it, find the run by its tag", async () => {
    const uid = await uidOf('plan_name == "tune_mr"');
    const { page, problems } = await openSignedIn(`/run/${uid}?tab=annotations`);
    await page.getByText("No annotations yet.").waitFor();
    const form = page.getByRole("form", { name: "Add annotation" });
    await form.getByLabel("Tags").fill("aligned, web-test");
    await form.getByLabel("Note").fill("peak centred at first look");
    await form.getByRole("button", { name: "Add annotation" }).click();
    const item = page.getByTestId("annotation").first();
    await item.getByText("peak centred at first look").waitFor();
    let stored = (await api<{ data: Array<Record<string, unknown>> }>(`/api/v1/annotations/${uid}`)).data;
    assert.equal(stored.length, 1);
    assert.deepEqual(stored[0].tags, ["aligned", "web-test"]);
    assert.equal(stored[0].visibility, "beamtime");

    await item.getByRole("button", { name: "Edit" }).click();
    await item.getByLabel("Note").fill("peak centred; re-check the slit");
    await item.locator("select[name=visibility]").selectOption("private");
    await item.getByRole("button", { name: "Save" }).click();
    await item.getByText("peak centred; re-check the slit").waitFor();
    stored = (await api<{ data: Array<Record<string, unknown>> }>(`/api/v1/annotations/${uid}`)).data;
    assert.equal(stored[0].revision, 2);
    assert.equal(stored[0].body, "peak centred; re-check the slit");
    assert.equal(stored[0].visibility, "private");
    await screenshot(page, "run-annotations");

    await page.goto(`${server.url}/?tag=web-test`);
    await waitForCount(page, 1);

    // Deleting asks first; the annotation is then gone from the run (its revisions stay readable).
    await page.goto(`${server.url}/run/${uid}?tab=annotations`);
    page.once("dialog", (dialog) => dialog.accept());
    await page.getByTestId("annotation").first().getByRole("button", { name: "Delete" }).click();
    await page.getByText("No annotations yet.").waitFor();
    assert.equal((await api<{ data: unknown[] }>(`/api/v1/annotations/${uid}`)).data.length, 0);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test("provenance: a derived run links to its input, and the input to what was derived from it", async () => {
    const input = await uidOf('plan_name == "tune_mr"');
    const derived = "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f";
    await api("/api/v1/documents/", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([
        [
          "start",
          {
            uid: derived,
            time: 1_900_000_000,
            plan_name: "peak_fit",
            provenance: {
              inputs: [{ uid: input, stream: "primary" }],
              software: [{ name: "fitter", version: "1.0" }],
            },
          },
        ],
        [
          "stop",
          {
            uid: "4d5e6f7a-8b9c-4d0e-8f1a-2b3c4d5e6f7a",
            run_start: derived,
            time: 1_900_000_001,
            exit_status: "success",
          },
        ],
      ]),
    });
    const { page } = await openSignedIn(`/run/${derived}`);
    await page
      .getByTestId("inputs")
      .getByRole("link", { name: `${input.slice(0, 8)}/primary` })
      .click();
    await page.waitForURL(new RegExp(`/run/${input}`));
    await page
      .getByTestId("outputs")
      .getByRole("link", { name: /peak_fit/ })
      .waitFor();
    await page.close();
  });

  test("an unknown run is a message naming it, not a blank page", async () => {
    const { page } = await openSignedIn("/run/00000000-0000-4000-8000-000000000000");
    await page.getByRole("alert").filter({ hasText: "No such entry" }).waitFor();
    await page.close();
  });
});

describe("a live run", () => {
  test("a run without a stop updates itself as events arrive, until its stop", async () => {
    const uid = "5b0e7c1a-9d2f-4e3a-8b4c-6d5e7f8a9b0c";
    const descriptor = "6c1f8d2b-0e3a-4f4b-9c5d-7e6f8a9b0c1d";
    const post = (docs: Array<[string, Record<string, unknown>]>) =>
      api("/api/v1/documents/", {
        method: "POST",
        body: JSON.stringify(docs),
        headers: { "content-type": "application/json" },
      });
    const event = (n: number): [string, Record<string, unknown>] => [
      "event",
      {
        uid: `${String(n).padStart(8, "0")}-1111-4222-8333-444444444444`,
        descriptor,
        time: 1_800_000_000 + n,
        seq_num: n,
        data: { x: n, y: n * n },
        timestamps: { x: 1_800_000_000 + n, y: 1_800_000_000 + n },
      },
    ];
    await post([
      [
        "start",
        {
          uid,
          time: 1_800_000_000,
          scan_id: 7777,
          plan_name: "scan",
          hints: { dimensions: [[["x"], "primary"]] },
        },
      ],
      [
        "descriptor",
        {
          uid: descriptor,
          run_start: uid,
          time: 1_800_000_000,
          name: "primary",
          data_keys: {
            x: { dtype: "number", shape: [], source: "x" },
            y: { dtype: "number", shape: [], source: "y" },
          },
          hints: { det: { fields: ["y"] } },
        },
      ],
      event(1),
      event(2),
    ]);
    const { page } = await openSignedIn(`/run/${uid}`);
    await page.getByRole("status").filter({ hasText: "live" }).waitFor();
    assert.equal((await chartFigures(page)).points, 2);
    await post([event(3), event(4), event(5)]);
    await page.getByTestId("chart").and(page.locator("[data-points='5']")).waitFor({ timeout: 10_000 });
    await post([
      [
        "stop",
        {
          uid: "7d2a9e3c-1f4b-4a5c-8d6e-8f7a9b0c1d2e",
          run_start: uid,
          time: 1_800_000_010,
          exit_status: "success",
        },
      ],
    ]);
    await page.getByTestId("summary").filter({ hasText: "success" }).waitFor({ timeout: 10_000 });
    assert.equal(await page.getByRole("status").filter({ hasText: "live" }).count(), 0);
    await page.close();
  });
});

describe("a public server", () => {
  test("anonymous visitors browse read-only: runs and plots, no annotation form", async () => {
    const open = await startWebServer({ public: true });
    try {
      const page = await browser.newPage();
      await page.goto(open.url);
      await page.getByTestId("who").filter({ hasText: "Browsing anonymously (read-only)" }).waitFor();
      await page.getByTestId("result-count").filter({ hasText: /runs$/ }).waitFor();
      await page.locator("[data-testid=results] tbody tr a").first().click();
      await page.getByRole("tab", { name: "Annotations" }).click();
      await page.getByText("Sign in with a key that may write annotations").waitFor();
      assert.equal(await page.getByRole("form", { name: "Add annotation" }).count(), 0);
      await page.close();
    } finally {
      await open.stop();
    }
  });
});

describe("signing in with the facility's OIDC provider", () => {
  test("the page's code flow with PKCE signs in as the provider's user, and the API takes its token", async () => {
    const provider = await TestOidcProvider.start();
    const memberships = `users: [{id: alice}]
proposals: [{id: P1, pis: [alice], users: [], release_at: null}]
beamtimes: [{id: B1, proposal: P1, beamline: X, pis: [alice], users: [], release_at: null}]
`;
    const secured = await startWebServer({
      memberships,
      serveArgs: [
        ["--oidc-issuer", provider.issuer],
        ["--oidc-audience", provider.audience],
        ["--oidc-client-id", "databroker-web"],
      ].flat(),
    });
    try {
      const page = await browser.newPage();
      const problems = recordProblems(page);
      await page.goto(`${secured.url}/run/anything?tab=plot`);
      await page.getByTestId("who").filter({ hasText: "Browsing anonymously" }).waitFor();
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await page.getByRole("button", { name: `Sign in with ${new URL(provider.issuer).host}` }).click();
      await page.getByTestId("who").filter({ hasText: "Signed in as alice" }).waitFor();
      // Back where the sign-in began, with no code or state left in the address.
      const url = new URL(page.url());
      assert.equal(url.pathname, "/run/anything");
      assert.equal(url.searchParams.get("tab"), "plot");
      assert.equal(url.searchParams.get("code"), null);
      assert.ok(
        problems.every((p) => /status of 404/.test(p)),
        problems.join("\n"),
      );
      await page.close();
    } finally {
      await secured.stop();
      await provider.close();
    }
  });
});

describe("built like a product", () => {
  /** Form controls without an accessible name, and buttons without text or a label, on the page now. */
  const unlabelled = `[...document.querySelectorAll("input, select, textarea, button")]
    .filter((el) => el.type !== "hidden")
    .filter((el) => !(el.labels?.length || el.getAttribute("aria-label") || el.getAttribute("aria-labelledby") ||
      (el.tagName === "BUTTON" && el.textContent.trim())))
    .map((el) => el.outerHTML.slice(0, 80))`;

  test("every control is labelled, on the search and on each view of a run", async () => {
    const uid = await uidOf('plan_name == "tune_mr"');
    const { page } = await openSignedIn("/");
    await page.locator("[data-testid=results][aria-busy=false]").waitFor();
    assert.deepEqual(await page.evaluate(unlabelled), []);
    for (const tab of ["plot", "images", "table", "fields", "metadata", "annotations", "downloads"]) {
      await page.goto(`${server.url}/run/${tab === "images" ? FRAME_RUN.uid : uid}?tab=${tab}`);
      await page.getByTestId("summary").waitFor();
      await page.waitForLoadState("networkidle");
      assert.deepEqual(await page.evaluate(unlabelled), [], tab);
    }
    await page.close();
  });

  test("the keyboard alone searches and opens a run", async () => {
    const { page } = await openSignedIn("/");
    await page.locator("[data-testid=results][aria-busy=false]").waitFor();
    // From the top of the page: the brand link, the sign-out button, then the query box.
    await page.keyboard.press("Tab");
    for (let i = 0; i < 5 && !(await page.evaluate(`document.activeElement?.id === "query-text"`)); i++)
      await page.keyboard.press("Tab");
    assert.equal(await page.evaluate("document.activeElement?.id"), "query-text");
    await page.keyboard.type('plan_name == "tune_mr"');
    await page.keyboard.press("Enter");
    await waitForCount(page, 1);
    await page.locator("[data-testid=results] tbody tr a").first().focus();
    await page.keyboard.press("Enter");
    await page.getByTestId("summary").filter({ hasText: "primary: 31" }).waitFor();
    await page.close();
  });

  test("readable in the dark: the page follows the system's color scheme", async () => {
    const page = await browser.newPage({ colorScheme: "dark", viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.url}/?api_key=${server.key}`);
    await page.locator("[data-testid=results][aria-busy=false]").waitFor();
    const [background, text] = (await page.evaluate(
      `[getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]`,
    )) as string[];
    const brightness = (rgb: string) => {
      const [r, g, b] = rgb.match(/\d+/g)!.map(Number);
      return (r * 299 + g * 587 + b * 114) / 1000;
    };
    assert.ok(brightness(background) < 60, `a dark background, got ${background}`);
    assert.ok(brightness(text) - brightness(background) > 125, `contrast between ${text} and ${background}`);
    await screenshot(page, "search-dark");
    await page.close();
  });
});
