// The limits of one ingest request, each with its default, its `serve` flag and its environment variable
// (named in every refusal, so the user knows how to raise it). Defaults suit a facility: real documents take
// kilobytes and metadata strings a few thousand characters; event pages of large arrays pass.
import { parseByteCount } from "../../assets/environment.ts";

export interface IngestLimits {
  /** Bytes of one request body, counted as it arrives (413). */
  maxBodyBytes: number;
  /** Bytes of one document in the body (422). */
  maxDocumentBytes: number;
  /** Characters of one string (or key) in a document other than an event: metadata, not data (422). */
  maxStringLength: number;
  /** Documents in one request, each event of an event page counted (422). */
  maxDocuments: number;
}

export const DEFAULT_INGEST_LIMITS: IngestLimits = {
  maxBodyBytes: 1024 ** 3,
  maxDocumentBytes: 256 * 1024 ** 2,
  maxStringLength: 1024 ** 2,
  maxDocuments: 10_000_000,
};

/** The `serve` flag and the environment variable of each limit. */
export const LIMIT_SETTINGS: Record<keyof IngestLimits, { flag: string; env: string }> = {
  maxBodyBytes: { flag: "--max-body-bytes", env: "DATABROKER_MAX_BODY_BYTES" },
  maxDocumentBytes: { flag: "--max-document-bytes", env: "DATABROKER_MAX_DOCUMENT_BYTES" },
  maxStringLength: { flag: "--max-string-length", env: "DATABROKER_MAX_STRING_LENGTH" },
  maxDocuments: { flag: "--max-documents", env: "DATABROKER_MAX_DOCUMENTS" },
};

/** How a refusal tells the user to raise `limit`. */
export function howToRaise(limit: keyof IngestLimits): string {
  const { flag, env } = LIMIT_SETTINGS[limit];
  return `the server's limit: databroker serve ${flag} N or ${env} raises it`;
}

/** The limits the environment sets (DATABROKER_MAX_BODY_BYTES, ...); unset ones are left out. */
export function ingestLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<IngestLimits> {
  const limits: Partial<IngestLimits> = {};
  for (const [limit, setting] of Object.entries(LIMIT_SETTINGS) as Array<
    [keyof IngestLimits, { env: string }]
  >) {
    const text = env[setting.env];
    if (text !== undefined && text !== "") limits[limit] = parseByteCount(text, setting.env);
  }
  return limits;
}

/** Every limit: those given (unset members ignored), else the environment's, else the default. */
export function ingestLimitsOf(
  given: Partial<IngestLimits> = {},
  env: NodeJS.ProcessEnv = process.env,
): IngestLimits {
  const limits = { ...DEFAULT_INGEST_LIMITS, ...ingestLimitsFromEnv(env) };
  for (const limit of Object.keys(LIMIT_SETTINGS) as Array<keyof IngestLimits>) {
    const value = given[limit];
    if (value !== undefined) limits[limit] = value;
  }
  return limits;
}
