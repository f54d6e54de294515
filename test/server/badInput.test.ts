// Bad input over HTTP on SQLite and PostgreSQL is refused with a 4xx naming what is wrong, never a 500 and
// never stored changed: invalid UTF-8 in any body format (named by byte, and line for JSON Lines), and
// documents nested far too deeply (10,000 and 100,000 levels: named as such, not as a stack overflow), and a
// stop or descriptor before its start in one request (documents are ordered: a 422 `order` finding).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { pack } from "msgpackr";
import { MAX_INPUT_DEPTH } from "../../src/documents/formats/inputDepth.ts";
import { type CatalogServer, startCatalogServer, WITH_KEY } from "./catalogServer.ts";
import { READ_CATALOGS } from "./readServer.ts";

const TYPES = {
  json: "application/json",
  jsonl: "application/json-seq",
  msgpack: "application/x-msgpack",
} as const;
type BodyFormat = keyof typeof TYPES;

async function post(server: CatalogServer, format: BodyFormat, body: Buffer) {
  const response = await fetch(`${server.api}/documents/`, {
    method: "POST",
    headers: { ...WITH_KEY, "content-type": TYPES[format] },
    body,
  });
  return { status: response.status, text: await response.text() };
}

async function isStored(server: CatalogServer, uid: string): Promise<boolean> {
  const response = await fetch(`${server.api}/metadata/${uid}`, { headers: WITH_KEY });
  await response.arrayBuffer();
  return response.status === 200;
}

function encode(format: BodyFormat, pairs: unknown[][]): Buffer {
  if (format === "msgpack") return Buffer.concat(pairs.map((pair) => pack(pair)));
  if (format === "jsonl") return Buffer.from(pairs.map((pair) => `${JSON.stringify(pair)}\n`).join(""));
  return Buffer.from(JSON.stringify(pairs));
}

/** A run's start and stop; the stop's `reason` is `bad` bytes in place of "@@@@@@". */
function withBadBytes(format: BodyFormat, uid: string, bad: number[]): Buffer {
  const body = encode(format, [
    ["start", { uid, time: 1700000000.5 }],
    [
      "stop",
      { uid: `${uid}-stop`, run_start: uid, time: 1700000001.5, exit_status: "success", reason: "@@@@@@" },
    ],
  ]);
  Buffer.from([...bad, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41].slice(0, 6)).copy(body, body.indexOf("@@@@@@"));
  return body;
}

/** A start whose `nested` is `depth` arrays deep, written out by hand (a serializer would overflow too). */
function deepStart(format: BodyFormat, uid: string, depth: number): Buffer {
  if (format === "msgpack") {
    const head = pack(["start", { uid, time: 1700000000.5, nested: 0 }]);
    return Buffer.concat([head.subarray(0, -1), Buffer.alloc(depth, 0x91), Buffer.from([0x01])]);
  }
  const pair = `["start",{"uid":"${uid}","time":1700000000.5,"f":1.0,"nested":${"[".repeat(depth)}${"]".repeat(depth)}}]`;
  return Buffer.from(format === "json" ? `[${pair}]` : `${pair}\n`);
}

