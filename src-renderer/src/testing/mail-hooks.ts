/**
 * Test build only: the page sends e-mail like the desktop app. Its bridge's `mail` calls go to
 * `window.__tutordeskMailHost`, which the end-to-end test exposes (Playwright `exposeFunction`) and
 * backs with the desktop app's own mail service (src-main/mail/service.ts) and a real SMTP server
 * on loopback, so the UI, the outbox runner, the host's journal and SMTP are all the real ones.
 */
import type { TutorDatabase } from '../data';
import { saveDoc } from '../data';
import { getBridge } from '../platform/bridge';
import type { TutorBridge } from '../../../src-shared/bridge';
import type { Family, Invoice } from '../../../src-shared/model/types';

declare global {
  interface Window {
    __tutordeskMailHost?: (method: string, arg: unknown) => Promise<unknown>;
  }
}

export function desktopMail(): void {
  const host = window.__tutordeskMailHost;
  if (!host) throw new Error('The test has not exposed __tutordeskMailHost');
  const call = <T>(method: string, arg?: unknown) => host(method, arg ?? null) as Promise<T>;
  const mail: TutorBridge['mail'] = {
    available: () => call('available'),
    getAccount: () => call('getAccount'),
    saveAccount: (s) => call('saveAccount', s),
    clearAccount: () => call('clearAccount'),
    sendTest: (r) => call('sendTest', r),
    send: (m) => call('send', m),
  };
  getBridge().mail = mail;
}

/**
 * An issued invoice of the sample practice whose family has an e-mail address; the family is
 * renamed to `name` (and so is its contact) first, to check escaping in what is sent.
 */
export async function issuedInvoiceFor(db: TutorDatabase, name: string): Promise<{ id: string; number: string; email: string }> {
  const invoices = (await db.invoices.find({ selector: { status: 'issued', kind: 'invoice' } }).exec()).map((d) => d.toJSON() as Invoice);
  for (const inv of invoices) {
    const family = (await db.families.findOne(inv.familyId).exec())?.toJSON() as Family | undefined;
    if (!family || !/^[^@\s]+@[^@\s]+\.[a-z]+$/i.test(family.email)) continue;
    await saveDoc(db, 'families', family.id, { name, contactName: name }, { staffId: 'test', deviceId: 'test-hooks', now: new Date() });
    return { id: inv.id, number: inv.number, email: family.email };
  }
  throw new Error('The sample practice has no issued invoice to a family with an e-mail address');
}
