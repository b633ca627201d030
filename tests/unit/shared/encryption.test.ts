import { describe, expect, it } from 'vitest';
import {
  changePracticePassphrase,
  CIPHER_PREFIX,
  createPracticeEncryption,
  EncryptionError,
  FieldCipher,
  hasClearFields,
  unlockPracticeKey,
} from '../../../src-shared/sync/encryption';
import { validateDocUpdateSource } from '../../../src-shared/sync/validate-doc-update';
import { adminRole, memberRole, staffRole } from '../../../src-shared/sync/names';
import { makeDoc } from '../../sync/helpers/fixtures';
import { nodeBackupPlatform as p } from '../backup/node-platform';
import { aessiv } from '@noble/ciphers/aes.js';
import { randomBytes } from 'node:crypto';
import { AesSiv } from '../../../src-shared/sync/aes-siv';
import type { CollectionName } from '../../../src-shared/model/schemas';

const FAST = { now: new Date('2026-12-06T10:00:00Z'), iterations: 100_000 };
const key = new Uint8Array(64).map((_, i) => i + 1);
const cipher = new FieldCipher(key);
const ctx = { staffId: 'staff-admin', deviceId: 'unit', now: new Date('2026-03-01T10:00:00Z') };
type Doc = Record<string, unknown>;
const couch = (c: CollectionName, id: string, values: Record<string, unknown>): Doc => {
  const { id: _id, ...rest } = makeDoc(c, id, values as never, ctx) as unknown as Doc;
  return { ...rest, _id };
};

describe('the practice key', () => {
  it('is wrapped under the passphrase, unlocked only by it, and survives a passphrase change', async () => {
    const { key: made, settings } = await createPracticeEncryption('correct horse battery', p, FAST);
    expect(JSON.stringify(settings)).not.toContain(p.base64Encode(made));
    expect(await unlockPracticeKey(settings, 'correct horse battery', p)).toEqual(made);
    await expect(unlockPracticeKey(settings, 'wrong horse battery', p)).rejects.toMatchObject({ code: 'wrong_passphrase' });

    const changed = await changePracticePassphrase(settings, 'correct horse battery', 'a brand new phrase', p, FAST);
    expect(changed.keyId).toBe(settings.keyId);
    expect(await unlockPracticeKey(changed, 'a brand new phrase', p)).toEqual(made);
    await expect(unlockPracticeKey(changed, 'correct horse battery', p)).rejects.toBeInstanceOf(EncryptionError);
    await expect(changePracticePassphrase(settings, 'not it at all', 'another phrase!', p, FAST)).rejects.toMatchObject({
      code: 'wrong_passphrase',
    });
    await expect(createPracticeEncryption('short', p, FAST)).rejects.toMatchObject({ code: 'passphrase_too_short' });
  });
});

describe('AES-SIV with kept key schedules', () => {
  it('gives exactly what @noble/ciphers’ aessiv gives, and opens only its own output', () => {
    for (const size of [32, 64]) {
      const k = new Uint8Array(randomBytes(size));
      const siv = new AesSiv(k);
      for (let len = 0; len <= 70; len++)
        for (const adLen of [0, 1, 15, 16, 17, 40]) {
          const msg = new Uint8Array(randomBytes(len));
          const ad = new Uint8Array(randomBytes(adLen));
          const sealed = siv.encrypt(ad, msg);
          expect(Buffer.from(sealed).equals(Buffer.from(aessiv(k, ad).encrypt(msg)))).toBe(true);
          expect(Buffer.from(siv.decrypt(ad, sealed)).equals(Buffer.from(msg))).toBe(true);
        }
      const sealed = siv.encrypt(new Uint8Array([1]), new Uint8Array([2, 3]));
      sealed[sealed.length - 1]! ^= 1;
      expect(() => siv.decrypt(new Uint8Array([1]), sealed)).toThrow(/authentication failed/);
      expect(() => siv.decrypt(new Uint8Array([9]), siv.encrypt(new Uint8Array([1]), new Uint8Array([2])))).toThrow();
    }
  });
});

