// The subscribers of the live benchmark, in a process of their own (so that their parsing does not delay the
// producer's clock): follows run UID on the server at URL with N followers (the TypeScript client), and prints
// for each seq the wall-clock times (ms since the epoch) at which each follower received it, as JSON.
// Usage: node --import tsx bench/liveSubscribers.ts URL KEY UID N
import { RemoteBroker } from "../src/client/index.ts";

const [url, apiKey, uid, count] = process.argv.slice(2);
const remote = await RemoteBroker.connect(url, { apiKey });
const run = await remote.run(uid);
const received: number[][] = [];
const now = () => performance.timeOrigin + performance.now();
// Ready once every follower has its stream open (each gets the start first).
let started = 0;
await Promise.all(
  Array.from({ length: Number(count) }, async () => {
    for await (const { seq } of run.follow()) {
      (received[seq] ??= []).push(now());
      if (seq === 1 && ++started === Number(count)) process.stderr.write("ready\n");
    }
  }),
);
process.stdout.write(JSON.stringify(received));
