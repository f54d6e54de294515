// `databroker keys create|list|revoke`: the catalog's API keys. A new key's secret is printed once, alone on
// the last line (scripts take `tail -1`); only its first eight characters and its hash are stored.
import type { Command } from "commander";
import { type KeyListing, localActor } from "../../access/AccessControl.ts";
import { durationSeconds } from "../../access/apiKeys.ts";
import { ValidationError } from "../../errors.ts";
import { type CatalogChoice, withCatalogOption } from "../catalogOption.ts";
import { withCatalog } from "../withCatalog.ts";

function time(at: number | null): string {
  return at === null ? "-" : new Date(at * 1000).toISOString().replace(/\.\d+Z$/, "Z");
}

function describeKey(key: KeyListing): string {
  const state =
    key.revoked_at !== null
      ? `revoked ${time(key.revoked_at)}`
      : key.expires_at !== null && key.expires_at <= Date.now() / 1000
        ? "expired"
        : "active";
  return [
    key.prefix,
    key.owner,
    state,
    `scopes ${key.scopes.join(",")}`,
    `beamtimes ${key.beamtimes?.join(",") ?? "-"}`,
    `expires ${time(key.expires_at)}`,
    `last used ${time(key.last_used_at)}`,
    key.note,
  ]
    .join("\t")
    .trimEnd();
}

function collect(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean),
  ];
}

export function registerKeys(program: Command): void {
  const keys = program.command("keys").description("the catalog's API keys: create, list, revoke");

  withCatalogOption(keys.command("create"), "make a key in")
    .description("make an API key for a user; prints the secret alone on the last line")
    .requiredOption("--user <id>", "the key's owner (a user of the memberships)")
    .option(
      "--scopes <list>",
      "comma-separated scopes (default: inherit, the owner's rights at each use)",
      collect,
    )
    .option("--beamtime <id>", "bind the key to a beamtime (repeat for several)", collect)
    .option("--expires <duration>", "lifetime: 30m, 12h, 7d, 2w or seconds (default: never)")
    .option("--note <text>", "a note shown in listings")
    .action(
      async (options: {
        catalog: CatalogChoice;
        user: string;
        scopes?: string[];
        beamtime?: string[];
        expires?: string;
        note?: string;
      }) => {
        let expiresIn: number | undefined;
        if (options.expires !== undefined) {
          expiresIn = durationSeconds(options.expires);
          if (expiresIn === undefined)
            throw new ValidationError(
              `--expires ${options.expires}: not a duration (30m, 12h, 7d, 2w or seconds)`,
            );
        }
        const made = await withCatalog(options.catalog, false, (broker) =>
          broker.access.createKey(
            {
              owner: options.user,
              scopes: options.scopes,
              beamtimes: options.beamtime,
              expiresIn,
              note: options.note,
            },
            localActor(),
          ),
        );
        console.error(`made key ${made.key.prefix} for ${made.key.owner}: ${describeKey(made.key)}`);
        console.error("the secret is shown once; send it as 'Authorization: Apikey <secret>':");
        console.log(made.secret);
      },
    );

  withCatalogOption(keys.command("list"), "list the keys of")
    .description("list keys (never their secrets): prefix, owner, state, scopes, beamtimes, expiry, last use")
    .option("--user <id>", "only this user's keys")
    .option("--json", "as JSON")
    .action(async (options: { catalog: CatalogChoice; user?: string; json?: boolean }) => {
      const listed = await withCatalog(options.catalog, true, (broker) => broker.access.keys(options.user));
      if (options.json) console.log(JSON.stringify(listed, null, 2));
      else for (const key of listed) console.log(describeKey(key));
    });

  withCatalogOption(keys.command("revoke"), "revoke a key of")
    .description("revoke a key by its first eight characters or its whole secret")
    .argument("<prefix-or-secret>")
    .action(async (prefix: string, options: { catalog: CatalogChoice }) => {
      const key = await withCatalog(options.catalog, false, (broker) =>
        broker.access.revokeKey(prefix, localActor()),
      );
      console.log(`revoked key ${key.prefix} of ${key.owner}`);
    });
}
