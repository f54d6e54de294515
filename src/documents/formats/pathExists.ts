// Whether a path exists, for the few places that must check before they read or write.
import { stat } from "node:fs/promises";

export async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
