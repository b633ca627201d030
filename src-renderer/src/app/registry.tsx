/**
 * How features plug into the shell. Each feature folder's index.ts exports one `FeatureManifest`:
 * a plain object saying what it contributes (screens with their navigation entries, top-bar
 * items, settings sections, sample data, the students table's lesson dates, sections of the
 * occurrence panel, the first-run screen). Nothing registers itself when it is imported: the
 * shell lists the manifests in one order (app/features.ts) and `combineFeatures` merges them,
 * refusing two contributions under one name (as Actual Budget's `combine` refuses two handlers).
 *
 * Features read what others contributed through the hooks below (e.g. the occurrence panel asks
 * for its sections), so a feature never imports the registry's owner or another feature's screen.
 */
import type { CollectionName } from '../../../src-shared/model/schemas';
import { createContext, useContext, useId, type ComponentType, type ReactNode } from 'react';
import type { ExpandedOccurrence } from '../../../src-shared/schedule';
import type { Lesson } from '../../../src-shared/model/types';
import type { SamplePractice } from '../../../src-shared/sample/generate';
import type { TutorDatabase } from '../data';
import { Alert } from '../ui/Alert';
import { ErrorBoundary } from '../ui/ErrorBoundary';
import { PermissionNote } from '../ui/Permission';
import { usePermissions } from './AppContext';
import type { IconName } from '../ui/Icon';

/** The groups of the sidebar, in the order they are shown. */
export const NAV_SECTIONS = [
  { id: 'practice', label: 'Practice' },
  { id: 'money', label: 'Money' },
  { id: 'admin', label: 'Admin' },
] as const;
export type NavSection = (typeof NAV_SECTIONS)[number]['id'];

/** A screen and its entry in the sidebar. The screen also answers every path below `path`. */
export interface ScreenContribution {
  path: string;
  label: string;
  icon: IconName;
  section: NavSection;
  component: ComponentType;
}

/** An item of the always-visible top bar: at its start (left) or its end (right). */
export interface TopbarContribution {
  id: string;
  /** Its name for people (e.g. in the notice shown if it cannot be drawn). */
  label: string;
  side: 'start' | 'end';
  component: ComponentType;
}

/**
 * A section of the Settings page, after the practice's own details and this computer: an entry of
 * the page's navigation named `title`, shown alone when chosen (`#/settings?section=<id>`). A
 * section with its own Save reports unsaved changes with `useUnsavedChanges` (app/router.ts).
 */
export interface SettingsSectionContribution {
  /** Its id in the address; stable (links and bookmarks use it). */
  id: string;
  /** Its name in the settings navigation. */
  title: string;
  component: ComponentType;
  /**
   * The practice-wide collections the section changes: when this computer's role may not change
   * them (the permission table), the Settings screen disables the section and shows why.
   */
  writes?: readonly CollectionName[];
}

/** Adds a feature's records to "Load a sample practice", after the people are written. */
export type SampleExtender = (db: TutorDatabase, practice: SamplePractice) => Promise<void>;

/** Last and next lesson per student id (ISO instants), for the students table. */
export type LessonDates = Map<string, { last?: string; next?: string }>;
/** A hook returning the lesson dates; the same Map until they change (it feeds a memoised table). */
export type LessonDatesHook = () => LessonDates;

export interface OccurrencePanelSectionProps {
  /** The expanded occurrence shown in the panel (id = `${lessonId}@${originalStart}` = Occurrence doc id). */
  occurrence: ExpandedOccurrence;
  /** The Lesson (series or one-off) document the occurrence belongs to. */
  lesson: Lesson;
}

/**
 * A section of the occurrence details panel (the panel of a lesson clicked on the calendar, and
 * the rows of the Today screen). Sections read and write the database themselves (`useApp()`).
 */
export interface OccurrencePanelSectionContribution {
  id: string;
  /** Heading shown above the section (optional: the component may render its own). */
  title?: string;
  component: ComponentType<OccurrencePanelSectionProps>;
  /** Collections the section changes for this date ('occurrences': disabled, with the reason, when the role may not change this occurrence). */
  writes?: readonly CollectionName[];
}

export interface FeatureManifest {
  /** The feature's folder name. */
  id: string;
  screens?: readonly ScreenContribution[];
  topbar?: readonly TopbarContribution[];
  settingsSections?: readonly SettingsSectionContribution[];
  sampleData?: SampleExtender;
  /** Fills the students table's Last lesson / Next lesson columns (one feature at most). */
  lessonDates?: LessonDatesHook;
  occurrencePanelSections?: readonly OccurrencePanelSectionContribution[];
  /** Shown instead of the app while there is no practice yet (one feature at most). */
  firstRun?: ComponentType;
  /**
   * A hook (with `firstRun`): true while the first-run screen must stay although the practice's
   * settings exist, e.g. while a practice being joined is received (its settings arrive first).
   */
  firstRunStays?: () => boolean;
}

/** Everything the features contribute, merged, each list in the order of the manifests. */
export interface FeatureRegistry {
  features: readonly string[];
  screens: readonly ScreenContribution[];
  topbar: { start: readonly TopbarContribution[]; end: readonly TopbarContribution[] };
  settingsSections: readonly SettingsSectionContribution[];
  sampleExtenders: readonly SampleExtender[];
  lessonDates: LessonDatesHook;
  occurrencePanelSections: readonly OccurrencePanelSectionContribution[];
  firstRun: ComponentType | null;
  firstRunStays: () => boolean;
}

