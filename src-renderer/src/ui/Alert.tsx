import type { ReactNode } from 'react';

export type AlertTone = 'error' | 'warning' | 'info' | 'success';

/**
 * A message in the flow of a screen or dialog. Plain text stays a plain box; with an `icon`,
 * a bold `title` or an `action` (a button at the end) the text takes the room between them.
 * `role`: 'alert' for what the user must notice now, 'status' for news that can wait, none for
 * standing information (screen readers read the first two when they appear).
 */
export function Alert(props: {
  tone: AlertTone;
  role?: 'alert' | 'status';
  icon?: ReactNode;
  title?: ReactNode;
  action?: ReactNode;
  className?: string;
  children?: ReactNode;
}) {
  const className = `alert alert-${props.tone}${props.className ? ` ${props.className}` : ''}`;
  if (props.icon === undefined && props.title === undefined && props.action === undefined) {
    return (
      <div className={className} role={props.role}>
        {props.children}
      </div>
    );
  }
  return (
    <div className={className} role={props.role}>
      {props.icon}
      <div className="alert-body">
        {props.title !== undefined && <strong>{props.title}</strong>}
        {props.title !== undefined && props.children !== undefined && ' '}
        {props.children}
      </div>
      {props.action}
    </div>
  );
}
