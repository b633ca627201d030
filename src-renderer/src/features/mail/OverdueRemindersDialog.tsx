/**
 * "Overdue reminders": the families with overdue invoices today (overdueByFamily), grouped by how
 * long the oldest has been overdue, each with the amount and the days; the person chooses who gets
 * a reminder (a whole age group at once if they like). "Send reminders" queues one overdue
 * reminder per chosen family in one batch, each with the family's statement from its oldest
 * overdue invoice to today attached (made when it is sent), and opens the Outbox on the batch's
 * progress. A family without a usable e-mail address is shown with the reason and skipped.
 */
import { useMemo, useState } from 'react';
import { useApp } from '../../app/AppContext';
import { navigate } from '../../app/router';
import { FormDialog } from '../../ui/FormDialog';
import { useToast } from '../../ui/Toast';
import { MAIL_NEEDS_DESKTOP } from '../../../../src-shared/mail/contract';
import { todayIn } from '../../../../src-shared/billing/dates';
import {
  OVERDUE_BUCKETS,
  overdueByFamily,
  overdueMailValues,
  type OverdueBucket,
  type OverdueRow,
} from '../../../../src-shared/mail/overdue';
import { recipientsFor } from '../../../../src-shared/mail/recipients';
import type { Family, Invoice, Payment, Student } from '../../../../src-shared/model/types';
import { countOf } from '../../../../src-shared/locale/count';
import { NOUNS } from '../../../../src-shared/locale/wording';
import { queueMessage, type Draft } from './compose';
import { useMailAvailable } from './useMailAvailable';
import './mail.css';

/** The reminder to one family: the template's values, and its statement from the oldest overdue invoice's date to `today`. */
export function overdueDraft(
  row: OverdueRow,
  family: Family,
  students: readonly Student[],
  invoiceById: ReadonlyMap<string, Invoice>,
  today: string,
): Draft {
  const mine = students.filter((s) => s.familyId === family.id);
  const oldest = row.invoices[0];
  const from = (oldest && invoiceById.get(oldest.invoiceId)?.issueDate) || oldest?.dueDate || today;
  return {
    kind: 'overdue-reminder',
    family,
    studentIds: mine.map((s) => s.id),
    values: overdueMailValues(
      row,
      family,
      mine.map((s) => s.firstName),
    ),
    documents: [{ kind: 'statement', id: family.id, from: from < today ? from : today, to: today, attach: true }],
  };
}

export function OverdueRemindersDialog(props: {
  invoices: readonly Invoice[];
  payments: readonly Payment[];
  families: readonly Family[];
  students: readonly Student[];
  onClose: () => void;
}) {
  const app = useApp();
  const toast = useToast();
  const available = useMailAvailable();
  const settings = app.settings!;
  const f = app.format;
  const today = todayIn(settings.timeZone, new Date());
  const familyById = useMemo(() => new Map(props.families.map((x) => [x.id, x])), [props.families]);
  const invoiceById = useMemo(() => new Map(props.invoices.map((x) => [x.id, x])), [props.invoices]);
  const rows = useMemo(
    () => overdueByFamily(props.invoices, props.payments, props.families, today),
    [props.invoices, props.payments, props.families, today],
  );
  const skipped = useMemo(() => {
    const out = new Map<string, string>();
    for (const r of rows) {
      const family = familyById.get(r.familyId);
      const why = family ? recipientsFor(family).skipped : 'The family is not on this computer';
      if (why) out.set(r.familyId, why);
    }
    return out;
  }, [rows, familyById]);
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (ids: readonly string[], on: boolean) =>
    setChosen((prev) => {
      const next = new Set(prev);
      for (const id of ids) {
        if (on) next.add(id);
        else next.delete(id);
      }
      return next;
    });
  const groups = OVERDUE_BUCKETS.map((bucket) => ({ bucket, rows: rows.filter((r) => r.bucket === bucket) })).filter(
    (g) => g.rows.length > 0,
  );

  const send = async () => {
    const batchId = crypto.randomUUID();
    const ctx = app.ctx();
    let queued = 0;
    let skippedCount = 0;
    for (const row of rows) {
      if (!chosen.has(row.familyId)) continue;
      const family = familyById.get(row.familyId);
      if (!family) {
        skippedCount++;
        continue;
      }
      const r = await queueMessage(app.db, ctx, overdueDraft(row, family, props.students, invoiceById, today), settings, batchId);
      if ('queued' in r) queued++;
      else skippedCount++;
    }
    const summary = `Overdue reminders: ${f.number(queued)} queued, ${f.number(skippedCount)} skipped (no e-mail)`;
    toast(summary);
    props.onClose();
    if (queued > 0) navigate(`/outbox?batch=${batchId}`);
  };

  return (
    <FormDialog
      title="Overdue reminders"
      description={`Families with invoices past their due date on ${f.date(today)}. Each chosen family gets a reminder with its statement attached.`}
      wide
      guardChanges={false}
      onClose={props.onClose}
      onSubmit={send}
      submitLabel="Send reminders"
      busy={chosen.size === 0}
      footerStart={<span className="muted">{countOf(chosen.size, NOUNS.family, f.locale)} chosen</span>}
    >
      {available === false && (
        <p className="mail-note" role="note">
          {MAIL_NEEDS_DESKTOP} The reminders wait in the Outbox, where each can be opened in your mail app.
        </p>
      )}
      {groups.length === 0 ? (
        <p className="muted">No family has an overdue invoice today.</p>
      ) : (
        groups.map((g) => (
          <BucketTable
            key={g.bucket}
            bucket={g.bucket}
            rows={g.rows}
            chosen={chosen}
            skipped={skipped}
            familyById={familyById}
            money={f.money}
            locale={f.locale}
            onToggle={toggle}
          />
        ))
      )}
    </FormDialog>
  );
}

