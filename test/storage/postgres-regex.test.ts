// Regex queries mean on PostgreSQL what they mean in JavaScript: each pattern, translated by postgresRegex,
// is run by a real server over awkward strings (newlines, Unicode spaces and digits, astral characters, case)
// and must match exactly the strings JavaScript's own RegExp matches.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import pg from "pg";
import { ValidationError } from "../../src/errors.ts";
import { regexpOf } from "../../src/queries/regexPattern.ts";
import { ICU_ROOT } from "../../src/storage/postgres/compileQuery.ts";
import { postgresRegex } from "../../src/storage/postgres/postgresRegex.ts";
import { type PostgresServer, startPostgres } from "../support/postgresServer.ts";

const SUBJECTS = [
  "",
  "a",
  "abc",
  "ABC",
  "a\nb",
  "a\rb",
  "a\u2028b",
  "a b",
  "a\u00a0b",
  "a\tb",
  "x_y",
  "x-y",
  "123",
  "\u0663\u0664", // Arabic-Indic digits: not \d in JavaScript
  "café",
  "CAFÉ",
  "Äpfel",
  "äpfel",
  "𝔘 astral",
  "😀",
  "[x]*?",
  "a\\b",
  "50%_off",
  "AB",
  "tab:\t:",
  "word boundary",
  "ÿ",
];

const PATTERNS: Array<[string, boolean]> = [
  ["a.b", true],
  ["^.$", true],
  ["\\s", true],
  ["\\S+$", true],
  ["\\d", true],
  ["\\D", true],
  ["\\w+", true],
  ["^\\W", true],
  ["\\bb", true],
  ["a\\B", true],
  ["[\\d\\s]", true],
  ["[^\\D]", true],
  ["[^\\W_]", true],
  ["[\\S]", true],
  ["[^\\s\\d]", true],
  ["\\x41B", true],
  ["\\u00e9", true],
  ["\\uD835\\uDD18", true],
  ["[\\uD83D\\uDE00-\\uD83D\\uDE4F]", true],
  ["[[:a]", true],
  ["[a\\-z]", true],
  ["[\\]x]", true],
  ["\\[x\\]\\*\\?", true],
  ["a\\\\b", true],
  ["%_", true],
  ["^(a|s)", true],
  ["[a-c]{2,3}", true],
  ["c.f.", false],
  ["ÄPFEL", false],
  ["^äp", false],
  ["[a-c]+", false],
  ["\\bWORD", false],
  ["^\\t", true],
  ["\\v|\\f", true],
  ["ÿ", false],
];

let server: PostgresServer;
let client: pg.Client;
before(async () => {
  server = await startPostgres();
  client = new pg.Client({ connectionString: server.uri() });
  await client.connect();
});
after(async () => {
  await client?.end();
  server?.stop();
});

test("every pattern matches on PostgreSQL exactly the strings it matches in JavaScript", async () => {
  for (const [pattern, caseSensitive] of PATTERNS) {
    const translated = postgresRegex(pattern);
    const { rows } = await client.query(
      caseSensitive
        ? 'SELECT subject FROM unnest($1::text[]) AS subject WHERE subject COLLATE "C" ~ $2'
        : `SELECT subject FROM unnest($1::text[]) AS subject WHERE subject COLLATE "${ICU_ROOT}" ~* $2`,
      [SUBJECTS, translated],
    );
    const expected = SUBJECTS.filter((subject) => regexpOf(pattern, caseSensitive).test(subject));
    assert.deepEqual(
      rows.map((row) => row.subject),
      expected,
      `/${pattern}/${caseSensitive ? "" : "i"} as ${translated}`,
    );
  }
});

test("patterns some engine cannot run as written are refused with the reason, never misread", () => {
  assert.throws(() => postgresRegex("a{300}"), /limited to 255/);
  assert.throws(() => postgresRegex("b(?=c)"), /lookahead/);
  assert.throws(() => postgresRegex("\\uD800"), /unpaired surrogate/);
  assert.throws(() => postgresRegex("(?<=a)b"), ValidationError);
  assert.throws(() => postgresRegex("(a)\\1"), ValidationError);
});
