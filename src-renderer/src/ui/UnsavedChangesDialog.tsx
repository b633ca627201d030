import { useEffect, useId, useRef } from 'react';
import { Icon } from './Icon';

/** "the Practice settings", "the Practice settings and the Billing settings". */
function listOf(labels: readonly string[]): string {
  const named = labels.map((l) => `the ${l}`);
  if (named.length <= 1) return named[0] ?? 'this form';
  return `${named.slice(0, -1).join(', ')} and ${named.at(-1)}`;
}

/**
 * Asked before leaving a form with unsaved changes (app/router.ts): an alert dialog on the native
 * <dialog>, its focus on the safe choice, "Keep editing"; Escape keeps editing too.
 */
export function UnsavedChangesDialog(props: { labels: readonly string[]; onKeep: () => void; onDiscard: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const keep = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const descId = useId();
  useEffect(() => {
    const d = ref.current;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (d && !d.open) d.showModal();
    keep.current?.focus();
    return () => {
      d?.close();
      if (opener && opener.isConnected) opener.focus();
    };
  }, []);
  const what = listOf(props.labels);
  return (
    <dialog
      ref={ref}
      className="dialog leave-dialog"
      role="alertdialog"
      aria-labelledby={titleId}
      aria-describedby={descId}
      onCancel={(e) => {
        e.preventDefault();
        props.onKeep();
      }}
    >
      <div className="dialog-inner">
        <div className="leave-dialog-body">
          <span className="leave-dialog-icon" aria-hidden="true">
            <Icon name="alert" />
          </span>
          <div>
            <h2 id={titleId}>Discard unsaved changes?</h2>
            <p id={descId}>
              You changed {what} without saving. If you leave now, {props.labels.length > 1 ? 'those changes are' : 'the changes are'} lost.
            </p>
          </div>
        </div>
        <div className="dialog-footer">
          <button type="button" className="btn" ref={keep} onClick={props.onKeep}>
            Keep editing
          </button>
          <button type="button" className="btn btn-destructive" onClick={props.onDiscard}>
            Discard changes
          </button>
        </div>
      </div>
    </dialog>
  );
}
