import { describe, expect, it, vi } from 'vitest';
import { state } from './fake-electron';

vi.mock('../../../resources/icon.png?asset&asarUnpack', () => ({ default: '/fake/icon.png' }));
vi.mock('electron', () => import('./fake-electron'));

describe('single instance', () => {
  it('a second launch quits at once, without a window or handlers (the first one is focused)', async () => {
    state.lock = false;
    await import('../../../src-main/index');
    expect(state.quitCalled).toBe(1);
    expect(state.appListeners.size).toBe(0);
    expect(state.readyResolve).toBeUndefined();
    expect(state.windows).toHaveLength(0);
    expect(state.handlers.size).toBe(0);
  });
});
