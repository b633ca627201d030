import type { ReactNode } from 'react';
import { Icon, type IconName } from './Icon';

export function EmptyState(props: { icon: IconName; title: string; children?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="empty">
      <div className="empty-art">
        <Icon name={props.icon} size={32} />
      </div>
      <h2>{props.title}</h2>
      {props.children && <p>{props.children}</p>}
      {props.actions && <div className="toolbar">{props.actions}</div>}
    </div>
  );
}
