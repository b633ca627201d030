/** The side column of the invoice screen: the invoice's facts, the payments on it, its notes. */
import { useState } from 'react';
import { useApp } from '../../app/AppContext';
import { navigate } from '../../app/router';
import { TextArea } from '../../ui/Field';
import { setDraftDetails } from '../../../../src-shared/billing/drafts';
import { paymentMethodLabel } from '../../../../src-shared/billing/payments';
import type { Invoice } from '../../../../src-shared/model/types';
import { editDraft } from './actions';
import { useMoney } from './data';
import type { InvoiceView } from './invoice-view';
import { dateLabel, periodLabel } from './labels';

export function InvoiceFacts({ view, onError }: { view: InvoiceView; onError: (message: string) => void }) {
  return (
    <aside className="stack">
      <FactsCard view={view} />
      {view.applied.length > 0 && <AppliedPayments view={view} />}
      <section className="card card-pad stack" aria-labelledby="notes-title">
        <h2 id="notes-title">{view.isCredit ? 'Reason' : 'Notes'}</h2>
        {view.isDraft ? (
          <DraftNotes invoice={view.invoice} onError={onError} />
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

function DraftNotes({ invoice, onError }: { invoice: Invoice; onError: (m: string) => void }) {
  const app = useApp();
  const [notes, setNotes] = useState(invoice.notes);
  const [saved, setSaved] = useState(invoice.notes);
  const dirty = notes !== saved;
  return (
    <div className="stack">
      <TextArea label="Notes printed on the invoice" value={notes} onChange={setNotes} rows={3} />
      {dirty && (
        <div className="row">
          <button
            type="button"
            className="btn btn-sm"
            onClick={async () => {
              try {
                await editDraft(app, invoice.id, (d) => ({ next: setDraftDetails(d, { notes }) }));
                setSaved(notes);
              } catch (e) {
                onError((e as Error).message);
              }
            }}
          >
            Save notes
          </button>
        </div>
      )}
    </div>
  );
}
