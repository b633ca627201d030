import { describe, expect, it } from 'vitest';
import {
  cleanConnectionForm,
  conflictFields,
  describeIndicator,
  errorTitle,
  formatSyncTime,
  REFUSE_TO_CONNECT,
  retryAfterText,
  recordRoute,
  recordTitle,
  sameAccount,
  validateConnectionForm,
} from '../../../src-renderer/src/features/sync/describe';
import type { SyncStatus } from '../../../src-renderer/src/data/sync/status';
import { SYNC_ERROR_KINDS } from '../../../src-renderer/src/data/sync/errors';

const base: SyncStatus = {
  state: 'up-to-date',
  pending: 0,
  quarantined: 0,
  conflicts: 0,
  lastSyncedAt: '2026-03-02T12:04:30Z',
  pulled: 0,
  pushed: 0,
  progress: null,
  error: null,
  nextRetryAt: null,
  identity: null,
};
const now = new Date('2026-03-02T15:00:00Z');
const opts = { now, locale: 'en-GB', timeZone: 'Europe/London' };

describe('the indicator text', () => {
  it('says up to date with the last sync time, in the practice time zone', () => {
    const t = describeIndicator('on', base, opts);
    expect(t.accessibleName).toBe('Sync status: up to date, last synced 12:04');
    expect(t.label).toBe('Up to date');
    expect(t.tone).toBe('ok');
    expect(describeIndicator('on', base, { ...opts, timeZone: 'America/New_York' }).accessibleName).toBe(
      'Sync status: up to date, last synced 07:04',
    );
  });

  it('shows the date for a sync on another day', () => {
    expect(formatSyncTime('2026-02-27T09:30:00Z', now, 'en-GB', 'Europe/London')).toBe('27 Feb 09:30');
    expect(formatSyncTime(null, now)).toBe('');
  });

  it('counts local changes not yet on the server and items needing attention', () => {
    const t = describeIndicator('on', { ...base, state: 'offline', pending: 3, conflicts: 1, quarantined: 1 }, opts);
    expect(t.accessibleName).toBe('Sync status: offline, last synced 12:04, 3 local changes not yet on the server, 2 items need attention');
    expect(t.detail).toBe('3 waiting');
    expect(describeIndicator('on', { ...base, pending: 1 }, opts).accessibleName).toContain('1 local change not yet on the server');
  });

  it('shows first-sync progress with counts', () => {
    const t = describeIndicator('on', { ...base, state: 'syncing', progress: { done: 1200, total: 50000 } }, opts);
    expect(t.detail).toBe('1,200 of 50,000');
    expect(t.accessibleName).toBe('Sync status: syncing, first sync 2% done (1,200 of 50,000 records)');
    expect(t.tone).toBe('busy');
  });

  it('names the problem of an error', () => {
    const t = describeIndicator('on', { ...base, state: 'error', error: { kind: 'wrong-credentials', message: 'x', action: 'y' } }, opts);
    expect(t.accessibleName).toBe('Sync status: error, wrong username or password');
    expect(t.tone).toBe('danger');
  });

  it('has a title for every kind of problem, and says when a locked account can try again', () => {
    const titles = SYNC_ERROR_KINDS.map((k) => [k, errorTitle(k)]);
    expect(new Set(titles.map(([, t]) => t)).size).toBe(SYNC_ERROR_KINDS.length);
    expect(errorTitle('account-locked')).toBe('Account temporarily locked');
    expect(errorTitle('cors')).toBe('The server does not allow this web address (CORS)');
    expect(errorTitle('offline')).toBe('This computer is offline');
    const locked = describeIndicator(
      'on',
      { ...base, state: 'error', error: { kind: 'account-locked', message: 'x', action: 'y', retryAfter: '2026-03-02T15:05:00Z' } },
      opts,
    );
    expect(locked.accessibleName).toBe('Sync status: error, account temporarily locked');
    expect(retryAfterText('2026-03-02T15:05:00Z', now, 'en-GB', 'Europe/London')).toBe('Try again after 15:05.');
    expect(retryAfterText(undefined, now)).toBe('');
    // Connect keeps no details it could not check: a locked account, or a browser the server does not allow.
    for (const k of ['wrong-credentials', 'account-locked', 'not-member', 'database-missing', 'cors', 'tls'] as const)
      expect(REFUSE_TO_CONNECT.has(k), k).toBe(true);
    for (const k of ['unreachable', 'offline', 'timeout'] as const) expect(REFUSE_TO_CONNECT.has(k), k).toBe(false);
  });

  it('says offline without blaming the server when the computer itself is offline', () => {
    expect(
      describeIndicator('on', { ...base, state: 'offline', error: { kind: 'offline', message: 'x', action: 'y' } }, opts).accessibleName,
    ).toMatch(/^Sync status: offline, last synced/);
    expect(
      describeIndicator('on', { ...base, state: 'offline', error: { kind: 'unreachable', message: 'x', action: 'y' } }, opts)
        .accessibleName,
    ).toMatch(/^Sync status: offline, the server cannot be reached/);
  });

  it('says when sync is off or needs the password again', () => {
    expect(describeIndicator('off', null, opts).accessibleName).toBe('Sync status: off, not set up on this computer');
    expect(describeIndicator('needs-password', null, opts).tone).toBe('warning');
  });

  it('announces the state without counts (they change too often)', () => {
    const a = describeIndicator('on', { ...base, state: 'syncing', pending: 5 }, opts).announcement;
    const b = describeIndicator('on', { ...base, state: 'syncing', pending: 6 }, opts).announcement;
    expect(a).toBe(b);
  });
});

