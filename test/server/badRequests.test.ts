// Bad requests over HTTP on SQLite and PostgreSQL answer a 4xx naming the problem, never a 500, and store
// nothing: a start nested deeper than the catalogs' JSON holds, a page offset or cursor past 2^53, a query key
// holding a NUL, and a method a path does not take (405 with Allow, not a 404 saying the path is unknown;
// HEAD follows GET, so a HEAD where GET answers 404 is a 404).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { MAX_INPUT_DEPTH } from "../../src/documents/formats/inputDepth.ts";
import { MAX_DOCUMENT_DEPTH } from "../../src/documents/run/nestingDepth.ts";
import { type CatalogServer, startCatalogServer, WITH_KEY } from "./catalogServer.ts";
import { READ_CATALOGS } from "./readServer.ts";

async function request(server: CatalogServer, method: string, path: string, body?: string) {
  const response = await fetch(`${server.api}${path}`, {
    method,
    headers: { ...WITH_KEY, "content-type": "application/json" },
    body,
  });
  const text = await response.text();
  return { status: response.status, allow: response.headers.get("allow"), text };
}

/** A start document whose `nested` value is `depth` arrays deep. */
function deepStart(uid: string, depth: number): string {
  return `[["start",{"uid":"${uid}","time":1700000000.5,"nested":${"[".repeat(depth)}${"]".repeat(depth)}}]]`;
}

for (const catalog of READ_CATALOGS) {
  describe(`bad requests over HTTP (${catalog.name})`, () => {
    let server: CatalogServer;
    before(async () => {
      server = await startCatalogServer(catalog);
    });
    after(() => server.close());

    test("a start nested deeper than the limit: 422 naming the document, path and rule; nothing stored", async () => {
      for (const depth of [MAX_DOCUMENT_DEPTH + 1, 500, MAX_INPUT_DEPTH - 2]) {
        const uid = `too-deep-${depth}`;
        const answer = await request(server, "POST", "/documents/", deepStart(uid, depth));
        assert.equal(answer.status, 422, answer.text);
        const body = JSON.parse(answer.text);
        const finding = body.findings.find((f: { rule: string }) => f.rule === "depth");
        assert.ok(finding, answer.text);
        assert.equal(finding.name, "start");
        assert.match(finding.path, /^nested(\.0)+$/);
        assert.match(finding.message, new RegExp(`deeper than ${MAX_DOCUMENT_DEPTH} levels`));
        assert.equal((await request(server, "GET", `/metadata/${uid}`)).status, 404);
      }
      const fine = await request(
        server,
        "POST",
        "/documents/",
        deepStart("deep-enough", MAX_DOCUMENT_DEPTH - 1),
      );
      assert.equal(fine.status, 200, fine.text);
      const listed = await request(server, "GET", "/search/");
      assert.equal(listed.status, 200, listed.text);
    });

    test("page[offset] and page[cursor] past 2^53: 4xx naming the parameter, never a 500", async () => {
      for (const offset of ["9223372036854775807", "1e21", "9007199254740992", "-1", "1.5"]) {
        const answer = await request(server, "GET", `/search/?page[offset]=${offset}`);
        assert.equal(answer.status, 422, `${offset}: ${answer.text}`);
        assert.match(JSON.parse(answer.text).detail, /page\[offset\] must be a whole number from 0 to/);
      }
      const cursor = await request(server, "GET", `/search/?page[cursor]=o${"z".repeat(20)}`);
      assert.equal(cursor.status, 400, cursor.text);
      assert.equal((await request(server, "GET", "/search/?page[offset]=9007199254740991")).status, 200);
    });

    test("a query key holding a NUL or another control character: 4xx naming the rule, never a 500", async () => {
      for (const key of ["a%00b", "plan%01name", "sample.%1Fx"]) {
        const answer = await request(
          server,
          "GET",
          `/search/?filter[eq][condition][key]=${key}&filter[eq][condition][value]=1`,
        );
        assert.ok(answer.status >= 400 && answer.status < 500, `${key}: ${answer.status} ${answer.text}`);
        assert.match(answer.text, /control characters/);
      }
    });

    test("a method a path does not take: 405 with Allow and a JSON body; an unknown path stays 404", async () => {
      const patch = await request(server, "PATCH", "/documents/", "[]");
      assert.equal(patch.status, 405);
      assert.equal(patch.allow, "GET, HEAD, POST");
      const post = await request(server, "POST", "/metadata/some-uid", "{}");
      assert.equal(post.status, 405, post.text);
      assert.equal(post.allow, "GET, HEAD, PATCH, PUT, DELETE");
      assert.deepEqual(JSON.parse(post.text), {
        detail: "Method Not Allowed: POST (allowed: GET, HEAD, PATCH, PUT, DELETE)",
      });
      // Our own routes list their methods too (the annotation routes' paths, [{catalog}/]{uid}[/{id}], are
      // told apart by the route: Allow names every method of the prefix).
      const put = await request(server, "PUT", "/annotations/some-uid/some-id", "{}");
      assert.equal(put.status, 405, put.text);
      assert.equal(put.allow, "GET, HEAD, POST, PATCH, DELETE");
      const unknown = await request(server, "GET", "/no-such-route");
      assert.equal(unknown.status, 404);
      assert.deepEqual(JSON.parse(unknown.text), { detail: "Not Found" });
    });
  });
}
