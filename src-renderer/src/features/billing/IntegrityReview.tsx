import { useEffect, useMemo, useState } from 'react';
import { useApp } from '../../app/AppContext';
import { navigate } from '../../app/router';
import {
  dismissHeldIntent,
  keepMoneyReviewFresh,
  releaseReviewedClaim,
  watchClaimReviews,
  watchHeldIntents,
  watchMoneyReview,
  type ClaimReview,
  type HeldIntent,
  type MoneyFinding,
} from '../../data';
import { Alert } from '../../ui/Alert';
import { formatWhen } from '../../ui/format';
import { Icon } from '../../ui/Icon';
import { useToast } from '../../ui/Toast';
import type { Family, Invoice, Payment, Student } from '../../../../src-shared/model/types';
import type { TutorDatabase } from '../../data';
import { useMoney } from './data';
import { countOf, formOf } from '../../../../src-shared/locale/count';
import { NOUNS, VERBS } from '../../../../src-shared/locale/wording';

interface Names {
  students: Map<string, Student>;
  families: Map<string, Family>;
  invoices: Map<string, Invoice>;
  payments: Map<string, Payment>;
}

/** The records the list names, read once per change of the list. */
async function namesFor(
  db: TutorDatabase,
  held: readonly HeldIntent[],
  claims: readonly ClaimReview[],
  money: readonly MoneyFinding[],
): Promise<Names> {
  const ids = (c: string) => [...held.flatMap((h) => h.changed.filter((x) => x.collection === c).map((x) => x.id))];
  const [payments, invoices, students] = await Promise.all([
    db.payments.findByIds(ids('payments')).exec(),
    db.invoices.findByIds(ids('invoices')).exec(),
    db.students.findByIds(claims.map((c) => c.studentId)).exec(),
  ]);
  const plain = <T,>(m: Map<string, { toJSON(): unknown }>) => new Map([...m].map(([k, v]) => [k, v.toJSON() as T]));
  const p = plain<Payment>(payments);
  const i = plain<Invoice>(invoices);
  const s = plain<Student>(students);
  const familyIds = [
    ...[...p.values()].map((x) => x.familyId),
    ...[...i.values()].map((x) => x.familyId),
    ...[...s.values()].map((x) => x.familyId),
    ...money.map((f) => f.familyId),
  ];
  const families = plain<Family>(await db.families.findByIds([...new Set(familyIds)]).exec());
  return { students: s, families, invoices: i, payments: p };
}

/**
 * What the integrity checks leave to a person (docs/data-model.md "Writes that span several
 * documents", docs/billing.md "Billing claims", "Corrections and refunds"): an operation that
 * stopped half-way while another laptop changed one of its records, another laptop's billing claims
 * whose invoice never arrived, and the money records that disagree after sync (`checkMoneyRecords`:
 * credit refunded twice, …), each with its family and a button to open the family's ledger. Each
 * is named with what to check and one button.
 */