describe('the connection form', () => {
  const ok = { serverUrl: 'https://sync.example.org/', username: 'jo', password: 'pw', practice: 'maple' };

  it('accepts good details', () => {
    expect(validateConnectionForm(ok)).toEqual({});
  });

  it('explains each wrong field', () => {
    const e = validateConnectionForm({ serverUrl: 'ftp://x', username: ' ', password: '', practice: 'Maple Centre' });
    expect(e.serverUrl).toBe('The server address must start with http:// or https://');
    expect(e.username).toBe('Enter your sync username');
    expect(e.password).toBe('Enter the password');
    expect(e.practice).toBe('Use lower-case letters, digits, - and _, starting with a letter');
    expect(validateConnectionForm({ ...ok, serverUrl: 'https://jo:pw@sync.example.org' }).serverUrl).toMatch(/own fields/);
    expect(validateConnectionForm({ ...ok, practice: 'maple-admin' }).practice).toMatch(/-admin or -tutor/);
    expect(validateConnectionForm({ ...ok, serverUrl: '' }).serverUrl).toMatch(/^Enter the server address/);
    // http:// to another computer needs the explicit confirmation; https and loopback do not.
    expect(validateConnectionForm({ ...ok, serverUrl: 'http://192.168.1.4:5984' }).plaintextConfirmed).toMatch(
      /Send my password unencrypted/,
    );
    expect(validateConnectionForm({ ...ok, serverUrl: 'http://192.168.1.4:5984', plaintextConfirmed: true })).toEqual({});
    expect(validateConnectionForm({ ...ok, serverUrl: 'http://127.0.0.1:5984' })).toEqual({});
    expect(validateConnectionForm({ ...ok, serverUrl: 'https://sync.example.org' })).toEqual({});
  });

  it('lets the password stay empty when one is saved for the same account', () => {
    const form = { ...ok, password: '' };
    expect(validateConnectionForm(form, true)).toEqual({});
    expect(sameAccount(form, { serverUrl: 'https://SYNC.example.org', username: 'jo', practice: 'maple' })).toBe(true);
    expect(sameAccount(form, { serverUrl: 'https://sync.example.org', username: 'sam', practice: 'maple' })).toBe(false);
  });

  it('trims the details', () => {
    expect(cleanConnectionForm({ serverUrl: ' https://x.org// ', username: ' jo ', password: ' p ', practice: ' maple ' })).toEqual({
      serverUrl: 'https://x.org',
      username: 'jo',
      password: ' p ',
      practice: 'maple',
    });
    // The confirmation travels only with an address that needs it.
    expect(
      cleanConnectionForm({ serverUrl: 'https://x.org', username: 'jo', password: 'p', practice: 'maple', plaintextConfirmed: true }),
    ).not.toHaveProperty('plaintextConfirmed');
    expect(
      cleanConnectionForm({ serverUrl: 'http://x.org', username: 'jo', password: 'p', practice: 'maple', plaintextConfirmed: true })
        .plaintextConfirmed,
    ).toBe(true);
  });
});

