/**
 * Autosave of a text form (a note): edits are collected and saved after a pause (debounce), at
 * once on `flush()` (blur, closing, the window hiding), one save at a time, in order. Until a save
 * is confirmed the unsaved text is handed to `journal` (synchronous, e.g. localStorage), so it
 * survives the app being closed mid-save; `clearJournal` runs once everything is saved.
 * A failed save keeps the text pending and retries.
 *
 * No React and no DOM: unit-tested with fake timers.
 */
export type AutosaveStatus = 'idle' | 'dirty' | 'saving' | 'saved' | 'error';

export interface AutosaveOptions<V extends Record<string, string>> {
  /** Pause after the last keystroke before saving. */
  delayMs: number;
  /** Writes the changed fields; rejects on failure. */
  save: (changes: Partial<V>) => Promise<void>;
  onStatus?: (status: AutosaveStatus, error?: string) => void;
  /** Records the not yet confirmed changes synchronously (never lose text). */
  journal?: (unconfirmed: Partial<V>) => void;
  clearJournal?: () => void;
  /** Retry delay after a failed save (default 4 × delayMs). */
  retryMs?: number;
}

export interface Autosaver<V extends Record<string, string>> {
  edit<K extends keyof V>(field: K, value: V[K]): void;
  /** Saves what is pending now; resolves when everything edited so far is saved. */
  flush(): Promise<void>;
  /** Changes typed but not yet confirmed saved (pending and in flight). */
  unconfirmed(): Partial<V>;
  readonly status: AutosaveStatus;
  dispose(): void;
}

export function createAutosaver<V extends Record<string, string>>(opts: AutosaveOptions<V>): Autosaver<V> {
  let pending: Partial<V> = {};
  let inflightBatch: Partial<V> = {};
  let inflight: Promise<void> | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let status: AutosaveStatus = 'idle';
  let disposed = false;

  const setStatus = (s: AutosaveStatus, error?: string) => {
    status = s;
    opts.onStatus?.(s, error);
  };
  const unconfirmed = (): Partial<V> => ({ ...inflightBatch, ...pending });
  const hasPending = () => Object.keys(pending).length > 0;
  const schedule = (ms: number) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      void flush().catch(() => {});
    }, ms);
  };

  async function flush(): Promise<void> {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    while (inflight) await inflight.catch(() => {});
    if (!hasPending()) return;
    const batch = pending;
    pending = {};
    inflightBatch = batch;
    setStatus('saving');
    const run = (async () => {
      try {
        await opts.save(batch);
        inflightBatch = {};
        if (hasPending()) {
          opts.journal?.(unconfirmed());
          setStatus('dirty');
        } else {
          opts.clearJournal?.();
          setStatus('saved');
        }
      } catch (e) {
        // Keep the text: newer edits win over the failed batch.
        pending = { ...batch, ...pending };
        inflightBatch = {};
        setStatus('error', (e as Error).message);
        if (!disposed) schedule(opts.retryMs ?? opts.delayMs * 4);
        throw e;
      }
    })();
    inflight = run;
    try {
      await run;
    } finally {
      if (inflight === run) inflight = null;
    }
  }

  return {
    edit(field, value) {
      pending = { ...pending, [field]: value };
      opts.journal?.(unconfirmed());
      setStatus('dirty');
      schedule(opts.delayMs);
    },
    flush,
    unconfirmed,
    get status() {
      return status;
    },
    dispose() {
      disposed = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
