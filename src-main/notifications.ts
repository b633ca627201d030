/**
 * Desktop notifications (bridge notify; used for lesson reminders). Clicking one brings the main
 * window to the front and, when the request carried an app route, navigates there
 * (HostEvent {type:'navigate', route}).
 */
import type { NotificationRequest } from '../src-shared/bridge';

export interface NotificationLike {
  on(event: 'click' | 'close' | 'failed', listener: () => void): unknown;
  show(): void;
}
export interface NotificationFactory {
  isSupported(): boolean;
  create(options: { title: string; body: string }): NotificationLike;
}

export interface NotifierDeps {
  factory: NotificationFactory;
  /** Focus the main window, then navigate to `route` if given. */
  onClick(route: string | undefined): void;
}

export function createNotifier(deps: NotifierDeps): { notify(req: NotificationRequest): Promise<void>; readonly live: number } {
  // Electron drops the click handler of a notification that was garbage-collected: keep each one
  // referenced until it is clicked, closed or failed.
  const live = new Set<NotificationLike>();
  return {
    async notify(req) {
      if (!deps.factory.isSupported()) throw new Error('Desktop notifications are not supported on this system.');
      const n = deps.factory.create({ title: req.title, body: req.body });
      live.add(n);
      const release = (): void => {
        live.delete(n);
      };
      n.on('click', () => {
        release();
        deps.onClick(req.route);
      });
      n.on('close', release);
      n.on('failed', release);
      n.show();
    },
    get live() {
      return live.size;
    },
  };
}
