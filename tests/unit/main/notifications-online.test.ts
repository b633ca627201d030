import { afterEach, describe, expect, it, vi } from 'vitest';
import { createNotifier, type NotificationLike } from '../../../src-main/notifications';
import { createOnlineWatcher } from '../../../src-main/online';

function fakeFactory(supported = true) {
  const shown: Array<{ options: { title: string; body: string }; fire(e: string): void }> = [];
  return {
    shown,
    factory: {
      isSupported: () => supported,
      create: (options: { title: string; body: string }): NotificationLike => {
        const listeners = new Map<string, () => void>();
        const n: NotificationLike = {
          on: (e, l) => listeners.set(e, l),
          show: () => shown.push({ options, fire: (e) => listeners.get(e)?.() }),
        };
        return n;
      },
    },
  };
}

describe('notifications', () => {
  it('shows the notification; a click focuses and navigates to its route', async () => {
    const { shown, factory } = fakeFactory();
    const clicks: Array<string | undefined> = [];
    const notifier = createNotifier({ factory, onClick: (r) => clicks.push(r) });
    await notifier.notify({ title: 'Lesson at 16:00', body: 'Maths with Ada in 15 minutes', route: '/schedule?date=2026-11-24' });
    await notifier.notify({ title: 'Sync problem', body: 'Wrong password' });
    expect(shown.map((s) => s.options)).toEqual([
      { title: 'Lesson at 16:00', body: 'Maths with Ada in 15 minutes' },
      { title: 'Sync problem', body: 'Wrong password' },
    ]);
    expect(notifier.live).toBe(2); // kept referenced until clicked or closed
    shown[0]!.fire('click');
    shown[1]!.fire('close');
    expect(clicks).toEqual(['/schedule?date=2026-11-24']);
    expect(notifier.live).toBe(0);
  });

  it('fails clearly where the system has no notifications', async () => {
    const notifier = createNotifier({ factory: fakeFactory(false).factory, onClick: () => undefined });
    await expect(notifier.notify({ title: 'x', body: '' })).rejects.toThrow(/not supported/);
  });
});

describe('online watcher', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('polls net.isOnline and reports only changes', () => {
    vi.useFakeTimers();
    let online = true;
    const changes: boolean[] = [];
    const w = createOnlineWatcher({ isOnline: () => online, onChange: (o) => changes.push(o), intervalMs: 5000 });
    vi.advanceTimersByTime(15_000);
    expect(changes).toEqual([]);
    online = false;
    vi.advanceTimersByTime(4999);
    expect(changes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(changes).toEqual([false]);
    vi.advanceTimersByTime(20_000);
    expect(changes).toEqual([false]);
    online = true;
    expect(w.check()).toBe(true); // e.g. on resume from sleep: at once, no waiting for the poll
    expect(changes).toEqual([false, true]);
    w.stop();
    online = false;
    vi.advanceTimersByTime(60_000);
    expect(changes).toEqual([false, true]);
  });

  it('treats a failing probe as online (the replication backoff decides)', () => {
    const w = createOnlineWatcher({
      isOnline: () => {
        throw new Error('not ready');
      },
      onChange: () => undefined,
    });
    expect(w.check()).toBe(true);
    w.stop();
  });
});
