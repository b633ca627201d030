/**
 * Automatic invoicing at start (docs/email-templates.md "Automatic invoicing", docs/email.md):
 * on an admin's laptop, when `autoInvoicingDue` says a month is due, that month's drafts are made
 * with the Generate dialog's own code (generateMonth), the run is recorded in
 * `settings.autoInvoicing.lastRunMonth`, and a notification leads to the month's drafts. Only
 * drafts: nothing is issued or e-mailed without a person.
 *
 * The run is recorded AFTER the drafts are saved: an app that quits half-way makes the rest of the
 * drafts at its next start, and the billing claims keep the drafts already made from being made
 * twice. A month with nothing to bill is recorded all the same.
 */
import type { AppServices } from '../../app/AppContext';
import type { TutorBridge } from '../../../../src-shared/bridge';
import { autoInvoicingDue } from '../../../../src-shared/mail/auto-invoicing';
import { countOf } from '../../../../src-shared/locale/count';
import { NOUNS } from '../../../../src-shared/locale/wording';
import { PRACTICE_SETTINGS_ID, type PracticeSettings } from '../../../../src-shared/model/types';
import { generateMonth, loadMonthGenerationInput, type MonthGeneration } from './generate-month';

export type AutoInvoicingResult =
  | { ran: false; why: 'not-admin' | 'no-settings' | 'not-due' | 'invalid-settings' }
  | { ran: true; month: string; runMonth: string; missed: string[]; generation: MonthGeneration };

/** The month's name alone ("March"), in the practice's locale. */
function monthName(month: string, locale: string): string {
  try {
    return new Intl.DateTimeFormat(locale, { month: 'long', timeZone: 'UTC' }).format(new Date(`${month}-01T00:00:00Z`));
  } catch {
    return month;
  }
}

/** Runs automatic invoicing if it is due; safe to call at every start (a month runs once). */
export async function runAutoInvoicing(
  app: AppServices,
  bridge: Pick<TutorBridge, 'notify'>,
  now: Date = new Date(),
): Promise<AutoInvoicingResult> {
  if (app.me?.role !== 'admin') return { ran: false, why: 'not-admin' };
  // The stored settings (the latest lastRunMonth, synced or not); the locale resolved by the app.
  const stored = (await app.db.settings.findOne(PRACTICE_SETTINGS_ID).exec())?.toJSON() as PracticeSettings | undefined;
  const settings = app.settings;
  if (!stored || !settings) return { ran: false, why: 'no-settings' };
  const auto = stored.autoInvoicing;
  if (!auto?.enabled) return { ran: false, why: 'not-due' };
  let due;
  try {
    due = autoInvoicingDue({ settings: auto, lastRunMonth: auto.lastRunMonth, now, timeZone: stored.timeZone });
  } catch {
    return { ran: false, why: 'invalid-settings' };
  }
  if (!due) return { ran: false, why: 'not-due' };

  const generation = await generateMonth(app, settings, due.month, await loadMonthGenerationInput(app));
  const latest = (await app.db.settings.findOne(PRACTICE_SETTINGS_ID).exec())?.toJSON() as PracticeSettings | undefined;
  const current = latest?.autoInvoicing ?? auto;
  await app.save('settings', PRACTICE_SETTINGS_ID, {
    autoInvoicing: { ...current, lastRunMonth: current.lastRunMonth > due.runMonth ? current.lastRunMonth : due.runMonth },
  });

  const name = monthName(due.month, settings.locale);
  const failed = generation.failures.length > 0 ? ` ${countOf(generation.failures.length, NOUNS.family)} could not be billed.` : '';
  await bridge
    .notify(
      generation.created > 0
        ? {
            title: `${name}'s draft invoices are ready to review`,
            body: `${countOf(generation.created, NOUNS.draft)} made automatically; nothing is sent until you issue them.${failed}`,
            route: `/invoices?status=draft&month=${due.month}`,
          }
        : {
            title: `No draft invoices for ${name}`,
            body: `Automatic invoicing found nothing to bill for ${name}.${failed}`,
            route: '/invoices',
          },
    )
    .catch(() => undefined);
  return { ran: true, month: due.month, runMonth: due.runMonth, missed: due.missed, generation };
}
