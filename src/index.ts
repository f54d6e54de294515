// The package's library entry (`import { Broker, key } from "databroker"`): what a program needs to open a
// catalog, search it, read runs as tables and arrays, write runs, and talk to a server.
export type { AccessControl, KeyListing, KeyRequest } from "./access/AccessControl.ts";
export type { AuditEntry } from "./access/AccessRecords.ts";
export type { Memberships } from "./access/Memberships.ts";
export { ANONYMOUS, type Principal, user } from "./access/Principal.ts";
export { SCOPES, type Scope } from "./access/scopes.ts";
export type {
  Annotation,
  AnnotationContent,
  AnnotationRevision,
  AnnotationTarget,
  Visibility,
} from "./annotations/Annotation.ts";
export type { AnnotationRecords } from "./annotations/AnnotationRecords.ts";
export type { Annotations } from "./annotations/Annotations.ts";
export * from "./broker/index.ts";
export { type AliasPick, aliasText, type RunAlias, runAliasOf } from "./catalog/RunAlias.ts";
export type { RunRef } from "./catalog/RunRef.ts";
export type { RunSummary } from "./catalog/RunSummary.ts";
export {
  RemoteBroker,
  type RemoteOptions,
  RemoteRun,
  RemoteStream,
  RunWriter,
  type RunWriterOptions,
  type RunWriterTarget,
  type RunWriterTotals,
} from "./client/index.ts";
export { ConfigError, type ConfigProblem } from "./config/ConfigError.ts";
export { type CatalogChoice, namedCatalogSpec } from "./config/catalogResolution.ts";
export { type Configuration, inspectConfig, loadConfig } from "./config/loadConfig.ts";
export { type ComposedRun, type ComposeRunOptions, composeRun } from "./documents/compose.ts";
export type * from "./documents/types.ts";
export { DOCUMENT_NAMES, isDocumentName } from "./documents/types.ts";
export { isValidDocument, schemaVersion, validateDocument } from "./documents/validate.ts";
export * from "./errors.ts";
export type { FollowedDocument, FollowOptions, RunChange, SubscribeOptions } from "./live/types.ts";
export * from "./muxing/index.ts";
export * from "./queries/index.ts";
export type { CatalogSpec, FederationSpec, SourceSpec } from "./storage/catalogs/CatalogSpec.ts";
export {
  FederationReport,
  type SourceFailure,
  type UidConflict,
} from "./storage/federation/FederationReport.ts";
export { DEFAULT_CATALOG, defaultCatalogUri, openStore } from "./storage/openStore.ts";
export type { PutOptions, PutReport, SearchOptions, Store } from "./storage/Store.ts";
export * from "./tables/index.ts";
