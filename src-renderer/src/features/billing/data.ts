/**
 * Read side of the billing screens: live invoices, payments, claims and the people they name,
 * plus the billable lessons of a date range built from the schedule (expanded from the schedule
 * store's in-memory copy, then turned into BillableLessons by src-shared/billing/from-schedule).
 * No billing rule lives here: everything is computed by src-shared/billing.
 */
import { useEffect, useMemo } from 'react';
import { useApp, useLiveQuery } from '../../app/AppContext';
import { billableLessonsFromOccurrences } from '../../../../src-shared/billing/from-schedule';
import { todayIn } from '../../../../src-shared/billing/dates';
import { paidByInvoice } from '../../../../src-shared/billing/lifecycle';
import { creditedByInvoice } from '../../../../src-shared/billing/records';
import { formatMoney } from '../../../../src-shared/money';
import type { BillableLesson } from '../../../../src-shared/billing/rates';
import type { BillingClaim, Family, Invoice, Payment, PracticeSettings, Staff, Student } from '../../../../src-shared/model/types';
import { expandLessons } from '../../../../src-shared/schedule/expand';
import { localDaysRange } from '../../../../src-shared/schedule/time';
import { useScheduleStore, type ScheduleStore } from '../schedule';
import type { ComboOption } from '../../ui/Combobox';

export interface BillingData {
  loading: boolean;
  invoices: Invoice[];
  payments: Payment[];
  claims: BillingClaim[];
  families: Family[];
  students: Student[];
  staff: Staff[];
  invoiceById: Map<string, Invoice>;
  familyById: Map<string, Family>;
  studentById: Map<string, Student>;
  /** Allocated payments per invoice id. */
  paid: Map<string, number>;
  /** What partial credit notes credit per invoice id (positive). */
  credited: Map<string, number>;
  familyName(id: string): string;
}

/** Every billing document, live. */
export function useBillingData(): BillingData {
  const inv = useLiveQuery('invoices');
  const pay = useLiveQuery('payments');
  const cl = useLiveQuery('billingclaims');
  const fam = useLiveQuery('families');
  const stu = useLiveQuery('students');
  const st = useLiveQuery('staff');
  return useMemo(() => {
    const familyById = new Map(fam.docs.map((f) => [f.id, f]));
    return {
      loading: inv.loading || pay.loading || cl.loading || fam.loading || stu.loading,
      invoices: inv.docs,
      payments: pay.docs,
      claims: cl.docs,
      families: fam.docs,
      students: stu.docs,
      staff: st.docs,
      invoiceById: new Map(inv.docs.map((i) => [i.id, i])),
      familyById,
      studentById: new Map(stu.docs.map((s) => [s.id, s])),
      paid: paidByInvoice(pay.docs),
      credited: creditedByInvoice(inv.docs),
      familyName: (id: string) => familyById.get(id)?.name ?? 'Unknown family',
    };
  }, [inv.docs, pay.docs, cl.docs, fam.docs, stu.docs, st.docs, inv.loading, pay.loading, cl.loading, fam.loading, stu.loading]);
}

/** The billable lessons (one per student per occurrence) of local dates [from, to]. */
export function billableLessonsIn(
  store: ScheduleStore,
  students: readonly Student[],
  from: string,
  to: string,
  timeZone: string,
): BillableLesson[] {
  const range = localDaysRange(from, to, timeZone);
  const occurrences = expandLessons(store.allLessons(), store.occurrenceIndex, store.allClosures(), range, timeZone);
  return billableLessonsFromOccurrences(occurrences, students);
}

/**
 * The billable lessons of local dates [from, to], once the schedule store holds every occurrence
 * document (attendance) of the range. The store loads only the last two weeks at start and older
 * ones on demand: billing last month straight after start-up must wait for them, or attended
 * lessons would look unmarked and be left off the invoice.
 */
export async function loadBillableLessons(
  store: ScheduleStore,
  students: readonly Student[],
  from: string,
  to: string,
  timeZone: string,
): Promise<BillableLesson[]> {
  await store.whenReady();
  await store.ensureLoaded(Date.parse(localDaysRange(from, to, timeZone).start));
  return billableLessonsIn(store, students, from, to, timeZone);
}

/** Live billable lessons of a range; null while the schedule (or the range's attendance) loads, or the range is invalid. */
export function useBillableLessons(from: string, to: string, students: readonly Student[]): BillableLesson[] | null {
  const { settings } = useApp();
  const { store, version } = useScheduleStore();
  const tz = settings?.timeZone ?? 'UTC';
  const range = useMemo(() => {
    if (!from || !to || to < from) return null;
    try {
      return localDaysRange(from, to, tz);
    } catch {
      return null;
    }
  }, [from, to, tz]);
  // Older attendance is loaded on demand (as useRangeOccurrences does); the version changes when it arrives.
  const covered = version >= 0 && range !== null && store.covers(range);
  useEffect(() => {
    if (version >= 0 && range && !covered) void store.ensureLoaded(Date.parse(range.start));
  }, [store, version, covered, range]);
  return useMemo(() => {
    if (!covered) return null;
    try {
      return billableLessonsIn(store, students, from, to, tz);
    } catch {
      return null;
    }
    // The store is mutable: `version` says when its contents changed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store, version, covered, from, to, tz, students]);
}

export function useToday(): string {
  const { settings } = useApp();
  return todayIn(settings?.timeZone ?? 'UTC', new Date());
}

export function pageSizeOf(settings: PracticeSettings | null): 'A4' | 'Letter' {
  return settings?.billing.paperSize === 'Letter' ? 'Letter' : 'A4';
}

/** Money formatter for the practice's currency and locale. */
export function useMoney(): (amount: number, currency?: string) => string {
  const { settings } = useApp();
  const locale = settings?.locale ?? 'en-GB';
  const cur = settings?.currency ?? 'GBP';
  return useMemo(() => (amount: number, currency?: string) => formatMoney({ amount, currency: currency ?? cur }, locale), [locale, cur]);
}

/** 'YYYY-MM' of the month before `today` (the month usually billed). */
export function previousMonth(today: string): string {
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7));
  return m > 1 ? `${y}-${String(m - 1).padStart(2, '0')}` : `${y - 1}-12`;
}

/**
 * The families to choose from in a picker, by name: archived ones only when `withArchived`, or
 * when one is `keep` (the family already chosen). Built once per families array, so a dialog
 * that re-renders on every keystroke does not sort 6,000 names again (issue 19).
 */
export function useFamilyOptions(families: readonly Family[], keep = '', withArchived = false): ComboOption[] {
  return useMemo(
    () =>
      families
        .filter((f) => withArchived || !f.archived || f.id === keep)
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((f) => ({ value: f.id, label: f.name })),
    [families, keep, withArchived],
  );
}
