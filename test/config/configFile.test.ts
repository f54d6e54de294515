// The configuration file in process: where it is looked for, its findings (file, line, key, rule), names
// resolved to catalog specs (keys from the environment, paths from the file's folder), and Broker.named
// opening a configured SQLite catalog.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { Broker } from "../../src/broker/Broker.ts";
import { problemText } from "../../src/config/ConfigError.ts";
import { namedCatalogSpec, resolveCatalog } from "../../src/config/catalogResolution.ts";
import { parseConfigText } from "../../src/config/configDocument.ts";
import { locateConfig } from "../../src/config/configLocations.ts";
import { checkConfig } from "../../src/config/configSchema.ts";
import { loadConfig } from "../../src/config/loadConfig.ts";
import { NotFoundError, ValidationError } from "../../src/errors.ts";
import { smallRun } from "../storage/syntheticRuns.ts";

const scratch = mkdtempSync(join(tmpdir(), "databroker-config-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** The findings of `text` as file `/etc/x/databroker.yml`, one line each. */
function findings(text: string): string[] {
  return checkConfig(parseConfigText("/cfg/databroker.yml", text)).problems.map(problemText);
}

const EXAMPLE = `catalogs:
  local: {uri: "data/local.db", root_map: {/old: moved}, file_roots: [files, /abs/files]}
  remote: {uri: "http://127.0.0.1:8001", api_key_env: REMOTE_KEY, timeout_ms: 5000}
  everything: {federate: [local, remote], timeout_ms: 3000}
default: everything
`;

test("a good file has no findings, and names resolve to specs: paths from the file's folder, the key from the environment", () => {
  const file = checkConfig(parseConfigText("/cfg/databroker.yml", EXAMPLE));
  assert.deepEqual(file.problems, []);
  const env = { REMOTE_KEY: "secret-1" };
  assert.deepEqual(namedCatalogSpec("local", file, env), {
    name: "local",
    uri: "/cfg/data/local.db",
    rootMap: { "/old": "/cfg/moved" },
    fileRoots: ["/cfg/files", "/abs/files"],
  });
  assert.deepEqual(namedCatalogSpec("everything", file, env), {
    name: "everything",
    timeoutMs: 3000,
    federate: [
      {
        name: "local",
        uri: "/cfg/data/local.db",
        rootMap: { "/old": "/cfg/moved" },
        fileRoots: ["/cfg/files", "/abs/files"],
      },
      { name: "remote", uri: "http://127.0.0.1:8001", apiKey: "secret-1", timeoutMs: 5000 },
    ],
  });
  // Without --catalog: $DATABROKER_CATALOG, else the file's default; a value that is no name is a URI.
  assert.equal((resolveCatalog(undefined, file, env) as { name: string }).name, "everything");
  assert.equal(
    (resolveCatalog(undefined, file, { ...env, DATABROKER_CATALOG: "local" }) as { name: string }).name,
    "local",
  );
  assert.equal(resolveCatalog("memory:", file, env), "memory:");
  assert.equal(resolveCatalog(undefined, undefined, {}), "./data/catalog.sqlite");
  const sqliteRelative = checkConfig(
    parseConfigText("/cfg/x.yml", "catalogs:\n  a: {uri: 'sqlite://rel/a.db'}\n"),
  );
  assert.equal((namedCatalogSpec("a", sqliteRelative, {}) as { uri: string }).uri, "sqlite:///cfg/rel/a.db");
});

test("a key's variable not set is an error naming the catalog, the variable, file, line and key; an unknown name lists the names", () => {
  const file = checkConfig(parseConfigText("/cfg/databroker.yml", EXAMPLE));
  assert.throws(
    () => namedCatalogSpec("everything", file, {}),
    (error: Error) =>
      error instanceof ValidationError &&
      error.message ===
        "catalog remote: $REMOTE_KEY is not set (/cfg/databroker.yml:3: catalogs.remote.api_key_env)",
  );
  assert.throws(
    () => namedCatalogSpec("nowhere", file, {}),
    (error: Error) =>
      error instanceof NotFoundError &&
      error.message ===
        'no catalog is named "nowhere" in the configuration (/cfg/databroker.yml names local, remote, everything)',
  );
});

test("each bad file gives one finding per problem: FILE:LINE: key: rule", () => {
  assert.deepEqual(findings("server:\n  port: [\n"), [
    "/cfg/databroker.yml:3: yaml: Flow sequence in block collection must be sufficiently indented and end with a ]",
  ]);
  assert.deepEqual(findings('server:\n  port: "abc"\n'), [
    '/cfg/databroker.yml:2: server.port: must be a whole number from 0 to 65535, got "abc"',
  ]);
  assert.deepEqual(findings("server:\n  prot: 8000\n"), [
    "/cfg/databroker.yml:2: server.prot: unknown key; did you mean port?",
  ]);
  assert.deepEqual(findings("catalgos: {}\n"), [
    "/cfg/databroker.yml:1: catalgos: unknown key; did you mean catalogs?",
  ]);
  assert.deepEqual(findings("catalogs:\n  remote:\n    uri: http://x\n    api_key: abc123\n"), [
    "/cfg/databroker.yml:4: catalogs.remote.api_key: a key is never written in the file: put it in an environment variable and name that with api_key_env",
  ]);
  assert.deepEqual(findings("catalogs:\n  a: {federate: [b]}\n  b: {federate: [a]}\n"), [
    "/cfg/databroker.yml:3: catalogs.b.federate: a cycle: a -> b -> a",
  ]);
  assert.deepEqual(findings("catalogs:\n  a: {federate: [a]}\n"), [
    "/cfg/databroker.yml:2: catalogs.a.federate: a cycle: a -> a",
  ]);
  assert.deepEqual(
    findings("catalogs:\n  local: {uri: x.db}\n  all:\n    federate:\n      - local\n      - lcoal\n"),
    ['/cfg/databroker.yml:6: catalogs.all.federate: no catalog is named "lcoal"; did you mean local?'],
  );
  assert.deepEqual(findings("catalogs:\n  local: {uri: x.db}\ndefault: lokal\n"), [
    '/cfg/databroker.yml:3: default: no catalog is named "lokal"; did you mean local?',
  ]);
  assert.deepEqual(findings("catalogs:\n  a: {uri: x.db, federate: [a]}\n  b: {}\n"), [
    "/cfg/databroker.yml:2: catalogs.a: a catalog has either a uri or federate (a list of catalog names), not both",
    "/cfg/databroker.yml:2: catalogs.a.federate: a cycle: a -> a",
    "/cfg/databroker.yml:3: catalogs.b: a catalog has either a uri or federate (a list of catalog names), not both",
  ]);
  assert.deepEqual(findings("catalogs:\n  a/b: {uri: x.db}\n"), [
    "/cfg/databroker.yml:2: catalogs.a/b: a catalog's name is letters, digits, _ and - (so it is never taken for a URI)",
  ]);
  assert.deepEqual(findings("server: {port: 1, port: 2}\n"), [
    "/cfg/databroker.yml:1: yaml: Map keys must be unique",
  ]);
  assert.deepEqual(
    findings("server: {public: yes please, max_body_bytes: 0}\nassets: {file_roots: /one}\n"),
    [
      '/cfg/databroker.yml:1: server.public: must be true or false, got "yes please"',
      "/cfg/databroker.yml:1: server.max_body_bytes: must be a whole number of 1 or more, got 0",
      '/cfg/databroker.yml:2: assets.file_roots: must be a list of paths, got "/one"',
    ],
  );
  // An empty file, or empty sections, is no configuration at all: fine.
  assert.deepEqual(findings(""), []);
  assert.deepEqual(findings("server:\ncatalogs:\n"), []);
});

test("the file is looked for in order, first found wins; a named file must exist; looking creates nothing", () => {
  const home = join(scratch, "home");
  const cwd = join(scratch, "work");
  const xdg = join(scratch, "xdg");
  mkdirSync(join(home, ".config/databroker"), { recursive: true });
  mkdirSync(join(xdg, "databroker"), { recursive: true });
  mkdirSync(cwd, { recursive: true });
  const userFile = join(home, ".config/databroker/databroker.yml");
  assert.equal(locateConfig({ cwd, home, env: {} }).file, undefined);
  writeFileSync(userFile, "");
  assert.equal(locateConfig({ cwd, home, env: {} }).file, userFile);
  // $XDG_CONFIG_HOME replaces ~/.config (nothing there: on to /etc, not back to ~/.config).
  assert.equal(locateConfig({ cwd, home, env: { XDG_CONFIG_HOME: xdg } }).file, undefined);
  writeFileSync(join(xdg, "databroker/databroker.yaml"), "");
  assert.equal(
    locateConfig({ cwd, home, env: { XDG_CONFIG_HOME: xdg } }).file,
    join(xdg, "databroker/databroker.yaml"),
  );
  writeFileSync(join(cwd, "databroker.yaml"), "");
  assert.equal(locateConfig({ cwd, home, env: {} }).file, join(cwd, "databroker.yaml"));
  writeFileSync(join(cwd, "databroker.yml"), "");
  assert.equal(locateConfig({ cwd, home, env: {} }).file, join(cwd, "databroker.yml"));
  writeFileSync(join(cwd, "other.yml"), "");
  assert.equal(
    locateConfig({ cwd, home, env: { DATABROKER_CONFIG: "other.yml" } }).file,
    join(cwd, "other.yml"),
  );
  assert.equal(
    locateConfig({ cwd, home, flag: "databroker.yaml", env: { DATABROKER_CONFIG: "other.yml" } }).file,
    join(cwd, "databroker.yaml"),
  );
  const { candidates } = locateConfig({ cwd, home, env: {} });
  assert.deepEqual(
    candidates.map((candidate) => candidate.from),
    ["current folder", "current folder", "user config folder", "user config folder", "system", "system"],
  );
  assert.throws(() => locateConfig({ cwd, home, flag: "missing.yml", env: {} }), {
    message: `${join(cwd, "missing.yml")}: --config: no such file (a configuration named here must exist)`,
  });
  assert.throws(() => locateConfig({ cwd, home, env: { DATABROKER_CONFIG: "/no/such.yml" } }), {
    message: "/no/such.yml: $DATABROKER_CONFIG: no such file (a configuration named here must exist)",
  });
});

test("Broker.named opens a configured SQLite catalog (path from the file's folder); an unknown name is NotFoundError", async () => {
  const folder = join(scratch, "named");
  mkdirSync(folder, { recursive: true });
  const config = join(folder, "databroker.yml");
  writeFileSync(config, "catalogs:\n  local: {uri: data/local.db}\n  mem: {uri: 'memory:'}\n");
  const run = smallRun({ plan_name: "count", scan_id: 7 }, 3, 1_600_000_000);
  const writer = await Broker.named("local", { config });
  try {
    await writer.store.put(run.documents);
  } finally {
    await writer.close();
  }
  const reader = await Broker.named("local", { config, readOnly: true });
  try {
    assert.equal(reader.store.uri, join(folder, "data/local.db"));
    assert.equal(await reader.count(), 1);
    assert.equal((await reader.run(-1)).start.scan_id, 7);
  } finally {
    await reader.close();
  }
  await assert.rejects(Broker.named("lcal", { config }), (error: Error) => {
    assert.ok(error instanceof NotFoundError);
    assert.equal(
      error.message,
      `no catalog is named "lcal" in the configuration (${config} names local, mem)`,
    );
    return true;
  });
  // A bad file fails before anything is opened.
  writeFileSync(config, "catalogs:\n  local: {uri: 5}\n");
  await assert.rejects(loadConfig({ flag: config }), {
    message: `${config}:2: catalogs.local.uri: must be text, got 5`,
  });
});
