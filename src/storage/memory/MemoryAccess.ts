// A memory catalog's access data: plain fields. Everything goes in and out as a structured clone, so no caller
// can change what is stored through an object it passed or was given.
import type { AccessRecords, AuditEntry, StoredAccess } from "../../access/AccessRecords.ts";
import { auditPage, staleAccess } from "../accessRows.ts";

export class MemoryAccess implements AccessRecords {
  private current = 0;
  private state: StoredAccess | undefined;
  private readonly log: AuditEntry[] = [];
  private readonly uses = new Map<string, number>();

  async read(): Promise<{ version: number; state: StoredAccess | undefined }> {
    return { version: this.current, state: structuredClone(this.state) };
  }

  async version(): Promise<number> {
    return this.current;
  }

  async write(expected: number, state: StoredAccess, audit: Omit<AuditEntry, "id">[]): Promise<number> {
    if (expected !== this.current) throw staleAccess(this.current, expected);
    // Cloned before anything is stored: a value that cannot be cloned changes nothing.
    const copies = structuredClone({ state, audit });
    this.state = copies.state;
    for (const entry of copies.audit) this.log.push({ ...entry, id: this.log.length + 1 });
    return ++this.current;
  }

  async audit(options?: { after?: number; limit?: number }): Promise<AuditEntry[]> {
    return structuredClone(auditPage(this.log, options));
  }

  async noteKeyUse(prefix: string, at: number): Promise<void> {
    // The latest use wins, whichever order concurrent requests note theirs in.
    this.uses.set(prefix, Math.max(at, this.uses.get(prefix) ?? Number.NEGATIVE_INFINITY));
  }

  async keyUses(): Promise<Record<string, number>> {
    return Object.fromEntries(this.uses);
  }
}
