/**
 * A write refused because the computer's storage for TutorDesk is full (docs/backup.md "Storage").
 * Pure: no DOM types, so it recognises the error by its shape wherever it comes from: IndexedDB's
 * `QuotaExceededError` DOMException (legacy code 22), Dexie's wrappers (the cause in `inner`), an
 * RxDB error (in `parameters`) or an Error's `cause`.
 */

export const STORAGE_FULL_MESSAGE =
  'Not saved: the computer’s storage for TutorDesk is full. Free some disk space, then save again. Nothing was changed.';

/** Thrown by a save refused for lack of space; its message says what to do. */
export class StorageFullError extends Error {
  readonly code = 'storage_full';
  constructor(cause?: unknown) {
    super(STORAGE_FULL_MESSAGE, cause === undefined ? undefined : { cause });
    this.name = 'StorageFullError';
  }
}

/** Whether `e` (or what it wraps) is a storage-quota refusal. */
export function isQuotaError(e: unknown, depth = 0): boolean {
  if (!e || typeof e !== 'object' || depth > 5) return false;
  const err = e as { name?: unknown; code?: unknown; message?: unknown; inner?: unknown; cause?: unknown; parameters?: unknown };
  if (err.name === 'QuotaExceededError' || err.name === 'NS_ERROR_DOM_QUOTA_REACHED' || err.code === 'storage_full') return true;
  if (err.code === 22 && err.name !== 'Error') return true;
  if (typeof err.message === 'string' && /quota ?exceeded|exceeded the quota|storage (is )?full|QuotaExceededError/i.test(err.message))
    return true;
  const params = err.parameters as { error?: unknown; errors?: unknown[]; writeError?: unknown } | undefined;
  const nested = [err.inner, err.cause, params?.error, params?.writeError, ...(Array.isArray(params?.errors) ? params.errors : [])];
  return nested.some((n) => isQuotaError(n, depth + 1));
}