function BucketTable(props: {
  bucket: OverdueBucket;
  rows: readonly OverdueRow[];
  chosen: ReadonlySet<string>;
  skipped: ReadonlyMap<string, string>;
  familyById: ReadonlyMap<string, Family>;
  money: (amount: number) => string;
  locale: string;
  onToggle: (ids: readonly string[], on: boolean) => void;
}) {
  const title = `${props.bucket} days overdue`;
  const ids = props.rows.map((r) => r.familyId);
  const all = ids.every((id) => props.chosen.has(id));
  const some = ids.some((id) => props.chosen.has(id));
  const total = props.rows.reduce((s, r) => s + r.amountOverdue, 0);
  return (
    <section className="mail-overdue-group" aria-label={title}>
      <div className="mail-overdue-head">
        <label className="mail-check">
          <input
            type="checkbox"
            checked={all}
            ref={(el) => {
              if (el) el.indeterminate = some && !all;
            }}
            onChange={(e) => props.onToggle(ids, e.target.checked)}
            aria-label={`Select all ${title}`}
          />
          <strong>{title}</strong>
        </label>
        <span className="muted">
          {countOf(props.rows.length, NOUNS.family, props.locale)} · {props.money(total)}
        </span>
      </div>
      <table className="mail-table mail-overdue-table" aria-label={title}>
        <thead>
          <tr>
            <th scope="col">
              <span className="sr-only">Remind</span>
            </th>
            <th scope="col">Family</th>
            <th scope="col" className="num">
              Overdue
            </th>
            <th scope="col" className="num">
              Oldest
            </th>
            <th scope="col">Sent to</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => {
            const family = props.familyById.get(r.familyId);
            const name = r.familyName || family?.name || 'Unknown family';
            const why = props.skipped.get(r.familyId);
            return (
              <tr key={r.familyId} className={why ? 'mail-skipped' : undefined} aria-selected={props.chosen.has(r.familyId)}>
                <td>
                  <input
                    type="checkbox"
                    checked={props.chosen.has(r.familyId)}
                    onChange={(e) => props.onToggle([r.familyId], e.target.checked)}
                    aria-label={`Remind ${name}`}
                  />
                </td>
                <td>{name}</td>
                <td className="num">{props.money(r.amountOverdue)}</td>
                <td className="num">{countOf(r.daysOverdue, NOUNS.day, props.locale)}</td>
                <td>
                  {why ? (
                    <span className="mail-skip-reason">Skipped: {why}</span>
                  ) : (
                    <span className="mail-address">{family?.email.split(/[,;\n]/)[0]?.trim()}</span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
