/**
 * The browser storage that holds the practice (docs/backup.md "Storage"): asking that it be
 * persistent (the browser then does not clear it to make room on a full disk) and what it uses.
 */

export interface StorageFacts {
  /** Bytes this app's storage uses, and may use (the browser's estimate); null when not told. */
  usage: number | null;
  quota: number | null;
  /** Whether the browser keeps it persistently; null when the browser cannot say. */
  persisted: boolean | null;
}

let asked: Promise<boolean | null> | null = null;

/**
 * Asks once per window for persistent storage, once the practice exists (the shell mounts with
 * it). Browsers answer without a prompt (Chromium by the site's use; Electron grants it).
 */
export function requestPersistentStorage(storage: StorageManager | undefined = navigator.storage): Promise<boolean | null> {
  if (!asked) {
    asked = (async () => {
      if (!storage?.persist) return null;
      try {
        if (storage.persisted && (await storage.persisted())) return true;
        return await storage.persist();
      } catch {
        return null;
      }
    })();
  }
  return asked;
}

export async function storageFacts(storage: StorageManager | undefined = navigator.storage): Promise<StorageFacts> {
  const [estimate, persisted] = await Promise.all([
    storage?.estimate ? storage.estimate().catch(() => null) : null,
    storage?.persisted ? storage.persisted().catch(() => null) : null,
  ]);
  return { usage: estimate?.usage ?? null, quota: estimate?.quota ?? null, persisted };
}

/** Bytes in the practice locale: "840 KB", "11.8 MB", "1.9 GB" (binary units, as file sizes are shown). */
export function formatBytes(bytes: number, number: (value: number, maxFractionDigits?: number) => string): string {
  if (bytes >= 1_073_741_824) return `${number(bytes / 1_073_741_824, 1)} GB`;
  if (bytes >= 1_048_576) return `${number(bytes / 1_048_576, 1)} MB`;
  return `${number(Math.max(1, Math.round(bytes / 1024)), 0)} KB`;
}
