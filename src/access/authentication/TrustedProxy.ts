// Header sign-in behind a reverse proxy that has already authenticated the user: the header is believed
// only on connections from the proxy's own addresses; from anywhere else anyone could send it.
import type { IncomingHttpHeaders } from "node:http";
import { BlockList, isIP } from "node:net";
import { ValidationError } from "../../errors.ts";
import { CredentialError } from "./CredentialError.ts";

export interface TrustedProxyOptions {
  /** The proxy's addresses: IPs and CIDRs, IPv4 or IPv6 (e.g. `127.0.0.1`, `10.0.0.0/8`, `::1`, `fd00::/8`). */
  addresses: string[];
  /** The header holding the user (default `x-forwarded-user`; case-insensitive). */
  header?: string;
}

/** Longest user id accepted from the header. */
export const MAX_USER_LENGTH = 256;

// IPv4 peers on a dual-stack socket appear as `::ffff:a.b.c.d`.
const MAPPED_V4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;
// Control characters (C0, DEL, C1) have no place in a user id and could forge log lines.
const CONTROL = /\p{Cc}/u;

export class TrustedProxy {
  readonly header: string;
  private readonly trusted = new BlockList();

  constructor(options: TrustedProxyOptions) {
    if (!Array.isArray(options.addresses) || options.addresses.length === 0) {
      throw new ValidationError(
        "trusted proxy: the list of proxy addresses is empty; name at least one IP or CIDR",
      );
    }
    for (const entry of options.addresses) this.add(entry);
    const header = (options.header ?? "x-forwarded-user").trim().toLowerCase();
    if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(header)) {
      throw new ValidationError(`trusted proxy: ${JSON.stringify(options.header)} is not a header name`);
    }
    this.header = header;
  }

  /**
   * The user named by the header when the peer is a trusted proxy; undefined when the peer is not trusted
   * (the header is ignored) or the header is absent. A malformed or ambiguous value from a trusted proxy is
   * a CredentialError: the proxy is misbehaving, and guessing would sign in the wrong user.
   */
  userOf(remoteAddress: string | undefined, headers: IncomingHttpHeaders): string | undefined {
    if (!remoteAddress || !this.isTrusted(remoteAddress)) return undefined;
    const value = headers[this.header];
    if (value === undefined) return undefined;
    if (Array.isArray(value))
      throw new CredentialError(`trusted proxy: header ${this.header} sent more than once`);
    // Node joins a repeated custom header with ", ", so a comma means two values (or a crafted one).
    if (value.includes(","))
      throw new CredentialError(`trusted proxy: header ${this.header} holds several values`);
    if (value.trim() === "") throw new CredentialError(`trusted proxy: header ${this.header} is empty`);
    if (value !== value.trim()) {
      throw new CredentialError(`trusted proxy: header ${this.header} has surrounding whitespace`);
    }
    if (CONTROL.test(value)) {
      throw new CredentialError(`trusted proxy: header ${this.header} holds control characters`);
    }
    if (value.length > MAX_USER_LENGTH) {
      throw new CredentialError(
        `trusted proxy: header ${this.header} is longer than ${MAX_USER_LENGTH} characters`,
      );
    }
    return value;
  }

  /** Whether a connection's peer address is one of the proxy's. */
  isTrusted(remoteAddress: string): boolean {
    const mapped = MAPPED_V4.exec(remoteAddress);
    if (mapped && isIP(mapped[1]) === 4 && this.trusted.check(mapped[1], "ipv4")) return true;
    const family = isIP(remoteAddress);
    if (family === 0) return false;
    return this.trusted.check(remoteAddress, family === 4 ? "ipv4" : "ipv6");
  }

  private add(entry: unknown): void {
    const bad = (why: string) =>
      new ValidationError(`trusted proxy: address ${JSON.stringify(entry)} ${why}; expected an IP or CIDR`);
    if (typeof entry !== "string") throw bad("is not text");
    const [address, prefixText, extra] = entry.trim().split("/");
    if (extra !== undefined) throw bad("has more than one /");
    // A mapped IPv4 address means the IPv4 address (peers are matched in both forms); with a prefix it stays
    // IPv6, since the prefix counts IPv6 bits.
    const mapped = MAPPED_V4.exec(address)?.[1];
    const plain = mapped && prefixText === undefined ? mapped : address;
    const family = isIP(plain);
    if (family === 0 || plain.includes("%")) throw bad("is not an IP address");
    const type = family === 4 ? "ipv4" : "ipv6";
    try {
      if (prefixText === undefined) {
        this.trusted.addAddress(plain, type);
        return;
      }
      const max = family === 4 ? 32 : 128;
      if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max)
        throw bad(`has a prefix outside 0-${max}`);
      this.trusted.addSubnet(plain, Number(prefixText), type);
    } catch (err) {
      if (err instanceof ValidationError) throw err;
      throw bad(`is refused (${(err as Error).message})`);
    }
  }
}
