import { useMemo, useState } from 'react';
import { createColumnHelper } from '@tanstack/react-table';
import { useApp, useLiveQuery } from '../../app/AppContext';
import { navigate, useRoute } from '../../app/router';
import { DataTable, type ColumnLayout, type Features, type SearchableRow } from '../../ui/DataTable';
import { rowsOf } from '../../ui/table-row-models';
import { EmptyState } from '../../ui/EmptyState';
import { Icon } from '../../ui/Icon';
import { avatarColour, fileStamp, initials, money, formatWhen } from '../../ui/format';
import { useToast } from '../../ui/Toast';
import { getBridge } from '../../platform/bridge';
import type { Family, Student } from '../../../../src-shared/model/types';
import { studentsToCsv } from '../../../../src-shared/students/csv-export';
import { StudentForm } from './StudentForm';
import { ImportDialog } from './ImportDialog';
import { useLessonDates } from '../../app/registry';
import { StudentTimeline } from './StudentTimeline';

interface StudentRow extends SearchableRow {
  student: Student;
  name: string;
  familyName: string;
  status: Student['status'];
  subjects: string[];
  subjectsText: string;
  rate: number | null;
  rateText: string;
  email: string;
  phone: string;
  lastLesson: string;
  nextLesson: string;
}

const helper = createColumnHelper<Features, StudentRow>();

const LAYOUT: Record<string, ColumnLayout> = {
  name: { width: 220, grow: 2, min: 150 },
  familyName: { width: 180, grow: 1, shrink: 0.2 },
  status: { width: 110, min: 112 },
  subjectsText: { width: 190, grow: 1, shrink: 1.5, min: 110 },
  rate: { width: 110, align: 'right', min: 96 },
  email: { width: 220, grow: 1, shrink: 2, min: 110 },
  phone: { width: 150, min: 130 },
  lastLesson: { width: 130, min: 124 },
  nextLesson: { width: 130, min: 124 },
};

const HIDEABLE = [
  { id: 'familyName', label: 'Family / payer' },
  { id: 'status', label: 'Status' },
  { id: 'subjectsText', label: 'Subjects' },
  { id: 'rate', label: 'Rate' },
  { id: 'email', label: 'E-mail' },
  { id: 'phone', label: 'Phone' },
  { id: 'lastLesson', label: 'Last lesson' },
  { id: 'nextLesson', label: 'Next lesson' },
];

const STATUS_FILTERS = [
  { value: 'current', label: 'Active & paused' },
  { value: 'active', label: 'Active' },
  { value: 'paused', label: 'Paused' },
  { value: 'archived', label: 'Archived' },
  { value: 'all', label: 'All statuses' },
];

function statusMatches(filter: string, status: Student['status']): boolean {
  if (filter === 'all') return true;
  if (filter === 'current') return status !== 'archived';
  return status === filter;
}

