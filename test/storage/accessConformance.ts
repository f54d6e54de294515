// The access-records part of the Store conformance suite (access/AccessRecords.ts): versions, the
// compare-and-swap, the audit, key uses; for a persistent catalog also reopening it, and a read-only open.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { AuditEntry, StoredAccess } from "../../src/access/AccessRecords.ts";
import { ConflictError, UnsupportedError } from "../../src/errors.ts";
import { openStore } from "../../src/storage/openStore.ts";
import type { Store } from "../../src/storage/Store.ts";
import { withOpenStore as withStore } from "./storeHelpers.ts";

type Open = () => Promise<Store>;

const STATE: StoredAccess = {
  memberships: [{ user: "ada", groups: ["beamline-α", "管理"] }],
  keys: { k1: { prefix: "db_1234", scopes: ["read"], nested: { deep: [1.5, 3, -0.25, 1e-7, 2 ** 53 - 1] } } },
  note: 'ünïcødé 🚀 \u0000 "quoted"',
  empty: {},
  flags: [true, false, null],
};

function entry(n: number): Omit<AuditEntry, "id"> {
  return { at: 1_700_000_000.25 + n, actor: `user-${n}`, action: "key.create", detail: { n, name: `κ${n}` } };
}

/** `persistent`: the catalog outlives its store and reopens from its uri (openStore), read-only too. */
export function accessConformance(open: Open, options: { persistent?: boolean } = {}): void {
  describe("access records", () => {
    test("an empty catalog has version 0, no state, no audit and no key uses", async () => {
      await withStore(await open(), async (store) => {
        assert.equal(await store.access.version(), 0);
        assert.deepEqual(await store.access.read(), { version: 0, state: undefined });
        assert.deepEqual(await store.access.audit(), []);
        assert.deepEqual(await store.access.keyUses(), {});
      });
    });

    test("a write reads back deep-equal, each write makes the next version, the audit gets ids from 1", async () => {
      await withStore(await open(), async (store) => {
        assert.equal(await store.access.write(0, STATE, [entry(1), entry(2)]), 1);
        assert.equal(await store.access.version(), 1);
        assert.deepEqual(await store.access.read(), { version: 1, state: STATE });
        const second = { ...STATE, note: "second" };
        assert.equal(await store.access.write(1, second, [entry(3)]), 2);
        assert.equal(await store.access.write(2, second, []), 3);
        assert.deepEqual(await store.access.read(), { version: 3, state: second });
        assert.deepEqual(
          await store.access.audit(),
          [1, 2, 3].map((n) => ({ id: n, ...entry(n) })),
        );
      });
    });

    test("stored data cannot be changed through the objects passed in or given back", async () => {
      await withStore(await open(), async (store) => {
        const state = structuredClone(STATE);
        const audit = [entry(1)];
        await store.access.write(0, state, audit);
        (state.keys as Record<string, unknown>).k2 = "added";
        audit[0].detail.n = 99;
        const read = await store.access.read();
        (read.state!.keys as Record<string, unknown>).k3 = "added";
        (await store.access.audit())[0].detail.n = 98;
        assert.deepEqual((await store.access.read()).state, STATE);
        assert.deepEqual(await store.access.audit(), [{ id: 1, ...entry(1) }]);
      });
    });

    test("a stale expected version is a ConflictError that changes nothing", async () => {
      await withStore(await open(), async (store) => {
        await store.access.write(0, STATE, [entry(1)]);
        await store.access.write(1, { v: 2 }, [entry(2)]);
        for (const stale of [0, 1, 3]) {
          await assert.rejects(
            store.access.write(stale, { v: "lost" }, [entry(9)]),
            (error: unknown) =>
              error instanceof ConflictError &&
              error.message.includes(`access data changed meanwhile (version 2, expected ${stale})`),
          );
        }
        assert.deepEqual(await store.access.read(), { version: 2, state: { v: 2 } });
        assert.deepEqual(
          await store.access.audit(),
          [1, 2].map((n) => ({ id: n, ...entry(n) })),
        );
        // The next write continues the audit where it was.
        await store.access.write(2, { v: 3 }, [entry(3)]);
        assert.deepEqual(
          (await store.access.audit()).map((e) => e.id),
          [1, 2, 3],
        );
      });
    });

    test("the audit pages oldest first by after and limit", async () => {
      await withStore(await open(), async (store) => {
        await store.access.write(0, {}, [1, 2, 3].map(entry));
        await store.access.write(1, {}, [4, 5].map(entry));
        const ids = async (options?: { after?: number; limit?: number }) =>
          (await store.access.audit(options)).map((e) => e.id);
        assert.deepEqual(await ids(), [1, 2, 3, 4, 5]);
        assert.deepEqual(await ids({ after: 2 }), [3, 4, 5]);
        assert.deepEqual(await ids({ limit: 2 }), [1, 2]);
        assert.deepEqual(await ids({ after: 3, limit: 1 }), [4]);
        assert.deepEqual(await ids({ after: 5 }), []);
        assert.deepEqual(await ids({ limit: 0 }), []);
      });
    });

    test("key uses keep each prefix's latest use and are no change of the state", async () => {
      await withStore(await open(), async (store) => {
        await store.access.noteKeyUse("db_a", 1_700_000_000.5);
        await store.access.noteKeyUse("db_b", 1_700_000_001);
        await store.access.noteKeyUse("db_a", 1_700_000_002.75);
        await store.access.noteKeyUse("db_b", 1_700_000_000); // an earlier use noted late
        assert.deepEqual(await store.access.keyUses(), { db_a: 1_700_000_002.75, db_b: 1_700_000_001 });
        assert.equal(await store.access.version(), 0);
        assert.deepEqual(await store.access.audit(), []);
      });
    });

    if (!options.persistent) return;

    test("access data survives closing and reopening the catalog", async () => {
      const uri = await withStore(await open(), async (store) => {
        await store.access.write(0, STATE, [entry(1), entry(2)]);
        await store.access.noteKeyUse("db_a", 1_700_000_000.5);
        return store.uri;
      });
      await withStore(await openStore(uri), async (store) => {
        assert.deepEqual(await store.access.read(), { version: 1, state: STATE });
        assert.equal(await store.access.version(), 1);
        assert.deepEqual(
          await store.access.audit(),
          [1, 2].map((n) => ({ id: n, ...entry(n) })),
        );
        assert.deepEqual(await store.access.keyUses(), { db_a: 1_700_000_000.5 });
        assert.equal(await store.access.write(1, { v: 2 }, [entry(3)]), 2);
        assert.deepEqual(
          (await store.access.audit({ after: 2 })).map((e) => e.id),
          [3],
        );
      });
    });

    test("a read-only open reads the access data and writes none", async () => {
      const uri = await withStore(await open(), async (store) => store.uri);
      // Before anything is stored.
      await withStore(await openStore(uri, { readOnly: true }), async (store) => {
        assert.deepEqual(await store.access.read(), { version: 0, state: undefined });
        assert.equal(await store.access.version(), 0);
        assert.deepEqual(await store.access.audit(), []);
        assert.deepEqual(await store.access.keyUses(), {});
        await assert.rejects(store.access.write(0, STATE, [entry(1)]), UnsupportedError);
        await assert.rejects(store.access.noteKeyUse("db_a", 1), UnsupportedError);
      });
      await withStore(await openStore(uri), async (store) => {
        assert.equal(await store.access.version(), 0);
        assert.deepEqual(await store.access.keyUses(), {});
        await store.access.write(0, STATE, [entry(1)]);
        await store.access.noteKeyUse("db_a", 5);
      });
      await withStore(await openStore(uri, { readOnly: true }), async (store) => {
        assert.deepEqual(await store.access.read(), { version: 1, state: STATE });
        assert.deepEqual(await store.access.audit(), [{ id: 1, ...entry(1) }]);
        assert.deepEqual(await store.access.keyUses(), { db_a: 5 });
        await assert.rejects(store.access.write(1, { v: 2 }, []), UnsupportedError);
        await assert.rejects(store.access.noteKeyUse("db_a", 6), UnsupportedError);
      });
      await withStore(await openStore(uri), async (store) => {
        assert.deepEqual(await store.access.read(), { version: 1, state: STATE });
        assert.deepEqual(await store.access.keyUses(), { db_a: 5 });
      });
    });
  });
}
