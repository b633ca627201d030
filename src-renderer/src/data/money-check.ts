/**
 * The money records checked after sync (docs/billing.md "Corrections and refunds", "After sync"):
 * `checkMoneyRecords` (src-shared/billing/corrections.ts) lists what a person must look at — a
 * reversal of a record this laptop does not have, a reversed record edited on another laptop, a
 * record reversed twice, credit refunded on two laptops, payments allocated beyond their amount,
 * invoices paid and credited beyond their total. Nothing is repaired here: the findings are kept in
 * the device-local document `money-review` and shown on the Invoices screen under "Needs your
 * attention" (features/billing/IntegrityReview.tsx).
 *
 * Runs at start (main.tsx), after each completed sync cycle in which payments or invoices changed
 * (sync/start-sync.ts), and from the review list itself while it shows findings (so a finding a
 * person has put right goes away).
 */
import { debounceTime, map, merge, type Observable } from 'rxjs';
import { checkMoneyRecords, type MoneyFinding } from '../../../src-shared/billing/corrections';
import { practiceFormat, resolvePracticeLocale } from '../../../src-shared/locale/practice-locale';
import { PRACTICE_SETTINGS_ID, type Invoice, type Payment, type PracticeSettings } from '../../../src-shared/model/types';
import type { TutorDatabase } from './database';
import { localDoc$ } from './local-docs';

export const MONEY_REVIEW_DOC = 'money-review';

export type { MoneyFinding };

interface MoneyReviewData {
  findings: MoneyFinding[];
  /** The locale the messages were written in (the list is checked again when the practice's changes). */
  locale: string;
}

/** How the messages are written: the practice's formatters when the caller has them. */
export interface MoneyCheckFormat {
  locale: string;
  /** A business date (YYYY-MM-DD) as the practice writes it. */
  date(isoDate: string): string;
}

const running = new WeakMap<TutorDatabase, Promise<MoneyFinding[]>>();

/**
 * Checks the money records of this database and stores the findings (`money-review`). `format`:
 * the practice's formatters (the app's `app.format`); without it, the practice settings stored in
 * the database (a locale chosen, or the default of the practice's country). One check at a time
 * per database.
 */
export function checkMoneyRecordsOf(db: TutorDatabase, format?: MoneyCheckFormat): Promise<MoneyFinding[]> {
  const prev = running.get(db);
  const next = (prev ?? Promise.resolve()).catch(() => undefined).then(() => runCheck(db, format));
  running.set(db, next);
  return next;
}

async function storedFormat(db: TutorDatabase): Promise<MoneyCheckFormat> {
  const settings = (db.collections as { settings?: TutorDatabase['settings'] }).settings;
  const doc = settings ? await settings.findOne(PRACTICE_SETTINGS_ID).exec() : null;
  const s = doc?.toJSON() as PracticeSettings | undefined;
  const { locale } = resolvePracticeLocale({
    chosen: s?.locale ?? '',
    systemLanguages: [],
    ...(s ? { currency: s.currency, timeZone: s.timeZone } : {}),
  });
  const f = practiceFormat(locale, s?.timeZone ?? 'UTC', s?.currency ?? 'GBP');
  return { locale: f.locale, date: (d) => f.date(d) };
}

async function runCheck(db: TutorDatabase, format: MoneyCheckFormat | undefined): Promise<MoneyFinding[]> {
  const c = db.collections as Partial<TutorDatabase['collections']>;
  if (db.closed || !c.payments || !c.invoices) return [];
  const [payments, invoices, f] = await Promise.all([
    c.payments.find().exec(),
    c.invoices.find().exec(),
    format ? Promise.resolve(format) : storedFormat(db),
  ]);
  const findings = checkMoneyRecords(
    payments.map((d) => d.toJSON() as Payment),
    invoices.map((d) => d.toJSON() as Invoice),
    { locale: f.locale, date: f.date },
  );
  if (db.closed) return findings;
  const next: MoneyReviewData = { findings, locale: f.locale };
  const stored = (await db.getLocal<MoneyReviewData>(MONEY_REVIEW_DOC))?.toJSON().data as MoneyReviewData | undefined;
  if (JSON.stringify(stored ?? null) !== JSON.stringify(next)) await db.upsertLocal(MONEY_REVIEW_DOC, next);
  return findings;
}

/** The stored findings (and the locale of their messages), now and after every change. */
export function watchMoneyReview(db: TutorDatabase): Observable<{ findings: MoneyFinding[]; locale: string }> {
  return localDoc$(db, MONEY_REVIEW_DOC).pipe(
    map((d) => {
      const data = d?.toJSON().data as Partial<MoneyReviewData> | undefined;
      return { findings: data?.findings ?? [], locale: data?.locale ?? '' };
    }),
  );
}

/**
 * While the review list is on screen: the findings are checked again when it appears, after each
 * change of the payments or invoices (a person reversing the extra refund sees its finding go), and
 * when they were written in another locale than the practice's `format`. Nothing while there are none.
 */
export function keepMoneyReviewFresh(db: TutorDatabase, format: MoneyCheckFormat): { unsubscribe(): void } {
  const c = db.collections as Partial<TutorDatabase['collections']>;
  if (!c.payments || !c.invoices) return { unsubscribe: () => undefined };
  let listed = 0;
  let first = true;
  const recheck = () => void checkMoneyRecordsOf(db, format).catch((e: unknown) => console.error('Money-records check failed', e));
  const review = watchMoneyReview(db).subscribe((r) => {
    listed = r.findings.length;
    // Once when the list appears (records may have been corrected since, on another screen), then
    // whenever it was written in another locale.
    if (listed > 0 && (first || r.locale !== format.locale)) recheck();
    first = false;
  });
  const changes = merge(c.payments.$, c.invoices.$)
    .pipe(debounceTime(300))
    .subscribe(() => {
      if (listed > 0) recheck();
    });
  return {
    unsubscribe() {
      review.unsubscribe();
      changes.unsubscribe();
    },
  };
}
