/**
 * The guard's pure parts (scripts/lib/couch-guard.ts): how a request target is read, which route
 * it is, which Host names are this server's; and the sync-server command line, which takes no
 * passwords. The HTTP behaviour is tested against real servers in security.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { hostName, isAllowedHost, isMemberOf, parseTarget, routeOf, type RequestTarget } from '../../scripts/lib/couch-guard';
import { parseCli } from '../../scripts/sync-server';

const route = (method: string, url: string) => {
  const t = parseTarget(url);
  if ('error' in t) return { kind: 'parse-error', reason: t.error };
  return routeOf(method, t as RequestTarget);
};
const DB = '/tutordesk-demo-students';

describe('request targets', () => {
  it('refuses what could be read two ways', () => {
    for (const bad of ['//x', `${DB}//x`, `${DB}/./x`, `${DB}/%2e%2e/x`, `${DB}/%zz`, `${DB}?filter[]=_selector`, 'x', `${DB}/a\\b`]) {
      expect(route('GET', bad).kind, bad).toBe('parse-error');
    }
    expect(parseTarget(`${DB}/`)).toMatchObject({ segments: ['tutordesk-demo-students'] });
    expect(parseTarget(`${DB}/_design%2Ftutordesk`)).toMatchObject({ segments: ['tutordesk-demo-students', '_design/tutordesk'] });
  });

  it('allows exactly the routes the app uses to practice users', () => {
    const db = (write: boolean, document: boolean) => ({ kind: 'db', db: 'tutordesk-demo-students', write, document });
    expect(route('GET', DB)).toEqual(db(false, false));
    expect(route('HEAD', DB)).toEqual(db(false, false));
    expect(route('GET', `${DB}/_changes?feed=longpoll&since=0&include_docs=true`)).toEqual(db(false, false));
    expect(route('POST', `${DB}/_changes?filter=_doc_ids`)).toEqual(db(false, false));
    expect(route('POST', `${DB}/_bulk_docs`)).toEqual(db(true, false));
    expect(route('POST', `${DB}/_bulk_get?revs=true`)).toEqual(db(false, false));
    expect(route('POST', `${DB}/_all_docs`)).toEqual(db(false, false));
    expect(route('GET', `${DB}/_all_docs?keys=["a"]`)).toEqual(db(false, false));
    expect(route('POST', `${DB}/_revs_diff`)).toEqual(db(false, false));
    expect(route('PUT', `${DB}/_local/checkpoint`)).toEqual(db(true, true));
    expect(route('GET', `${DB}/_local%2Fcheckpoint`)).toEqual(db(false, true));
    expect(route('PUT', `${DB}/stu-1`)).toEqual(db(true, true));
    expect(route('DELETE', `${DB}/stu-1?rev=1-a`)).toEqual(db(true, true));
    expect(route('GET', '/_users/org.couchdb.user:alice')).toEqual({ kind: 'own-user', name: 'alice' });
    // The rules document may be read by members (the Sync screen compares it), nothing else of design documents.
    expect(route('GET', `${DB}/_design/tutordesk`)).toEqual(db(false, true));
    expect(route('GET', `${DB}/_design%2Ftutordesk`)).toEqual(db(false, true));
    for (const open of [
      ['GET', '/'],
      ['GET', '/_up'],
      ['GET', '/_session'],
      ['POST', '/_session'],
      ['DELETE', '/_session'],
    ])
      expect(route(open[0]!, open[1]!).kind).toBe('open');
  });

  it('refuses everything else to practice users, and the crash filters to everyone', () => {
    for (const [m, u] of [
      ['POST', `${DB}/_find`],
      ['POST', `${DB}/_index`],
      ['POST', `${DB}/_explain`],
      ['GET', `${DB}/_design/tutordesk?attachments=true`],
      ['PUT', `${DB}/_design/tutordesk`],
      ['GET', `${DB}/_design/other`],
      ['PUT', `${DB}/_design%2Fprobe`],
      ['GET', `${DB}/_design/x/_view/y`],
      ['POST', `${DB}/_temp_view`],
      ['PUT', `${DB}/_security`],
      ['GET', `${DB}/stu-1/attachment.png`],
      ['GET', `${DB}/_changes?feed=continuous`],
      ['POST', DB],
      ['PUT', DB],
      ['GET', '/_all_dbs'],
      ['GET', '/_config'],
      ['POST', '/_replicate'],
      ['PUT', '/_users/org.couchdb.user:evil'],
      ['POST', '/_users/_find'],
      ['GET', '/other-db'],
      ['GET', '/_node/_local/_config/admins'],
    ] as const) {
      expect(route(m, u).kind, `${m} ${u}`).toBe('admin-only');
    }
    expect(route('GET', `${DB}/_changes?filter=_selector`)).toMatchObject({ kind: 'bad', status: 400 });
    expect(route('PUT', '/_node/_local/_config/cors/origins')).toEqual({ kind: 'config', section: 'cors', key: 'origins' });
  });
});

describe('host names and membership', () => {
  it('loopback names and the configured public names only', () => {
    expect(hostName('LocalHost:5984')).toBe('localhost');
    expect(hostName('[::1]:5984')).toBe('[::1]');
    for (const ok of ['127.0.0.1:5984', 'localhost', '[::1]:1', '127.1.2.3']) expect(isAllowedHost(ok, []), ok).toBe(true);
    for (const bad of [undefined, '', 'evil.example', 'evil.example:5984', '127.0.0.1.evil.example', 'localhost.evil.example', 'a b'])
      expect(isAllowedHost(bad, []), String(bad)).toBe(false);
    expect(isAllowedHost('Couch.Example.org:443', ['couch.example.org'])).toBe(true);
  });

  it('membership by name or role, members or admins', () => {
    const sec = { members: { names: ['ann'], roles: ['tutordesk-demo'] }, admins: { names: [], roles: [] } };
    expect(isMemberOf({ name: 'x', roles: ['tutordesk-demo'] }, sec)).toBe(true);
    expect(isMemberOf({ name: 'ann', roles: [] }, sec)).toBe(true);
    expect(isMemberOf({ name: 'x', roles: ['tutordesk-other'] }, sec)).toBe(false);
    expect(isMemberOf({ name: 'root', roles: ['_admin'] }, sec)).toBe(true);
  });
});

describe('sync-server command line', () => {
  it('takes no passwords', () => {
    for (const args of [
      ['--admin', 'boss:secret'],
      ['--tutor', 'alice:pw'],
      ['--admin-user', 'maria:pw'],
    ]) {
      expect(() => parseCli([...args, '--data', '/tmp/tutordesk-never-created'])).toThrow(/never on the command line/);
    }
    const parsed = parseCli([
      '--tutor',
      'alice',
      '--public-name',
      'couch.example.org',
      '--max-request-mb',
      '8',
      '--data',
      '/tmp/tutordesk-never-created',
    ]);
    expect(parsed).not.toBe('help');
    if (parsed !== 'help') {
      expect(parsed.options.publicNames).toEqual(['couch.example.org']);
      expect(parsed.options.limits).toEqual({ maxRequestBytes: 8 * 1024 * 1024 });
      expect(parsed.options.users).toEqual([{ username: 'alice', role: 'tutor' }]);
    }
  });
});
