/**
 * Who a message to a family goes to (docs/email-templates.md "Recipients"). The family's e-mail
 * field may hold one address or several separated by commas or semicolons (both parents); each
 * must pass `EmailAddressSchema`. A family with no usable address is skipped with a sentence that
 * says why, shown in the batch's summary ("No e-mail address for the Lee family").
 *
 * Pure: no Electron, React or DOM.
 */
import type { Family } from '../model/types';
import { EmailAddressSchema, type Mailbox } from './contract';

/** The most recipients one message may have (OutgoingMailSchema). */
export const MAX_RECIPIENTS = 20;

export interface Recipients {
  to: Mailbox[];
  /** Why the family gets no e-mail; absent when `to` is not empty. */
  skipped?: string;
}

/** "the Lee family" for "Lee family", the name as it is otherwise ("The Patel Family", "Jo Lee"). */
export function familyPhrase(family: Pick<Family, 'name'>): string {
  const name = family.name.trim();
  if (!name) return 'this family';
  return /\bfamily$/i.test(name) && !/^the\b/i.test(name) ? `the ${name}` : name;
}

/** The family's addresses as mailboxes named after its contact, or the reason it is skipped. */
export function recipientsFor(family: Pick<Family, 'name' | 'contactName' | 'email' | 'archived'>): Recipients {
  const who = familyPhrase(family);
  if (family.archived) return { to: [], skipped: `No e-mail is sent to ${who}: the family is archived` };
  const parts = family.email
    .split(/[,;\n]/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0) return { to: [], skipped: `No e-mail address for ${who}` };
  const invalid = parts.filter((p) => !EmailAddressSchema.safeParse(p).success);
  if (invalid.length > 0) {
    return { to: [], skipped: `The e-mail address of ${who} is not valid: ${invalid.map((p) => `“${p}”`).join(', ')}` };
  }
  const name = (family.contactName.trim() || family.name.trim()).slice(0, 200);
  const seen = new Set<string>();
  const to: Mailbox[] = [];
  for (const address of parts) {
    const key = address.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    to.push({ name, address });
  }
  if (to.length > MAX_RECIPIENTS) return { to: [], skipped: `${who} has more than ${MAX_RECIPIENTS} e-mail addresses` };
  return { to };
}
