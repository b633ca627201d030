/**
 * "Progress report…" on a student's page: the period, the notes to put in it, the goals, and the
 * report's figures as they change; then "Preview PDF" (the same path as an invoice's) or "E-mail
 * to the family…", which shows the message as the family will read it and queues it with the
 * report by reference (the PDF is made when it is sent: documents.ts). The browser cannot send
 * and offers the family's mail link instead, like the invoice's dialog.
 */
import { useEffect, useMemo, useState } from 'react';
import { useApp } from '../../app/AppContext';
import { FormDialog } from '../../ui/FormDialog';
import { TextArea, TextField } from '../../ui/Field';
import { useToast } from '../../ui/Toast';
import { getBridge } from '../../platform/bridge';
import { MAIL_NEEDS_DESKTOP } from '../../../../src-shared/mail/contract';
import { countOf } from '../../../../src-shared/locale/count';
import { NOUNS } from '../../../../src-shared/locale/wording';
import { addMonths, todayIn } from '../../../../src-shared/schedule/calendar';
import type { Family, MessageDocument, PracticeSettings, Student } from '../../../../src-shared/model/types';
import { progressReport, progressReportFileName } from '../../../../src-shared/reports/progress-report';
import { type Draft } from './compose';
import { reportPdf, reportSources, type ReportSources } from './documents';
import { MessagePreview } from './MessagePreview';
import { useSendOne } from './useSendOne';

/** The default period: the three full months before this one and this month up to today (a term, roughly). */
export function defaultReportPeriod(timeZone: string, now = new Date()): { from: string; to: string } {
  const to = todayIn(timeZone, now);
  return { from: addMonths(`${to.slice(0, 7)}-01`, -3), to };
}

export function progressReportDraft(
  student: Student,
  family: Family,
  doc: Omit<MessageDocument, 'kind' | 'id' | 'attach'> & { noteIds: string[]; goals: string },
): Draft {
  return {
    kind: 'progress-report',
    family,
    studentIds: [student.id],
    values: {
      family: { name: family.name, contactName: family.contactName },
      students: [student.firstName],
      period: { from: doc.from, to: doc.to },
    },
    documents: [
      { kind: 'progress-report', id: student.id, from: doc.from, to: doc.to, attach: true, noteIds: doc.noteIds, goals: doc.goals },
    ],
  };
}

const isDate = (d: string) => /^\d{4}-\d{2}-\d{2}$/.test(d);

