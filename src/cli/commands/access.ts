// `databroker access load|list|whoami|audit|retag`: the catalog's memberships from the user office (YAML or
// JSON, loaded whole, idempotent, reporting what changed), who a user or key is and what they may see, the
// audit log of every change, and moving a run to another beamtime. Changes are audited as `local:<os user>`.
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { parseDocument } from "yaml";
import { localActor } from "../../access/AccessControl.ts";
import type { AccessPolicy } from "../../access/AccessPolicy.ts";
import { type Principal, user } from "../../access/Principal.ts";
import { runFromText } from "../../broker/runRefText.ts";
import { UnreadableError, ValidationError } from "../../errors.ts";
import { type CatalogChoice, catalogLabel, withCatalogOption } from "../catalogOption.ts";
import { RUN_ARGUMENT_HELP } from "../runArgument.ts";
import { withCatalog } from "../withCatalog.ts";

/** A file of memberships: YAML (JSON is YAML too), refused with the file and line of a syntax error. */
async function readMembershipFile(path: string): Promise<unknown> {
  const text = await readFile(path, "utf8");
  const parsed = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (parsed.errors.length > 0) {
    const [first] = parsed.errors;
    const line = first.linePos?.[0].line;
    throw new UnreadableError(path, line ? `line ${line}` : "start", first.message.split("\n")[0]);
  }
  return parsed.toJS();
}

function describePrincipal(policy: AccessPolicy, principal: Principal): string[] {
  if (!policy.enforced)
    return ["this catalog has no memberships: single-user mode, everyone who gets in sees everything"];
  const id = principal.kind === "user" ? principal.id : "anonymous";
  const lines = [
    `${id}: role ${policy.roleOf(principal)}; scopes ${policy.scopesOf(principal).join(", ") || "none"}`,
  ];
  if (principal.kind === "user" && principal.key)
    lines.push(
      `key ${principal.key.prefix}, bound to ${principal.key.beamtimes?.join(", ") ?? "no beamtime (all the owner may see)"}`,
    );
  const visible = policy.state?.memberships.beamtimes.filter((beamtime) =>
    policy.canRead(principal, {
      uid: "",
      time: 0,
      [policy.state?.memberships.beamtime_key ?? "beamtime"]: beamtime.id,
    }),
  );
  lines.push(`sees runs of beamtimes: ${visible?.map((beamtime) => beamtime.id).join(", ") || "none"}`);
  const unassigned = policy.canRead(principal, { uid: "", time: 0 });
  lines.push(`sees runs without a known beamtime: ${unassigned ? "yes" : "no"}`);
  return lines;
}

