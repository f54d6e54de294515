// The messages between SqliteStores (main thread) and the writer thread that hosts their writer connections:
// each request names its store's writer by handle and gets one reply with the same id.
import type { AuditEntry } from "../../../access/AccessRecords.ts";
import type { AnnotationChange } from "../../../annotations/AnnotationRecords.ts";
import type { DeletionRequest } from "../../deletions.ts";
import type { PreparedBatch } from "../../records.ts";
import type { WireError } from "./threadErrors.ts";

/** What a store's writer is asked to do; lookups mirror IngestTransaction's methods. */
export type WriterCommand =
  /** Opens the writer connection of `path` if this thread has none for the handle, then BEGIN IMMEDIATE. */
  | { op: "begin"; path: string }
  | { op: "documents"; uids: string[] }
  | { op: "stops"; runUids: string[] }
  | { op: "eventPages"; descriptor: string; first: number; last: number }
  | { op: "datumPages"; resource: string }
  | { op: "fieldStats"; descriptors: string[] }
  /** The batch's bytes are views of shared memory, which the store reuses once this is answered. */
  | { op: "write"; batch: PreparedBatch }
  /** Deletes a run and records it (deleteRunRows.ts); answers its RunDeletion, or null for no such run. */
  | { op: "deleteRun"; uid: string; request: DeletionRequest }
  /** Stores the access state (JSON text) if still at `expected` (writeAccessRows.ts); answers the new version. */
  | { op: "writeAccess"; expected: number; state: string; audit: Omit<AuditEntry, "id">[] }
  | { op: "noteKeyUse"; prefix: string; at: number }
  /** Applies an annotation change if its revision is still `expected` (writeAnnotationRows.ts). */
  | { op: "writeAnnotation"; change: AnnotationChange }
  /** Marks where a put of a group commit begins (GroupCommit.ts); `rollbackTo` undoes that put alone. */
  | { op: "savepoint"; name: string }
  | { op: "rollbackTo"; name: string }
  | { op: "commit" }
  | { op: "rollback" }
  | { op: "close" };

export type WriterRequest = WriterCommand & { id: number; handle: number };

/** The answer to request `id`. */
export type WriterMessage =
  | { kind: "reply"; id: number; value: unknown }
  | { kind: "failure"; id: number; error: WireError };
