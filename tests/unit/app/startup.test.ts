/**
 * Start-up priority (src-renderer/src/app/startup.ts): background work (the search index build)
 * starts only once the shell has mounted and every live query started so far has its first
 * result (and a frame later), or after MAX_WAIT_MS whatever happens.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

type Startup = typeof import('../../../src-renderer/src/app/startup');

async function fresh(): Promise<Startup> {
  vi.resetModules();
  return import('../../../src-renderer/src/app/startup');
}

async function isStarted(p: Promise<void>): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true));
  await vi.advanceTimersByTimeAsync(5);
  return done;
}

describe('start-up priority', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('waits for the shell and for every foreground query started before, then a frame', async () => {
    const s = await fresh();
    const started = s.whenStarted();
    const students = s.foregroundLoad();
    const families = s.foregroundLoad();
    expect(await isStarted(started)).toBe(false);
    s.appMounted();
    students();
    students(); // idempotent
    expect(await isStarted(started)).toBe(false);
    families();
    expect(await isStarted(started)).toBe(true);
  });

  it('a query that starts while the frame is pending is waited for too', async () => {
    const s = await fresh();
    const started = s.whenStarted();
    s.appMounted();
    const late = s.foregroundLoad();
    expect(await isStarted(started)).toBe(false);
    late();
    expect(await isStarted(started)).toBe(true);
    // Once started, later queries change nothing.
    s.foregroundLoad();
    expect(await isStarted(s.whenStarted())).toBe(true);
  });

  it('starts anyway after MAX_WAIT_MS when a query never answers', async () => {
    const s = await fresh();
    const started = s.whenStarted();
    s.foregroundLoad();
    s.appMounted();
    expect(await isStarted(started)).toBe(false);
    await vi.advanceTimersByTimeAsync(s.MAX_WAIT_MS);
    expect(await isStarted(started)).toBe(true);
  });
});
