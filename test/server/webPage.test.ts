// The web page's routes over real HTTP on loopback: `/` negotiated (browsers get index.html, everyone else the
// JSON links), `/run/*` answering the page, `/assets/*` serving only files of assets/ with their type and a
// year's caching, the security headers of the HTML, and the page that says the build is missing.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { Broker } from "../../src/broker/index.ts";
import { createServer } from "../../src/server/app.ts";
import { defaultWebRoot } from "../../src/server/routes/webPage.ts";
import { openStore } from "../../src/storage/openStore.ts";
import type { Store } from "../../src/storage/Store.ts";
import { type BuiltPage, builtPage } from "../support/builtPage.ts";
import { projectRoot } from "../support/sharedData.ts";

const KEY = "web_page_test_key_0123";
const BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends `target` exactly as given on the request line (fetch would normalize `..` away). */
function send(port: number, target: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: "127.0.0.1", port, path: target, headers }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        body += chunk;
      });
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
      );
    });
    request.on("error", reject);
    request.end();
  });
}

async function listen(store: Store, webRoot: string): Promise<{ app: FastifyInstance; port: number }> {
  const app = await createServer({
    broker: new Broker(store),
    auth: { apiKey: KEY },
    webRoot,
    logger: false,
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  return { app, port: (app.server.address() as { port: number }).port };
}

function assertHtmlHeaders(answer: Answer): void {
  assert.match(String(answer.headers["content-type"]), /^text\/html; charset=utf-8/);
  assert.equal(
    answer.headers["content-security-policy"],
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
      "connect-src 'self'; worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  );
  assert.equal(answer.headers["x-content-type-options"], "nosniff");
  assert.equal(answer.headers["referrer-policy"], "no-referrer");
  assert.equal(answer.headers["x-frame-options"], "DENY");
  assert.equal(answer.headers["cache-control"], "no-cache");
}

describe("the web page's routes", () => {
  let page: BuiltPage;
  let store: Store;
  let server: { app: FastifyInstance; port: number };
  const scratch = mkdtempSync(join(tmpdir(), "databroker-web-page-"));

  before(async () => {
    page = builtPage();
    store = await openStore(join(scratch, "catalog.sqlite"));
    server = await listen(store, page.dir);
  });
  after(async () => {
    await server.app.close();
    await store.close();
    page.remove();
    rmSync(scratch, { recursive: true, force: true });
  });

  test("a browser at / gets the page, with the security headers, without a key", async () => {
    const answer = await send(server.port, "/", { accept: BROWSER_ACCEPT });
    assert.equal(answer.status, 200);
    assert.match(answer.body, /<div id="app">/);
    assertHtmlHeaders(answer);
  });

  test("the sign-in URL answers the page and remembers the key in an HttpOnly cookie", async () => {
    const answer = await send(server.port, `/?api_key=${KEY}`, { accept: BROWSER_ACCEPT });
    assert.equal(answer.status, 200);
    assert.match(answer.body, /<div id="app">/);
    assert.match(
      String(answer.headers["set-cookie"]),
      /tiled_api_key=\w+; Path=\/; HttpOnly; SameSite=Strict/,
    );
  });

  test("anyone else at / keeps the JSON links (the Python client probes /)", async () => {
    for (const accept of [undefined, "*/*", "application/json", "text/html;q=0.5, application/json"]) {
      const answer = await send(server.port, "/", accept === undefined ? {} : { accept });
      assert.equal(answer.status, 200, `${accept}`);
      assert.match(String(answer.headers["content-type"]), /^application\/json/, `${accept}`);
      assert.deepEqual(Object.keys(JSON.parse(answer.body)), ["api", "docs", "openapi"]);
      assert.match(String(answer.headers.vary), /(^|,\s*)accept(\s*,|$)/i);
    }
  });

  test("the run view answers the page, whatever the client accepts", async () => {
    for (const target of ["/run/abc123?stream=primary", "/run/abc123/primary"]) {
      const answer = await send(server.port, target);
      assert.equal(answer.status, 200, target);
      assert.match(answer.body, /<div id="app">/);
      assertHtmlHeaders(answer);
    }
  });

  test("built files are served with their type and cached for a year", async () => {
    const types: Array<[string, RegExp]> = [
      [page.script, /^text\/javascript; charset=utf-8/],
      [`${page.script}.map`, /^application\/json/],
      [page.style, /^text\/css; charset=utf-8/],
      [page.image, /^image\/svg\+xml/],
    ];
    for (const [name, type] of types) {
      const answer = await send(server.port, `/assets/${name}`);
      assert.equal(answer.status, 200, name);
      assert.match(String(answer.headers["content-type"]), type, name);
      assert.equal(answer.headers["cache-control"], "public, max-age=31536000, immutable", name);
      assert.equal(answer.headers["x-content-type-options"], "nosniff", name);
    }
    assert.equal((await send(server.port, "/assets/missing-0000.js")).status, 404);
    assert.equal((await send(server.port, "/assets/")).status, 404);
  });

  test("the browser's request for /favicon.ico is no error when the build has no icon", async () => {
    const answer = await send(server.port, "/favicon.ico");
    assert.equal(answer.status, 204);
  });

  test("no request reaches a file outside assets/", async () => {
    const attempts = [
      "/assets/../package.json",
      "/assets/..%2f..%2fpackage.json",
      "/assets/..%2F..%2Findex.html",
      "/assets/%2e%2e/index.html",
      "/assets/%2E%2E%2Findex.html",
      "/assets/..%5c..%5cpackage.json",
      "/assets/..\\index.html",
      "/assets//etc/passwd",
      "/assets/%2fetc%2fpasswd",
      `/assets/${encodeURIComponent(join(projectRoot, "package.json"))}`,
      "/assets/.hidden",
      "/assets/..",
      "/assets/x/../../index.html",
      "/assets/%00.js",
    ];
    for (const target of attempts) {
      const answer = await send(server.port, target);
      assert.ok([400, 404].includes(answer.status), `${target}: ${answer.status}`);
      assert.doesNotMatch(answer.body, /"name"|<div id="app">|root:/, target);
    }
  });

  test("without a build, a browser gets a page saying how to build it (503); JSON clients are unaffected", async () => {
    const empty = mkdtempSync(join(tmpdir(), "databroker-web-empty-"));
    const bare = await listen(store, empty);
    try {
      const answer = await send(bare.port, "/", { accept: BROWSER_ACCEPT });
      assert.equal(answer.status, 503);
      assertHtmlHeaders(answer);
      assert.match(answer.body, /The web page has not been built: run <code>npm run build<\/code>/);
      assert.match(answer.body, /href="\/docs"/);
      assert.match(answer.body, /href="\/api\/v1\/"/);
      assert.equal((await send(bare.port, "/run/abc")).status, 503);
      assert.equal((await send(bare.port, "/assets/index.js")).status, 404);
      assert.equal((await send(bare.port, "/")).status, 200);
    } finally {
      await bare.app.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });

  test("with an OIDC provider, the page may also fetch from the provider's origin (its sign-in)", async () => {
    const app = await createServer({
      broker: new Broker(store),
      auth: { oidc: { issuer: "https://login.example.org/realms/x", audience: "databroker" } },
      webRoot: page.dir,
      logger: false,
    });
    try {
      const answer = await app.inject({ url: "/", headers: { accept: BROWSER_ACCEPT } });
      assert.match(
        String(answer.headers["content-security-policy"]),
        /; connect-src 'self' https:\/\/login\.example\.org; /,
      );
    } finally {
      await app.close();
    }
  });

  test("by default the page is dist/web of this package", () => {
    assert.equal(defaultWebRoot(), join(projectRoot, "dist", "web"));
  });
});
