import { useEffect, useRef, useSyncExternalStore } from 'react';
import { createLeaveGuard, type LeaveQuestion } from './leave-guard';

/**
 * A tiny hash router: '#/students?id=…' → { path: '/students', query }.
 *
 * Leaving a form with unsaved changes asks first (issue 17): forms with their own Save report
 * their state with `useUnsavedChanges`; while one is changed, every way of changing the screen
 * asks "Discard unsaved changes?" (shown by the shell, `useLeaveQuestion`) before the screen
 * changes: `navigate()`, in-app links (the sidebar, the settings sections), Back and Forward (the
 * address is put back while asking), and closing or reloading the window (beforeunload).
 */
export interface Route {
  path: string;
  query: URLSearchParams;
}

function parse(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/';
  const [path = '/', search = ''] = raw.split('?');
  return { path, query: new URLSearchParams(search) };
}

/** The window's one guard. */
const guard = createLeaveGuard();
/** The hash the screen shows (the address may briefly differ while asking). */
let committed = '';
let route: Route = { path: '/', query: new URLSearchParams() };
/** Set once the person chose to discard: the next change of address goes through. */
let allowNext = false;
let installed = false;
const routeListeners = new Set<() => void>();

const hasChanges = () => guard.dirtyLabels().length > 0;

function commit(): void {
  committed = window.location.hash;
  route = parse(committed);
  routeListeners.forEach((l) => l());
}

/** Asks (when something is unsaved), then goes to `hash`. */
function leaveTo(hash: string): void {
  void guard.request().then((leave) => {
    if (!leave) return;
    allowNext = true;
    window.location.hash = hash;
    // The same address: no hashchange follows to consume the permission.
    if (window.location.hash === committed) allowNext = false;
  });
}

function install(): void {
  if (installed) return;
  installed = true;
  committed = window.location.hash;
  route = parse(committed);
  window.addEventListener('hashchange', (e) => {
    if (window.location.hash === committed) return;
    if (allowNext || !hasChanges()) {
      allowNext = false;
      commit();
      return;
    }
    // Back, Forward or a typed address: the screen stays, and the address with it, until answered.
    const target = window.location.hash;
    history.replaceState(history.state, '', e.oldURL);
    leaveTo(target);
  });
  // In-app links are asked about before the address changes, so the history keeps no entry for a
  // screen never shown. Bubbling: a link whose own handler prevented the default is left alone.
  document.addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const link = e.target instanceof Element ? e.target.closest('a[href^="#/"]') : null;
    if (!link || link.getAttribute('target') || !hasChanges()) return;
    e.preventDefault();
    leaveTo(link.getAttribute('href')!);
  });
  // Closing or reloading the window: the browser (or Electron's main process) asks.
  window.addEventListener('beforeunload', (e) => {
    if (!hasChanges()) return;
    e.preventDefault();
    e.returnValue = '';
  });
}

export function navigate(to: string): void {
  install();
  const hash = to.startsWith('#') ? to : `#${to}`;
  if (hasChanges()) leaveTo(hash);
  else window.location.hash = hash;
}

const subscribeRoute = (listener: () => void) => {
  routeListeners.add(listener);
  return () => routeListeners.delete(listener);
};

export function useRoute(): Route {
  install();
  return useSyncExternalStore(subscribeRoute, () => route);
}

/**
 * Reports whether a form with its own Save holds changes not saved yet (`label` names it in the
 * question, e.g. "Practice settings"). Forms that save themselves (notes) do not use it.
 */
export function useUnsavedChanges(dirty: boolean, label: string): void {
  const key = useRef<object>({});
  useEffect(() => {
    guard.set(key.current, dirty, label);
  }, [dirty, label]);
  useEffect(() => {
    const k = key.current;
    return () => guard.remove(k);
  }, []);
}

/** The open "Discard unsaved changes?" question (null when none), for the shell to show. */
export function useLeaveQuestion(): LeaveQuestion | null {
  return useSyncExternalStore(guard.subscribe, guard.question);
}

/** The answer to the open question: leave (discarding the changes) or keep editing. */
export function answerLeaveQuestion(leave: boolean): void {
  guard.answer(leave);
}
