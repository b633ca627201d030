/**
 * "Generate drafts for a month": every current family's draft for the month (generateMonth in
 * generate-month.ts, which automatic invoicing runs too), in chunks of families so the progress
 * bar moves, each chunk saved with its billing claims all or nothing. Ends with a summary: drafts, lessons, total, and the
 * families that were skipped and why.
 */
import { useState } from 'react';
import { useApp } from '../../app/AppContext';
import { Dialog } from '../../ui/Dialog';
import { TextField } from '../../ui/Field';
import { Alert } from '../../ui/Alert';
import { monthRange } from '../../../../src-shared/billing/dates';
import { useMoney, type BillingData } from './data';
import { generateMonth, type MonthGeneration } from './generate-month';
import { monthLabel } from './labels';
import { countOf, formOf } from '../../../../src-shared/locale/count';
import { NOUNS, VERBS } from '../../../../src-shared/locale/wording';

type Outcome = MonthGeneration;

export function GenerateDialog({
  data,
  defaultMonth,
  onClose,
  onShowDrafts,
}: {
  data: BillingData;
  defaultMonth: string;
  onClose: () => void;
  onShowDrafts: (month: string) => void;
}) {
  const app = useApp();
  const money = useMoney();
  const locale = app.settings?.locale ?? 'en-GB';
  const [month, setMonth] = useState(defaultMonth);
  const [error, setError] = useState('');
  const [progress, setProgress] = useState<{ done: number; total: number; phase: string } | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const run = async () => {
    const settings = app.settings;
    if (!settings) return;
    try {
      monthRange(month);
    } catch {
      setError('Choose a month');
      return;
    }
    setError('');
    setOutcome(null);
    try {
      setOutcome(await generateMonth(app, settings, month, data, setProgress));
    } catch (e) {
      setError((e as Error).message);
      setProgress(null);
    }
  };

  const running = progress !== null && progress.phase !== 'Done';
  const pct = progress && progress.total > 0 ? Math.round((progress.done / progress.total) * 100) : 0;

  return (
    <Dialog
      title="Generate drafts for a month"
      description="One draft invoice per family from the month’s attended and billable lessons that are not invoiced yet, plus monthly fees and package sales."
      onClose={onClose}
      onSubmit={() => void run()}
      wide
      footer={
        outcome ? (
          <>
            <button type="button" className="btn" onClick={onClose}>
              Done
            </button>
            <button type="button" className="btn btn-primary" onClick={() => onShowDrafts(outcome.month)} disabled={outcome.created === 0}>
              Show the drafts
            </button>
          </>
        ) : (
          <>
            <button type="button" className="btn" onClick={onClose} disabled={running}>
              Cancel
            </button>
            <button type="submit" className="btn btn-primary" disabled={running}>
              Generate drafts
            </button>
          </>
        )
      }
    >
      <div className="grid-2">
        <TextField
          label="Month"
          type="month"
          value={month}
          onChange={setMonth}
          error={error}
          required
          hint={`Families: ${data.families.filter((f) => !f.archived).length} current`}
        />
      </div>
      {progress && (
        <div className="stack" aria-live="polite">
          <div
            className="inv-progress"
            role="progressbar"
            aria-label="Generating drafts"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={pct}
          >
            <div style={{ width: `${pct}%` }} />
          </div>
          <span className="muted">
            {progress.phase === 'Done'
              ? `Finished: ${progress.total} families considered`
              : `${progress.phase} ${progress.done} of ${progress.total} families`}
          </span>
        </div>
      )}
      {outcome && (
        <section className="stack" aria-labelledby="gen-summary">
          <h3 id="gen-summary">Summary for {monthLabel(outcome.month, locale)}</h3>
          <div className="inv-stats compact">
            <div className="inv-stat">
              <span className="label">Drafts created</span>
              <strong>{outcome.created}</strong>
            </div>
            <div className="inv-stat">
              <span className="label">Lessons billed</span>
              <strong>{outcome.lessons}</strong>
            </div>
            <div className="inv-stat">
              <span className="label">Total of the drafts</span>
              <strong>{money(outcome.total)}</strong>
            </div>
            <div className="inv-stat">
              <span className="label">Families skipped</span>
              <strong>{outcome.nothingToBill.length + outcome.failures.length}</strong>
            </div>
          </div>
          {outcome.alreadyBilled > 0 && (
            <p className="muted">{outcome.alreadyBilled} billable lessons of the month were already invoiced and were left out.</p>
          )}
          {outcome.failures.length > 0 && (
            <Alert tone="error" role="alert">
              <div>
                <strong>Could not create a draft for {countOf(outcome.failures.length, NOUNS.family)}:</strong>
                <ul className="inv-plain-list">
                  {outcome.failures.map((f, i) => (
                    <li key={i}>
                      {f.family}: {f.message}
                    </li>
                  ))}
                </ul>
              </div>
            </Alert>
          )}
          {outcome.nothingToBill.length > 0 && (
            <details>
              <summary>
                {countOf(outcome.nothingToBill.length, NOUNS.family)} {formOf(outcome.nothingToBill.length, VERBS.has)} nothing to bill (no
                billable lessons this month that are not invoiced yet)
              </summary>
              <p className="muted inv-names">{outcome.nothingToBill.join(', ')}</p>
            </details>
          )}
          {outcome.warnings.length > 0 && (
            <Alert tone="warning">
              <div>
                <strong>
                  {countOf(outcome.warnings.length, NOUNS.thing)} {formOf(outcome.warnings.length, VERBS.needs)} a look:
                </strong>
                <ul className="inv-plain-list">
                  {outcome.warnings.slice(0, 30).map((w, i) => (
                    <li key={i}>
                      {w.family}: {w.message}
                    </li>
                  ))}
                  {outcome.warnings.length > 30 && <li>… and {outcome.warnings.length - 30} more</li>}
                </ul>
              </div>
            </Alert>
          )}
        </section>
      )}
    </Dialog>
  );
}
