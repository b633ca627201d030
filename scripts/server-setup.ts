/**
 * `npm run server:setup -- --url http://127.0.0.1:5984 --admin admin:secret --practice demo
 *     [--tutor alice:pw]... [--admin-user bob:pw]... [--staff-id alice=<staffId>]...`
 *
 * Provisions (or upgrades) a practice on an existing CouchDB-compatible server: databases,
 * _security, validate_doc_update design documents, users. Safe to re-run. See docs/sync.md.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseUserArg, provisionPractice, type PracticeUserSpec } from './lib/couch-provision';
import { CouchError } from './lib/couch-http';
import { assertPracticeId } from '../src-shared/sync/names';

const USAGE = `Usage: npm run server:setup -- --url <server URL> --admin <name:password> --practice <id>
         [--tutor name:password]... [--admin-user name:password]... [--staff-id name=<staff id>]...

  --url         CouchDB 3.x / Cloudant / PouchDB Server address, e.g. https://couch.example.org
  --admin       a server admin (creates databases, users, design documents)
  --practice    practice id: lower-case letters, digits, - and _ (e.g. "riverside")
  --tutor       a tutor user (may only change their own lessons, occurrences and notes)
  --admin-user  a practice admin user (staff, settings, voiding invoices, credit notes)
  --staff-id    link a user to an existing staff record; otherwise the staff record whose
                username is the user's name is used, or a new one is created`;

/** Exit codes: 0 ok, 2 usage, 3 server unreachable / TLS, 4 wrong admin credentials, 1 other. */
export async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        url: { type: 'string' },
        admin: { type: 'string' },
        practice: { type: 'string' },
        tutor: { type: 'string', multiple: true },
        'admin-user': { type: 'string', multiple: true },
        'staff-id': { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    console.error(`server:setup: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.url || !values.admin || !values.practice) {
    console.error(`server:setup: --url, --admin and --practice are required.\n\n${USAGE}`);
    return 2;
  }
  let users: PracticeUserSpec[];
  let admin: { username: string; password: string };
  try {
    assertPracticeId(values.practice);
    const u = new URL(values.url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`--url must start with http:// or https:// (got ${values.url})`);
    const a = parseUserArg(values.admin, 'admin');
    admin = { username: a.username, password: a.password };
    users = [...(values['admin-user'] ?? []).map((s) => parseUserArg(s, 'admin')), ...(values.tutor ?? []).map((s) => parseUserArg(s, 'tutor'))];
    for (const link of values['staff-id'] ?? []) {
      const i = link.indexOf('=');
      const name = link.slice(0, i);
      const user = users.find((x) => x.username === name);
      if (i <= 0 || !user) throw new Error(`--staff-id ${link}: expected name=<staff id> for a user given with --tutor or --admin-user`);
      user.staffId = link.slice(i + 1);
    }
    const names = users.map((x) => x.username);
    if (new Set(names).size !== names.length) throw new Error('A user is given twice');
    if (names.includes(admin.username)) throw new Error(`"${admin.username}" is the server admin; practice users need other names`);
  } catch (e) {
    console.error(`server:setup: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  try {
    const report = await provisionPractice({ url: values.url, admin, practice: values.practice, users, log: (l) => console.log(l) });
    const created = report.databases.filter((d) => d.created).length;
    const upgraded = report.databases.filter((d) => d.designDoc !== 'unchanged').length;
    console.log(
      `Practice "${values.practice}" is ready on ${values.url}: ${report.databases.length} databases (${created} new), ` +
        `${upgraded} rule set(s) installed or upgraded, ${report.users.length} user(s).`,
    );
    return 0;
  } catch (e) {
    if (e instanceof CouchError) {
      console.error(`server:setup: ${e.message}`);
      if (e.kind === 'unreachable' || e.kind === 'tls') return 3;
      if (e.kind === 'unauthorized' || e.kind === 'forbidden') return 4;
      return 1;
    }
    console.error(`server:setup: ${(e as Error).message}`);
    return 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
