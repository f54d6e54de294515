// The configuration file through the real command line (bin/databroker.js in a folder with stray files): every
// setting from the file, then overridden by its environment variable, then by its flag, with `config show`
// naming each value's origin; the findings of bad files with their exit codes; `--catalog NAME` and the
// configured default on real commands (ingest of shared data, ls, search); the key never printed.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { dataPath, projectRoot } from "../support/sharedData.ts";

const scratch = mkdtempSync(join(tmpdir(), "databroker-config-cli-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
const home = join(scratch, "home");
const work = join(scratch, "work");
mkdirSync(join(home, ".config/databroker"), { recursive: true });
mkdirSync(work, { recursive: true });

/** The environment without the caller's DATABROKER_* settings, with a home of its own. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, ...extra };
  for (const name of Object.keys(env))
    if (name.startsWith("DATABROKER_") && !(name in extra)) delete env[name];
  delete env.XDG_CONFIG_HOME;
  return env;
}

function databroker(args: string[], env: Record<string, string> = {}, cwd = work) {
  const result = spawnSync(process.execPath, [join(projectRoot, "bin/databroker.js"), ...args], {
    cwd,
    env: cleanEnv(env),
    encoding: "utf8",
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const CONFIG = join(work, "databroker.yml");
// Every setting, one a line: the line numbers are what `config show` must report.
const EVERY_SETTING = `# every setting
catalogs:
  local: {uri: data/local.db, file_roots: [files]}
  other: {uri: data/other.db}
  remote: {uri: "http://127.0.0.1:8001", api_key_env: REMOTE_KEY, timeout_ms: 5000}
default: local
server:
  host: 127.0.0.2
  port: 8100
  public: true
  search_budget_ms: 2000
  index: true
  trust_resource_paths: true
  max_body_bytes: 1000
  max_document_bytes: 1001
  max_string_length: 1002
  max_documents: 1003
  oidc:
    issuer: https://idp.example
    audience: databroker
    jwks_uri: https://idp.example/jwks
    user_claim: email
    client_id: web
  trusted_proxy: 10.0.0.1
  proxy_user_header: X-User
  api_key_env: SERVE_KEY
assets:
  file_roots: [roots/a]
  max_read_bytes: 4096
export:
  nexus_name_map: names.yml
`;

/** Each setting: its value in the file and line, then the environment's, then the flag's. */
const SETTINGS: Array<{
  key: string;
  file: [unknown, number];
  env: [string, string, unknown];
  flag: [string[], unknown];
}> = [
  {
    key: "catalog",
    file: ["local", 6],
    env: ["DATABROKER_CATALOG", "other", "other"],
    flag: [["--catalog", "memory:"], "memory:"],
  },
  {
    key: "server.host",
    file: ["127.0.0.2", 8],
    env: ["DATABROKER_HOST", "0.0.0.0", "0.0.0.0"],
    flag: [["--host", "::1"], "::1"],
  },
  {
    key: "server.port",
    file: [8100, 9],
    env: ["DATABROKER_PORT", "8101", 8101],
    flag: [["--port", "8102"], 8102],
  },
  {
    key: "server.public",
    file: [true, 10],
    env: ["DATABROKER_PUBLIC", "false", false],
    flag: [["--public"], true],
  },
  {
    key: "server.search_budget_ms",
    file: [2000, 11],
    env: ["DATABROKER_SEARCH_BUDGET_MS", "0", 0],
    flag: [["--search-budget-ms", "7"], 7],
  },
  {
    key: "server.index",
    file: [true, 12],
    env: ["DATABROKER_INDEX", "no", false],
    flag: [["--index"], true],
  },
  {
    key: "server.trust_resource_paths",
    file: [true, 13],
    env: ["DATABROKER_TRUST_RESOURCE_PATHS", "0", false],
    flag: [["--trust-resource-paths"], true],
  },
  {
    key: "server.max_body_bytes",
    file: [1000, 14],
    env: ["DATABROKER_MAX_BODY_BYTES", "2000", 2000],
    flag: [["--max-body-bytes", "3000"], 3000],
  },
  {
    key: "server.max_document_bytes",
    file: [1001, 15],
    env: ["DATABROKER_MAX_DOCUMENT_BYTES", "2001", 2001],
    flag: [["--max-document-bytes", "3001"], 3001],
  },
  {
    key: "server.max_string_length",
    file: [1002, 16],
    env: ["DATABROKER_MAX_STRING_LENGTH", "2002", 2002],
    flag: [["--max-string-length", "3002"], 3002],
  },
  {
    key: "server.max_documents",
    file: [1003, 17],
    env: ["DATABROKER_MAX_DOCUMENTS", "2003", 2003],
    flag: [["--max-documents", "3003"], 3003],
  },
  {
    key: "server.oidc.issuer",
    file: ["https://idp.example", 19],
    env: ["DATABROKER_OIDC_ISSUER", "https://env.example", "https://env.example"],
    flag: [["--oidc-issuer", "https://flag.example"], "https://flag.example"],
  },
  {
    key: "server.oidc.audience",
    file: ["databroker", 20],
    env: ["DATABROKER_OIDC_AUDIENCE", "env-aud", "env-aud"],
    flag: [["--oidc-audience", "flag-aud"], "flag-aud"],
  },
  {
    key: "server.oidc.jwks_uri",
    file: ["https://idp.example/jwks", 21],
    env: ["DATABROKER_OIDC_JWKS_URI", "https://env/jwks", "https://env/jwks"],
    flag: [["--oidc-jwks-uri", "https://flag/jwks"], "https://flag/jwks"],
  },
  {
    key: "server.oidc.user_claim",
    file: ["email", 22],
    env: ["DATABROKER_OIDC_USER_CLAIM", "upn", "upn"],
    flag: [["--oidc-user-claim", "sub"], "sub"],
  },
  {
    key: "server.oidc.client_id",
    file: ["web", 23],
    env: ["DATABROKER_OIDC_CLIENT_ID", "env-web", "env-web"],
    flag: [["--oidc-client-id", "flag-web"], "flag-web"],
  },
  {
    key: "server.trusted_proxy",
    file: ["10.0.0.1", 24],
    env: ["DATABROKER_TRUSTED_PROXY", "10.0.0.2", "10.0.0.2"],
    flag: [["--trusted-proxy", "10.0.0.3"], "10.0.0.3"],
  },
  {
    key: "server.proxy_user_header",
    file: ["X-User", 25],
    env: ["DATABROKER_PROXY_USER_HEADER", "X-Env", "X-Env"],
    flag: [["--proxy-user-header", "X-Flag"], "X-Flag"],
  },
  {
    key: "server.api_key",
    file: ["(from $SERVE_KEY, not set)", 26],
    env: ["DATABROKER_API_KEY", "key_from_env", "set"],
    flag: [["--api-key", "key_from_flag"], "set"],
  },
  {
    key: "assets.file_roots",
    file: [[join(work, "roots/a")], 28],
    env: ["DATABROKER_FILE_ROOTS", "/env/a:/env/b", ["/env/a", "/env/b"]],
    flag: [
      ["--file-root", "/flag/a"],
      ["/env/a", "/env/b", "/flag/a"],
    ],
  },
  {
    key: "assets.max_read_bytes",
    file: [4096, 29],
    env: ["DATABROKER_MAX_READ_BYTES", "5000", 5000],
    flag: [["--max-read-bytes", "6000"], 6000],
  },
  {
    key: "export.nexus_name_map",
    file: [join(work, "names.yml"), 31],
    env: ["DATABROKER_NEXUS_NAME_MAP", "/env/names.yml", "/env/names.yml"],
    flag: [["--option", "nexus.names=/flag/names.yml"], "/flag/names.yml"],
  },
];

interface Shown {
  file: string | null;
  settings: Array<{ key: string; value: unknown; origin: string }>;
  catalogs: Record<string, Record<string, { value: unknown; origin: string }>>;
}

function show(args: string[] = [], env: Record<string, string> = {}): Shown {
  const result = databroker(["config", "show", "--json", ...args], env);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout);
}

function byKey(shown: Shown): Map<string, { value: unknown; origin: string }> {
  return new Map(shown.settings.map((setting) => [setting.key, setting]));
}

test("config show: every setting from the file (file:line), overridden by its environment variable, then by its flag", () => {
  writeFileSync(CONFIG, EVERY_SETTING);
  // Stray files: a broken .yaml beside it (the .yml wins) and a user file (the current folder wins).
  writeFileSync(join(work, "databroker.yaml"), "server: [\n");
  writeFileSync(join(home, ".config/databroker/databroker.yml"), "default: elsewhere\n");
  mkdirSync(join(work, "data"), { recursive: true });
  writeFileSync(join(work, "data/notes.txt"), "not a catalog\n");

  const fromFile = byKey(show());
  assert.equal(fromFile.size, SETTINGS.length);
  for (const { key, file } of SETTINGS)
    assert.deepEqual(fromFile.get(key), { key, value: file[0], origin: `${CONFIG}:${file[1]}` }, key);

  const env = Object.fromEntries(SETTINGS.map(({ env: [name, text] }) => [name, text]));
  const fromEnv = byKey(show([], env));
  for (const {
    key,
    env: [name, , value],
  } of SETTINGS)
    assert.deepEqual(fromEnv.get(key), { key, value, origin: `env ${name}` }, key);

  const flags = SETTINGS.flatMap(({ flag }) => flag[0]);
  const fromFlags = byKey(show(flags, env));
  for (const { key, flag } of SETTINGS) {
    const origin =
      key === "assets.file_roots"
        ? "env DATABROKER_FILE_ROOTS + flag --file-root"
        : `flag ${flag[0][0].replace(/^--option$/, "--option nexus.names")}`;
    assert.deepEqual(fromFlags.get(key), { key, value: flag[1], origin }, key);
  }
  // Without the environment, flags' file roots add to the file's.
  assert.deepEqual(byKey(show(["--file-root", "/flag/a"])).get("assets.file_roots"), {
    key: "assets.file_roots",
    value: [join(work, "roots/a"), "/flag/a"],
    origin: `${CONFIG}:28 + flag --file-root`,
  });
});

test("config show never prints a key, only whether its variable is set; config path lists the places in order", () => {
  writeFileSync(CONFIG, EVERY_SETTING);
  const unset = show();
  assert.deepEqual(unset.catalogs.remote.api_key, {
    value: "(from $REMOTE_KEY, not set)",
    origin: `${CONFIG}:5`,
  });
  assert.deepEqual(unset.catalogs.local.uri, { value: join(work, "data/local.db"), origin: `${CONFIG}:3` });
  const text = databroker(["config", "show"], {
    REMOTE_KEY: "top-secret-value",
    SERVE_KEY: "serve_secret_value",
  });
  assert.equal(text.code, 0, text.stderr);
  assert.doesNotMatch(text.stdout, /top-secret-value|serve_secret_value/);
  assert.match(text.stdout, /remote\.api_key\s+\(from \$REMOTE_KEY, set\)/);
  assert.match(text.stdout, /^server\.api_key\s+\(from \$SERVE_KEY, set\)/m);
  for (const args of [["--api-key", "flag_secret_value"], []]) {
    const given = databroker(["config", "show", "--json", ...args], {
      DATABROKER_API_KEY: "env_secret_value",
    });
    assert.doesNotMatch(given.stdout, /secret_value/);
  }
  assert.match(text.stdout, /^server\.port\s+8100\s+\(.*databroker\.yml:9\)$/m);

  const path = databroker(["config", "path"]);
  assert.equal(path.code, 0, path.stderr);
  const lines = path.stdout.trimEnd().split("\n");
  assert.equal(lines[0], `reads ${CONFIG}`);
  assert.match(lines[2], new RegExp(`current folder\\s+${CONFIG}\\s+read$`));
  assert.match(lines[3], /current folder\s+\S+databroker\.yaml\s+found \(not read\)$/);
  assert.match(
    lines[4],
    new RegExp(`user config folder\\s+${home}/.config/databroker/databroker.yml\\s+found \\(not read\\)$`),
  );
  assert.match(lines[6], /system\s+\/etc\/databroker\/databroker\.yml/);
  // --config (before or after the command) and $DATABROKER_CONFIG come first.
  const other = join(scratch, "other.yml");
  writeFileSync(other, "server: {port: 9999}\n");
  for (const args of [
    ["--config", other, "config", "path"],
    ["config", "path", "--config", other],
  ])
    assert.match(
      databroker(args).stdout,
      new RegExp(`^reads ${other}\\n.*\\n\\s+--config\\s+${other}\\s+read`),
      args.join(" "),
    );
  assert.match(
    databroker(["config", "path"], { DATABROKER_CONFIG: other }).stdout,
    new RegExp(`^reads ${other}\\n`),
  );
});

test("bad files: config check prints every finding as FILE:LINE: key: rule (exit 1); other commands fail in one line (exit 2)", () => {
  const cases: Array<[string, string]> = [
    [
      "catalogs:\n  a: [\n",
      "bad.yml:3: yaml: Flow sequence in block collection must be sufficiently indented and end with a ]",
    ],
    ['server:\n  port: "abc"\n', 'bad.yml:2: server.port: must be a whole number from 0 to 65535, got "abc"'],
    ["server:\n  hots: x\n", "bad.yml:2: server.hots: unknown key; did you mean host?"],
    [
      "catalogs:\n  remote: {uri: 'http://x', api_key: abc}\n",
      "bad.yml:2: catalogs.remote.api_key: a key is never written in the file: put it in an environment variable and name that with api_key_env",
    ],
    [
      "catalogs:\n  a: {federate: [b]}\n  b: {federate: [a]}\n",
      "bad.yml:3: catalogs.b.federate: a cycle: a -> b -> a",
    ],
    [
      "catalogs:\n  local: {uri: x.db}\n  all: {federate: [lcoal]}\n",
      'bad.yml:3: catalogs.all.federate: no catalog is named "lcoal"; did you mean local?',
    ],
  ];
  for (const [text, line] of cases) {
    writeFileSync(join(work, "bad.yml"), text);
    const checked = databroker(["config", "check", "bad.yml"]);
    assert.deepEqual([checked.code, checked.stdout], [1, `${line}\n`], text);
    const failed = databroker(["ls", "--config", "bad.yml"]);
    assert.deepEqual(
      [failed.code, failed.stderr],
      [2, `databroker ls: ${line.replace(/^bad\.yml/, join(work, "bad.yml"))}\n`],
      text,
    );
  }
  // Several findings: all of them in the file's order; a command names the first and how many more.
  writeFileSync(join(work, "bad.yml"), "server:\n  prot: 1\n  port: -1\n");
  assert.deepEqual(databroker(["config", "check", "bad.yml"]).stdout.split("\n"), [
    "bad.yml:2: server.prot: unknown key; did you mean port?",
    "bad.yml:3: server.port: must be a whole number from 0 to 65535, got -1",
    "",
  ]);
  assert.match(
    databroker(["ls", "--config", "bad.yml"]).stderr,
    /:2: server\.prot: unknown key; did you mean port\? \(and 1 more: databroker config check\)\n$/,
  );
  // A named file that is not there.
  const missing = join(work, "missing.yml");
  assert.deepEqual(
    databroker(["ls", "--config", "missing.yml"]).stderr,
    `databroker ls: ${missing}: --config: no such file (a configuration named here must exist)\n`,
  );
  assert.equal(databroker(["ls", "--config", "missing.yml"]).code, 2);
  const checkMissing = databroker(["config", "check"], { DATABROKER_CONFIG: missing });
  assert.deepEqual(
    [checkMissing.code, checkMissing.stdout],
    [1, `${missing}: $DATABROKER_CONFIG: no such file (a configuration named here must exist)\n`],
  );
  // A good file.
  writeFileSync(CONFIG, EVERY_SETTING);
  assert.deepEqual(databroker(["config", "check"]).stdout, `ok: ${CONFIG}\n`);
  // A key's variable not set, when the catalog is opened.
  const remote = databroker(["ls", "--catalog", "remote"]);
  assert.deepEqual(
    [remote.code, remote.stderr],
    [2, `databroker ls: catalog remote: $REMOTE_KEY is not set (${CONFIG}:5: catalogs.remote.api_key_env)\n`],
  );
});

test("--catalog NAME on real commands, the configured default without it, $DATABROKER_CATALOG over the default", () => {
  const folder = join(scratch, "catalogs");
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(folder, "databroker.yml"),
    "catalogs:\n  local: {uri: data/local.db}\n  spare: {uri: data/spare.db}\ndefault: spare\n",
  );
  const run = (args: string[], env: Record<string, string> = {}) => databroker(args, env, folder);
  const ingested = run(["ingest", dataPath("apstools/tests/usaxs.json"), "--catalog", "local", "--quiet"]);
  assert.equal(ingested.code, 0, ingested.stderr);
  assert.match(ingested.stdout, /^ingested 10 runs into local: 10 stored/m);
  const listed = run(["ls", "--catalog", "local", "--json", "--limit", "100"]);
  assert.equal(listed.code, 0, listed.stderr);
  assert.equal(JSON.parse(listed.stdout).length, 10);
  const found = run(["search", 'plan_name == "tune_mr"', "--catalog", "local", "--json"]);
  assert.equal(found.code, 0, found.stderr);
  assert.deepEqual(
    JSON.parse(found.stdout).map((summary: { scan_id: number }) => summary.scan_id),
    [108],
  );
  // The default (spare) has no catalog yet: a read creates none and says so, naming the file it resolved to.
  const byDefault = run(["ls"]);
  assert.equal(byDefault.code, 2);
  assert.match(byDefault.stderr, new RegExp(`no catalog at ${join(folder, "data/spare.db")}`));
  // $DATABROKER_CATALOG names a configured catalog too, and wins over the file's default.
  assert.equal(
    JSON.parse(run(["ls", "--json", "--limit", "100"], { DATABROKER_CATALOG: "local" }).stdout).length,
    10,
  );
  // A value that names no catalog is a URI as before.
  const byUri = run(["ls", "--json", "--limit", "100", "--catalog", join(folder, "data/local.db")]);
  assert.equal(JSON.parse(byUri.stdout).length, 10, byUri.stderr);

  // export takes the NeXus name map from the file (relative to its folder), the environment, then the flag;
  // a format without name maps is not given one.
  writeFileSync(
    join(folder, "databroker.yml"),
    "catalogs:\n  local: {uri: data/local.db}\ndefault: local\nexport: {nexus_name_map: maps/names.yml}\n",
  );
  const nexus = (env: Record<string, string>, ...flags: string[]) =>
    run(["export", "108", "--format", "nexus", "--to", join(folder, "out"), "--quiet", ...flags], env).stderr;
  assert.match(
    nexus({}),
    new RegExp(`NeXus name map ${join(folder, "maps/names.yml")} \\(option nexus.names\\) does not exist`),
  );
  assert.match(nexus({ DATABROKER_NEXUS_NAME_MAP: "/env/names.yml" }), /NeXus name map \/env\/names\.yml /);
  assert.match(
    nexus({ DATABROKER_NEXUS_NAME_MAP: "/env/names.yml" }, "--option", "nexus.names=/flag/names.yml"),
    /NeXus name map \/flag\/names\.yml /,
  );
  const csv = run(["export", "108", "--format", "csv", "--to", join(folder, "csv"), "--quiet"]);
  assert.equal(csv.code, 0, csv.stderr);
});

test("the README's example configuration file passes config check", () => {
  const readme = readFileSync(join(projectRoot, "README.md"), "utf8");
  const example = /^```yaml\n(# databroker\.yml\n[\s\S]*?)^```$/m.exec(readme)?.[1];
  assert.ok(example, "the README shows an example databroker.yml");
  const file = join(scratch, "readme.yml");
  writeFileSync(file, example);
  assert.deepEqual(databroker(["config", "check", file]).stdout, `ok: ${file}\n`);
});
