// `databroker tag`, `annotate` and `annotations` as users run them (whole processes) on a SQLite and a files
// catalog: tags and notes made, listed, searched, edited, their history, deleted; and one-line errors for
// bad arguments that change nothing (exit 2, as every failed command).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { RUN_SPECS, runDocuments } from "../access/accessFixture.ts";
import { cliCatalogs } from "./brokerCatalogs.ts";
import { databroker } from "./storageCli.ts";

const uris = await cliCatalogs("annotations", [
  runDocuments({ ...RUN_SPECS.R1a }),
  runDocuments({ ...RUN_SPECS.R2 }),
]);
const R1a = RUN_SPECS.R1a.uid;

for (const [kind, uri] of Object.entries(uris)) {
  describe(`databroker tag, annotate and annotations on a ${kind} catalog`, () => {
    test("tag, annotate, list, search, edit, history, remove, delete", () => {
      const tagged = databroker(["tag", R1a, "good", "figure-3", "--catalog", uri]);
      assert.equal(tagged.code, 0, tagged.stderr);
      assert.match(tagged.stdout, new RegExp(`tagged run ${R1a}: good, figure-3 .*visible to every reader`));
      const noted = databroker([
        "annotate",
        "101",
        "sample was misaligned",
        "--tag",
        "check",
        "--value",
        "rating=2",
        "--value",
        "why=beam",
        "--stream",
        "primary",
        "--seq",
        "2-3",
        "--private",
        "--json",
        "--catalog",
        uri,
      ]);
      assert.equal(noted.code, 0, noted.stderr);
      const note = JSON.parse(noted.stdout);
      assert.equal(note.visibility, "private");
      assert.deepEqual(note.values, { rating: 2, why: "beam" });
      assert.deepEqual(note.target, { stream: "primary", seq: [2, 3] });
      assert.match(note.author, /^local:/);
      const listed = databroker(["annotations", R1a, "--catalog", uri]);
      assert.equal(listed.code, 0, listed.stderr);
      assert.match(listed.stdout, /tags: good, figure-3/);
      assert.match(listed.stdout, /sample was misaligned/);
      assert.match(listed.stdout, /rating = 2/);
      const found = databroker([
        "search",
        'tags contains "good" and annotations.rating <= 2',
        "--catalog",
        uri,
      ]);
      assert.equal(found.code, 0, found.stderr);
      assert.match(found.stdout, new RegExp(R1a.slice(0, 8)));
      assert.ok(!found.stdout.includes(RUN_SPECS.R2.uid), found.stdout);
      const edited = databroker(["annotate", R1a, "realigned at 10:42", "--edit", note.id, "--catalog", uri]);
      assert.equal(edited.code, 0, edited.stderr);
      assert.match(edited.stdout, /edited run .* rev 2/);
      const history = databroker(["annotations", R1a, "--history", note.id, "--catalog", uri]);
      assert.match(history.stdout, /rev 1 {2}create/);
      assert.match(history.stdout, /rev 2 {2}edit/);
      assert.match(history.stdout, /realigned at 10:42/);
      const removed = databroker(["tag", R1a, "figure-3", "--remove", "--catalog", uri]);
      assert.equal(removed.code, 0, removed.stderr);
      const json = JSON.parse(databroker(["annotations", R1a, "--json", "--catalog", uri]).stdout);
      assert.deepEqual(json.find((each: { id: string }) => each.id !== note.id).tags, ["good"]);
      const deleted = databroker(["annotations", R1a, "--delete", note.id, "--catalog", uri]);
      assert.equal(deleted.code, 0, deleted.stderr);
      assert.equal(JSON.parse(databroker(["annotations", R1a, "--json", "--catalog", uri]).stdout).length, 1);
      const tags = databroker(["search", 'tags contains "check"', "--catalog", uri]);
      assert.ok(!tags.stdout.includes(R1a), tags.stdout);
    });

    test("bad arguments: one clear line, exit 2, nothing written", () => {
      const before = databroker(["annotations", R1a, "--json", "--catalog", uri]).stdout;
      const cases: Array<[string[], RegExp]> = [
        [["annotate", R1a, "--catalog", uri], /says nothing/],
        [
          ["annotate", R1a, "x", "--value", "norating", "--catalog", uri],
          /--value "norating": write key=value/,
        ],
        [["annotate", R1a, "x", "--seq", "3-", "--catalog", uri], /--seq/],
        [["annotate", R1a, "x", "--field", "det", "--catalog", uri], /target\.field/],
        [["annotate", R1a, "x", "--private", "--share", "u1", "--catalog", uri], /exclude each other/],
        [["annotate", R1a, "x", "--value", "body=1", "--catalog", uri], /values\.body/],
        [["tag", "no-such-run-at-all", "good", "--catalog", uri], /no run/],
        [["tag", R1a, "never-there", "--remove", "--catalog", uri], /none of your annotations/],
        [["annotations", R1a, "--delete", "no-such-id", "--catalog", uri], /no annotation "no-such-id"/],
        [["annotate", R1a, "x", "--edit", "no-such-id", "--catalog", uri], /no annotation "no-such-id"/],
      ];
      for (const [args, pattern] of cases) {
        const answer = databroker(args);
        assert.equal(answer.code, 2, `${args.join(" ")}: ${answer.stdout}`);
        assert.match(answer.stderr, pattern, args.join(" "));
        assert.equal(answer.stderr.trim().split("\n").length, 1, answer.stderr);
      }
      assert.equal(databroker(["annotations", R1a, "--json", "--catalog", uri]).stdout, before);
    });
  });
}
