import { createContext, useCallback, useContext, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { Icon } from './Icon';

/** What a dialog's own buttons call to close it: asks first when the person changed something. */
const RequestClose = createContext<(() => void) | null>(null);
export const useRequestClose = () => useContext(RequestClose);

const FIELD = 'input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])';
const FOCUSABLE = `${FIELD}, button:not([disabled]), [href], [tabindex]:not([tabindex="-1"])`;

/**
 * A modal built on the native <dialog>: focus trapping, Escape and the backdrop come from the
 * browser; the title labels it for screen readers.
 *
 * Focus (issue 17): on opening it goes to the body's first field (or `[autofocus]`, or its first
 * control), not to the × button, so typing goes where it should; on closing it returns to what
 * had it before (the button that opened the dialog).
 *
 * Changes are not lost silently: once the person has typed or chosen anything in a dialog with
 * `guardChanges`, Escape, × and the Cancel button (`useRequestClose`) ask "Discard your changes?"
 * first; saving closes it through `onClose` as before. Sections marked `data-saves-itself` save
 * their own changes at once and do not count.
 */
export function Dialog(props: {
  title: string;
  description?: string;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  wide?: boolean;
  onSubmit?: () => void;
  /** Ask before closing once something was changed (forms). */
  guardChanges?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const body = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const descId = useId();
  const changed = useRef(false);
  const [asking, setAsking] = useState(false);
  const onClose = props.onClose;
  const guard = props.guardChanges ?? false;

  useEffect(() => {
    const d = ref.current;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (d && !d.open) d.showModal();
    const root = body.current;
    const first =
      root?.querySelector<HTMLElement>('[autofocus]') ??
      root?.querySelector<HTMLElement>(FIELD) ??
      root?.querySelector<HTMLElement>(FOCUSABLE);
    (first ?? d)?.focus();
    return () => {
      d?.close();
      // Back to the control that opened the dialog, when it is still there.
      if (opener && opener.isConnected) opener.focus();
    };
  }, []);

  // A section that saves its own changes at once (`data-saves-itself`, e.g. a student's billing)
  // leaves nothing to discard.
  const noteChange = (e: { target: EventTarget }) => {
    if (e.target instanceof Element && e.target.closest('[data-saves-itself]')) return;
    changed.current = true;
  };

  const requestClose = useCallback(() => {
    if (guard && changed.current) setAsking(true);
    else onClose();
  }, [guard, onClose]);

  const inner = (
    <div className="dialog-inner">
      <div className="dialog-header">
        <div>
          <h2 id={titleId}>{props.title}</h2>
          {props.description && <p id={descId}>{props.description}</p>}
        </div>
        <button type="button" className="btn btn-ghost icon-btn" aria-label="Close" onClick={requestClose}>
          <Icon name="x" />
        </button>
      </div>
      <div className="dialog-body" ref={body} onInput={noteChange} onChange={noteChange}>
        {props.children}
      </div>
      {asking ? (
        <div className="dialog-footer dialog-discard" role="alertdialog" aria-label="Discard your changes?">
          <span className="left">
            <Icon name="alert" /> Discard your changes?
          </span>
          <button type="button" className="btn" autoFocus onClick={() => setAsking(false)}>
            Keep editing
          </button>
          <button type="button" className="btn btn-destructive" onClick={onClose}>
            Discard
          </button>
        </div>
      ) : (
        props.footer && <div className="dialog-footer">{props.footer}</div>
      )}
    </div>
  );
  return (
    <RequestClose.Provider value={requestClose}>
      <dialog
        ref={ref}
        className={`dialog${props.wide ? ' wide' : ''}`}
        aria-labelledby={titleId}
        aria-describedby={props.description ? descId : undefined}
        onCancel={(e) => {
          e.preventDefault();
          if (asking) setAsking(false);
          else requestClose();
        }}
      >
        {props.onSubmit ? (
          <form
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              props.onSubmit?.();
            }}
          >
            {inner}
          </form>
        ) : (
          inner
        )}
      </dialog>
    </RequestClose.Provider>
  );
}

/** A dialog's Cancel button: closes it, asking first when something was changed. */
export function DialogCancelButton(props: { children?: ReactNode; onClose: () => void }) {
  const requestClose = useRequestClose();
  return (
    <button type="button" className="btn" onClick={requestClose ?? props.onClose}>
      {props.children ?? 'Cancel'}
    </button>
  );
}
