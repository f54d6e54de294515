// Deny by default, walked over real HTTP on loopback: every route of the access table, on SQLite and on
// PostgreSQL, on a closed and a public server, asked with no key, a wrong key, the key in a cookie, a wrong
// cookie and the key in a header, through its canonical target and through every other spelling of it
// (percent-encoded letters, `//`, dot segments, an encoded '/', absolute form, odd case). A second spelling
// never answers data; a route registered without a rule stops the server from starting.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { Broker } from "../../src/broker/index.ts";
import { readDocuments } from "../../src/documents/formats/index.ts";
import { splitRuns } from "../../src/documents/run/index.ts";
import type { DocumentPair } from "../../src/documents/types.ts";
import { createServer } from "../../src/server/app.ts";
import { type Access, changes, ROUTE_ACCESS } from "../../src/server/routeAccess.ts";
import { openStore } from "../../src/storage/openStore.ts";
import type { Store } from "../../src/storage/Store.ts";
import { builtPage } from "../support/builtPage.ts";
import { dataPath } from "../support/sharedData.ts";
import { READ_CATALOGS } from "./readServer.ts";

const KEY = "route_walk_key_0123456789";
/** The web page's routes serve a stand-in build (its script is the asset walked). */
const page = builtPage();
after(() => page.remove());

type Credential = "none" | "wrong key" | "cookie" | "wrong cookie" | "key";
const CREDENTIALS: Record<Credential, Record<string, string>> = {
  none: {},
  "wrong key": { authorization: "Apikey wrong_key_0123456789" },
  cookie: { cookie: `tiled_api_key=${KEY}` },
  "wrong cookie": { cookie: "tiled_api_key=wrong_key_0123456789" },
  key: { authorization: `Apikey ${KEY}` },
};

interface Answer {
  status: number;
  body: string;
}