/** An event whose data nests `depth` objects deep, after its start and descriptor. */
function deepEvent(format: BodyFormat, uid: string, depth: number): Buffer {
  const value = `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
  const texts = [
    `["start",{"uid":"${uid}","time":1700000000.5}]`,
    `["descriptor",{"uid":"${uid}-d","run_start":"${uid}","time":1700000000.6,"name":"primary","data_keys":{"x":{"dtype":"array","shape":[],"source":"s"}}}]`,
    `["event",{"uid":"${uid}-e","descriptor":"${uid}-d","time":1700000000.7,"seq_num":1,"data":{"x":${value}},"timestamps":{"x":1700000000.7}}]`,
  ];
  return Buffer.from(format === "json" ? `[${texts.join(",")}]` : `${texts.join("\n")}\n`);
}

const BAD_UTF8: Array<[string, number[]]> = [
  ["overlong C0 AF", [0xc0, 0xaf]],
  ["5-byte sequence", [0xf8, 0x88, 0x80, 0x80, 0x80]],
  ["encoded surrogate", [0xed, 0xa0, 0x80]],
  ["FF FE", [0xff, 0xfe]],
];

for (const catalog of READ_CATALOGS) {
  describe(`bad input over HTTP (${catalog.name})`, () => {
    let server: CatalogServer;
    before(async () => {
      server = await startCatalogServer(catalog);
    });
    after(() => server.close());

    test("invalid UTF-8 in any body format: 400 naming the byte (and line), nothing stored", async () => {
      for (const format of Object.keys(TYPES) as BodyFormat[]) {
        for (const [label, bad] of BAD_UTF8) {
          const uid = `utf8-${format}-${bad[0]}`;
          const answer = await post(server, format, withBadBytes(format, uid, bad));
          assert.equal(answer.status, 400, `${format}, ${label}: ${answer.text}`);
          const { detail } = JSON.parse(answer.text);
          assert.match(detail, /^request body: (line 2|byte \d+): invalid UTF-8 \(bytes? 0x/, detail);
          assert.equal(await isStored(server, uid), false);
        }
      }
      // A sequence cut short by the end of the body.
      const start = encode("jsonl", [["start", { uid: "cut", time: 1 }]]);
      const cut = Buffer.concat([start, Buffer.from('["stop",{"x":"'), Buffer.from([0xe2, 0x82])]);
      const answer = await post(server, "jsonl", cut);
      assert.equal(answer.status, 400, answer.text);
      assert.match(JSON.parse(answer.text).detail, /line 2: invalid UTF-8 .*cut short/);
      // Valid multi-byte text is stored as sent.
      const fine = await post(
        server,
        "msgpack",
        encode("msgpack", [["start", { uid: "fine", time: 1, note: "é€😀" }]]),
      );
      assert.equal(fine.status, 200, fine.text);
    });

    test("documents nested 10,000 and 100,000 levels deep: 400 'nested too deeply', no stack overflow", async () => {
      for (const depth of [MAX_INPUT_DEPTH + 1, 10_000, 100_000]) {
        for (const format of Object.keys(TYPES) as BodyFormat[]) {
          const uid = `deep-${format}-${depth}`;
          const answers = [await post(server, format, deepStart(format, uid, depth))];
          if (format !== "msgpack")
            answers.push(await post(server, format, deepEvent(format, `${uid}-e`, depth)));
          for (const answer of answers) {
            assert.equal(answer.status, 400, `${format}, ${depth}: ${answer.text}`);
            const { detail } = JSON.parse(answer.text);
            assert.match(
              detail,
              new RegExp(`nested too deeply: more than ${MAX_INPUT_DEPTH} levels`),
              detail,
            );
            assert.doesNotMatch(detail, /RangeError|call stack/);
          }
          assert.equal(await isStored(server, uid), false);
        }
      }
    });

    test("a stop or descriptor before its start in one request: 422 `order` naming the document, nothing stored", async () => {
      const stop = { uid: "early-stop", run_start: "late", time: 1700000002, exit_status: "success" };
      const descriptor = {
        uid: "early-d",
        run_start: "late",
        time: 1700000001,
        name: "primary",
        data_keys: {},
      };
      const start = { uid: "late", time: 1700000000.5 };
      for (const format of Object.keys(TYPES) as BodyFormat[]) {
        for (const [name, doc] of [
          ["stop", stop],
          ["descriptor", descriptor],
        ] as const) {
          const answer = await post(
            server,
            format,
            encode(format, [
              [name, doc],
              ["start", start],
            ]),
          );
          assert.equal(answer.status, 422, `${format} ${name}: ${answer.text}`);
          const body = JSON.parse(answer.text);
          assert.deepEqual(body.findings, [
            {
              doc_index: 0,
              name,
              path: "run_start",
              rule: "order",
              message: `refers to start late, which only comes later (document 1): a ${name} must come after its start`,
            },
          ]);
          assert.equal(await isStored(server, "late"), false);
        }
      }
      // In order, the same documents are stored, the stop with no warning that it is missing.
      const ordered = await post(
        server,
        "json",
        encode("json", [
          ["start", start],
          ["descriptor", descriptor],
          ["stop", stop],
        ]),
      );
      assert.equal(ordered.status, 200, ordered.text);
      const warnings = JSON.parse(ordered.text).runs[0].warnings.map((w: { rule: string }) => w.rule);
      assert.deepEqual(warnings, []);
    });
  });
}
