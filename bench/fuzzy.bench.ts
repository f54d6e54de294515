// Fuzzy search (`~"word"` with one letter dropped) through the Broker, ranking included, on a catalog of
// synthetic runs with a facility-sized vocabulary (sample, user and proposal words drawn from ~40,000
// pseudo-words, see lexicon), against an exact full-text search of the correct word on the same catalog in the same run:
// p50 / p99 of a page of 100, and their ratio. FUZZY_BENCH_RUNS sets the catalog size (default 10,000; the
// goal, p50 <= 50 ms, is for 100,000); FUZZY_BENCH_BACKENDS picks among sqlite,postgres (default both).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Broker } from "../src/broker/Broker.ts";
import type { DocumentPair } from "../src/documents/types.ts";
import { fullTextQuery } from "../src/queries/kinds/fullText.ts";
import { fuzzyQuery } from "../src/queries/kinds/fuzzy.ts";
import type { Query } from "../src/queries/Query.ts";
import { PostgresStore } from "../src/storage/postgres/PostgresStore.ts";
import type { Store } from "../src/storage/Store.ts";
import { SqliteStore } from "../src/storage/sqlite/SqliteStore.ts";
import { seededRandom } from "../test/queries/randomQueries.ts";
import { type PostgresServer, startPostgres } from "../test/support/postgresServer.ts";
import { latency } from "./harness.ts";
import { PLANS, T0, uidOf } from "./syntheticRuns.ts";

const RUNS = Number(process.env.FUZZY_BENCH_RUNS ?? 10_000);
const BACKENDS = (process.env.FUZZY_BENCH_BACKENDS ?? "sqlite,postgres").split(",");
const BATCH = 2_000;
const REPEATS = 100;
const PAGE = 100;

// Letters weighted roughly as in English text, consonants and vowels alternating (a consonant pair now and
// then), so words look like names and share trigrams about as much as a real vocabulary's do.
const CONSONANTS = "ttttnnnnssssrrrhhhllldddccmmffppggwwybbvkxjqz";
const VOWELS = "eeeeaaaooooiiiuuy";

/** ~40,000 distinct pseudo-words of 4 to 10 letters, in a fixed order. */
function lexicon(): string[] {
  const random = seededRandom(2026);
  const pick = (letters: string) => letters[Math.floor(random() * letters.length)];
  const words = new Set<string>();
  while (words.size < 40_000) {
    const length = 4 + Math.floor(random() * 7);
    let text = random() < 0.3 ? pick(VOWELS) : "";
    while (text.length < length)
      text += pick(CONSONANTS) + (random() < 0.2 ? pick(CONSONANTS) : "") + pick(VOWELS);
    words.add(text.slice(0, length));
  }
  return [...words];
}

const WORDS = lexicon();
const word = (i: number, salt: number) => WORDS[(i * 7919 + salt * 104_729) % WORDS.length];

function startOf(i: number): DocumentPair {
  return [
    "start",
    {
      uid: uidOf(i),
      time: T0 + i * 30,
      scan_id: i % 20_000,
      plan_name: PLANS[i % PLANS.length],
      sample: { name: `${word(i, 1)} ${word(i, 2)}`, temperature: 290 + (i % 40) },
      operator: `${word(i % 3_000, 3)} ${word(i % 3_000, 4)}`,
      proposal: { title: [5, 6, 7, 8].map((salt) => word(i % 20_000, salt)).join(" ") },
    },
  ];
}

/** A page of the search's first runs, as a listing reads it (ranking included for fuzzy parts). */
async function page(broker: Broker, query: Query): Promise<number> {
  let n = 0;
  for await (const _ of broker.search(query).summaries({ limit: PAGE })) n++;
  return n;
}

/** The sample word of run `i` with its middle letter dropped. */
function typo(i: number): string {
  const right = word(i * 37, 1);
  const middle = Math.floor(right.length / 2);
  return right.slice(0, middle) + right.slice(middle + 1);
}

async function measure(name: string, store: Store): Promise<void> {
  const t0 = performance.now();
  for (let first = 0; first < RUNS; first += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, RUNS - first) }, (_, k) => startOf(first + k));
    await store.put(batch);
  }
  const loaded = (performance.now() - t0) / 1000;
  const broker = new Broker(store);
  const fuzzy = await latency((i) => page(broker, fuzzyQuery(typo(i))), REPEATS);
  const exact = await latency((i) => page(broker, fullTextQuery(word(i * 37, 1))), REPEATS);
  const ms = (value: number) => `${value.toFixed(2)} ms`;
  console.log(
    `${name}, ${RUNS} runs (loaded at ${(RUNS / loaded).toFixed(0)} runs/s): fuzzy page of ${PAGE} ` +
      `p50 ${ms(fuzzy.p50)} p99 ${ms(fuzzy.p99)} | baseline exact fullText p50 ${ms(exact.p50)} ` +
      `p99 ${ms(exact.p99)} | ratio p50 ${(fuzzy.p50 / exact.p50).toFixed(2)}x p99 ${(fuzzy.p99 / exact.p99).toFixed(2)}x`,
  );
}

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "databroker-fuzzy-bench-"));
  let server: PostgresServer | undefined;
  try {
    if (BACKENDS.includes("sqlite")) {
      const store = new SqliteStore(join(dir, "catalog.sqlite"));
      await measure("SQLite", store);
      await store.close();
    }
    if (BACKENDS.includes("postgres")) {
      server = await startPostgres({ durable: true });
      const store = await PostgresStore.open(await server.createDatabase());
      await measure("PostgreSQL", store);
      await store.close();
    }
  } finally {
    server?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
