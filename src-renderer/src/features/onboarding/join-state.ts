/**
 * Where a "Join an existing practice" stands on this window (not stored: a join is finished in
 * one sitting). While it is not `idle` the first-run screen stays (the feature's `firstRunStays`),
 * although the practice's settings may already have arrived: the app opens once the whole
 * practice has been received and this computer knows who uses it.
 */
import { useSyncExternalStore } from 'react';
import { useApp } from '../../app/AppContext';

export type JoinStep =
  /** No join running (the welcome screen's cards, or its join form before "Join the practice"). */
  | 'idle'
  /** "Join the practice" was pressed: the details are being checked. */
  | 'connecting'
  /** The sync started: the practice is being received. */
  | 'receiving'
  /** Received; the server user names no staff record of the practice: the person says who they are. */
  | 'choose-me';

export class JoinState {
  private step: JoinStep = 'idle';
  private readonly listeners = new Set<() => void>();
  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };
  get = (): JoinStep => this.step;
  set(step: JoinStep): void {
    if (step === this.step) return;
    this.step = step;
    for (const l of this.listeners) l();
  }
}

const states = new WeakMap<object, JoinState>();

export function joinStateFor(db: object): JoinState {
  let s = states.get(db);
  if (!s) states.set(db, (s = new JoinState()));
  return s;
}

export function useJoinState(): { state: JoinState; step: JoinStep } {
  const state = joinStateFor(useApp().db);
  const step = useSyncExternalStore(state.subscribe, state.get);
  return { state, step };
}

/** The first-run screen stays while a join runs (registry: `firstRunStays`). */
export function useJoinRunning(): boolean {
  return useJoinState().step !== 'idle';
}
