/**
 * `JSON.stringify` in slices: the same text, built a piece at a time with a pause between pieces
 * once a slice has used its time budget, so a large value (the saved search index, ~23 M
 * characters) does not hold the thread for a whole second.
 *
 * An array or object with more than `step` entries is written entry by entry (each entry by the
 * same rule), and so is every container down to `depth` levels from the top (so a small object
 * holding a huge array is reached); anything else is one native `JSON.stringify` call.
 *
 * The value must not change while it is being written: the caller writes a snapshot, or checks
 * afterwards that nothing changed and throws the text away if something did.
 */

export interface SliceOptions {
  /** Awaited between slices (e.g. a 0 ms timer, so the UI can run). */
  pause: () => Promise<void>;
  /** Milliseconds of work after which the next pause is taken. */
  budgetMs?: number;
  /** Entries of a container written between two looks at the clock; larger containers are split. */
  step?: number;
  /** Containers down to this many levels from the top are always written entry by entry. */
  depth?: number;
  now?: () => number;
}

interface Clock {
  pause: () => Promise<void>;
  budgetMs: number;
  step: number;
  depth: number;
  now: () => number;
  since: number;
}

/** Pauses when this slice has used its budget. */
async function tick(clock: Clock): Promise<void> {
  if (clock.now() - clock.since < clock.budgetMs) return;
  await clock.pause();
  clock.since = clock.now();
}

/** What JSON.stringify does with a value before looking at its type: `toJSON(key)`. */
function prepared(value: unknown, key: string): unknown {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function')
    return (value as { toJSON(k: string): unknown }).toJSON(key);
  return value;
}

async function slices(value: unknown, level: number, clock: Clock): Promise<string | undefined> {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const isArray = Array.isArray(value);
  const keys = isArray ? null : Object.keys(value);
  const size = isArray ? value.length : keys!.length;
  if (size <= clock.step && level >= clock.depth) return JSON.stringify(value);
  const parts: string[] = [];
  if (isArray) {
    for (let i = 0; i < value.length; i += 1) {
      const item = await slices(prepared(value[i], String(i)), level + 1, clock);
      // JSON.stringify writes null for what it cannot represent inside an array.
      parts.push(item === undefined ? 'null' : item);
      if ((i + 1) % clock.step === 0) await tick(clock);
    }
    return `[${parts.join(',')}]`;
  }
  for (let i = 0; i < keys!.length; i += 1) {
    const key = keys![i]!;
    const item = await slices(prepared((value as Record<string, unknown>)[key], key), level + 1, clock);
    // …and leaves out a property it cannot represent.
    if (item !== undefined) parts.push(`${JSON.stringify(key)}:${item}`);
    if ((i + 1) % clock.step === 0) await tick(clock);
  }
  return `{${parts.join(',')}}`;
}

/** The text `JSON.stringify(value)` gives, built in slices (see the file comment). */
export async function stringifyInSlices(value: unknown, options: SliceOptions): Promise<string | undefined> {
  const now = options.now ?? (() => performance.now());
  const clock: Clock = {
    pause: options.pause,
    budgetMs: options.budgetMs ?? 12,
    step: options.step ?? 500,
    depth: options.depth ?? 3,
    now,
    since: now(),
  };
  return slices(prepared(value, ''), 0, clock);
}