/** Sends `target` exactly as given on the request line (no URL normalization on the way). */
function send(port: number, method: string, target: string, headers: Record<string, string>, body?: string) {
  return new Promise<Answer>((resolve, reject) => {
    const request = httpRequest(
      { host: "127.0.0.1", port, method, path: target, headers: { ...headers, connection: "close" } },
      (response) => {
        let text = "";
        response.setEncoding("latin1");
        // A live event stream stays open by design: its answer is its status.
        if (/^text\/event-stream/.test(response.headers["content-type"] ?? "")) {
          resolve({ status: response.statusCode ?? 0, body: "" });
          request.destroy();
          return;
        }
        response.on("data", (chunk: string) => {
          text += chunk;
        });
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text }));
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

/** A stored run with a primary stream of plain numbers, to give every read route something to answer. */
async function firstRunWithEvents(): Promise<{ documents: DocumentPair[]; uid: string; field: string }> {
  const pairs: DocumentPair[] = [];
  for await (const pair of readDocuments(dataPath("apstools/tests/apstools.json"))) pairs.push(pair);
  for (const run of splitRuns(pairs).runs) {
    const descriptor = run.documents.find(
      ([name, doc]) => name === "descriptor" && (doc as { name?: string }).name === "primary",
    )?.[1] as { data_keys: Record<string, { dtype: string; external?: string }> } | undefined;
    const hasEvents = run.documents.some(([name]) => name === "event" || name === "event_page");
    const field = Object.entries(descriptor?.data_keys ?? {}).find(
      ([, key]) => key.dtype === "number" && key.external === undefined,
    )?.[0];
    if (descriptor && hasEvents && field) {
      const uid = (run.documents[0][1] as { uid: string }).uid;
      return { documents: run.documents, uid, field };
    }
  }
  throw new Error("no run with numeric events in apstools.json");
}

/** Start keys giving the walked run an alias in a catalog without memberships, and that alias. */
const ALIAS_KEYS = { beamline_id: "X", proposal_id: "P1", beamtime: "B1" };
const ALIAS = "X/P1/B1/latest";

/** The canonical target, method and body of a route of the table. */
/** Routes of a catalog with memberships (test/access/ walks them there). */
const NEEDS_MEMBERSHIPS = /^\/api\/v1\/(auth\/(apikey|principal)|access\/)/;

function concrete(
  route: string,
  uid: string,
  field: string,
  body: string,
  annotation = "no-such-annotation",
) {
  const [method, routePattern] = route.split(" ");
  // Parameters of our own routes: the run, one of its annotations, a tag.
  const pattern = routePattern.replace(":uid", uid).replace(":id", annotation).replace(":tag", "walk");
  const rest = pattern.startsWith("/assets/")
    ? page.script
    : pattern.includes("/array/")
      ? `${uid}/primary/data/${field}`
      : pattern.includes("/table/") || (pattern.includes("/container/") && method === "POST")
        ? `${uid}/primary/data`
        : pattern.includes("/distinct/")
          ? "" // offered on the catalog only
          : pattern.includes("/alias/")
            ? ALIAS
            : pattern.startsWith("/api/v1/annotations/") && (method === "PATCH" || method === "DELETE")
              ? `${uid}/${annotation}` // an annotation of the run; GET and POST name the run
              : uid;
  const path = pattern.replace("*", rest);
  const query = pattern.includes("/array/block/")
    ? "?block=0"
    : pattern.includes("/table/partition/")
      ? "?partition=0"
      : "";
  const postBody =
    pattern === "/api/v1/documents/"
      ? body
      : pattern.startsWith("/api/v1/annotations/")
        ? method === "POST"
          ? JSON.stringify({ tags: ["walk"] })
          : undefined
        : method === "POST"
          ? JSON.stringify([field])
          : undefined;
  // The delete rule is walked on a uid no run has: the key holder's 404 shows the route ran, no run is lost.
  const target = method === "DELETE" ? `${path.replace(uid, "no-such-run-0000")}` : `${path}${query}`;
  return { method, path: target, body: postBody };
}

/** Every other spelling of `path` (query kept), each paired with what it is. */
function variants(path: string, port: number): Array<[string, string]> {
  const [bare, query = ""] = path.split(/(?=\?)/);
  const out: Array<[string, string]> = [];
  // Each letter or digit of the path, percent-encoded in turn (upper and lower case hex).
  for (let i = 0; i < bare.length; i++) {
    if (!/[A-Za-z0-9]/.test(bare[i])) continue;
    const hex = bare.charCodeAt(i).toString(16);
    const encoded = i % 2 === 0 ? `%${hex.toUpperCase()}` : `%${hex}`;
    out.push([`encoded ${bare[i]} at ${i}`, `${bare.slice(0, i)}${encoded}${bare.slice(i + 1)}${query}`]);
  }
  const segments = bare.split("/");
  for (let i = 1; i < segments.length; i++) {
    const before = segments.slice(0, i).join("/");
    const after = segments.slice(i).join("/");
    out.push([`'//' before segment ${i}`, `${before}//${after}${query}`]);
    out.push([`'/./' before segment ${i}`, `${before}/./${after}${query}`]);
    out.push([`'/x/../' before segment ${i}`, `${before}/x/../${after}${query}`]);
    out.push([`'%2e' segment before ${i}`, `${before}/%2e/${after}${query}`]);
  }
  out.push(["encoded '/'", `${bare.replace("/v1/", "%2Fv1%2f")}${query}`]);
  out.push(["backslash", `${bare.replace("/v1/", "\\v1/")}${query}`]);
  out.push(["absolute form", `http://127.0.0.1:${port}${path}`]);
  out.push(["absolute form, other host", `http://example.org${path}`]);
  out.push(["upper case", path.toUpperCase()]);
  out.push(["mixed case", path.replace("/api/", "/Api/")]);
  return out.filter(([, spelling]) => spelling !== path);
}

function contentType(body: string | undefined): Record<string, string> {
  return body === undefined ? {} : { "content-type": "application/json" };
}

/** What a canonical request must answer, by the route's access, the server's mode and the credential. */
function expected(access: Access, publicServer: boolean, credential: Credential): "ok" | 401 | 403 {
  if (access === "open" || credential === "key") return "ok";
  if (credential === "wrong key" || credential === "wrong cookie") return 401;
  if (changes(access)) return credential === "cookie" ? 403 : 401;
  return credential === "cookie" || publicServer ? "ok" : 401;
}

for (const catalog of READ_CATALOGS) {
  describe(`every route's access over HTTP on ${catalog.name}`, () => {
    const dir = mkdtempSync(join(tmpdir(), "databroker-route-walk-"));
    let store: Store;
    let run: { documents: DocumentPair[]; uid: string; field: string };
    let annotation: string;
    const servers: Record<"closed" | "public", { app: FastifyInstance; port: number }> = {} as never;

    before(async () => {
      store = await openStore(await catalog.uri(dir));
      run = await firstRunWithEvents();
      Object.assign(run.documents[0][1], ALIAS_KEYS);
      await store.put(run.documents);
      const start = await store.start(run.uid);
      annotation = (await new Broker(store).annotations().create(start as never, { tags: ["walk"] })).id;
      for (const mode of ["closed", "public"] as const) {
        const app = await createServer({
          broker: new Broker(store),
          auth: { apiKey: KEY, public: mode === "public" },
          webRoot: page.dir,
          logger: false,
        });
        await app.listen({ host: "127.0.0.1", port: 0 });
        servers[mode] = { app, port: (app.server.address() as { port: number }).port };
      }
    });
    after(async () => {
      for (const server of Object.values(servers)) await server.app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });

    test("every rule of the table names a registered route", () => {
      for (const route of Object.keys(ROUTE_ACCESS)) {
        const [method, url] = route.split(" ");
        assert.ok(
          servers.closed.app.hasRoute({ method: method as "GET", url }),
          `${route} is not registered`,
        );
      }
    });

    test("a route registered without a rule stops the server", async () => {
      const app = await createServer({ broker: new Broker(store), auth: { apiKey: KEY }, logger: false });
      assert.throws(() => app.get("/api/v1/unruled", async () => "data"), /no access rule/);
      await app.close();
    });

    for (const mode of ["closed", "public"] as const) {
      test(`${mode} server: each route answers each credential by its rule`, async () => {
        const { port } = servers[mode];
        const body = JSON.stringify(run.documents);
        for (const [route, access] of Object.entries(ROUTE_ACCESS)) {
          const target = concrete(route, run.uid, run.field, body, annotation);
          for (const credential of Object.keys(CREDENTIALS) as Credential[]) {
            const headers = { ...CREDENTIALS[credential], ...contentType(target.body) };
            const answer = await send(port, target.method, target.path, headers, target.body);
            const want = expected(access, mode === "public", credential);
            const what = `${target.method} ${target.path} (${access}) with ${credential}: ${answer.status} ${answer.body.slice(0, 200)}`;
            if (want === "ok") {
              // The route ran: an answer or the route's own refusal of this request, never the gate's.
              assert.ok(answer.status !== 401 && answer.status !== 403 && answer.status < 500, what);
              // Keys, principals and memberships need memberships: single-user mode answers the route's 4xx.
              // Deletes walk a missing run; PATCH and PUT carry no change here (their own tests make them).
              if (["GET", "POST"].includes(target.method) && !NEEDS_MEMBERSHIPS.test(target.path))
                assert.ok(answer.status < 300, what);
            } else assert.equal(answer.status, want, what);
          }
          if (target.method === "GET") {
            const head = await send(port, "HEAD", target.path, CREDENTIALS.none);
            const want = expected(access, mode === "public", "none");
            assert.equal(head.status === 401, want === 401, `HEAD ${target.path}: ${head.status}`);
          }
        }
      });

      test(`${mode} server: no other spelling of a route reaches it, with or without the key`, async () => {
        const { port } = servers[mode];
        const body = JSON.stringify(run.documents);
        let tried = 0;
        for (const route of Object.keys(ROUTE_ACCESS)) {
          const target = concrete(route, run.uid, run.field, body, annotation);
          for (const [what, spelling] of variants(target.path, port)) {
            for (const credential of ["none", "key"] as const) {
              const headers = { ...CREDENTIALS[credential], ...contentType(target.body) };
              const answer = await send(port, target.method, spelling, headers, target.body);
              tried++;
              const label = `${target.method} ${spelling} (${what}, ${credential}): ${answer.status} ${answer.body.slice(0, 120)}`;
              // Refused as malformed (400), or not a route at all (404, odd case); never the route's answer.
              assert.ok(answer.status === 400 || answer.status === 404, label);
              if (answer.status === 400) assert.match(answer.body, /request target not accepted/, label);
              assert.ok(!answer.body.includes(run.uid), label);
            }
          }
        }
        assert.ok(tried > 1000, `only ${tried} spellings tried`);
      });
    }
  });
}
