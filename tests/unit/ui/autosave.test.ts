import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAutosaver, type AutosaveStatus } from '../../../src-renderer/src/ui/autosave';

type V = { body: string; homework: string };

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function setup(save: (c: Partial<V>) => Promise<void>) {
  const statuses: AutosaveStatus[] = [];
  const journal: Partial<V>[] = [];
  let cleared = 0;
  const a = createAutosaver<V>({
    delayMs: 500,
    save,
    onStatus: (s) => statuses.push(s),
    journal: (u) => journal.push(u),
    clearJournal: () => (cleared += 1),
  });
  return { a, statuses, journal, cleared: () => cleared };
}

describe('autosave', () => {
  it('saves once after a pause in typing, with the latest text, and journals until saved', async () => {
    const saved: Partial<V>[] = [];
    const { a, statuses, journal, cleared } = setup(async (c) => void saved.push(c));
    a.edit('body', 'H');
    await vi.advanceTimersByTimeAsync(300);
    a.edit('body', 'Hi');
    a.edit('homework', 'p. 4');
    await vi.advanceTimersByTimeAsync(300);
    expect(saved).toEqual([]);
    expect(journal.at(-1)).toEqual({ body: 'Hi', homework: 'p. 4' });
    await vi.advanceTimersByTimeAsync(250);
    expect(saved).toEqual([{ body: 'Hi', homework: 'p. 4' }]);
    expect(statuses.at(-1)).toBe('saved');
    expect(cleared()).toBe(1);
    expect(a.unconfirmed()).toEqual({});
  });

  it('flush saves at once (blur, close) and never runs two saves at the same time', async () => {
    let running = 0;
    let maxRunning = 0;
    const saved: Partial<V>[] = [];
    const { a } = setup(async (c) => {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((r) => setTimeout(r, 100));
      saved.push(c);
      running -= 1;
    });
    a.edit('body', 'one');
    const f1 = a.flush();
    a.edit('body', 'one two');
    expect(a.unconfirmed()).toEqual({ body: 'one two' });
    const f2 = a.flush();
    await vi.advanceTimersByTimeAsync(300);
    await Promise.all([f1, f2]);
    expect(saved).toEqual([{ body: 'one' }, { body: 'one two' }]);
    expect(maxRunning).toBe(1);
    expect(a.status).toBe('saved');
  });

  it('keeps the text after a failed save and retries; newer typing wins', async () => {
    let fail = true;
    const saved: Partial<V>[] = [];
    const { a, statuses, journal } = setup(async (c) => {
      if (fail) throw new Error('disk full');
      saved.push(c);
    });
    a.edit('body', 'first');
    await expect(a.flush()).rejects.toThrow('disk full');
    expect(statuses.at(-1)).toBe('error');
    expect(a.unconfirmed()).toEqual({ body: 'first' });
    a.edit('homework', 'hw');
    expect(journal.at(-1)).toEqual({ body: 'first', homework: 'hw' });
    fail = false;
    await vi.advanceTimersByTimeAsync(2000);
    expect(saved).toEqual([{ body: 'first', homework: 'hw' }]);
    expect(a.status).toBe('saved');
  });

  it('does nothing when nothing was typed', async () => {
    const save = vi.fn(async () => {});
    const { a } = setup(save);
    await a.flush();
    await vi.advanceTimersByTimeAsync(5000);
    expect(save).not.toHaveBeenCalled();
    expect(a.status).toBe('idle');
  });
});
