// PROVISIONAL STUB — replaced by the schema validators (helper "validators"). Signature is the contract.
import type { Finding } from "../errors.ts";
import type { DocumentName } from "./types.ts";

/** Fast path: does `doc` satisfy the official JSON Schema of `name`? */
export function isValidDocument(_name: DocumentName, _doc: unknown): boolean {
  return true;
}

/** Every way `doc` breaks the official JSON Schema of `name` (empty when valid); `doc_index` left unset. */
export function validateDocument(_name: DocumentName, _doc: unknown): Finding[] {
  return [];
}
