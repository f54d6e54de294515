// The access matrix's world (../shared/reference/access-control.md §5): proposals P1, P2 and a released P3;
// beamtimes B1a, B1b (P1, beamline X), B2 (P2, beamline Y), Bpub (P3, released); users pi1, u1, u2, staffX,
// staffXY, boss (admin), w1 (ingest role on B1a); runs R1a, R1b, R2, R0 (no beamtime), Rpub — served over
// real HTTP on loopback from a real catalog, with a test OIDC provider for bearer tokens.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { Broker } from "../../src/broker/index.ts";
import { composeRun } from "../../src/documents/compose.ts";
import type { DocumentPair } from "../../src/documents/types.ts";
import { createServer } from "../../src/server/app.ts";
import type { AuthOptions } from "../../src/server/auth.ts";
import { openStore } from "../../src/storage/openStore.ts";
import type { Store } from "../../src/storage/Store.ts";
import { TestOidcProvider } from "../support/oidcProvider.ts";

export const AUDIENCE = "databroker-test";

export const MEMBERSHIPS = {
  users: [
    { id: "pi1", email: "pi1@example.org" },
    { id: "u1" },
    { id: "u2" },
    { id: "staffX" },
    { id: "staffXY" },
    { id: "boss" },
    { id: "w1", roles: ["ingest"] },
  ],
  proposals: [
    { id: "P1", pis: ["pi1"], users: [], release_at: null },
    { id: "P2", pis: ["u2"], users: [] },
    { id: "P3", pis: ["pi1"], users: [], release_at: "2020-01-01" },
  ],
  beamtimes: [
    { id: "B1a", proposal: "P1", beamline: "X", pis: ["pi1"], users: ["u1", "w1"], release_at: null },
    { id: "B1b", proposal: "P1", beamline: "X", pis: ["pi1"], users: [] },
    { id: "B2", proposal: "P2", beamline: "Y", pis: ["u2"], users: [] },
    { id: "Bpub", proposal: "P3", beamline: "Z", pis: ["pi1"], users: [] },
  ],
  staff: [
    { beamline: "X", users: ["staffX", "staffXY"] },
    { beamline: "Y", users: ["staffXY"] },
  ],
  admins: ["boss"],
};

/** Runs by name; uids share prefixes across beamtimes, so a prefix lookup could reveal a hidden run. */
export const RUN_SPECS = {
  R1a: { uid: "aaaa1111-0000-4000-8000-000000000001", scan_id: 101, beamtime: "B1a", plan_name: "scan_a" },
  R1b: { uid: "aaaa2222-0000-4000-8000-000000000002", scan_id: 102, beamtime: "B1b", plan_name: "scan_b" },
  R2: { uid: "aaaa1111-0000-4000-8000-000000000003", scan_id: 103, beamtime: "B2", plan_name: "scan_c" },
  R0: { uid: "aaaa3333-0000-4000-8000-000000000004", scan_id: 104, beamtime: undefined, plan_name: "scan_d" },
  Rpub: { uid: "aaaa4444-0000-4000-8000-000000000005", scan_id: 105, beamtime: "Bpub", plan_name: "scan_e" },
} as const;

export type RunName = keyof typeof RUN_SPECS;
export const ALL_RUNS = Object.keys(RUN_SPECS) as RunName[];

/** Who sees which runs: the expected answer of every listing (cases 1, 6, 7, 9, 10, 11). */
export const VISIBLE: Record<string, RunName[]> = {
  anonymous: ["Rpub"],
  u1: ["R1a", "Rpub"],
  pi1: ["R1a", "R1b", "Rpub"],
  u2: ["R2", "Rpub"],
  staffX: ["R1a", "R1b", "R0", "Rpub"],
  staffXY: ["R1a", "R1b", "R2", "R0", "Rpub"],
  boss: ALL_RUNS,
  w1: ["R1a", "Rpub"],
};

/** A small whole run: start (with its beamtime, if any), one descriptor, three events, stop. */
export function runDocuments(spec: {
  uid: string;
  scan_id: number;
  beamtime?: string;
  plan_name: string;
  [key: string]: unknown;
}): DocumentPair[] {
  const { uid, beamtime, ...metadata } = spec;
  const run = composeRun(
    { ...metadata, ...(beamtime === undefined ? {} : { beamtime }) },
    { uid, time: 1.7e9 + spec.scan_id },
  );
  const stream = run.composeDescriptor({
    name: "primary",
    data_keys: { x: { dtype: "number", shape: [], source: "sim" } },
  });
  const events = [1, 2, 3].map((x) => stream.composeEvent({ data: { x }, timestamps: { x: 1.7e9 } }));
  return [
    ["start", run.start],
    ["descriptor", stream.descriptor],
    ...events.map((event): DocumentPair => ["event", event]),
    ["stop", run.composeStop({ exit_status: "success" })],
  ] as DocumentPair[];
}

export interface AccessWorld {
  api: string;
  broker: Broker;
  store: Store;
  app: FastifyInstance;
  oidc: TestOidcProvider;
  /** An API key secret per user (inherit scopes, no binding). */
  keys: Record<string, string>;
  close(): Promise<void>;
}

/** The world on a new catalog at `uri(dir)`: runs stored, memberships loaded, a key per user. */
export async function startAccessWorld(
  uri: (dir: string) => Promise<string> | string,
  auth: Omit<AuthOptions, "oidc"> = {},
  memberships: unknown = MEMBERSHIPS,
): Promise<AccessWorld> {
  const dir = mkdtempSync(join(tmpdir(), "databroker-access-"));
  const store = await openStore(await uri(dir));
  for (const spec of Object.values(RUN_SPECS)) await store.put(runDocuments(spec));
  const broker = new Broker(store);
  await broker.access.loadMemberships(memberships, "test");
  const keys: Record<string, string> = {};
  const users = (memberships as { users: Array<{ id: string; disabled?: boolean }> }).users;
  for (const { id } of users.filter((entry) => !entry.disabled))
    keys[id] = (await broker.access.createKey({ owner: id }, "test")).secret;
  const oidc = await TestOidcProvider.start();
  const app = await createServer({
    broker,
    auth: { ...auth, oidc: { issuer: oidc.issuer, audience: AUDIENCE } },
    logger: false,
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    api: `http://127.0.0.1:${port}/api/v1`,
    broker,
    store,
    app,
    oidc,
    keys,
    async close() {
      await app.close();
      await oidc.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A request as a given credential sends it; the body as parsed JSON (or text when not JSON). */
export async function call(
  url: string,
  options: {
    key?: string;
    bearer?: string;
    method?: string;
    body?: unknown;
    contentType?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<{ status: number; body: any; text: string }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key !== undefined) headers.authorization = `Apikey ${options.key}`;
  if (options.bearer !== undefined) headers.authorization = `Bearer ${options.bearer}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers["content-type"] = options.contentType ?? "application/json";
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
  }
  const response = await fetch(url, { method: options.method ?? "GET", headers, body });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: response.status, body: parsed, text };
}
