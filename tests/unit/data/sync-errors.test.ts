/**
 * How the sync client names what went wrong (src-renderer/src/data/sync/errors.ts), from the
 * answers Apache CouchDB 3.5 and PouchDB Server were measured to give
 * (../shared/notes/couchdb-compat.md), and the sync HTTP contract both hosts follow
 * (src-shared/sync/http-contract.ts).
 */
import { describe, expect, it } from 'vitest';
import {
  LOCKOUT_MS,
  NEEDS_USER_ACTION,
  errorFromHttp,
  errorFromNetworkCode,
  kindForNetworkCode,
} from '../../../src-renderer/src/data/sync/errors';
import {
  ERROR_HEADER,
  NETWORK_ERROR_CODES,
  allowedRequestHeaders,
  basicAuthHeader,
  networkErrorCodeOf,
  networkFailure,
  resolveSyncUrl,
} from '../../../src-shared/sync/http-contract';

describe('errors told apart', () => {
  const now = new Date('2026-03-01T10:00:00Z');

  it('a wrong or changed password (401 from CouchDB and PouchDB Server)', () => {
    for (const reason of ['Name or password is incorrect.', 'Authentication required.']) {
      expect(errorFromHttp(401, { error: 'unauthorized', reason }, '/_session', now)).toMatchObject({
        kind: 'wrong-credentials',
        details: { status: 401, serverReason: reason },
      });
    }
  });

  it('CouchDB 3.5’s login lockout: account locked, with when to try again (about 5 minutes)', () => {
    const e = errorFromHttp(
      403,
      { error: 'forbidden', reason: 'Account is temporarily locked due to multiple authentication failures' },
      '/tutordesk-demo-students/_changes?since=0',
      now,
    )!;
    expect(e.kind).toBe('account-locked');
    expect(e.message).toMatch(/locked this account for about 5 minutes/);
    expect(e.details.retryAfter).toBe(new Date(now.getTime() + LOCKOUT_MS).toISOString());
    expect(LOCKOUT_MS).toBe(5 * 60_000);
    expect(e.action).toMatch(/Wait a few minutes/);
    expect(NEEDS_USER_ACTION.has('account-locked')).toBe(true);
  });

  it('not a member: CouchDB’s 403 and PouchDB Server’s 401 on a database', () => {
    expect(
      errorFromHttp(403, { error: 'forbidden', reason: 'You are not allowed to access this db.' }, '/tutordesk-demo-students', now),
    ).toMatchObject({ kind: 'not-member', message: 'This user may not use the practice database tutordesk-demo-students.' });
    expect(
      errorFromHttp(
        401,
        { error: 'unauthorized', reason: 'You are not authorized to access this db.' },
        '/tutordesk-demo-students/_all_docs',
        now,
      ),
    ).toMatchObject({ kind: 'not-member' });
  });

  it('practice missing; a missing document and conflicts are left to the caller; other statuses are server errors', () => {
    expect(errorFromHttp(404, { error: 'not_found', reason: 'Database does not exist.' }, '/tutordesk-x-students', now)).toMatchObject({
      kind: 'database-missing',
      message: 'The practice database tutordesk-x-students does not exist on the server.',
    });
    expect(errorFromHttp(404, { error: 'not_found', reason: 'missing' }, '/db/doc', now)).toBeNull();
    expect(errorFromHttp(409, { error: 'conflict' }, '/db/_bulk_docs', now)).toBeNull();
    expect(errorFromHttp(500, { error: 'unknown_error', reason: 'function_clause' }, '/db/_bulk_docs', now)).toMatchObject({
      kind: 'server-error',
      message: 'The server answered 500: function_clause',
    });
  });

  it('requests that got no answer, by the host’s code', () => {
    expect(NETWORK_ERROR_CODES.map((c) => [c, kindForNetworkCode(c)])).toEqual([
      ['connection-refused', 'unreachable'],
      ['dns', 'unreachable'],
      ['unreachable', 'unreachable'],
      ['tls', 'tls'],
      ['timeout', 'timeout'],
      ['connection-reset', 'unreachable'],
      ['aborted', 'unreachable'],
      ['response-too-large', 'server-error'],
      ['offline', 'offline'],
      ['cors', 'cors'],
      ['not-configured', 'not-configured'],
      ['network', 'unreachable'],
    ]);
    expect(errorFromNetworkCode('cors', 'not allowed').action).toMatch(/server:setup with --cors/);
  });
});

describe('the sync HTTP contract', () => {
  it('builds the same basic-auth header as Node’s Buffer, for any characters', () => {
    for (const [u, p] of [
      ['ana', 'pä55:word'],
      ['zoë', '€ and 😀'],
      ['a', ''],
      ['ab', 'c'],
    ]) {
      expect(basicAuthHeader(u!, p!)).toBe(`Basic ${Buffer.from(`${u}:${p}`, 'utf8').toString('base64')}`);
    }
  });

  it('passes only allowed request headers, names in lower case, asking for JSON', () => {
    expect(allowedRequestHeaders({ Authorization: 'Basic x', Cookie: 'a=b', 'Content-Type': 'application/json', Host: 'evil' })).toEqual({
      'content-type': 'application/json',
      accept: 'application/json',
    });
  });

  it('answers a failed request with status 0 and a code in one header', () => {
    const r = networkFailure('tls', 'The certificate has expired.');
    expect(r).toMatchObject({ status: 0, statusText: 'The certificate has expired.', headers: { [ERROR_HEADER]: 'tls' } });
    expect(ERROR_HEADER).toBe('x-tutordesk-error');
    expect(networkErrorCodeOf(r)).toBe('tls');
    expect(networkErrorCodeOf({ headers: {} })).toBe('network');
  });

  it('keeps requests on the configured server and its path prefix', () => {
    expect(resolveSyncUrl('https://h.example/couch', '/db/_changes?since=0').href).toBe('https://h.example/couch/db/_changes?since=0');
    expect(() => resolveSyncUrl('https://h.example/couch', '/../x')).toThrow(/not on the configured sync server/);
  });
});
