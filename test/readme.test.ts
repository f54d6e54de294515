// The README's examples, run as a reader would on the reference data: the console block of the command line
// (each `$ npx databroker ...` line run, its output compared with the lines under it) and the library snippet
// (run against the catalog that block made, its output compared with the block after "prints").
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { pathToFileURL } from "node:url";
import { projectRoot, sharedData } from "./support/sharedData.ts";

const README = readFileSync(join(projectRoot, "README.md"), "utf8");
const scratch = mkdtempSync(join(tmpdir(), "databroker-readme-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
/** The README's times are shown in UTC (ls and search print local times). */
const ENV = { ...process.env, TZ: "UTC" };

/** The fenced blocks of `language` in the README, in order. */
function blocks(language: string): string[] {
  const fence = new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\`$`, "gm");
  return [...README.matchAll(fence)].map((match) => match[1]);
}

/** The README's paths made this test's: the reference data where it really is, the catalog a temporary one. */
function localized(text: string): string {
  return text.replaceAll("../shared/data", sharedData).replaceAll("/tmp/aps", join(scratch, "aps"));
}

/** Whether `actual` lines are what `expected` shows, a line `…` standing for any lines. */
function shows(expected: string[], actual: string[]): boolean {
  if (expected.length === 0) return actual.length === 0;
  const [first, ...rest] = expected;
  if (first === "…") return actual.some((_, skip) => shows(rest, actual.slice(skip))) || shows(rest, []);
  return actual[0] === first && shows(rest, actual.slice(1));
}

function lines(text: string): string[] {
  return text.replace(/\s+$/, "").split(/\r?\n/); // CSV ends its lines with \r\n (RFC 4180)
}

test("the command-line example prints what the README shows", () => {
  const [example] = blocks("console");
  assert.ok(example?.includes("$ npx databroker"), "the README has a console block of databroker commands");
  const steps = example.split(/^\$ /m).slice(1);
  assert.ok(steps.length >= 3);
  for (const step of steps) {
    const [command, ...expected] = step.replace(/\n$/, "").split("\n");
    // `npx databroker` is this project's bin: run it with this node, as npx would.
    const line = localized(command).replace(/^npx databroker /, `"${process.execPath}" bin/databroker.js `);
    const result = spawnSync("sh", ["-c", line], { cwd: projectRoot, encoding: "utf8", env: ENV });
    assert.equal(result.status, 0, `${command}\n${result.stderr}`);
    const output = result.stdout === "" ? [] : lines(result.stdout);
    assert.ok(
      shows(expected.map(localized), output),
      `${command}\nREADME shows:\n${expected.join("\n")}\nit printed:\n${output.join("\n")}`,
    );
  }
});

test("the library snippet prints what the README shows", () => {
  const snippet = blocks("ts").find((block) => block.includes('from "databroker"'));
  assert.ok(snippet, "the README has a ts block importing databroker");
  const printed = README.slice(README.indexOf(snippet)).match(/^prints\n\n```text\n([\s\S]*?)^```$/m);
  assert.ok(printed, 'the snippet is followed by "prints" and a text block');
  // The package's entry is src/index.ts (the build compiles it to dist/index.js): the sources are run here,
  // the built package by package.test.ts.
  const entry = pathToFileURL(join(projectRoot, "src", "index.ts")).href;
  const program = join(scratch, "snippet.mts");
  writeFileSync(program, localized(snippet).replace('from "databroker"', `from ${JSON.stringify(entry)}`));
  const result = spawnSync(process.execPath, ["--import", "tsx", program], {
    cwd: projectRoot,
    encoding: "utf8",
    env: ENV,
  });
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(lines(result.stdout), lines(printed[1]));
});
