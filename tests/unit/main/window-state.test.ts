import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  clampWindowState,
  DEFAULT_SIZE,
  loadWindowState,
  MIN_SIZE,
  saveWindowState,
  trackWindowState,
  type DisplayLike,
  type Rect,
} from '../../../src-main/window-state';

const laptop: DisplayLike = { workArea: { x: 0, y: 0, width: 1440, height: 875 } };
const monitorRight: DisplayLike = { workArea: { x: 1440, y: -200, width: 2560, height: 1400 } };

describe('clampWindowState', () => {
  it('first run: default size centred on the primary display', () => {
    const s = clampWindowState(null, [laptop], laptop);
    expect(s.isMaximized).toBe(false);
    expect(s.bounds.width).toBe(Math.min(DEFAULT_SIZE.width, 1440));
    expect(s.bounds.x).toBe(Math.round((1440 - s.bounds.width) / 2));
  });

  it('keeps a window that is fully visible', () => {
    const bounds = { x: 100, y: 50, width: 1000, height: 700 };
    expect(clampWindowState({ bounds, isMaximized: true }, [laptop], laptop)).toEqual({ bounds, isMaximized: true });
  });

  it('re-centres a window saved on a monitor that is gone, keeping the maximized flag', () => {
    const saved = { bounds: { x: 2000, y: 100, width: 1600, height: 1000 }, isMaximized: true };
    const s = clampWindowState(saved, [laptop], laptop);
    expect(s.isMaximized).toBe(true);
    expect(s.bounds.width).toBeLessThanOrEqual(1440);
    expect(s.bounds.height).toBeLessThanOrEqual(875);
    expect(s.bounds.x).toBeGreaterThanOrEqual(0);
    // still on the second monitor when it is plugged in
    expect(clampWindowState(saved, [laptop, monitorRight], laptop).bounds).toEqual(saved.bounds);
  });

  it('pulls a window hanging off the edge back inside its display', () => {
    const s = clampWindowState({ bounds: { x: 1200, y: 600, width: 1000, height: 700 }, isMaximized: false }, [laptop], laptop);
    expect(s.bounds).toEqual({ x: 440, y: 175, width: 1000, height: 700 });
  });

  it('enforces the minimum size', () => {
    const s = clampWindowState({ bounds: { x: 10, y: 10, width: 300, height: 200 }, isMaximized: false }, [laptop], laptop);
    expect(s.bounds.width).toBe(MIN_SIZE.width);
    expect(s.bounds.height).toBe(MIN_SIZE.height);
  });

  it('property: the result always lies inside some display', () => {
    const rect = fc.record({
      x: fc.integer({ min: -10000, max: 10000 }),
      y: fc.integer({ min: -10000, max: 10000 }),
      width: fc.integer({ min: 1, max: 8000 }),
      height: fc.integer({ min: 1, max: 8000 }),
    });
    const inside = (b: Rect, a: Rect) => b.x >= a.x && b.y >= a.y && b.x + b.width <= a.x + a.width && b.y + b.height <= a.y + a.height;
    fc.assert(
      fc.property(rect, fc.boolean(), fc.boolean(), (bounds, max, twoScreens) => {
        const displays = twoScreens ? [laptop, monitorRight] : [laptop];
        const s = clampWindowState({ bounds, isMaximized: max }, displays, laptop);
        return displays.some((d) => inside(s.bounds, d.workArea)) && s.isMaximized === max;
      }),
    );
  });
});

describe('window state file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'td-winstate-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips and tolerates a missing or corrupt file', async () => {
    const file = join(dir, 'sub', 'window-state.json');
    expect(await loadWindowState(file)).toBeNull();
    await saveWindowState(file, { bounds: { x: 1, y: 2, width: 1000, height: 700 }, isMaximized: true });
    expect(await loadWindowState(file)).toEqual({ bounds: { x: 1, y: 2, width: 1000, height: 700 }, isMaximized: true });
    await writeFile(file, '{"bounds":{"x":"a"}');
    expect(await loadWindowState(file)).toBeNull();
    await writeFile(file, JSON.stringify({ bounds: { x: 0, y: 0, width: -5, height: 10 }, isMaximized: false }));
    expect(await loadWindowState(file)).toBeNull();
  });

  it('tracks a window: saves normal bounds and the maximized flag when it closes', async () => {
    const file = join(dir, 'window-state.json');
    const listeners = new Map<string, Array<() => void>>();
    let maximized = false;
    const win = {
      isMaximized: () => maximized,
      isMinimized: () => false,
      isFullScreen: () => false,
      getNormalBounds: () => ({ x: 30, y: 40, width: 1100, height: 760 }),
      on: (e: string, l: () => void) => listeners.set(e, [...(listeners.get(e) ?? []), l]),
    };
    const tracker = trackWindowState(win, file, 10_000);
    maximized = true;
    listeners.get('maximize')!.forEach((l) => l());
    listeners.get('close')!.forEach((l) => l());
    await tracker.flush();
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ bounds: { x: 30, y: 40, width: 1100, height: 760 }, isMaximized: true });
  });
});
