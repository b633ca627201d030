import type { AutosaveStatus } from './autosave';

/**
 * What an autosaving form (a note, an invoice's notes) says about its text: "Saving…", "Saved",
 * "Unsaved changes" while a pause is awaited, or the error while a failed save is retried.
 * `exists`: the record is stored already (so untouched text counts as saved).
 */
export function SaveStatus({ status, error, exists }: { status: AutosaveStatus; error: string; exists: boolean }) {
  const text =
    status === 'saving'
      ? 'Saving…'
      : status === 'dirty'
        ? 'Unsaved changes'
        : status === 'error'
          ? `Not saved yet (${error || 'error'}), retrying…`
          : status === 'saved' || exists
            ? 'Saved'
            : 'Saves automatically as you type';
  return (
    <span className={`save-status save-${status === 'idle' && exists ? 'saved' : status}`} role="status" aria-live="polite">
      {text}
    </span>
  );
}
