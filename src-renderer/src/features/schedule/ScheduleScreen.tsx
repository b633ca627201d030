/**
 * The Schedule screen: day / week / month / agenda / rooms views of the practice's lessons in the
 * practice's time zone, filters, keyboard navigation, the lesson editor, the occurrence details
 * panel, moves with a conflict check, and exports.
 *
 * Keyboard: ←/→ one day, ↑/↓ one week (one day in the day view), t today, d/w/m/a/r switch view,
 * n new lesson. Keys are ignored while typing in a field or when a dialog is open.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Lesson } from '../../../../src-shared/model/types';
import {
  editLesson,
  findConflicts,
  roomFilterOptions,
  slotOf,
  type Conflict,
  type ExpandedOccurrence,
} from '../../../../src-shared/schedule';
import {
  arrowStep,
  addDays,
  CALENDAR_VIEWS,
  isLocalDate,
  stepAnchor,
  todayIn,
  viewDays,
  viewRange,
  type CalendarView,
} from '../../../../src-shared/schedule/calendar';
import { useApp } from '../../app/AppContext';
import { useRoute } from '../../app/router';
import { getBridge } from '../../platform/bridge';
import { Icon } from '../../ui/Icon';
import { SkippedRecords } from '../../ui/SkippedRecords';
import { useToast } from '../../ui/Toast';
import { applyPlan, newId } from './actions';
import { calendarTitle, CalendarStatus, CalendarToolbar, VIEW_LABELS } from './CalendarBars';
import { ConflictDialog } from './ConflictDialog';
import { ExportDialog } from './ExportDialog';
import { dt, fullDateTime, type Fmt } from './format';
import { LessonEditor, type EditorResult, type EditorTarget } from './LessonEditor';
import { OccurrencePanel } from './OccurrencePanel';
import {
  expandRange,
  NO_FILTERS,
  occurrenceById,
  occurrenceConflicts,
  planConflicts,
  useDirectory,
  useRangeOccurrences,
  usePrefetchRanges,
  type ScheduleFilters,
} from './queries';
import { useScheduleStore } from './store';
import { AgendaList } from './AgendaList';
import { RoomView } from './RoomView';
import { MonthGrid } from './MonthGrid';
import { TimeGrid } from './TimeGrid';
import type { ViewProps } from './view-parts';

/** What the shortcut handler reads of a key event (React's or the document's). */
type ShortcutEvent = Pick<
  KeyboardEvent,
  'defaultPrevented' | 'altKey' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'key' | 'target' | 'preventDefault'
>;
import './schedule.css';

const VIEW_KEYS: Record<string, CalendarView> = { d: 'day', w: 'week', m: 'month', a: 'agenda', r: 'rooms' };

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName) || Boolean(el.closest('dialog'));
}

function useNow(intervalMs = 60_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}

interface PendingConflict {
  conflicts: Conflict[];
  resolve(book: boolean): void;
}

