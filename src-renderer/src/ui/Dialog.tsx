import { useEffect, useId, useRef, type ReactNode } from 'react';
import { Icon } from './Icon';

/**
 * A modal built on the native <dialog>: focus trapping, Escape and the backdrop come from the
 * browser; the title labels it for screen readers.
 */
export function Dialog(props: {
  title: string;
  description?: string;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  wide?: boolean;
  onSubmit?: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descId = useId();
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  const body = (
    <div className="dialog-inner">
      <div className="dialog-header">
        <div>
          <h2 id={titleId}>{props.title}</h2>
          {props.description && <p id={descId}>{props.description}</p>}
        </div>
        <button type="button" className="btn btn-ghost icon-btn" aria-label="Close" onClick={props.onClose}>
          <Icon name="x" />
        </button>
      </div>
      <div className="dialog-body">{props.children}</div>
      {props.footer && <div className="dialog-footer">{props.footer}</div>}
    </div>
  );
  return (
    <dialog
      ref={ref}
      className={`dialog${props.wide ? ' wide' : ''}`}
      aria-labelledby={titleId}
      aria-describedby={props.description ? descId : undefined}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
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
          {body}
        </form>
      ) : (
        body
      )}
    </dialog>
  );
}
