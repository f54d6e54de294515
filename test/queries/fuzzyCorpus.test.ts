// Fuzzy search on the reference data: every generated misspelling of a real start value (fuzzyCorpus.ts)
// searched as ~"..." through the Broker over a SQLite catalog; the run listed first must hold the value (its
// words, under any key) in at least 90% of the cases (the figure is printed). Random letter strings must
// rarely find anything.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { Broker } from "../../src/broker/Broker.ts";
import type { RunStart } from "../../src/documents/types.ts";
import { wordSetOf, wordsOf } from "../../src/queries/fullText.ts";
import { fuzzyQuery } from "../../src/queries/kinds/fuzzy.ts";
import { SqliteStore } from "../../src/storage/sqlite/SqliteStore.ts";
import { realRuns } from "../storage/realRuns.ts";
import { misspellingsOf } from "./fuzzyCorpus.ts";
import { seededRandom } from "./randomQueries.ts";

const dir = mkdtempSync(join(tmpdir(), "databroker-fuzzy-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("a misspelled real value finds a run holding it first in at least 90% of cases", async (t) => {
  const runs = (await realRuns()).filter((run) => !run.isolated);
  const broker = new Broker(new SqliteStore(join(dir, "corpus.sqlite")));
  try {
    for (const run of runs) await broker.put(run.documents, { trustResourcePaths: true });
    const corpus = misspellingsOf(runs.map((run) => run.documents[0][1] as RunStart));
    assert.ok(corpus.length >= 50, `${corpus.length} misspellings`);
    const misses: string[] = [];
    for (const { key, value, text, kind } of corpus) {
      const [first] = await broker.search(fuzzyQuery(text)).page({ limit: 1 });
      // Holding the value means holding its words: a search of words cannot tell which key they were under.
      const words = first ? wordSetOf(first.start) : new Set<string>();
      if (!wordsOf(value).every((word) => words.has(word)))
        misses.push(`${kind} ${JSON.stringify(text)} for ${key} = ${JSON.stringify(value)}`);
    }
    const share = (corpus.length - misses.length) / corpus.length;
    const figure = `fuzzy corpus: ${corpus.length - misses.length} of ${corpus.length} misspellings (${(share * 100).toFixed(1)}%) list a run holding the value first`;
    console.log(figure);
    t.diagnostic(figure);
    for (const miss of misses) t.diagnostic(`missed: ${miss}`);
    assert.ok(share >= 0.9, `${figure}; missed:\n${misses.join("\n")}`);

    // Letters drawn at random (seeded): words no run holds; a few share a start with a short word ("gp").
    const random = seededRandom(18);
    let matched = 0;
    for (let n = 0; n < 100; n++) {
      const length = 5 + Math.floor(random() * 8);
      const word = Array.from({ length }, () => String.fromCharCode(97 + Math.floor(random() * 26))).join("");
      if ((await broker.search(fuzzyQuery(word)).count()) > 0) matched++;
    }
    t.diagnostic(`random letter strings matching some run: ${matched} of 100`);
    assert.ok(matched <= 10, `${matched} of 100 random letter strings matched`);
  } finally {
    await broker.store.close();
  }
});
