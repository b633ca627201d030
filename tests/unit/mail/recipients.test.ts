/** Recipients: a family's addresses, and a clear reason when it is skipped. */
import { describe, expect, it } from 'vitest';
import { familyPhrase, recipientsFor } from '../../../src-shared/mail/recipients';

const fam = (name: string, email: string, over: { contactName?: string; archived?: boolean } = {}) => ({
  name,
  email,
  contactName: over.contactName ?? '',
  archived: over.archived ?? false,
});

describe('recipientsFor', () => {
  it('addresses the contact, or the family when there is no contact', () => {
    expect(recipientsFor(fam('Lee family', 'jo@example.com', { contactName: 'Jo Lee' }))).toEqual({
      to: [{ name: 'Jo Lee', address: 'jo@example.com' }],
    });
    expect(recipientsFor(fam('Lee family', ' jo@example.com '))).toEqual({ to: [{ name: 'Lee family', address: 'jo@example.com' }] });
  });

  it('takes several addresses, once each', () => {
    expect(recipientsFor(fam('Lee family', 'jo@example.com; sam@example.com, JO@example.com')).to.map((m) => m.address)).toEqual([
      'jo@example.com',
      'sam@example.com',
    ]);
  });

  it('skips a family without an address, with a clear reason', () => {
    expect(recipientsFor(fam('Lee family', ''))).toEqual({ to: [], skipped: 'No e-mail address for the Lee family' });
    expect(recipientsFor(fam('Jo Lee', '  '))).toEqual({ to: [], skipped: 'No e-mail address for Jo Lee' });
  });

  it('skips an invalid address, naming it', () => {
    const r = recipientsFor(fam('Lee family', 'jo@example.com, jo at example'));
    expect(r.to).toEqual([]);
    expect(r.skipped).toBe('The e-mail address of the Lee family is not valid: “jo at example”');
    expect(recipientsFor(fam('Lee family', 'Jo <jo@example.com>')).skipped).toMatch(/not valid/);
  });

  it('skips an archived family', () => {
    expect(recipientsFor(fam('Lee family', 'jo@example.com', { archived: true })).skipped).toBe(
      'No e-mail is sent to the Lee family: the family is archived',
    );
  });

  it('familyPhrase', () => {
    expect(familyPhrase({ name: 'Lee family' })).toBe('the Lee family');
    expect(familyPhrase({ name: 'The Patel Family' })).toBe('The Patel Family');
    expect(familyPhrase({ name: '' })).toBe('this family');
  });
});
