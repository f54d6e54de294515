// The page in a real browser against a real `databroker serve`: it renders from the printed sign-in URL with no
// console error or failed request, while `/` still answers JSON to anyone but a browser, and the reference
// image run the page's tests rely on is readable through the API.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { launchBrowser, recordProblems, screenshot } from "./browser.ts";
import { IMAGE_RUN, startWebServer, type WebServer } from "./webServer.ts";

let server: WebServer;
let browser: Browser;

before(async () => {
  server = await startWebServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test("the page renders from the sign-in URL without errors", async () => {
  const page = await browser.newPage();
  const problems = recordProblems(page);
  await page.goto(`${server.url}/?api_key=${server.key}`);
  // Rendered: #app holds an element the page made (not the <noscript> of index.html).
  await page.locator("#app > :not(noscript)").first().waitFor();
  // Whatever the page asks of the API once it has rendered has answered.
  await page.waitForLoadState("networkidle");
  await screenshot(page, "smoke");
  assert.deepEqual(problems, []);
  await page.close();
});

test("/ without Accept: text/html still answers JSON", async () => {
  const response = await fetch(`${server.url}/`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type") ?? "", /^application\/json/);
  assert.deepEqual(Object.keys((await response.json()) as object), ["api", "docs", "openapi"]);
});

test(`the image run's ${IMAGE_RUN.field} is a stack of 2-D images the API reads`, async () => {
  const { uid, stream, field, shape } = IMAGE_RUN;
  const response = await fetch(`${server.url}/api/v1/array/full/${uid}/${stream}/data/${field}`, {
    headers: { authorization: `Apikey ${server.key}`, accept: "application/json" },
  });
  assert.equal(response.status, 200);
  const images = (await response.json()) as number[][][];
  assert.deepEqual([images.length, images[0].length, images[0][0].length], shape);
});
