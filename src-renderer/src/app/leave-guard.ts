/**
 * What stops changes typed into a form with its own Save from being lost by leaving it (issue 17):
 * forms say whether they hold unsaved changes (`set`), and before the screen changes the router
 * asks `request()`, which resolves at once when nothing is unsaved, else once the person answered
 * the question (`question`, shown by the shell) with "Keep editing" or "Discard changes".
 * Several requests while one question is open share its answer.
 *
 * No React and no DOM: app/router.ts wires it to the hash and the window; unit-tested alone.
 */
export interface LeaveQuestion {
  /** What would be lost, e.g. "Practice settings", in the order the forms reported them. */
  labels: readonly string[];
}

export interface LeaveGuard {
  /** Says whether the form `key` (any object, one per form) has unsaved changes, named `label`. */
  set(key: object, dirty: boolean, label: string): void;
  /** Forgets the form (it was unmounted). */
  remove(key: object): void;
  /** The names of the forms with unsaved changes. */
  dirtyLabels(): string[];
  /** True when leaving may go ahead: nothing unsaved, or the person chose to discard. */
  request(): Promise<boolean>;
  /** The open question, or null. */
  question(): LeaveQuestion | null;
  /** The person's answer to the open question. */
  answer(leave: boolean): void;
  /** Called when the open question changes. */
  subscribe(listener: () => void): () => void;
}

export function createLeaveGuard(): LeaveGuard {
  const dirty = new Map<object, string>();
  const listeners = new Set<() => void>();
  let open: { question: LeaveQuestion; promise: Promise<boolean>; resolve: (leave: boolean) => void } | null = null;
  const emit = () => listeners.forEach((l) => l());
  const labels = () => [...new Set(dirty.values())];

  return {
    set(key, isDirty, label) {
      if (isDirty) dirty.set(key, label);
      else dirty.delete(key);
    },
    remove(key) {
      dirty.delete(key);
    },
    dirtyLabels: labels,
    request() {
      if (open) return open.promise;
      if (dirty.size === 0) return Promise.resolve(true);
      let resolve!: (leave: boolean) => void;
      const promise = new Promise<boolean>((r) => (resolve = r));
      open = { question: { labels: labels() }, promise, resolve };
      emit();
      return promise;
    },
    question: () => open?.question ?? null,
    answer(leave) {
      if (!open) return;
      const { resolve } = open;
      open = null;
      emit();
      resolve(leave);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
