// The web page as users feel it, in Debian's Chromium against a real `databroker serve` process:
//   - time to the first result table on a 100,000-run catalog (navigation start to the page's
//     `databroker:results` mark, set when the rows are rendered),
//     against a bare fetch of the same search answer from the same page;
//   - time to draw a 1,000,000-point line plot (navigation to a run's plot to the page's `databroker:chart`
//     mark, the frame after the chart of every point is drawn), against a bare fetch of the same two columns (x and y as raw float64s) from the same page.
// Medians of REPEATS runs. DATABROKER_BENCH_RUNS sets the catalog size (default 100,000).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { Page } from "playwright-core";
import { SqliteStore } from "../src/storage/sqlite/SqliteStore.ts";
import { spawnServer } from "../test/server/serveProcess.ts";
import { launchBrowser } from "../test/web/browser.ts";
import { ensurePageBuilt } from "../test/web/pageBuild.ts";
import { pagedRun, startDocuments } from "./syntheticRuns.ts";

const RUNS = Number(process.env.DATABROKER_BENCH_RUNS || 100_000);
const BATCH = 5_000;
const POINTS = 1_000_000;
const REPEATS = 5;
const KEY = "bench_web_key_0123456789";

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Milliseconds from the page's navigation to its User Timing mark `mark` (set by the page when the view is
 * drawn), once an element matching `selector` is there. The page's own mark, not the moment a poll notices:
 * a locator's polling backs off up to half a second.
 */
async function msUntil(page: Page, url: string, selector: string, mark: string): Promise<number> {
  await page.goto(url);
  await page.locator(selector).first().waitFor({ state: "attached", timeout: 120_000 });
  for (;;) {
    const at = (await page.evaluate(`performance.getEntriesByName(${JSON.stringify(mark)})[0]?.startTime`)) as
      | number
      | undefined;
    if (at !== undefined) {
      // What the view asks for after it is drawn (the search's facets) finishes before the next navigation.
      await page.waitForLoadState("networkidle");
      return at;
    }
    await page.waitForTimeout(10);
  }
}

/** Milliseconds a bare fetch of `paths` (in parallel, bodies read whole) takes from the page. */
async function fetchMs(page: Page, paths: string[], accept: string): Promise<number> {
  return page.evaluate(`(async () => {
    const t0 = performance.now();
    await Promise.all(${JSON.stringify(paths)}.map(async (path) => {
      const response = await fetch(path, { headers: { authorization: "Apikey ${KEY}", accept: "${accept}" } });
      if (!response.ok) throw new Error(path + ": " + response.status);
      await response.arrayBuffer();
    }));
    return performance.now() - t0;
  })()`);
}

function line(name: string, page: number[], bare: number[], baseline: string): void {
  const [p, b] = [median(page), median(bare)];
  console.log(
    `${name}: page ${p.toFixed(0)} ms | baseline ${baseline}: ${b.toFixed(1)} ms | ratio ${(p / b).toFixed(1)}x (median of ${page.length})`,
  );
}

export async function run(): Promise<void> {
  ensurePageBuilt();
  const dir = await mkdtemp(join(tmpdir(), "databroker-bench-web-"));
  const path = join(dir, "catalog.sqlite");
  try {
    const t0 = performance.now();
    const store = new SqliteStore(path);
    for (let first = 0; first < RUNS; first += BATCH)
      await store.put(startDocuments(first, Math.min(BATCH, RUNS - first)));
    const big = pagedRun(POINTS / 10_000, 10_000);
    await store.put(big.documents);
    const bigUid = (big.documents[0][1] as { uid: string }).uid;
    await store.close();
    console.log(
      `catalog: ${RUNS} runs + one of ${POINTS} events, built in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );

    const server = await spawnServer(["serve", "--catalog", path, "--api-key", KEY]);
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`${server.url}/?api_key=${KEY}`); // signs the page in (kept in local storage)
      await page.getByTestId("results").waitFor({ timeout: 120_000 });

      const firstRow = "[data-testid=results] tbody tr";
      const search = `/api/v1/search/?sort=-time&page%5Boffset%5D=0&page%5Blimit%5D=50`;
      const table: number[] = [];
      const tableFetch: number[] = [];
      for (let i = 0; i < REPEATS; i++) {
        table.push(await msUntil(page, `${server.url}/`, firstRow, "databroker:results"));
        tableFetch.push(await fetchMs(page, [search], "application/json"));
      }
      line(
        `first result table, ${RUNS.toLocaleString("en-US")} runs`,
        table,
        tableFetch,
        "fetch of the same search page",
      );

      const drawn = `[data-testid=chart][data-points='${POINTS}'] canvas`;
      const columns = ["time", "channel_0"].map(
        (field) => `/api/v1/array/full/${bigUid}/primary/data/${field}?format=application%2Foctet-stream`,
      );
      const plot: number[] = [];
      const plotFetch: number[] = [];
      for (let i = 0; i < REPEATS; i++) {
        plot.push(
          await msUntil(page, `${server.url}/run/${bigUid}?x=time&y=channel_0`, drawn, "databroker:chart"),
        );
        plotFetch.push(await fetchMs(page, columns, "application/octet-stream"));
      }
      line(
        `${POINTS.toLocaleString("en-US")}-point line plot`,
        plot,
        plotFetch,
        "fetch of the same two columns",
      );
    } finally {
      await browser.close();
      await server.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