describe('field encryption', () => {
  const family = couch('families', 'fam-1', {
    name: 'Müller <& "O\'Brien">',
    email: 'anna@example.org',
    address: { line1: '1 High St', line2: '', city: 'Leeds', region: '', postalCode: 'LS1 1AA', country: 'GB' },
    notes: 'Allergic to peanuts',
  });

  it('encrypts exactly the listed fields, leaves ids, links, empty texts and the country clear, and decrypts back', () => {
    const enc = cipher.encryptDoc('families', family);
    const text = JSON.stringify(enc);
    for (const secret of ['Müller', 'anna@example.org', '1 High St', 'Leeds', 'LS1 1AA', 'peanuts']) expect(text).not.toContain(secret);
    expect(enc.name).toMatch(new RegExp(`^${CIPHER_PREFIX}[A-Za-z0-9_-]+$`));
    expect((enc.address as Doc).line2).toBe('');
    expect((enc.address as Doc).country).toBe('GB');
    expect(enc._id).toBe('fam-1');
    expect(enc.kind).toBe(family.kind);
    expect(hasClearFields('families', enc)).toBe(false);
    expect(hasClearFields('families', family)).toBe(true);
    expect(cipher.decryptDoc('families', enc)).toEqual(family);
  });

  it('is deterministic per record and field, and different across records and fields', () => {
    const a = cipher.encryptText('students', 's1', 'firstName', 'Ann');
    expect(cipher.encryptText('students', 's1', 'firstName', 'Ann')).toBe(a);
    expect(cipher.encryptText('students', 's2', 'firstName', 'Ann')).not.toBe(a);
    expect(cipher.encryptText('students', 's1', 'lastName', 'Ann')).not.toBe(a);
  });

  it('a ciphertext moved to another record, or read with another key, does not decrypt', () => {
    const a = cipher.encryptText('students', 's1', 'firstName', 'Ann');
    expect(() => cipher.decryptText('students', 's2', 'firstName', a)).toThrow(/cannot be decrypted/);
    expect(() => new FieldCipher(new Uint8Array(64)).decryptText('students', 's1', 'firstName', a)).toThrow(EncryptionError);
  });

  it('encrypts the items of lists: invoice line descriptions and a note’s kept versions', () => {
    const note = couch('notes', 'n1', {
      body: 'Worked on fractions',
      conflicts: [
        { title: '', body: 'Other version', covered: 'x', homework: '', nextSteps: '', updatedAt: 'a', updatedBy: 'b', deviceId: 'c' },
      ],
    });
    const enc = cipher.encryptDoc('notes', note);
    expect(JSON.stringify(enc)).not.toMatch(/fractions|Other version/);
    expect(cipher.decryptDoc('notes', enc)).toEqual(note);
  });
});

describe('the server rules with encrypted fields', () => {
  const P = 'demo';
  type Vdu = (n: Doc, o: Doc | null, u: { name: string; roles: string[] }, s: unknown) => void;
  const vdu = (c: CollectionName) => new Function(`return ${validateDocUpdateSource(P, c)}`)() as Vdu;
  const admin = { name: 'a', roles: [memberRole(P), adminRole(P), staffRole(P, 'staff-admin')] };
  const tutor = { name: 't', roles: [memberRole(P), staffRole(P, 'staff-alice')] };
  const run = (c: CollectionName, user: typeof admin, oldDoc: Doc | null, newDoc: Doc) => {
    try {
      vdu(c)(newDoc, oldDoc, user, {});
      return null;
    } catch (e) {
      return Object.values(e as Doc)[0] as string;
    }
  };

  it('accept ciphertext in a personal field, and refuse junk there and clear text beyond its limit', () => {
    const student = couch('students', 's1', { firstName: 'Ann', lastName: 'Lee' });
    expect(run('students', admin, null, cipher.encryptDoc('students', student))).toBeNull();
    expect(run('students', admin, null, { ...student, firstName: '~e1~not base64!' })).toMatch(/firstName does not match/);
    expect(run('students', admin, null, { ...student, firstName: 'x'.repeat(201) })).toMatch(/firstName is longer than 200/);
  });

  it('an issued invoice stays unchangeable; an admin turning encryption on may replace its clear text by ciphertext once', () => {
    const issued = couch('invoices', 'inv-1', {
      status: 'issued',
      number: 'INV-1',
      notes: 'Thanks!',
      lines: [
        {
          id: 'l1',
          kind: 'lesson',
          description: 'Maths with Ann',
          quantityMilli: 1000,
          unitAmount: 3000,
          durationMinutes: 60,
          discountAmount: 0,
          invoiceDiscountShare: 0,
          amount: 3000,
          taxAmount: 0,
          occurrenceIds: [],
          studentId: 's1',
          packageId: '',
          serviceDate: '2026-03-01',
          tutorId: 'staff-admin',
          subject: 'Maths',
        },
      ],
    });
    const sealed = cipher.encryptDoc('invoices', issued);
    expect(run('invoices', admin, null, issued)).toBeNull();
    expect(JSON.stringify(sealed)).not.toContain('Maths with Ann');
    expect(run('invoices', admin, issued, sealed)).toBeNull();
    expect(run('invoices', tutor, issued, sealed)).toMatch(/issued and cannot be changed/);
    // Deterministic: the same text encrypted again is the same record.
    expect(run('invoices', tutor, sealed, cipher.encryptDoc('invoices', issued))).toBeNull();
    // A changed text is a change, encrypted or not.
    expect(run('invoices', admin, sealed, cipher.encryptDoc('invoices', { ...issued, notes: 'Changed' }))).toMatch(/cannot be changed/);
    expect(run('invoices', admin, sealed, { ...sealed, total: 1 })).toMatch(/cannot be changed/);
  });
});
