/**
 * `npm run server:migrate` (scripts/server-migrate.ts): a practice on a fresh embedded server (the
 * source) is copied to this project's server (another embedded PouchDB Server, the CouchDB
 * stand-in, or the CouchDB at COUCH_URL) with the servers' own replication; the copy is compared
 * revision by revision both ways, and a difference is reported with exit code 5.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSyncServer, type RunningSyncServer } from '../../scripts/sync-server';
import { main as migrate } from '../../scripts/server-migrate';
import { practiceDbName } from '../../src-shared/sync/names';
import { makeDoc } from './helpers/fixtures';
import { http } from './helpers/http';
import { startTestServer, target, type Auth, type TestServer } from './helpers/server';

let server: TestServer;
let source: RunningSyncServer;
let sourceDir: string;
let files: string;
/** The practice copied (its databases and users are removed with the target's own practice). */
let moved: string;
let tutor: Auth;
const ctx = { staffId: 'staff-admin', deviceId: 'migrate-test', now: new Date('2026-03-01T10:00:00Z') };

beforeAll(async () => {
  server = await startTestServer();
  moved = server.name('moved');
  tutor = { username: server.name('mover-tutor'), password: 'tutor-pw-1' };
  sourceDir = mkdtempSync(join(tmpdir(), 'tutordesk-migrate-source-'));
  files = mkdtempSync(join(tmpdir(), 'tutordesk-migrate-files-'));
  source = await startSyncServer({
    port: 0,
    dataDir: sourceDir,
    admin: { username: 'sourceadmin', password: 'source-pw' },
    practice: moved,
    users: [
      { username: server.name('mover-admin'), password: 'admin-pw-1', role: 'admin', staffId: 'staff-admin' },
      { ...tutor, role: 'tutor', staffId: 'staff-tutor' },
    ],
  });
  const admin = { username: 'sourceadmin', password: 'source-pw' };
  const students = `/${practiceDbName(moved, 'students')}`;
  const couch = (id: string, firstName: string) => {
    const { id: _id, ...rest } = makeDoc('students', id, { firstName, lastName: 'Moved' }, ctx) as unknown as Record<string, unknown>;
    return { ...rest, _id };
  };
  for (let i = 0; i < 30; i++)
    expect((await http(source.url, 'PUT', `${students}/stu-${i}`, { auth: admin, body: couch(`stu-${i}`, `S${i}`) })).status).toBe(201);
  // A deleted document and a document with two conflicting branches (as laptops leave them).
  const gone = await http(source.url, 'GET', `${students}/stu-0`, { auth: admin });
  expect(
    (await http(source.url, 'DELETE', `${students}/stu-0?rev=${String((gone.json as { _rev: string })._rev)}`, { auth: admin })).status,
  ).toBe(200);
  const branch = (rev: string, firstName: string) => ({ ...couch('stu-conflict', firstName), _rev: rev });
  expect(
    (
      await http(source.url, 'POST', `${students}/_bulk_docs`, {
        auth: admin,
        body: { new_edits: false, docs: [branch('1-aaaa', 'Left'), branch('1-bbbb', 'Right')] },
      })
    ).status,
  ).toBe(201);
  const claim = makeDoc(
    'billingclaims',
    'occ-2026-03-02#stu-1',
    { occurrenceId: 'occ-2026-03-02', studentId: 'stu-1', invoiceId: 'inv-1', familyId: 'fam-1' },
    ctx,
  ) as unknown as Record<string, unknown>;
  const { id: claimId, ...claimRest } = claim;
  expect(
    (
      await http(source.url, 'PUT', `/${practiceDbName(moved, 'billingclaims')}/${encodeURIComponent(String(claimId))}`, {
        auth: admin,
        body: { ...claimRest, _id: claimId },
      })
    ).status,
  ).toBe(201);
}, 180_000);

afterAll(async () => {
  await source?.stop();
  if (sourceDir) rmSync(sourceDir, { recursive: true, force: true });
  if (files) rmSync(files, { recursive: true, force: true });
  await server?.cleanup();
});

function adminFile(name: string, auth: Auth): string {
  const f = join(files, name);
  writeFileSync(f, `${auth.username}:${auth.password}\n`, { mode: 0o600 });
  chmodSync(f, 0o600);
  return f;
}

async function run(argv: string[], ask?: (q: string) => Promise<string>): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const quiet = { log: console.log, error: console.error };
  console.log = (...a: unknown[]) => void lines.push(a.join(' '));
  console.error = (...a: unknown[]) => void lines.push(a.join(' '));
  try {
    return { code: await migrate(argv, ask), out: lines.join('\n') };
  } finally {
    console.log = quiet.log;
    console.error = quiet.error;
  }
}

