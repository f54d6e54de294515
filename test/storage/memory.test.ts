// The memory adapter passes the shared Store conformance suite.
import { MemoryStore } from "../../src/storage/memory/MemoryStore.ts";
import { storeConformance } from "./conformance.ts";

storeConformance("memory", async () => new MemoryStore());