export function ProgressReportDialog(props: { student: Student; family: Family; onClose: () => void }) {
  const app = useApp();
  const settings = app.settings as PracticeSettings;
  const toast = useToast();
  const fmt = app.format;
  const initial = useMemo(() => defaultReportPeriod(settings.timeZone), [settings.timeZone]);
  const [from, setFrom] = useState(initial.from);
  const [to, setTo] = useState(initial.to);
  const [goals, setGoals] = useState('');
  /** The notes ticked by hand; null until the first tick (then progress notes of the period are ticked). */
  const [ticked, setTicked] = useState<Set<string> | null>(null);
  const [sources, setSources] = useState<ReportSources | null>(null);
  const [loadError, setLoadError] = useState('');
  const [step, setStep] = useState<'report' | 'message'>('report');
  const [error, setError] = useState('');

  useEffect(() => {
    let live = true;
    reportSources(app.db, props.student.id).then(
      (s) => live && setSources(s),
      (e: Error) => live && setLoadError(e.message),
    );
    return () => {
      live = false;
    };
  }, [app.db, props.student.id]);

  const periodError =
    !isDate(from) || !isDate(to) ? 'Enter both dates of the period.' : to < from ? 'The period ends before it starts.' : '';

  // Every note of the student, dated and signed as the report prints them (all "chosen"), and the figures.
  const everything = useMemo(() => {
    if (!sources || periodError) return null;
    return progressReport({
      ...sources,
      from,
      to,
      timeZone: settings.timeZone,
      chosenNoteIds: sources.notes.map((n) => n.id),
      goals: [],
    });
  }, [sources, from, to, settings.timeZone, periodError]);

  const kindOf = useMemo(() => new Map(sources?.notes.map((n) => [n.id, n.kind]) ?? []), [sources]);
  /** The notes of the period, newest first. */
  const inPeriod = useMemo(() => (everything?.notes ?? []).filter((n) => n.date >= from && n.date <= to).reverse(), [everything, from, to]);
  const chosen = useMemo(
    () => inPeriod.filter((n) => (ticked ? ticked.has(n.id) : kindOf.get(n.id) === 'progress')).map((n) => n.id),
    [inPeriod, ticked, kindOf],
  );
  const toggle = (id: string, on: boolean) => {
    const next = new Set(chosen);
    if (on) next.add(id);
    else next.delete(id);
    setTicked(next);
  };

  const doc = useMemo(() => ({ from, to, noteIds: chosen, goals }), [from, to, chosen, goals]);
  const draft = useMemo(() => progressReportDraft(props.student, props.family, doc), [props.student, props.family, doc]);
  const message = useSendOne(draft, props.onClose);
  const composed = message.composed;
  const fileName = progressReportFileName(props.student, from, to);
  const name = `${props.student.firstName} ${props.student.lastName}`.trim();
  const f = everything?.figures;

  const previewPdf = async () => {
    if (!sources || periodError) return;
    setError('');
    try {
      const pdf = reportPdf(sources, doc, settings);
      const r = await getBridge().savePdf({ html: pdf.pdfHtml, pageSize: pdf.pageSize, landscape: false, suggestedName: pdf.filename });
      if (r.saved) toast(`PDF saved to ${r.location}`);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  if (step === 'message')
    return (
      <FormDialog
        title={`E-mail ${name}’s progress report`}
        wide
        onClose={props.onClose}
        onSubmit={message.submit}
        submitLabel={message.submitLabel}
        busy={message.busy}
        error={message.error}
        footerStart={
          <button type="button" className="btn" onClick={() => setStep('report')} disabled={message.busy}>
            Back
          </button>
        }
      >
        {message.available === false && (
          <p className="mail-note" role="note">
            {MAIL_NEEDS_DESKTOP} Attach the report’s PDF (Preview PDF) to the message yourself.
          </p>
        )}
        {composed.ok && <MessagePreview to={composed.to} mail={composed.mail} attachments={[fileName]} />}
      </FormDialog>
    );

  const pct = f?.attendanceRate;
  return (
    <FormDialog
      title={`Progress report for ${name}`}
      description="Choose the period, the notes to include and the goals for next term."
      wide
      onClose={props.onClose}
      onSubmit={() => {
        setError('');
        setStep('message');
      }}
      submitLabel="E-mail to the family…"
      busy={!everything}
      error={loadError || periodError || error}
      footerStart={
        <button type="button" className="btn" onClick={() => void previewPdf()} disabled={!everything}>
          Preview PDF
        </button>
      }
    >
      <div className="pr-layout">
        <div className="grid-2">
          <TextField label="From" type="date" value={from} onChange={setFrom} />
          <TextField label="To" type="date" value={to} onChange={setTo} />
        </div>
        <section className="pr-figures" aria-label="The report’s figures" aria-busy={!f}>
          <div className="pr-figure">
            <span className="pr-value">{f ? fmt.number(f.taken) : '…'}</span>
            <span className="pr-label">Lessons taken</span>
          </div>
          <div className="pr-figure">
            <span className="pr-value">{f ? fmt.number(f.missed) : '…'}</span>
            <span className="pr-label">Missed</span>
          </div>
          <div className="pr-figure pr-rate">
            <span className="pr-value">{!f ? '…' : pct === null || pct === undefined ? '—' : fmt.percent(pct / 100)}</span>
            <span className="pr-label">Attendance</span>
          </div>
          {f && (f.cancelledByTutor > 0 || f.notRecorded > 0) && (
            <p className="pr-aside">
              Of {countOf(f.scheduled, NOUNS.lesson, fmt.locale)} scheduled, {fmt.number(f.cancelledByTutor)} cancelled by the tutor and{' '}
              {fmt.number(f.notRecorded)} not yet recorded (they do not count against attendance).
            </p>
          )}
        </section>
        <fieldset className="group pr-notes">
          <legend>Notes to include</legend>
          {!everything ? (
            <p className="muted">{periodError ? 'Choose a period to see its notes.' : 'Loading notes…'}</p>
          ) : inPeriod.length === 0 ? (
            <p className="muted">No notes about {props.student.firstName} in this period.</p>
          ) : (
            <>
              <p className="pr-count muted" aria-live="polite">
                {fmt.number(chosen.length)} of {countOf(inPeriod.length, NOUNS.note, fmt.locale)} chosen
              </p>
              <ul className="pr-note-list">
                {inPeriod.map((n) => {
                  const title = n.title.trim() || (kindOf.get(n.id) === 'progress' ? 'Progress note' : 'Lesson note');
                  const when = n.date ? fmt.date(n.date) : '';
                  const gist = (n.covered || n.body).trim().split('\n')[0];
                  return (
                    <li key={n.id}>
                      <label className="pr-note">
                        <input type="checkbox" checked={chosen.includes(n.id)} onChange={(e) => toggle(n.id, e.target.checked)} />
                        <span className="pr-note-text">
                          <span className="pr-note-title">{title}</span>
                          {gist && <span className="pr-note-gist">{gist}</span>}
                        </span>
                        <span className="pr-note-meta">
                          {kindOf.get(n.id) === 'progress' && <span className="pr-kind">Progress note</span>}
                          {when}
                          {n.tutorName ? ` · ${n.tutorName}` : ''}
                        </span>
                      </label>
                    </li>
                  );
                })}
              </ul>
            </>
          )}
        </fieldset>
        <TextArea
          label="Goals"
          value={goals}
          onChange={setGoals}
          rows={4}
          hint="One goal per line; they are listed at the end of the report."
          placeholder={'e.g. Complete homework every week\nOne past paper a fortnight'}
        />
      </div>
    </FormDialog>
  );
}
