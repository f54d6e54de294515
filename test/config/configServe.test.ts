// `databroker serve` reads its settings from the configuration file (a real server process): host, port and
// public from the file, the port overridden by $DATABROKER_PORT, and that by --port; the catalog by its
// configured name (the file's default).
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { freePort, spawnServer } from "../server/serveProcess.ts";

const scratch = mkdtempSync(join(tmpdir(), "databroker-config-serve-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** No DATABROKER_* setting of the caller's, and a home without a configuration. */
function env(extra: Record<string, string> = {}): Record<string, string> {
  const cleared = Object.fromEntries(
    Object.keys(process.env)
      .filter((name) => name.startsWith("DATABROKER_"))
      .map((name) => [name, ""]),
  );
  return { ...cleared, HOME: join(scratch, "home"), XDG_CONFIG_HOME: "", ...extra };
}

test("serve takes host, port, public and the key's variable from the file; the environment and then the flag win over it", async () => {
  mkdirSync(join(scratch, "home"), { recursive: true });
  const [filePort, envPort, flagPort] = [await freePort(), await freePort(), await freePort()];
  writeFileSync(
    join(scratch, "databroker.yml"),
    `catalogs:\n  local: {uri: data/local.db}\ndefault: local\nserver:\n  host: 127.0.0.1\n  port: ${filePort}\n  public: true\n  api_key_env: SERVE_KEY\n`,
  );
  // The single user's key from the variable the file names.
  const fromFile = await spawnServer(["serve"], env({ SERVE_KEY: "key_from_variable" }), scratch, null);
  try {
    assert.equal(fromFile.url, `http://127.0.0.1:${filePort}`);
    assert.equal(fromFile.apiKey, "key_from_variable");
    assert.match(fromFile.output(), /databroker is serving local at .* \(public: anyone may read\)/);
    // Public: an anonymous caller reads.
    const response = await fetch(`${fromFile.url}/api/v1/search/`);
    assert.equal(response.status, 200);
    await response.arrayBuffer();
  } finally {
    await fromFile.stop();
  }
  const fromEnv = await spawnServer(
    ["serve"],
    env({
      DATABROKER_PORT: String(envPort),
      DATABROKER_PUBLIC: "0",
      SERVE_KEY: "key_from_variable",
      DATABROKER_API_KEY: "key_from_env",
    }),
    scratch,
    null,
  );
  try {
    assert.equal(fromEnv.url, `http://127.0.0.1:${envPort}`);
    assert.doesNotMatch(fromEnv.output(), /public/);
    assert.equal(fromEnv.apiKey, "key_from_env");
    const response = await fetch(`${fromEnv.url}/api/v1/search/`);
    assert.equal(response.status, 401);
    await response.arrayBuffer();
  } finally {
    await fromEnv.stop();
  }
  const fromFlag = await spawnServer(
    ["serve", "--api-key", "key_from_flag"],
    env({ DATABROKER_PORT: String(envPort), DATABROKER_API_KEY: "key_from_env" }),
    scratch,
    flagPort,
  );
  try {
    assert.equal(fromFlag.url, `http://127.0.0.1:${flagPort}`);
    assert.equal(fromFlag.apiKey, "key_from_flag");
  } finally {
    await fromFlag.stop();
  }
});
