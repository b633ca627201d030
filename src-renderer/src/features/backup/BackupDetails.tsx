/** What a chosen backup file is: its name, practice, when and by which version it was made, what it holds. */
import { useApp } from '../../app/AppContext';
import { COLLECTION_NAMES } from '../../../../src-shared/model/schemas';
import type { OpenedBackup } from './actions';

const WHAT: Partial<Record<(typeof COLLECTION_NAMES)[number], [string, string]>> = {
  students: ['student', 'students'],
  families: ['family', 'families'],
  lessons: ['lesson series', 'lesson series'],
  notes: ['note', 'notes'],
  invoices: ['invoice', 'invoices'],
  payments: ['payment', 'payments'],
};

/** "12 students, 9 families, …": the main kinds of records a backup holds, in the practice locale. */
export function useBackupHolds(opened: OpenedBackup | null): string[] {
  const app = useApp();
  const m = opened?.manifest;
  if (!m) return [];
  const plural = new Intl.PluralRules(app.format.locale);
  return Object.entries(WHAT)
    .filter(([c]) => (m.counts[c as keyof typeof m.counts] ?? 0) > 0)
    .map(([c, [one, many]]) => {
      const n = m.counts[c as keyof typeof m.counts] ?? 0;
      return `${app.format.number(n)} ${plural.select(n) === 'one' ? one : many}`;
    });
}

export function BackupDetails({ opened }: { opened: OpenedBackup }) {
  const app = useApp();
  const holds = useBackupHolds(opened);
  const m = opened.manifest;
  return (
    <dl className="detail-grid" aria-label="The chosen backup">
      <dt>File</dt>
      <dd>{opened.name}</dd>
      <dt>Practice</dt>
      <dd>{m.practiceName || '—'}</dd>
      <dt>Made</dt>
      <dd>
        {app.format.dateTime(m.createdAt)} by TutorDesk {m.appVersion}
      </dd>
      <dt>Holds</dt>
      <dd>{holds.length ? holds.join(', ') : 'no records'}</dd>
    </dl>
  );
}
