/**
 * The figures issue 19 asks for, each with its goal, in the order `npm run bench` prints them in
 * its "Issue 19 goals" table. A section marks the row that is one of them with `...issue19('id')`,
 * which also gives the row its goal (text and machine-readable target), so the goal is written once.
 */
import type { BenchRow, BenchTarget } from './browser';

export interface Issue19Figure {
  id: string;
  label: string;
  /** The section that measures it (a word of the section's name, as `npm run bench -- <word>`). */
  section: string;
  goal: string;
  target: BenchTarget;
}

export const ISSUE_19_FIGURES = [
  {
    id: 'students-navigation',
    label: 'students: navigation → table painted',
    section: 'students',
    goal: '≤ 1,000 ms',
    target: { op: '<=', value: 1000 },
  },
  {
    id: 'students-keystroke',
    label: 'students: keystroke → filtered rows painted',
    section: 'students',
    goal: '≤ 16 ms',
    target: { op: '<=', value: 16 },
  },
  {
    id: 'schedule-open',
    label: 'schedule: page load → week view painted',
    section: 'schedule',
    goal: '≤ 1,000 ms',
    target: { op: '<=', value: 1000 },
  },
  {
    id: 'schedule-next-week',
    label: 'schedule: next week → painted',
    section: 'schedule',
    goal: '≤ 100 ms',
    target: { op: '<=', value: 100 },
  },
  {
    id: 'search-build',
    label: 'search: index build at start-up (50,682 documents)',
    section: 'search',
    goal: '≤ 1,000 ms to a usable index',
    target: { op: '<=', value: 1000 },
  },
  {
    id: 'billing-issue',
    label: 'billing: issue 1,000 drafts',
    section: 'billing',
    goal: '≤ 1,000 ms',
    target: { op: '<=', value: 1000 },
  },
  {
    id: 'sync-pull-vs-raw',
    label: "sync: initial pull vs the server's raw _changes",
    section: 'sync',
    goal: '≥ 0.5×',
    target: { op: '>=', value: 0.5 },
  },
  {
    id: 'sync-push-vs-raw',
    label: "sync: push vs the server's raw _bulk_docs",
    section: 'sync',
    goal: '≥ 0.5×',
    target: { op: '>=', value: 0.5 },
  },
  {
    id: 'renderer-heap',
    label: 'renderer: JS heap after opening every screen (100,000-lesson practice)',
    section: 'heap',
    goal: '≤ 250 MB',
    target: { op: '<=', value: 250 },
  },
  {
    id: 'dialog-new-lesson',
    label: 'dialogs: New lesson open → ready (10,000 students)',
    section: 'dialogs',
    goal: '≤ 150 ms',
    target: { op: '<=', value: 150 },
  },
  {
    id: 'dialog-new-student',
    label: 'dialogs: New student open → ready (10,000 students)',
    section: 'dialogs',
    goal: '≤ 150 ms',
    target: { op: '<=', value: 150 },
  },
] as const satisfies readonly Issue19Figure[];

export type Issue19Id = (typeof ISSUE_19_FIGURES)[number]['id'];

/** The fields that make a row one of issue 19's figures: its id and its goal. */
export function issue19(id: Issue19Id): Pick<BenchRow, 'figure' | 'goal' | 'target'> {
  const f = ISSUE_19_FIGURES.find((x) => x.id === id)!;
  return { figure: f.id, goal: f.goal, target: f.target };
}