describe(`${target.title} server:migrate`, () => {
  // CouchDB's replicator takes a few seconds per database (11 of them).
  it('copies a practice with every revision (deletions, conflicts, ids with "#") and its users, then finds both servers the same', async () => {
    const args = [
      '--from',
      source.url,
      '--to',
      server.url,
      '--practice',
      moved,
      '--from-admin-file',
      adminFile('from', source.admin),
      '--to-admin-file',
      adminFile('to', server.adminAuth),
    ];
    const r = await run(args);
    expect(r.out).toContain(`Practice "${moved}" is the same on both servers`);
    expect(r.code).toBe(0);
    const students = `/${practiceDbName(moved, 'students')}`;
    const conflict = await server.admin('GET', `${students}/stu-conflict?conflicts=true`);
    expect(conflict.json).toMatchObject({ _id: 'stu-conflict', _conflicts: [expect.stringMatching(/^1-/)] });
    expect((await server.admin('GET', `${students}/stu-0`)).status).toBe(404);
    expect(
      (await server.admin('GET', `/${practiceDbName(moved, 'billingclaims')}/${encodeURIComponent('occ-2026-03-02#stu-1')}`)).status,
    ).toBe(200);
    // The tutor logs in to the new server with the old password and reads the practice.
    const session = await http(server.url, 'GET', '/_session', { auth: tutor });
    expect((session.json as { userCtx: { roles: string[] } }).userCtx.roles).toContain(`tutordesk-${moved}`);
    expect((await http(server.url, 'GET', students, { auth: tutor })).status).toBe(200);
    // The rules came along: the tutor still may not change students' deletions or staff.
    expect((await http(server.url, 'PUT', `/${practiceDbName(moved, 'staff')}/staff-x`, { auth: tutor, body: { name: 'x' } })).status).toBe(
      403,
    );
  }, 180_000);

  it('reports what differs (exit code 5): a change the target lacks and a document only the target has; copying again brings the change over', async () => {
    const students = `/${practiceDbName(moved, 'students')}`;
    const cur = (await http(source.url, 'GET', `${students}/stu-5`, { auth: source.admin })).json as Record<string, unknown>;
    expect(
      (await http(source.url, 'PUT', `${students}/stu-5`, { auth: source.admin, body: { ...cur, firstName: 'Changed later' } })).status,
    ).toBe(201);
    const extra = (await http(server.url, 'GET', `${students}/stu-6`, { auth: server.adminAuth })).json as Record<string, unknown>;
    expect(
      (
        await http(server.url, 'PUT', `${students}/only-on-target`, {
          auth: server.adminAuth,
          body: { ...extra, _id: 'only-on-target', _rev: undefined },
        })
      ).status,
    ).toBe(201);
    const args = [
      '--from',
      source.url,
      '--to',
      server.url,
      '--practice',
      moved,
      '--from-admin-file',
      adminFile('from', source.admin),
      '--to-admin-file',
      adminFile('to', server.adminAuth),
    ];
    const check = await run([...args, '--check']);
    expect(check.code).toBe(5);
    expect(check.out).toMatch(/1 document\(s\) with revisions the target lacks: stu-5/);
    expect(check.out).toMatch(/1 document\(s\) with revisions only the target has: only-on-target/);
    const counts = /(\d+) documents \(1 deleted\) on the source, (\d+) \(1 deleted\) on the target/.exec(check.out);
    expect(counts, check.out).not.toBeNull();
    expect(Number(counts![2])).toBe(Number(counts![1]) + 1);
    // Copying again (the target pulling this time) brings stu-5's change; the extra document stays, and is still reported.
    const again = await run([...args, '--via', 'to']);
    expect(again.code, again.out).toBe(5);
    expect(again.out, again.out).not.toMatch(/revisions the target lacks/);
    expect(again.out).toMatch(/only the target has: only-on-target/);
    expect(((await server.admin('GET', `${students}/stu-5`)).json as { firstName: string }).firstName).toBe('Changed later');
  }, 180_000);

  it('asks for a password when no file is given, and exits 2 / 3 / 4 / 1 for bad arguments, an unreachable server, a wrong admin password, a practice that is not there', async () => {
    const asked: string[] = [];
    const ask = async (q: string) => {
      asked.push(q);
      return q.includes(source.url) ? source.admin.password : server.adminAuth.password;
    };
    const prompted = await run(
      [
        '--from',
        source.url,
        '--to',
        server.url,
        '--practice',
        moved,
        '--from-admin',
        source.admin.username,
        '--to-admin',
        server.adminAuth.username,
        '--check',
        '--no-users',
      ],
      ask,
    );
    expect(asked).toEqual([
      `Password of ${source.admin.username} on ${source.url}`,
      `Password of ${server.adminAuth.username} on ${server.url}`,
    ]);
    expect(prompted.code).toBe(5);
    const from = adminFile('from', source.admin);
    const to = adminFile('to', server.adminAuth);
    expect(
      (await run(['--from', source.url, '--to', server.url, '--practice', 'Bad Name', '--from-admin-file', from, '--to-admin-file', to]))
        .code,
    ).toBe(2);
    const withPassword = new URL(source.url);
    withPassword.username = 'a';
    withPassword.password = 'b';
    expect(
      (
        await run([
          '--from',
          withPassword.toString(),
          '--to',
          server.url,
          '--practice',
          moved,
          '--from-admin-file',
          from,
          '--to-admin-file',
          to,
        ])
      ).code,
    ).toBe(2);
    expect(
      (
        await run([
          '--from',
          'http://127.0.0.1:9',
          '--to',
          server.url,
          '--practice',
          moved,
          '--from-admin-file',
          from,
          '--to-admin-file',
          to,
        ])
      ).code,
    ).toBe(3);
    // A wrong password only for a throw-away user (CouchDB locks an account out after 5 failures).
    const throwAway = await server.createUser('not-an-admin');
    const wrong = await run([
      '--from',
      source.url,
      '--to',
      server.url,
      '--practice',
      moved,
      '--from-admin-file',
      from,
      '--to-admin-file',
      adminFile('wrong', { ...throwAway, password: 'wrong' }),
    ]);
    expect(wrong.code).toBe(4);
    expect(wrong.out).toMatch(/Wrong admin name or password for the target/);
    const missing = await run([
      '--from',
      source.url,
      '--to',
      server.url,
      '--practice',
      server.name('nowhere'),
      '--from-admin-file',
      from,
      '--to-admin-file',
      to,
    ]);
    expect(missing.code).toBe(1);
    expect(missing.out).toMatch(/is not on/);
  });
});