const never = () => false;

const NO_LESSON_DATES: LessonDates = new Map();
const noLessonDates: LessonDatesHook = () => NO_LESSON_DATES;

/**
 * Merges the manifests in the order given. Throws when two features use one feature id, screen
 * path, top-bar item, settings section or panel section id, or both claim a one-only contribution.
 */
export function combineFeatures(manifests: readonly FeatureManifest[]): FeatureRegistry {
  const owners = new Map<string, string>();
  const claim = (kind: string, key: string, feature: string) => {
    const name = `${kind} ${key}`;
    const owner = owners.get(name);
    if (owner !== undefined) throw new Error(`Two features contribute the ${name}: ${owner} and ${feature}`);
    owners.set(name, feature);
  };
  let lessonDates: LessonDatesHook | null = null;
  let firstRun: ComponentType | null = null;
  let firstRunStays: () => boolean = never;
  for (const m of manifests) {
    claim('feature', m.id, m.id);
    for (const s of m.screens ?? []) claim('screen', s.path, m.id);
    for (const t of m.topbar ?? []) claim('top-bar item', t.id, m.id);
    for (const s of m.settingsSections ?? []) claim('settings section', s.id, m.id);
    for (const s of m.occurrencePanelSections ?? []) claim('occurrence panel section', s.id, m.id);
    if (m.lessonDates) {
      claim('provider of', 'lesson dates', m.id);
      lessonDates = m.lessonDates;
    }
    if (m.firstRun) {
      claim('first-run', 'screen', m.id);
      firstRun = m.firstRun;
      firstRunStays = m.firstRunStays ?? never;
    } else if (m.firstRunStays) {
      throw new Error(`The feature ${m.id} says when the first-run screen stays but has none`);
    }
  }
  const topbar = manifests.flatMap((m) => m.topbar ?? []);
  return {
    features: manifests.map((m) => m.id),
    screens: manifests.flatMap((m) => m.screens ?? []),
    topbar: { start: topbar.filter((t) => t.side === 'start'), end: topbar.filter((t) => t.side === 'end') },
    settingsSections: manifests.flatMap((m) => m.settingsSections ?? []),
    sampleExtenders: manifests.flatMap((m) => (m.sampleData ? [m.sampleData] : [])),
    lessonDates: lessonDates ?? noLessonDates,
    occurrencePanelSections: manifests.flatMap((m) => m.occurrencePanelSections ?? []),
    firstRun,
    firstRunStays,
  };
}

const RegistryContext = createContext<FeatureRegistry | null>(null);

export function FeatureRegistryProvider({ registry, children }: { registry: FeatureRegistry; children: ReactNode }) {
  return <RegistryContext.Provider value={registry}>{children}</RegistryContext.Provider>;
}

/** What all features contribute (inside the shell). */
export function useFeatureRegistry(): FeatureRegistry {
  const registry = useContext(RegistryContext);
  if (!registry) throw new Error('useFeatureRegistry outside FeatureRegistryProvider');
  return registry;
}

export function useOccurrencePanelSections(): readonly OccurrencePanelSectionContribution[] {
  return useFeatureRegistry().occurrencePanelSections;
}

export function useSettingsSections(): readonly SettingsSectionContribution[] {
  return useFeatureRegistry().settingsSections;
}

export function useSampleExtenders(): readonly SampleExtender[] {
  return useFeatureRegistry().sampleExtenders;
}

/** The students table's lesson dates; an empty Map until a feature provides them. */
export function useLessonDates(): LessonDates {
  const provide = useFeatureRegistry().lessonDates;
  return provide();
}

/**
 * A section another feature contributes (attendance, the lesson note…), drawn in the occurrence
 * panel and under a lesson of the Today screen. A section that fails says so; the panel stays.
 */
export function OccurrencePanelSection({
  section,
  occurrence,
  lesson,
}: {
  section: OccurrencePanelSectionContribution;
  occurrence: ExpandedOccurrence;
  lesson: Lesson;
}) {
  const permissions = usePermissions();
  const noteId = useId();
  // A section that changes this date's record: disabled, with the reason, when the role may not
  // change it (a tutor and another tutor's lesson), in the lesson panel and on Today alike.
  const may = (section.writes ?? []).includes('occurrences')
    ? permissions.decide('occurrences', 'change', { tutorId: occurrence.tutorId, lessonTutorId: lesson.tutorId })
    : null;
  if (may && !may.allowed) {
    return (
      <fieldset className="permission-fieldset stack" disabled aria-describedby={noteId}>
        <PermissionNote id={noteId} reason={may.reason} />
        <OccurrencePanelSection section={{ ...section, writes: [] }} occurrence={occurrence} lesson={lesson} />
      </fieldset>
    );
  }
  return (
    <ErrorBoundary
      resetKeys={[occurrence, lesson]}
      fallback={(error) => (
        <Alert tone="error">
          The {section.title ?? section.id} section failed: {error.message}
        </Alert>
      )}
    >
      <section.component occurrence={occurrence} lesson={lesson} />
    </ErrorBoundary>
  );
}
