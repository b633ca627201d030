/** The side column of the invoice screen: the invoice's facts, the payments on it, its notes. */
import { useEffect, useRef, useState } from 'react';
import { useApp } from '../../app/AppContext';
import { navigate } from '../../app/router';
import { TextArea } from '../../ui/Field';
import { createAutosaver, type Autosaver, type AutosaveStatus } from '../../ui/autosave';
import { SaveStatus } from '../../ui/SaveStatus';
import { setDraftDetails } from '../../../../src-shared/billing/drafts';
import { paymentMethodLabel } from '../../../../src-shared/billing/payments';
import type { Invoice } from '../../../../src-shared/model/types';
import { editDraft } from './actions';
import { useMoney } from './data';
import type { InvoiceView } from './invoice-view';
import { dateLabel, periodLabel } from './labels';
import { flushOnLeave } from '../../ui/flush-on-leave';

export function InvoiceFacts({ view, onError }: { view: InvoiceView; onError: (message: string) => void }) {
  return (
    <aside className="stack">
      <FactsCard view={view} />
      {view.applied.length > 0 && <AppliedPayments view={view} />}
      <section className="card card-pad stack" aria-labelledby="notes-title">
        <h2 id="notes-title">{view.isCredit ? 'Reason' : 'Notes'}</h2>
        {view.isDraft ? (
          <DraftNotes key={view.invoice.id} invoice={view.invoice} onError={onError} />
        ) : (
          <p className="inv-notes">{view.invoice.notes || <span className="muted">None</span>}</p>
        )}
      </section>
    </aside>
  );
}

function FactsCard({ view }: { view: InvoiceView }) {
  const { settings } = useApp();
  const money = useMoney();
  const locale = settings?.locale ?? 'en-GB';
  const { invoice: inv, family, standing } = view;
  const address = family ? [family.address.line1, family.address.city, family.address.postalCode].filter(Boolean) : [];
  return (
    <section className="card card-pad" aria-labelledby="facts-title">
      <h2 id="facts-title" className="sr-only">
        Details
      </h2>
      <dl className="detail-grid inv-facts">
        <dt>Number</dt>
        <dd>{inv.number || <span className="muted">Given when issued</span>}</dd>
        <dt>Issued</dt>
        <dd>{dateLabel(inv.issueDate, locale)}</dd>
        {!view.isCredit && (
          <>
            <dt>Due</dt>
            <dd>
              {inv.dueDate ? (
                dateLabel(inv.dueDate, locale)
              ) : (
                <span className="muted">{settings?.billing.paymentTermsDays} days after issue</span>
              )}
              {standing.overdue && <span className="inv-danger"> · {standing.daysOverdue} days overdue</span>}
            </dd>
          </>
        )}
        <dt>Period</dt>
        <dd>{periodLabel(inv.periodStart, inv.periodEnd, locale)}</dd>
        <dt>Bill to</dt>
        <dd>
          {family ? (
            <button type="button" className="btn-link" onClick={() => navigate(`/payments/ledger?family=${family.id}`)}>
              {family.name}
            </button>
          ) : (
            'Unknown family'
          )}
          {address.length > 0 && <div className="muted">{address.join(', ')}</div>}
        </dd>
        {view.credit > 0 && (
          <>
            <dt>Family credit</dt>
            <dd>{money(view.credit)}</dd>
          </>
        )}
      </dl>
    </section>
  );
}

function AppliedPayments({ view }: { view: InvoiceView }) {
  const { settings } = useApp();
  const money = useMoney();
  const locale = settings?.locale ?? 'en-GB';
  return (
    <section className="card card-pad stack" aria-labelledby="applied-title">
      <h2 id="applied-title">Payments</h2>
      <ul className="list">
        {view.applied.map(({ payment: p, amount }) => (
          <li key={p.id}>
            <span>
              {dateLabel(p.date, locale)} · {paymentMethodLabel(p.method)}
              {p.reference ? ` · ${p.reference}` : ''}
            </span>
            <strong className="num">{money(amount)}</strong>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Pause after the last keystroke before a draft's notes are saved (as a lesson note's). */
const NOTES_AUTOSAVE_MS = 700;

/**
 * A draft's notes save themselves as they are typed (after a pause, at once on leaving the field,
 * and when the invoice is left), saying "Saving…" / "Saved": nothing typed is lost by navigating.
 */
function DraftNotes({ invoice, onError }: { invoice: Invoice; onError: (m: string) => void }) {
  const app = useApp();
  const appRef = useRef(app);
  appRef.current = app;
  const onErrorRef = useRef(onError);
  onErrorRef.current = onError;
  const [notes, setNotes] = useState(invoice.notes);
  const [status, setStatus] = useState<AutosaveStatus>('idle');
  const [error, setError] = useState('');
  const saverRef = useRef<Autosaver<{ notes: string }> | null>(null);
  if (!saverRef.current) {
    const id = invoice.id;
    saverRef.current = createAutosaver<{ notes: string }>({
      delayMs: NOTES_AUTOSAVE_MS,
      save: async ({ notes: text }) => {
        if (text === undefined) return;
        await editDraft(appRef.current, id, (d) => ({ next: setDraftDetails(d, { notes: text }) }));
      },
      onStatus: (s, e) => {
        setStatus(s);
        setError(e ?? '');
        if (s === 'error' && e) onErrorRef.current(e);
      },
    });
  }

  useEffect(() => {
    const saver = saverRef.current!;
    const stopFlushing = flushOnLeave(saver);
    return () => {
      // Leaving the invoice (another screen, another invoice): what was typed is saved now.
      stopFlushing();
      saver.dispose();
    };
  }, []);

  return (
    <div className="stack" onBlur={() => void saverRef.current?.flush().catch(() => {})}>
      <TextArea
        label="Notes printed on the invoice"
        value={notes}
        onChange={(text) => {
          setNotes(text);
          saverRef.current!.edit('notes', text);
        }}
        rows={3}
      />
      <SaveStatus status={status} error={error} exists />
    </div>
  );
}