describe('records in the lists', () => {
  it('names records and opens them on their screen', () => {
    expect(recordTitle('students', { firstName: 'Ada', lastName: 'Lovelace' })).toBe('Student Ada Lovelace');
    expect(recordTitle('settings', {})).toBe('Practice settings');
    expect(recordTitle('invoices', { number: 'INV-0042', status: 'issued' })).toBe('Invoice INV-0042');
    expect(recordTitle('invoices', { number: '', status: 'draft' })).toBe('Invoice draft');
    expect(recordTitle('payments', { amount: 12550, currency: 'GBP', date: '2026-03-01' })).toBe('Payment £125.50, 1 Mar 2026');
    expect(recordTitle('payments', { amount: 1000, currency: 'JPY', date: '2026-03-01' })).toBe('Payment JP¥1,000, 1 Mar 2026');
    expect(recordRoute('students', { id: 'a b' })).toBe('/students?id=a%20b');
    expect(recordRoute('notes', { id: 'n1', studentIds: ['s1'] })).toBe('/students?id=s1&note=n1');
    expect(recordRoute('notes', { id: 'n1', studentIds: [] })).toBeNull();
    expect(recordRoute('occurrences', { id: 'o1', start: '2026-03-02T10:00:00Z' })).toBe('/schedule?view=day&date=2026-03-02&occ=o1');
    expect(recordRoute('billingclaims', { invoiceId: 'inv-1' })).toBe('/invoices?id=inv-1');
    expect(recordRoute('staff', {}, 'fallback')).toBe('/staff?id=fallback');
  });

  it('writes money and dates in the practice locale, not en-GB', () => {
    const pay = { amount: 123456, currency: 'GBP', date: '2026-03-02' };
    expect(recordTitle('payments', pay, { locale: 'de-DE' })).toMatch(/^Payment 1\.234,56\s£, 2\. März 2026$/);
    expect(recordTitle('payments', pay, { locale: 'en-US' })).toBe('Payment £1,234.56, Mar 2, 2026');
    // A lesson's start is an instant: its date in the practice zone (23:30 UTC is the next day in Auckland).
    expect(
      recordTitle('lessons', { subject: 'Maths', start: '2026-03-02T23:30:00Z' }, { locale: 'en-GB', timeZone: 'Pacific/Auckland' }),
    ).toBe('Lesson Maths, 3 Mar 2026');
    const rows = conflictFields('payments', pay, { ...pay, amount: 100000 }, { locale: 'de-DE' });
    expect(rows.find((r) => r.field === 'amount')?.setAside).toMatch(/^1\.000,00\s£$/);
    expect(rows.find((r) => r.field === 'date')?.kept).toBe('2. März 2026');
  });

  it('compares the kept and set-aside versions, deletions included', () => {
    const rows = conflictFields('billingclaims', { invoiceId: 'a', studentId: 's' }, { invoiceId: 'b', studentId: 's', _deleted: true });
    expect(rows.find((r) => r.field === 'invoiceId')).toEqual({ field: 'invoiceId', kept: 'a', setAside: 'b' });
    expect(rows.find((r) => r.field === 'deleted')).toEqual({ field: 'deleted', kept: 'no', setAside: 'yes' });
    const generic = conflictFields('students', { firstName: 'A', fieldClock: {} }, { firstName: 'B', fieldClock: {} });
    expect(generic.map((r) => r.field)).toEqual(['firstName']);
  });
});
