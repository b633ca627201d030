/**
 * Extension point of the occurrence details panel (the panel that opens when a lesson is clicked
 * on the calendar). Other features (attendance controls, lesson note editor…) register sections
 * here at module load of their feature's index.ts:
 *
 *   registerOccurrencePanelSection('attendance', AttendanceSection, { title: 'Attendance', order: 10 });
 *
 * Each section component receives the expanded occurrence (from src-shared/schedule: effective
 * start/end, status, overrides already applied) and the Lesson document of its series. Sections
 * read/write the database themselves through `useApp()` (write through `app.save`). Sections are
 * rendered in `order` (ascending, default 100), then registration order.
 */
import { useSyncExternalStore, type ComponentType } from 'react';
import type { ExpandedOccurrence } from '../../../../src-shared/schedule';
import type { Lesson } from '../../../../src-shared/model/types';

export interface OccurrencePanelSectionProps {
  /** The expanded occurrence shown in the panel (id = `${lessonId}@${originalStart}` = Occurrence doc id). */
  occurrence: ExpandedOccurrence;
  /** The Lesson (series or one-off) document the occurrence belongs to. */
  lesson: Lesson;
}

export interface OccurrencePanelSectionOptions {
  /** Heading shown above the section (optional: the component may render its own). */
  title?: string;
  /** Sort key, ascending; default 100. */
  order?: number;
}

export interface OccurrencePanelSection extends OccurrencePanelSectionOptions {
  id: string;
  component: ComponentType<OccurrencePanelSectionProps>;
}

let sections: readonly OccurrencePanelSection[] = [];
const listeners = new Set<() => void>();

/** Registers (or replaces, by id) a section of the occurrence details panel. */
export function registerOccurrencePanelSection(
  id: string,
  component: ComponentType<OccurrencePanelSectionProps>,
  options: OccurrencePanelSectionOptions = {},
): void {
  const entry: OccurrencePanelSection = { id, component, ...options };
  const rest = sections.filter((s) => s.id !== id);
  sections = [...rest, entry].sort((a, b) => (a.order ?? 100) - (b.order ?? 100));
  for (const l of listeners) l();
}

/** The registered sections, in display order (stable array until a registration changes it). */
export function getOccurrencePanelSections(): readonly OccurrencePanelSection[] {
  return sections;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** React hook used by the panel: re-renders when a section is registered later (e.g. HMR). */
export function useOccurrencePanelSections(): readonly OccurrencePanelSection[] {
  return useSyncExternalStore(subscribe, getOccurrencePanelSections, getOccurrencePanelSections);
}
