/**
 * Controls the user's role may not use (the permission table, src-shared/sync/permissions.ts):
 * shown disabled, with the reason visible and tied to the control for screen readers
 * (`aria-describedby`) and as a tooltip (`title`).
 */
import { useId, type ButtonHTMLAttributes, type ReactNode } from 'react';
import type { Decision } from '../../../src-shared/sync/permissions';
import { Icon } from './Icon';

/** The visible reason, e.g. above a table whose row buttons all refer to it by `id`. */
export function PermissionNote({ id, reason, className }: { id: string; reason: string; className?: string }) {
  return (
    <p className={`permission-note${className ? ` ${className}` : ''}`} id={id}>
      <Icon name="lock" size={14} />
      <span>{reason}</span>
    </p>
  );
}

type ButtonProps = Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'disabled'> & {
  /** From `decide(...)`; when not allowed the button is disabled and explained. */
  decision: Decision;
  /** Other reasons to disable it (busy, invalid), unrelated to permissions. */
  disabled?: boolean;
  /** The id of a reason shown elsewhere (PermissionNote); without it the reason is shown next to the button. */
  reasonId?: string;
  children: ReactNode;
};

export function PermissionButton({ decision, disabled, reasonId, children, type = 'button', ...rest }: ButtonProps) {
  const ownId = useId();
  if (decision.allowed) {
    return (
      <button type={type} disabled={disabled} {...rest}>
        {children}
      </button>
    );
  }
  const describedBy = reasonId ?? `${ownId}-why`;
  const button = (
    <button {...rest} type={type} disabled aria-describedby={describedBy} title={decision.reason}>
      {children}
    </button>
  );
  if (reasonId) return button;
  return (
    <span className="permission-guarded">
      {button}
      <span className="permission-why" id={describedBy}>
        <Icon name="lock" size={12} />
        {decision.reason}
      </span>
    </span>
  );
}
