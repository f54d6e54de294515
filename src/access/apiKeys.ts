// The service's own API keys: a random secret shown once; only its first eight characters (to find it) and
// its SHA-256 (to check it) are kept, as Tiled keeps them. The secret's alphabet is the Python client's
// (`\w+`), so `Authorization: Apikey <secret>` works unchanged.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export interface ApiKeyRecord {
  /** The secret's first eight characters: how a key is named in listings and revoked. */
  prefix: string;
  /** SHA-256 of the secret, hex. */
  hash: string;
  owner: string;
  /** Scopes asked for at creation (`inherit`: the owner's, whatever they are at use). */
  scopes: string[];
  /** Beamtimes the key is bound to: it sees and writes runs of these only. null: no binding. */
  beamtimes: string[] | null;
  note: string;
  /** Seconds since the epoch. */
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
}

export const PREFIX_LENGTH = 8;

/** 36 random bytes as hex, as Tiled's keys. */
export function newKeySecret(): string {
  return randomBytes(36).toString("hex");
}

export function keyHash(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** Whether `secret` is the key `record` was made for; compares digests so the time taken tells nothing. */
export function secretMatches(secret: string, record: ApiKeyRecord): boolean {
  return timingSafeEqual(Buffer.from(keyHash(secret), "hex"), Buffer.from(record.hash, "hex"));
}

/** Why a matching key is not usable at `now`, or undefined when it is. */
export function keyUnusable(record: ApiKeyRecord, now: number): string | undefined {
  if (record.revoked_at !== null) return `key ${record.prefix} was revoked`;
  if (record.expires_at !== null && now >= record.expires_at) return `key ${record.prefix} expired`;
  return undefined;
}

/** Parses `30m`, `12h`, `7d`, `2w` or plain seconds into seconds. */
export function durationSeconds(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([smhdw]?)$/.exec(text.trim());
  if (!match) return undefined;
  const unit = { "": 1, s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[match[2]] ?? 1;
  const seconds = Number(match[1]) * unit;
  return seconds > 0 ? seconds : undefined;
}