export function ScheduleScreen() {
  const app = useApp();
  const toast = useToast();
  const settings = app.settings!;
  const tz = settings.timeZone;
  const fmt: Fmt = useMemo(() => ({ tz, locale: settings.locale || 'en-GB' }), [tz, settings.locale]);
  const weekStartsOn = settings.weekStartsOn || 1;
  const route = useRoute();
  const { store, version } = useScheduleStore();
  const dir = useDirectory();
  const nowMs = useNow();
  const today = todayIn(tz, new Date(nowMs));

  const [view, setView] = useState<CalendarView>(() => {
    const v = route.query.get('view');
    return (CALENDAR_VIEWS as readonly string[]).includes(v ?? '') ? (v as CalendarView) : 'week';
  });
  const [anchor, setAnchor] = useState(() => {
    const d = route.query.get('date');
    return d && isLocalDate(d) ? d : today;
  });
  const [filters, setFilters] = useState<ScheduleFilters>(NO_FILTERS);
  const [selectedId, setSelectedId] = useState<string | null>(() => route.query.get('occ'));
  const [editor, setEditor] = useState<EditorTarget | null>(null);
  const [pending, setPending] = useState<PendingConflict | null>(null);
  const [exporting, setExporting] = useState(false);
  const calendarRef = useRef<HTMLDivElement>(null);
  const focusAfterNav = useRef(false);

  // Deep links (notifications, menu commands): /schedule?date=…&view=…&occ=…&new=1
  const query = route.query.toString();
  useEffect(() => {
    const q = new URLSearchParams(query);
    const d = q.get('date');
    if (d === 'today') setAnchor(todayIn(tz));
    else if (d && isLocalDate(d)) setAnchor(d);
    const v = q.get('view');
    if (v && (CALENDAR_VIEWS as readonly string[]).includes(v)) setView(v as CalendarView);
    const occ = q.get('occ');
    if (occ) setSelectedId(occ);
    if (q.get('new') === '1') {
      setEditor({ mode: 'new', date: d && isLocalDate(d) ? d : todayIn(tz), minutes: nextSlot(tz) });
      history.replaceState(null, '', '#/schedule');
    }
  }, [query, tz]);

  const days = useMemo(() => viewDays(view, anchor, weekStartsOn), [view, anchor, weekStartsOn]);
  const range = useMemo(() => viewRange(view, anchor, tz, weekStartsOn), [view, anchor, tz, weekStartsOn]);
  const { occurrences, conflicts, loading } = useRangeOccurrences(store, version, range, tz, filters);
  // The next page first, then the previous one; a month or the agenda is too much work to do
  // speculatively (it could hold up a click that comes meanwhile).
  const neighbours = useMemo(
    () =>
      view === 'day' || view === 'week' || view === 'rooms'
        ? ([1, -1] as const).map((step) => viewRange(view, stepAnchor(view, anchor, step), tz, weekStartsOn))
        : [],
    [view, anchor, tz, weekStartsOn],
  );
  usePrefetchRanges(store, version, neighbours, tz);
  // The store is mutable: `version` is what changes when its contents do.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const closures = useMemo(() => store.allClosures(), [store, version]);
  const conflictCount = useMemo(() => {
    const visible = new Set(occurrences.map((o) => o.id));
    return [...conflicts.keys()].filter((id) => visible.has(id)).length;
  }, [occurrences, conflicts]);

  const locations = useMemo(() => {
    const set = new Set<string>();
    let online = false;
    for (const l of store.allLessons()) {
      if (l.location) set.add(l.location);
      if (l.onlineUrl) online = true;
    }
    return { list: [...set].sort(), online };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store, version]);

  const rooms = app.settings?.rooms;
  const roomOptions = useMemo(
    () =>
      roomFilterOptions(
        rooms,
        store.allLessons().map((l) => l.room),
      ),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [store, version, rooms],
  );

  const selected = useMemo(
    () => (selectedId && version >= 0 ? occurrenceById(store, selectedId, tz) : null),
    [selectedId, store, version, tz],
  );
  const selectedLesson: Lesson | null = selected ? (store.lessons.get(selected.lessonId) ?? null) : null;
  const selectedConflicts = useMemo(() => (selected ? occurrenceConflicts(store, selected, tz) : []), [selected, store, tz]);

  const goTo = useCallback((date: string, nextView?: CalendarView, focus = false) => {
    focusAfterNav.current = focus;
    setAnchor(date);
    if (nextView) setView(nextView);
  }, []);

  useEffect(() => {
    if (!focusAfterNav.current) return;
    focusAfterNav.current = false;
    calendarRef.current?.querySelector<HTMLElement>(`[data-date-cell="${anchor}"]`)?.focus();
  }, [anchor, view]);

  const askConflicts = (list: Conflict[]) => new Promise<boolean>((resolve) => setPending({ conflicts: list, resolve }));

  const submitPlan = async (r: EditorResult): Promise<boolean> => {
    await store.whenReady();
    const found = planConflicts(store, r.plan, tz, r.fromMs);
    if (found.length && !(await askConflicts(found))) return false;
    const orphaned = await applyPlan(app, r.plan);
    toast(
      orphaned
        ? `${r.message}. ${orphaned} lessons with recorded attendance no longer fit the series and are kept for the records.`
        : r.message,
    );
    const first = r.plan.lessons[0];
    if (first && !r.plan.lessons.some((l) => l.id === selected?.lessonId)) {
      const d = todayIn(tz, new Date(Math.max(r.fromMs, Date.parse(first.start))));
      if (!days.includes(d)) setAnchor(d);
    }
    return true;
  };

  /** Moves one occurrence (drag or the Move fields): conflict check first, then an Undo toast. */
  const moveOccurrence = async (o: ExpandedOccurrence, newStartMs: number, opts: { check?: boolean } = {}): Promise<void> => {
    const lesson = store.lessons.get(o.lessonId);
    if (!lesson) return;
    if (opts.check !== false) {
      const around = expandRange(
        store,
        {
          start: new Date(newStartMs - 86_400_000).toISOString(),
          end: new Date(newStartMs + 86_400_000 + o.durationMinutes * 60_000).toISOString(),
        },
        tz,
      );
      const found = findConflicts(
        slotOf(o, { start: new Date(newStartMs).toISOString() }),
        around.filter((x) => x.lessonId !== o.lessonId || x.id !== o.id),
      );
      if (found.length && !(await askConflicts(found))) return;
    }
    try {
      const plan = editLesson(
        'this',
        lesson,
        o.originalStart,
        { start: new Date(newStartMs).toISOString() },
        app.ctx(),
        newId,
        store.occurrencesOf(lesson.id),
      );
      await applyPlan(app, plan);
      const moved = { ...o, startMs: newStartMs, endMs: newStartMs + o.durationMinutes * 60_000 };
      toast(`Moved to ${fullDateTime(moved, fmt)}`, {
        label: 'Undo',
        run: () =>
          void moveOccurrence({ ...o, startMs: newStartMs, start: new Date(newStartMs).toISOString() }, o.startMs, { check: false }),
      });
      const d = todayIn(tz, new Date(newStartMs));
      if (!days.includes(d)) setAnchor(d);
    } catch (e) {
      toast(`Could not move the lesson: ${(e as Error).message}`);
    }
  };

  const openNew = (date = anchor, minutes = nextSlot(tz, date === today)) => setEditor({ mode: 'new', date, minutes });

  // Menu commands from the host (File › New lesson, View › Today).
  useEffect(
    () =>
      getBridge().onEvent((e) => {
        if (e.type !== 'menu') return;
        if (e.command === 'new-lesson')
          setEditor((cur) => cur ?? { mode: 'new', date: anchor, minutes: nextSlot(tz, anchor === todayIn(tz)) });
        if (e.command === 'go-today') goTo(todayIn(tz));
      }),
    [anchor, tz, goTo],
  );

  const onKeyDown = (e: ShortcutEvent) => {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || isTyping(e.target) || editor || pending || exporting) return;
    if (e.key === 'ArrowLeft' || e.key === 'ArrowRight' || e.key === 'ArrowUp' || e.key === 'ArrowDown') {
      e.preventDefault();
      goTo(addDays(anchor, arrowStep(view, e.key)), undefined, true);
      return;
    }
    if (e.shiftKey) return;
    const k = e.key.toLowerCase();
    if (k === 't') {
      e.preventDefault();
      goTo(today, undefined, true);
    } else if (VIEW_KEYS[k]) {
      e.preventDefault();
      goTo(anchor, VIEW_KEYS[k], true);
    } else if (k === 'n') {
      e.preventDefault();
      openNew();
    } else if (e.key === 'Escape' && selectedId) {
      setSelectedId(null);
    }
  };

  // The shortcuts also work when nothing has the focus (after a click on the page's background
  // or when the screen opens): the key then goes to the document body, outside this page's tree.
  const shortcuts = useRef(onKeyDown);
  shortcuts.current = onKeyDown;
  useEffect(() => {
    const onDocumentKey = (e: KeyboardEvent) => {
      if (e.target === document.body || e.target === document.documentElement) shortcuts.current(e);
    };
    document.addEventListener('keydown', onDocumentKey);
    return () => document.removeEventListener('keydown', onDocumentKey);
  }, []);

  const title = useMemo(() => calendarTitle(view, days, anchor, fmt), [days, view, anchor, fmt]);

  const viewProps: ViewProps = {
    days,
    anchor,
    today,
    nowMs,
    occurrences,
    conflicts,
    closures,
    fmt,
    dir,
    selectedId,
    onOpen: (o) => setSelectedId(o.id),
    onPickDate: (date, v) => goTo(date, v, true),
  };

  return (
    <div className={`page schedule-page${selected ? ' has-panel' : ''}`} onKeyDown={onKeyDown}>
      <div className="page-header">
        <div>
          <h1>Schedule</h1>
          <p>
            Times in {tz.replace(/_/g, ' ')} · <span className="kbd">←</span> <span className="kbd">→</span> <span className="kbd">↑</span>{' '}
            <span className="kbd">↓</span> move, <span className="kbd">T</span> today, <span className="kbd">D</span>/
            <span className="kbd">W</span>/<span className="kbd">M</span>/<span className="kbd">A</span>/<span className="kbd">R</span>{' '}
            views
          </p>
        </div>
        <div className="toolbar">
          <button type="button" className="btn" onClick={() => setExporting(true)}>
            <Icon name="download" size={16} /> Export…
          </button>
          <button type="button" className="btn btn-primary" onClick={() => openNew()}>
            <Icon name="plus" size={16} /> New lesson
          </button>
        </div>
      </div>

      <CalendarToolbar
        view={view}
        title={title}
        onToday={() => goTo(today)}
        onStep={(step) => goTo(stepAnchor(view, anchor, step))}
        onView={(v) => goTo(anchor, v)}
      />
      <CalendarStatus
        view={view}
        dir={dir}
        locations={locations}
        rooms={roomOptions}
        filters={filters}
        onFilters={setFilters}
        loading={loading}
        lessons={occurrences.length}
        conflicts={conflictCount}
      />

      <SkippedRecords records={store.skippedRecords()} noun={['lesson record', 'lesson records']} where="on the calendar" />

      <div className="schedule-body">
        <div className="cal-wrap card" ref={calendarRef} aria-label={`${VIEW_LABELS[view]} view, ${title}`} role="region">
          {view === 'month' ? (
            <MonthGrid {...viewProps} />
          ) : view === 'agenda' ? (
            <AgendaList {...viewProps} />
          ) : view === 'rooms' ? (
            <RoomView {...viewProps} rooms={rooms} roomFilter={filters.room} />
          ) : (
            <TimeGrid
              {...viewProps}
              onCreateAt={(date, minutes) => openNew(date, minutes)}
              onMove={(o, ms) => void moveOccurrence(o, ms)}
            />
          )}
        </div>
        {selected && selectedLesson && (
          <OccurrencePanel
            key={selected.id}
            occurrence={selected}
            lesson={selectedLesson}
            conflicts={selectedConflicts}
            dir={dir}
            fmt={fmt}
            store={store}
            onClose={() => {
              const id = selected.id;
              setSelectedId(null);
              requestAnimationFrame(() => calendarRef.current?.querySelector<HTMLElement>(`[data-occ="${CSS.escape(id)}"]`)?.focus());
            }}
            onEdit={() => setEditor({ mode: 'edit', occurrence: selected, lesson: selectedLesson })}
            onMove={(o, ms) => moveOccurrence(o, ms)}
          />
        )}
      </div>

      {editor && <LessonEditor target={editor} dir={dir} store={store} onClose={() => setEditor(null)} onSubmit={submitPlan} />}
      {pending && (
        <ConflictDialog
          conflicts={pending.conflicts}
          dir={dir}
          fmt={fmt}
          onBook={() => {
            pending.resolve(true);
            setPending(null);
          }}
          onChange={() => {
            pending.resolve(false);
            setPending(null);
          }}
        />
      )}
      {exporting && (
        <ExportDialog store={store} dir={dir} from={days[0]!} to={days.at(-1)!} anchor={anchor} onClose={() => setExporting(false)} />
      )}
    </div>
  );
}

/** Default start for a new lesson: the next full hour today (within 08–20), else 16:00. */
function nextSlot(tz: string, isToday = true): number {
  if (!isToday) return 16 * 60;
  const h = Number(dt(Date.now(), { tz, locale: 'en-GB' }).toFormat('H')) + 1;
  return (h >= 8 && h <= 20 ? h : 16) * 60;
}
