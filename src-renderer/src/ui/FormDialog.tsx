import { useState, type ReactNode } from 'react';
import { Alert } from './Alert';
import { Dialog, DialogCancelButton } from './Dialog';
import { Icon } from './Icon';

/**
 * A dialog around a form: the fields, a form-level error at the top, and a footer with Cancel and
 * the submit button (Enter submits too). While `onSubmit` runs the submit button is disabled; if
 * it throws, its message is shown as the form's error and the dialog stays open. Field errors
 * and validation stay with the caller (pass `error` for a form-level message of its own).
 */
export function FormDialog(props: {
  title: string;
  description?: string;
  wide?: boolean;
  onClose: () => void;
  onSubmit: () => unknown;
  submitLabel: ReactNode;
  cancelLabel?: ReactNode;
  /** The submit button as a destructive action (void, delete). */
  danger?: boolean;
  /** Busy for a reason of the caller's (e.g. another button of the footer is saving). */
  busy?: boolean;
  /** A form-level error of the caller's; shown before one thrown by `onSubmit`. */
  error?: string;
  /** Buttons at the start of the footer (archive, delete…). */
  footerStart?: ReactNode;
  /** Ask before discarding typed changes on Escape, × and Cancel (default: yes). */
  guardChanges?: boolean;
  children: ReactNode;
}) {
  const [running, setRunning] = useState(false);
  const [failure, setFailure] = useState('');
  const submit = async () => {
    if (running) return;
    setRunning(true);
    setFailure('');
    try {
      await props.onSubmit();
    } catch (e) {
      setFailure((e as Error).message);
    } finally {
      setRunning(false);
    }
  };
  const error = props.error || failure;
  return (
    <Dialog
      title={props.title}
      {...(props.description !== undefined ? { description: props.description } : {})}
      {...(props.wide ? { wide: true } : {})}
      onClose={props.onClose}
      onSubmit={() => void submit()}
      guardChanges={props.guardChanges ?? true}
      footer={
        <>
          {props.footerStart && <div className="left">{props.footerStart}</div>}
          <DialogCancelButton onClose={props.onClose}>{props.cancelLabel ?? 'Cancel'}</DialogCancelButton>
          <button type="submit" className={`btn btn-primary${props.danger ? ' btn-destructive' : ''}`} disabled={running || props.busy}>
            {props.submitLabel}
          </button>
        </>
      }
    >
      {error && (
        <Alert tone="error" role="alert" icon={<Icon name="alert" />}>
          {error}
        </Alert>
      )}
      {props.children}
    </Dialog>
  );
}