export function IntegrityReview() {
  const app = useApp();
  const toast = useToast();
  const [held, setHeld] = useState<HeldIntent[]>([]);
  const [claims, setClaims] = useState<ClaimReview[]>([]);
  const [error, setError] = useState('');
  const [findings, setFindings] = useState<MoneyFinding[]>([]);
  const [names, setNames] = useState<Names | null>(null);
  const money = useMoney();
  const locale = app.settings?.locale ?? 'en-GB';
  const day = new Intl.DateTimeFormat(locale, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: app.settings?.timeZone ?? 'UTC',
  });
  const dateOnly = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

  useEffect(() => {
    let live = true;
    void namesFor(app.db, held, claims, findings).then(
      (n) => live && setNames(n),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [app.db, held, claims, findings]);

  // The money findings' messages are written in the practice locale; checked again as records change.
  const format = useMemo(() => ({ locale: app.format.locale, date: (d: string) => app.format.date(d) }), [app.format]);
  useEffect(() => {
    const a = watchMoneyReview(app.db).subscribe((r) => setFindings(r.findings));
    const b = keepMoneyReviewFresh(app.db, format);
    return () => {
      a.unsubscribe();
      b.unsubscribe();
    };
  }, [app.db, format]);

  const familyName = (id: string | undefined) => (id ? (names?.families.get(id)?.name ?? 'a family') : 'a family');
  /** A record changed elsewhere, as a person knows it. */
  const recordLabel = (collection: string, id: string): string => {
    if (collection === 'payments') {
      const p = names?.payments.get(id);
      return p
        ? `the payment of ${money(p.amount)} on ${formatWhen(dateOnly, `${p.date}T00:00:00Z`)} (${familyName(p.familyId)})`
        : 'a payment';
    }
    if (collection === 'invoices') {
      const i = names?.invoices.get(id);
      return i ? `${i.number || 'a draft invoice'} (${familyName(i.familyId)})` : 'an invoice';
    }
    return `a record of ${collection}`;
  };
  const heldText = (h: HeldIntent) =>
    `“${h.intent.description}” stopped half-way on this computer, and ${h.changed.map((c) => recordLabel(c.collection, c.id)).join(', ')} ${formOf(
      h.changed.length,
      VERBS.was,
    )} changed on another computer since, so it was neither completed nor undone. Check ${formOf(h.changed.length, { one: 'that record', other: 'those records' })}; “Keep as they are now” leaves everything as it is.`;
  const claimSubject = (c: ClaimReview) => {
    const st = names?.students.get(c.studentId);
    const who = st ? `${st.firstName} ${st.lastName}` : 'a student';
    const at = c.occurrenceId.split('@')[1];
    return `${who}’s lesson${at ? ` of ${formatWhen(day, at)}` : ''}`;
  };
  const claimText = (c: ClaimReview) =>
    `Another computer marked ${claimSubject(c)} as billed, but the invoice it named never arrived. Until the claim is released, the lesson cannot be billed again.`;

  useEffect(() => {
    const a = watchHeldIntents(app.db).subscribe(setHeld);
    const b = watchClaimReviews(app.db).subscribe(setClaims);
    return () => {
      a.unsubscribe();
      b.unsubscribe();
    };
  }, [app.db]);

  if (held.length === 0 && claims.length === 0 && findings.length === 0) return null;
  const count = held.length + claims.length + findings.length;

  const act = async (what: () => Promise<void>, done: string) => {
    setError('');
    try {
      await what();
      toast(done);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <section className="integrity-review" aria-labelledby="integrity-review-title">
      <Alert tone="warning" icon={<Icon name="alert" />} title={<span id="integrity-review-title">Needs your attention</span>}>
        {countOf(count, NOUNS.billingRecord)} could not be put right automatically.
      </Alert>
      {error && (
        <Alert tone="error" role="alert">
          {error}
        </Alert>
      )}
      {held.length + claims.length > 0 && (
        <ul className="integrity-list">
          {held.map((h) => (
            <li key={h.key}>
              <p>{names ? heldText(h) : h.message}</p>
              <button
                type="button"
                className="btn btn-sm"
                aria-label={`Keep the records as they are now: ${h.intent.description}`}
                onClick={() => void act(() => dismissHeldIntent(app.db, h.key), `${h.intent.description}: records kept as they are`)}
              >
                Keep as they are now
              </button>
            </li>
          ))}
          {claims.map((c) => (
            <li key={c.claimId}>
              <p>{names ? claimText(c) : c.message}</p>
              <button
                type="button"
                className="btn btn-sm"
                aria-label={`Release the claim on ${claimSubject(c)}`}
                onClick={() =>
                  void act(() => releaseReviewedClaim(app.db, c.claimId, app.ctx()), 'Claim released: the lesson can be billed again')
                }
              >
                Release claim
              </button>
            </li>
          ))}
        </ul>
      )}
      {findings.length > 0 && (
        <section className="integrity-group" aria-labelledby="money-review-title">
          <h2 id="money-review-title" className="integrity-heading">
            Money records that disagree after sync
          </h2>
          <p className="muted integrity-intro">
            Payments, refunds or credit notes written on different computers do not add up. Nothing was changed: open the family’s ledger
            and correct it there, for example by reversing a refund that was recorded twice.
          </p>
          <ul className="integrity-list">
            {findings.map((f) => {
              const family = familyName(f.familyId);
              return (
                <li key={`${f.code}:${f.recordIds.join(',')}`}>
                  <p>
                    <strong>{family}:</strong> {f.message}
                  </p>
                  <button
                    type="button"
                    className="btn btn-sm"
                    aria-label={`Open the ledger of ${family}`}
                    onClick={() => navigate(`/payments/ledger?family=${encodeURIComponent(f.familyId)}`)}
                  >
                    Open ledger
                  </button>
                </li>
              );
            })}
          </ul>
        </section>
      )}
    </section>
  );
}
