/**
 * Remembered window size, position and maximized state: a small JSON file in userData.
 * `clampWindowState` (pure) keeps a saved window on a display that still exists (a laptop
 * unplugged from its second monitor must not open the window off-screen).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface WindowState {
  bounds: Rect;
  isMaximized: boolean;
}
export interface DisplayLike {
  workArea: Rect;
}

export const DEFAULT_SIZE = { width: 1280, height: 820 } as const;
export const MIN_SIZE = { width: 900, height: 600 } as const;
/** A saved window must show at least this much of itself on some display, else it is re-centred. */
const MIN_VISIBLE = { width: 200, height: 120 } as const;

// zod 4 numbers reject NaN and ±Infinity.
const finite = z.number();
const StoredStateSchema = z.object({
  bounds: z.object({ x: finite, y: finite, width: finite.positive(), height: finite.positive() }),
  isMaximized: z.boolean(),
});

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return { width: Math.max(0, width), height: Math.max(0, height) };
}

function centred(area: Rect, width: number, height: number): Rect {
  const w = Math.min(width, area.width);
  const h = Math.min(height, area.height);
  return {
    x: Math.round(area.x + (area.width - w) / 2),
    y: Math.round(area.y + (area.height - h) / 2),
    width: Math.round(w),
    height: Math.round(h),
  };
}

/**
 * The bounds to open the window with. `saved` may be null (first run) or come from a previous
 * session on a different monitor layout; `primary` is where a new or lost window is centred.
 */
export function clampWindowState(saved: WindowState | null, displays: readonly DisplayLike[], primary: DisplayLike): WindowState {
  const area = primary.workArea;
  if (!saved) {
    return { bounds: centred(area, DEFAULT_SIZE.width, DEFAULT_SIZE.height), isMaximized: false };
  }
  const b = saved.bounds;
  // The display that shows most of the window.
  let best: DisplayLike | null = null;
  let bestArea = 0;
  for (const d of displays) {
    const o = overlap(b, d.workArea);
    if (
      o.width >= Math.min(MIN_VISIBLE.width, b.width) &&
      o.height >= Math.min(MIN_VISIBLE.height, b.height) &&
      o.width * o.height > bestArea
    ) {
      best = d;
      bestArea = o.width * o.height;
    }
  }
  const width = Math.max(MIN_SIZE.width, Math.round(b.width));
  const height = Math.max(MIN_SIZE.height, Math.round(b.height));
  if (!best) {
    return { bounds: centred(area, width, height), isMaximized: saved.isMaximized };
  }
  const wa = best.workArea;
  // Shrink to the display, then pull fully inside it.
  const w = Math.min(width, wa.width);
  const h = Math.min(height, wa.height);
  const x = Math.min(Math.max(Math.round(b.x), wa.x), wa.x + wa.width - w);
  const y = Math.min(Math.max(Math.round(b.y), wa.y), wa.y + wa.height - h);
  return { bounds: { x, y, width: w, height: h }, isMaximized: saved.isMaximized };
}

/** Reads the saved state; a missing or corrupt file means "no saved state". */
export async function loadWindowState(file: string): Promise<WindowState | null> {
  try {
    const parsed = StoredStateSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Writes atomically (temp file + rename) so a crash never leaves half a file. */
export async function saveWindowState(file: string, state: WindowState): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(state), 'utf8');
  await rename(tmp, file);
}

export interface TrackableWindow {
  isMaximized(): boolean;
  isMinimized(): boolean;
  isFullScreen(): boolean;
  getNormalBounds(): Rect;
  on(event: 'resize' | 'move' | 'maximize' | 'unmaximize' | 'close', listener: () => void): unknown;
}

/**
 * Saves the window's state on move/resize (debounced) and when it closes. The normal (restored)
 * bounds are stored together with the maximized flag, so un-maximizing next time restores them.
 */
export function trackWindowState(win: TrackableWindow, file: string, debounceMs = 500): { flush(): Promise<void> } {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let last: WindowState | null = null;
  const capture = (): void => {
    if (win.isMinimized() || win.isFullScreen()) return;
    last = { bounds: win.getNormalBounds(), isMaximized: win.isMaximized() };
  };
  const flush = async (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (last) await saveWindowState(file, last).catch(() => undefined);
  };
  const schedule = (): void => {
    capture();
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void flush(), debounceMs);
  };
  for (const e of ['resize', 'move', 'maximize', 'unmaximize'] as const) win.on(e, schedule);
  win.on('close', () => {
    capture();
    void flush();
  });
  return { flush };
}
