import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  CredentialError,
  GENERIC_CREDENTIAL_MESSAGE,
} from "../../src/access/authentication/CredentialError.ts";
import { MAX_USER_LENGTH, TrustedProxy } from "../../src/access/authentication/TrustedProxy.ts";
import { UnauthorizedError, ValidationError } from "../../src/errors.ts";

const proxy = new TrustedProxy({ addresses: ["127.0.0.1", "10.1.0.0/16", "::1", "fd00:1::/32"] });
const as = (user: string | string[]) => ({ "x-forwarded-user": user });

function refusedUser(fn: () => unknown, reason: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof UnauthorizedError);
    assert.ok(err instanceof CredentialError);
    assert.equal(err.message, GENERIC_CREDENTIAL_MESSAGE);
    assert.match(err.reason, reason);
    return true;
  });
}

describe("TrustedProxy", () => {
  test("believes the header from a trusted IPv4 address", () => {
    assert.equal(proxy.userOf("127.0.0.1", as("alice")), "alice");
  });

  test("believes the header from a trusted IPv6 address", () => {
    assert.equal(proxy.userOf("::1", as("alice")), "alice");
    assert.equal(proxy.userOf("0:0:0:0:0:0:0:1", as("alice")), "alice");
  });

  test("matches an IPv4-mapped IPv6 peer against IPv4 entries", () => {
    assert.equal(proxy.userOf("::ffff:127.0.0.1", as("alice")), "alice");
    assert.equal(proxy.userOf("::FFFF:10.1.2.3", as("alice")), "alice");
    assert.equal(proxy.userOf("::ffff:127.0.0.2", as("alice")), undefined);
  });

  test("a mapped entry in the configuration matches the plain IPv4 peer", () => {
    const mapped = new TrustedProxy({ addresses: ["::ffff:192.168.5.5"] });
    assert.equal(mapped.userOf("192.168.5.5", as("alice")), "alice");
    assert.equal(mapped.userOf("::ffff:192.168.5.5", as("alice")), "alice");
  });

  test("matches CIDR ranges, IPv4 and IPv6", () => {
    assert.equal(proxy.userOf("10.1.255.254", as("alice")), "alice");
    assert.equal(proxy.userOf("10.2.0.1", as("alice")), undefined);
    assert.equal(proxy.userOf("fd00:1:abcd::7", as("alice")), "alice");
    assert.equal(proxy.userOf("fd00:2::7", as("alice")), undefined);
  });

  test("ignores the header from an untrusted address", () => {
    for (const address of ["192.0.2.1", "::2", "::ffff:192.0.2.1", "not-an-ip", "", undefined]) {
      assert.equal(proxy.userOf(address, as("root")), undefined);
    }
  });

  test("ignores even a malformed header from an untrusted address", () => {
    assert.equal(proxy.userOf("192.0.2.1", as(["a", "b"])), undefined);
  });

  test("no header from a trusted proxy is no user", () => {
    assert.equal(proxy.userOf("127.0.0.1", {}), undefined);
  });

  test("refuses a repeated header from a trusted proxy", () => {
    refusedUser(() => proxy.userOf("127.0.0.1", as(["alice", "bob"])), /more than once/);
  });

  test("refuses a comma-joined header (how node joins a repeated one)", () => {
    refusedUser(() => proxy.userOf("127.0.0.1", as("alice, bob")), /several values/);
  });

  test("refuses an empty, padded, overlong or control-character user", () => {
    refusedUser(() => proxy.userOf("127.0.0.1", as("")), /empty/);
    refusedUser(() => proxy.userOf("127.0.0.1", as("   ")), /empty/);
    refusedUser(() => proxy.userOf("127.0.0.1", as(" alice")), /whitespace/);
    refusedUser(() => proxy.userOf("127.0.0.1", as("alice\nadmin")), /control/);
    refusedUser(() => proxy.userOf("127.0.0.1", as("alice\u0000")), /control/);
    refusedUser(() => proxy.userOf("127.0.0.1", as("a".repeat(MAX_USER_LENGTH + 1))), /longer/);
    assert.equal(proxy.userOf("127.0.0.1", as("a".repeat(MAX_USER_LENGTH))), "a".repeat(MAX_USER_LENGTH));
  });

  test("accepts ordinary user ids", () => {
    for (const user of ["alice", "alice@example.org", "DOMAIN\\bob", "o'brien", "user name"]) {
      assert.equal(proxy.userOf("127.0.0.1", as(user)), user);
    }
  });

  test("reads a configured header, whatever its case", () => {
    const custom = new TrustedProxy({ addresses: ["127.0.0.1"], header: "X-Remote-User" });
    assert.equal(custom.header, "x-remote-user");
    // node lower-cases incoming header names.
    assert.equal(custom.userOf("127.0.0.1", { "x-remote-user": "carol" }), "carol");
    assert.equal(custom.userOf("127.0.0.1", as("alice")), undefined);
  });
});

describe("TrustedProxy configuration", () => {
  function badConfig(addresses: string[], named: string | RegExp): void {
    assert.throws(
      () => new TrustedProxy({ addresses }),
      (err: unknown) => {
        assert.ok(err instanceof ValidationError);
        if (typeof named === "string") assert.ok(err.message.includes(JSON.stringify(named)), err.message);
        else assert.match(err.message, named);
        return true;
      },
    );
  }

  test("refuses an empty address list", () => {
    badConfig([], /empty/);
  });

  test("refuses malformed addresses, naming the entry", () => {
    for (const entry of [
      "localhost",
      "127.0.0.256",
      "10.0.0.0/33",
      "10.0.0.0/-1",
      "10.0.0.0/",
      "10.0.0.0/8/8",
      "::1/129",
      "fe80::1%eth0",
      "",
      "1.2.3.4, 5.6.7.8",
    ]) {
      badConfig(["127.0.0.1", entry], entry);
    }
  });

  test("refuses a malformed header name", () => {
    assert.throws(() => new TrustedProxy({ addresses: ["127.0.0.1"], header: "x user" }), ValidationError);
    assert.throws(() => new TrustedProxy({ addresses: ["127.0.0.1"], header: "" }), ValidationError);
  });
});
