import { describe, expect, it } from 'vitest';
import { createLeaveGuard } from '../../../src-renderer/src/app/leave-guard';

describe('leave guard (unsaved changes before leaving)', () => {
  it('lets leaving go ahead at once when no form is changed', async () => {
    const guard = createLeaveGuard();
    const form = {};
    guard.set(form, false, 'Practice settings');
    await expect(guard.request()).resolves.toBe(true);
    expect(guard.question()).toBeNull();
  });

  it('asks while a form is changed, naming it, and follows the answer', async () => {
    const guard = createLeaveGuard();
    const practice = {};
    const billing = {};
    guard.set(practice, true, 'Practice settings');
    guard.set(billing, true, 'Billing settings');
    let asked = 0;
    guard.subscribe(() => asked++);

    const keep = guard.request();
    expect(guard.question()).toEqual({ labels: ['Practice settings', 'Billing settings'] });
    guard.answer(false);
    await expect(keep).resolves.toBe(false);
    expect(guard.question()).toBeNull();

    const leave = guard.request();
    guard.answer(true);
    await expect(leave).resolves.toBe(true);
    expect(asked).toBe(4); // opened and closed, twice
  });

  it('shares one question between requests made while it is open', async () => {
    const guard = createLeaveGuard();
    guard.set({}, true, 'Attendance policy');
    const first = guard.request();
    const second = guard.request();
    guard.answer(true);
    await expect(Promise.all([first, second])).resolves.toEqual([true, true]);
  });

  it('stops asking once a form is saved (clean) or unmounted (removed)', async () => {
    const guard = createLeaveGuard();
    const a = {};
    const b = {};
    guard.set(a, true, 'Practice settings');
    guard.set(b, true, 'Practice settings');
    expect(guard.dirtyLabels()).toEqual(['Practice settings']);
    guard.set(a, false, 'Practice settings');
    expect(guard.dirtyLabels()).toEqual(['Practice settings']);
    guard.remove(b);
    expect(guard.dirtyLabels()).toEqual([]);
    await expect(guard.request()).resolves.toBe(true);
  });

  it('ignores an answer when nothing was asked', () => {
    const guard = createLeaveGuard();
    expect(() => guard.answer(true)).not.toThrow();
  });
});
