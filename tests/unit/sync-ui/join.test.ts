/**
 * "Join an existing practice" (features/onboarding/JoinPractice.tsx) runs `SyncController.join`:
 * unlike Connect, a join keeps the details only when the server accepted them — an unreachable
 * server included — and then starts nothing (docs/sync.md, "Joining an existing practice").
 */
import { describe, expect, it, vi } from 'vitest';
import type { SyncAccount, SyncCredentials, TutorBridge } from '../../../src-shared/bridge';
import { networkFailure, type SyncFetchResponse } from '../../../src-shared/sync/http-contract';
import type { TutorDatabase } from '../../../src-renderer/src/data';
import { SyncController } from '../../../src-renderer/src/features/sync/controller';
import { REFUSE_TO_CONNECT } from '../../../src-renderer/src/features/sync/describe';

function fakeBridge(answer: () => SyncFetchResponse) {
  let account: SyncAccount | null = null;
  const saveCredentials = vi.fn(async (c: SyncCredentials) => {
    account = { serverUrl: c.serverUrl, username: c.username, practice: c.practice, hasPassword: true };
    return account;
  });
  const clearCredentials = vi.fn(async () => {
    account = null;
  });
  const fetch = vi.fn(async () => answer());
  const bridge = {
    appInfo: async () => ({ name: 'TutorDesk', version: '0.0.0', platform: 'browser', os: 'test', secureStorage: false }),
    isOnline: () => true,
    onEvent: () => () => undefined,
    sync: { getAccount: async () => account, saveCredentials, clearCredentials, fetch },
  } as unknown as TutorBridge;
  return { bridge, saveCredentials, clearCredentials, fetch, account: () => account };
}

const FORM = { serverUrl: 'http://127.0.0.1:5984', username: 'sam', password: 'pw', practice: 'maple' };
/** The database is never touched: a join that fails starts no sync. */
const NO_DB = {} as TutorDatabase;

describe('joining a practice', () => {
  it('keeps nothing when the server cannot be reached (Connect would keep the details and retry)', async () => {
    expect(REFUSE_TO_CONNECT.has('unreachable')).toBe(false);
    const f = fakeBridge(() => networkFailure('connection-refused', 'connect ECONNREFUSED'));
    const c = new SyncController(NO_DB, f.bridge);
    const outcome = await c.join(FORM);
    expect(outcome).toMatchObject({ ok: false, kind: 'unreachable', started: false });
    expect(f.saveCredentials).toHaveBeenCalledTimes(1);
    expect(f.clearCredentials).toHaveBeenCalledTimes(1);
    expect(f.account()).toBeNull();
    expect(c.getSnapshot()).toMatchObject({ phase: 'off', account: null, status: null, busy: '' });
    expect(c.running).toBeNull();
  });

  it('keeps nothing after a wrong password, with the Sync screen’s answer', async () => {
    const f = fakeBridge(() => ({
      status: 401,
      statusText: 'Unauthorized',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ error: 'unauthorized', reason: 'Name or password is incorrect.' }),
    }));
    const c = new SyncController(NO_DB, f.bridge);
    const outcome = await c.join(FORM);
    expect(outcome).toMatchObject({ ok: false, kind: 'wrong-credentials', started: false });
    expect(f.account()).toBeNull();
    expect(c.getSnapshot().phase).toBe('off');
  });
});
