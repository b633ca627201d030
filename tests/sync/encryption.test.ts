/**
 * End-to-end encryption against a real server started here (docs/sync.md "End-to-end
 * encryption"): once a practice admin turns it on, the server's documents, read raw over HTTP,
 * hold no name, e-mail or note text; a second laptop syncs nothing until it is given the
 * passphrase, refuses a wrong one, and then converges and merges offline edits as before.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnLaptop, type Laptop } from './helpers/client';
import { startTestServer, target, type TestServer } from './helpers/server';
import { familyValues, noteValues, studentValues, valuesFor } from './helpers/fixtures';
import type { CollectionName } from '../../src-shared/model/schemas';

let server: TestServer;
const laptops: Laptop[] = [];
const COLS = ['settings', 'students', 'families', 'notes'] as const;
const PASSPHRASE = 'maple syrup on thursdays';

beforeAll(async () => {
  server = await startTestServer();
}, 120_000);
afterAll(async () => {
  await server?.cleanup();
});
afterEach(async () => {
  for (const l of laptops) l.assertNoUnhandled();
  await Promise.all(laptops.splice(0).map((l) => l.kill()));
});

async function laptop(name: string): Promise<Laptop> {
  const l = await spawnLaptop(name);
  laptops.push(l);
  await l.open(COLS);
  await l.setActor(server.users.admin.staffId, `dev-${name}`);
  return l;
}

const connect = (l: Laptop) =>
  l.startSync({
    serverUrl: server.url,
    practice: server.practice,
    username: server.users.admin.username,
    password: server.users.admin.password,
    collections: COLS,
  });

/** Every document of the collections as the server stores them (raw HTTP as the server admin). */
async function rawServer(): Promise<string> {
  const parts: unknown[] = [];
  for (const c of ['students', 'families', 'notes'] as CollectionName[]) {
    const res = await server.admin('POST', `/tutordesk-${server.practice}-${c}/_all_docs`, { include_docs: true, keys: undefined });
    parts.push(res.json);
  }
  return JSON.stringify(parts);
}

const SECRETS = ['Ada', 'Lovelace', 'ada@example.org', 'Byron', 'byron@example.org', 'Baker Street', 'Differential engines'];

describe(`${target.title} end-to-end encryption`, () => {
  it('the server holds only ciphertext; a second laptop needs the passphrase, then converges and merges', async () => {
    const a = await laptop('enc-a');
    await a.write('settings', 'practice', valuesFor('settings', { name: 'Lovelace Tutoring Ltd' }));
    await a.write('families', 'fam-1', familyValues({ name: 'Byron', email: 'byron@example.org' }));
    await a.write('students', 's1', studentValues({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.org', familyId: 'fam-1' }));
    await a.write('notes', 'n1', noteValues({ studentIds: ['s1'], body: 'Differential engines', authorId: server.users.admin.staffId }));
    await connect(a);
    await a.awaitInSync();
    await a.call('write', {
      collection: 'families',
      id: 'fam-1',
      values: { address: { line1: '221B Baker Street', line2: '', city: 'London', region: '', postalCode: 'NW1', country: 'GB' } },
    });
    await a.syncNow();
    await a.awaitInSync();
    expect(await rawServer()).toContain('Lovelace');
    expect(JSON.stringify(await server.dump('settings'))).toContain('Lovelace Tutoring Ltd');

    const result = await a.call<{ written: number; remaining: number }>('enableEncryption', { passphrase: PASSPHRASE });
    expect(result).toEqual({ written: 3, remaining: 0 });
    await a.syncNow();
    const raw = await rawServer();
    for (const secret of SECRETS) expect(raw, secret).not.toContain(secret);
    expect(raw).toContain('~e1~');
    // Ids, links and kinds stay clear for the rules.
    expect(raw).toContain('"familyId":"fam-1"');
    // The key itself never reaches the server: only the wrapped form in the settings.
    const settings = (await server.dump('settings'))[0] as { encryption?: { wrappedKey?: unknown } };
    expect(settings.encryption?.wrappedKey).toBeTruthy();

    // A second laptop: nothing arrives without the passphrase.
    const b = await laptop('enc-b');
    await connect(b);
    const stopped = await b.waitForState('error');
    expect(stopped.error?.kind).toBe('needs-passphrase');
    expect(await b.get('students', 's1')).toBeNull();
    await expect(b.call('unlockEncryption', { passphrase: 'not the passphrase' })).rejects.toThrow(/not the practice passphrase/);
    expect(await b.call('unlockEncryption', { passphrase: PASSPHRASE })).toBe('unlocked');
    await b.syncNow();
    await b.awaitInSync();
    expect(await b.get('students', 's1')).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.org' });
    expect(await b.get('notes', 'n1')).toMatchObject({ body: 'Differential engines' });

    // Offline edits to different fields of one record on both laptops merge as before.
    await Promise.all([a, b].map((l) => l.setOnline(false)));
    await a.write('students', 's1', { phone: '0161 496 0000' });
    await new Promise((r) => setTimeout(r, 20));
    await b.write('students', 's1', { gradeLevel: 'Year 9 (secret)' });
    await Promise.all([a, b].map((l) => l.setOnline(true)));
    for (let round = 0; round < 3; round++) for (const l of [a, b]) await l.syncNow();
    for (const l of [a, b]) await l.awaitInSync();
    for (const l of [a, b])
      expect(await l.get('students', 's1')).toMatchObject({ firstName: 'Ada', phone: '0161 496 0000', gradeLevel: 'Year 9 (secret)' });
    const after = await rawServer();
    for (const secret of [...SECRETS, '0161 496 0000', 'Year 9 (secret)']) expect(after, secret).not.toContain(secret);
  }, 120_000);
});