export function StudentsScreen() {
  const app = useApp();
  const toast = useToast();
  const route = useRoute();
  const locale = app.settings?.locale ?? 'en-GB';
  const { docs: students, loading: studentsLoading } = useLiveQuery('students');
  // Families after students (in turn is faster than both at once); rows wait for both.
  const { docs: families, loading: familiesLoading } = useLiveQuery('families', {}, [], !studentsLoading);
  const loading = studentsLoading || familiesLoading;
  const lessonDates = useLessonDates();
  const [search, setSearch] = useState('');
  const [statusFilter, setStatusFilter] = useState('current');
  const [subjectFilter, setSubjectFilter] = useState('');
  const [importing, setImporting] = useState(false);

  const familyById = useMemo(() => new Map<string, Family>(families.map((f) => [f.id, f])), [families]);
  const dateFmt = useMemo(
    () => new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: app.settings?.timeZone }),
    [locale, app.settings?.timeZone],
  );

  const { rows, skipped } = useMemo(
    () =>
      rowsOf(loading ? [] : students, (s): StudentRow => {
        const fam = familyById.get(s.familyId);
        const name = `${s.firstName} ${s.lastName}`.trim();
        const familyName = fam ? (fam.kind === 'self' ? 'Self (adult)' : fam.name) : '—';
        const subjectsText = s.subjects.join(', ');
        const dates = lessonDates.get(s.id);
        return {
          id: s.id,
          student: s,
          name,
          familyName,
          status: s.status,
          subjects: s.subjects,
          subjectsText,
          rate: s.defaultRate?.amount ?? null,
          rateText: money(s.defaultRate, locale),
          email: s.email,
          phone: s.phone,
          lastLesson: dates?.last ? formatWhen(dateFmt, dates.last, '') : '',
          nextLesson: dates?.next ? formatWhen(dateFmt, dates.next, '') : '',
          searchText:
            `${name} ${familyName} ${fam?.contactName ?? ''} ${subjectsText} ${s.email} ${s.phone} ${fam?.email ?? ''} ${s.gradeLevel}`.toLowerCase(),
        };
      }),
    [loading, students, familyById, locale, lessonDates, dateFmt],
  );

  const subjects = useMemo(() => [...new Set(students.flatMap((s) => s.subjects))].sort((a, b) => a.localeCompare(b)), [students]);

  const columns = useMemo(
    () => [
      helper.accessor('name', {
        header: 'Name',
        sortFn: 'text',
        cell: (info) => {
          const s = info.row.original.student;
          return (
            <span className="name-cell">
              <span className="avatar" style={{ background: avatarColour(s.id) }} aria-hidden="true">
                {initials(s.firstName, s.lastName)}
              </span>
              <span className="primary">{info.getValue()}</span>
            </span>
          );
        },
      }),
      helper.accessor('familyName', { header: 'Family / payer', sortFn: 'text' }),
      helper.accessor('status', {
        header: 'Status',
        filterFn: ((row: { original: StudentRow }, _id: string, value: string) => statusMatches(value, row.original.status)) as never,
        cell: (info) => (
          <span className={`badge badge-${info.getValue()}`}>{info.getValue()[0]!.toUpperCase() + info.getValue().slice(1)}</span>
        ),
      }),
      helper.accessor('subjectsText', {
        header: 'Subjects',
        enableSorting: false,
        filterFn: ((row: { original: StudentRow }, _id: string, value: string) => row.original.subjects.includes(value)) as never,
        cell: (info) => (
          <span className="chip-row">
            {info.row.original.subjects.map((s) => (
              <span className="chip" key={s}>
                {s}
              </span>
            ))}
          </span>
        ),
      }),
      helper.accessor('rate', {
        header: 'Rate',
        sortFn: 'basic',
        sortUndefined: 'last',
        cell: (info) => <span className="num">{info.row.original.rateText || <span className="muted">Default</span>}</span>,
      }),
      helper.accessor('email', { header: 'E-mail', sortFn: 'text' }),
      helper.accessor('phone', { header: 'Phone', enableSorting: false }),
      helper.accessor('lastLesson', {
        header: 'Last lesson',
        enableSorting: false,
        cell: (i) => i.getValue() || <span className="muted">—</span>,
      }),
      helper.accessor('nextLesson', {
        header: 'Next lesson',
        enableSorting: false,
        cell: (i) => i.getValue() || <span className="muted">—</span>,
      }),
    ],
    [],
  );

  const columnFilters = useMemo(
    () => [{ id: 'status', value: statusFilter }, ...(subjectFilter ? [{ id: 'subjectsText', value: subjectFilter }] : [])],
    [statusFilter, subjectFilter],
  );

  const openId = route.query.get('id');
  const creating = route.query.get('new') === '1';
  const open = openId ? (students.find((s) => s.id === openId) ?? null) : null;

  const exportCsv = async () => {
    const csv = studentsToCsv(students, familyById, locale);
    const result = await getBridge().saveFile({
      suggestedName: `students-${fileStamp()}.csv`,
      filters: [{ name: 'CSV', extensions: ['csv'] }],
      content: csv,
      encoding: 'utf8',
      mimeType: 'text/csv',
    });
    if (result.saved) toast(`Exported ${students.length} students to ${result.location}`);
  };

  if (route.path === '/students/timeline') return <StudentTimeline />;
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Students</h1>
          <p>Everyone you teach, with who pays for them.</p>
        </div>
        <div className="toolbar">
          <button type="button" className="btn" onClick={() => setImporting(true)}>
            <Icon name="upload" size={16} />
            Import CSV
          </button>
          <button type="button" className="btn" onClick={() => void exportCsv()} disabled={students.length === 0}>
            <Icon name="download" size={16} />
            Export CSV
          </button>
          <button type="button" className="btn btn-primary" onClick={() => navigate('/students?new=1')}>
            <Icon name="plus" size={16} />
            New student
          </button>
        </div>
      </div>
      {!loading && students.length === 0 ? (
        <div className="card">
          <EmptyState
            icon="students"
            title="No students yet"
            actions={
              <>
                <button type="button" className="btn btn-primary" onClick={() => navigate('/students?new=1')}>
                  Add your first student
                </button>
                <button type="button" className="btn" onClick={() => setImporting(true)}>
                  Import from a spreadsheet
                </button>
              </>
            }
          >
            Add students one by one, or import a CSV file exported from a spreadsheet or another tutoring tool.
          </EmptyState>
        </div>
      ) : (
        <DataTable
          skipped={skipped}
          locale={app.settings?.locale}
          label="Students"
          rows={rows}
          columns={columns}
          layout={LAYOUT}
          hideable={HIDEABLE}
          initialSorting={[{ id: 'name', desc: false }]}
          initialVisibility={{ phone: false }}
          globalFilter={search}
          columnFilters={columnFilters}
          onRowOpen={(r) => navigate(`/students?id=${r.id}`)}
          noun={['student', 'students']}
          emptyMessage="No students match your search and filters."
          toolbar={
            <>
              <div className="search">
                <Icon name="search" size={16} />
                <input
                  className="input"
                  type="search"
                  aria-label="Search students"
                  placeholder="Search name, family, subject, e-mail…"
                  value={search}
                  onChange={(e) => setSearch(e.target.value)}
                />
              </div>
              <select
                className="input"
                style={{ width: 170 }}
                aria-label="Filter by status"
                value={statusFilter}
                onChange={(e) => setStatusFilter(e.target.value)}
              >
                {STATUS_FILTERS.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
              <select
                className="input"
                style={{ width: 170 }}
                aria-label="Filter by subject"
                value={subjectFilter}
                onChange={(e) => setSubjectFilter(e.target.value)}
              >
                <option value="">All subjects</option>
                {subjects.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
            </>
          }
        />
      )}
      {(creating || open) && <StudentForm key={open?.id ?? 'new'} student={open} onClose={() => navigate('/students')} />}
      {importing && <ImportDialog onClose={() => setImporting(false)} />}
    </div>
  );
}
