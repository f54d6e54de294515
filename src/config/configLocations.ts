// Where the configuration file is looked for, first found wins: --config FILE, $DATABROKER_CONFIG,
// ./databroker.yml (or .yaml), the user's config folder ($XDG_CONFIG_HOME/databroker/, else
// ~/.config/databroker/), /etc/databroker/. No file anywhere is fine (built-in defaults); a file named by
// --config or $DATABROKER_CONFIG that is not there is an error. Looking creates nothing.
import { statSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { ConfigError } from "./ConfigError.ts";

export interface ConfigCandidate {
  path: string;
  /** Why it is looked at: `--config`, `$DATABROKER_CONFIG`, `current folder`, `user config folder`, `system`. */
  from: string;
  exists: boolean;
}

export interface ConfigLocation {
  /** The file read, if any. */
  file?: string;
  /** Every place looked at, in order. */
  candidates: ConfigCandidate[];
}

export interface LocateOptions {
  /** The --config value. */
  flag?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  home?: string;
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}

/** The folder of the user's configuration: $XDG_CONFIG_HOME/databroker, else ~/.config/databroker. */
function userFolder(env: NodeJS.ProcessEnv, home: string): string {
  return join(env.XDG_CONFIG_HOME || join(home, ".config"), "databroker");
}

const NAMES = ["databroker.yml", "databroker.yaml"];

export function locateConfig({
  flag,
  env = process.env,
  cwd = process.cwd(),
  home = homedir(),
}: LocateOptions = {}): ConfigLocation {
  const places: Array<{ path: string; from: string; explicit?: boolean }> = [];
  if (flag !== undefined) places.push({ path: resolve(cwd, flag), from: "--config", explicit: true });
  if (env.DATABROKER_CONFIG)
    places.push({ path: resolve(cwd, env.DATABROKER_CONFIG), from: "$DATABROKER_CONFIG", explicit: true });
  const folders: Array<[string, string]> = [
    [cwd, "current folder"],
    [userFolder(env, home), "user config folder"],
    ["/etc/databroker", "system"],
  ];
  for (const [folder, from] of folders)
    for (const name of NAMES) places.push({ path: join(folder, name), from });
  const candidates = places.map(({ path, from }) => ({ path, from, exists: isFile(path) }));
  const first = places.findIndex((place, i) => candidates[i].exists || place.explicit);
  if (first >= 0 && !candidates[first].exists) {
    const { path, from } = candidates[first];
    throw new ConfigError([
      { file: path, key: from, rule: "no such file (a configuration named here must exist)" },
    ]);
  }
  return { file: first >= 0 ? candidates[first].path : undefined, candidates };
}