export function registerAccess(program: Command): void {
  const access = program
    .command("access")
    .description("the catalog's memberships (users, proposals, beamtimes, staff, admins) and their audit");

  withCatalogOption(access.command("load"), "load memberships into")
    .description("replace the catalog's memberships with FILE (YAML or JSON), reporting what changed")
    .argument("<file>", "users, groups, proposals, beamtimes, staff, admins (see the README)")
    .action(async (file: string, options: { catalog: CatalogChoice }) => {
      const data = await readMembershipFile(file);
      const { changes } = await withCatalog(options.catalog, false, (broker) =>
        broker.access.loadMemberships(data, localActor(), file),
      );
      if (changes.length === 0)
        console.log(`no change: ${catalogLabel(options.catalog)} already holds these memberships`);
      else {
        console.log(`${changes.length} change(s) loaded into ${catalogLabel(options.catalog)}:`);
        for (const change of changes) console.log(`  ${change}`);
      }
    });

  withCatalogOption(access.command("list"), "list the memberships of")
    .description("print the catalog's memberships")
    .option("--json", "as JSON")
    .action(async (options: { catalog: CatalogChoice; json?: boolean }) => {
      const policy = await withCatalog(options.catalog, true, (broker) => broker.access.policy());
      const memberships = policy.state?.memberships;
      if (options.json) {
        console.log(JSON.stringify(memberships ?? null, null, 2));
        return;
      }
      if (!memberships) {
        console.log(`${catalogLabel(options.catalog)} has no memberships: single-user mode`);
        return;
      }
      const names = (ids: string[]) => ids.join(", ") || "-";
      console.log(`beamtime key: ${memberships.beamtime_key}; proposal key: ${memberships.proposal_key}`);
      console.log(
        `users (${memberships.users.length}): ${names(memberships.users.map((entry) => entry.id + (entry.disabled ? " (disabled)" : "")))}`,
      );
      console.log(`admins: ${names(memberships.admins)}`);
      for (const proposal of memberships.proposals)
        console.log(
          `proposal ${proposal.id}: PIs ${names(proposal.pis)}; users ${names(proposal.users)}${proposal.release_at === null ? "" : `; released ${new Date(proposal.release_at * 1000).toISOString()}`}`,
        );
      for (const beamtime of memberships.beamtimes)
        console.log(
          `beamtime ${beamtime.id} (proposal ${beamtime.proposal}, beamline ${beamtime.beamline}): PIs ${names(beamtime.pis)}; users ${names(beamtime.users)}${beamtime.release_at === null ? "" : `; released ${new Date(beamtime.release_at * 1000).toISOString()}`}`,
        );
      for (const staff of memberships.staff)
        console.log(
          `staff of beamline ${staff.beamline}: ${names([...staff.users, ...staff.groups.map((group) => `group ${group}`)])}`,
        );
    });

  withCatalogOption(access.command("whoami"), "look up in")
    .description("who a user or an API key is: role, scopes and the beamtimes whose runs they see")
    .option("--user <id>", "a user id")
    .option("--key <secret>", "an API key")
    .action(async (options: { catalog: CatalogChoice; user?: string; key?: string }) => {
      if ((options.user === undefined) === (options.key === undefined))
        throw new ValidationError("give --user ID or --key SECRET");
      await withCatalog(options.catalog, true, async (broker) => {
        const policy = await broker.access.policy();
        let principal: Principal = user(options.user ?? "");
        if (options.key !== undefined) {
          const found = await broker.access.principalOfKey(options.key);
          if ("refused" in found) throw new ValidationError(`the key is not usable: ${found.refused}`);
          principal = found.principal;
        } else if (policy.enforced && !policy.isKnownUser(principal.kind === "user" ? principal.id : ""))
          console.log(`(${options.user} is not in the memberships: treated as anyone signed in)`);
        for (const line of describePrincipal(policy, principal)) console.log(line);
      });
    });

  withCatalogOption(access.command("audit"), "read the audit of")
    .description("the audit log: every membership load, key made or revoked, run re-tagged")
    .option("--after <id>", "only entries after this one", Number)
    .option("--limit <n>", "at most this many entries", Number)
    .option("--json", "as JSON Lines")
    .action(async (options: { catalog: CatalogChoice; after?: number; limit?: number; json?: boolean }) => {
      const entries = await withCatalog(options.catalog, true, (broker) =>
        broker.access.audit({ after: options.after, limit: options.limit }),
      );
      for (const entry of entries) {
        if (options.json) console.log(JSON.stringify(entry));
        else
          console.log(
            `${entry.id}\t${new Date(entry.at * 1000).toISOString()}\t${entry.actor}\t${entry.action}\t${JSON.stringify(entry.detail)}`,
          );
      }
    });

  withCatalogOption(access.command("retag"), "re-tag a run of")
    .description("move a run to another beamtime (its start document is kept as it is; audited)")
    .argument("<run>", RUN_ARGUMENT_HELP)
    .argument("<beamtime>", "the beamtime id, or - for none")
    .action(async (ref: string, beamtime: string, options: { catalog: CatalogChoice }) => {
      await withCatalog(options.catalog, false, async (broker) => {
        const run = await runFromText(broker, ref);
        const policy = await broker.access.policy();
        const from = policy.beamtimeOf(run.start);
        const to = beamtime === "-" ? null : beamtime;
        await broker.access.retag(run.uid, to, localActor(), from);
        console.log(`run ${run.uid}: beamtime ${from ?? "(none)"} -> ${to ?? "(none)"}`);
      });
    });
}
