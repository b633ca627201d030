/**
 * Start-up priority. Work that nobody sees at first (building the full-text search index over
 * every note, student and family) waits until the screen the user opened has painted its data,
 * so its IndexedDB reads and its CPU time do not delay that screen. With 10,000 students the
 * index build used to read and index 17,000 documents before the Students table's first render.
 *
 * "Has painted its data": the shell has mounted, every live query started so far
 * (`useLiveQuery` reports through `foregroundLoad`) has delivered its first result, and a frame
 * has been painted since. `whenStarted()` resolves then, once per page, or after `MAX_WAIT_MS`
 * whatever happens (a query that never answers must not starve the background work).
 */
export const MAX_WAIT_MS = 10_000;

let pending = 0;
let mounted = false;
let started = false;
let checking = false;
let resolveStarted: () => void = () => {};
const startedPromise = new Promise<void>((resolve) => (resolveStarted = resolve));

function open(): void {
  if (started) return;
  started = true;
  performance.mark('tutordesk:started');
  resolveStarted();
}

/** After the next painted frame (a timer where there is no frame, e.g. a hidden window). */
function afterPaint(fn: () => void): void {
  if (typeof requestAnimationFrame === 'function' && typeof document !== 'undefined' && document.visibilityState === 'visible')
    requestAnimationFrame(() => setTimeout(fn, 0));
  else setTimeout(fn, 0);
}

function check(): void {
  if (started || checking || !mounted || pending > 0) return;
  checking = true;
  afterPaint(() => {
    checking = false;
    // Another screen's query may have started meanwhile: wait for it too.
    if (pending === 0) open();
    else check();
  });
}

/**
 * A foreground load (a live query of a mounted screen) has started; call the returned function
 * (any number of times) when its first result has arrived or it was abandoned.
 */
export function foregroundLoad(): () => void {
  if (started) return () => {};
  pending += 1;
  let done = false;
  return () => {
    if (done) return;
    done = true;
    pending -= 1;
    check();
  };
}

/** The shell's first render has been committed (its screens' queries have started). */
export function appMounted(): void {
  mounted = true;
  check();
}

/** Resolves once the opened screen has painted its data (or after MAX_WAIT_MS). */
export function whenStarted(): Promise<void> {
  if (!started) setTimeout(open, MAX_WAIT_MS);
  return startedPromise;
}
