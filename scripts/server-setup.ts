/**
 * `npm run server:setup -- --url https://couch.example.org --admin admin --practice demo
 *     [--admin-password-file FILE] [--tutor alice]... [--admin-user bob]... [--passwords-file FILE]
 *     [--staff-id alice=<staffId>]... [--cors https://app.example.org]... [--require-login] [--check]`
 *
 * Provisions (or upgrades) a practice on an existing CouchDB-compatible server: databases,
 * _security, validate_doc_update design documents, users, documents of older versions; optionally
 * CORS and logins required server-wide. Safe to re-run. `--check` only reports what differs.
 * Passwords come from files or the terminal, never from the command line. See docs/sync.md.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  checkPractice,
  configEntries,
  configureServer,
  parseUserName,
  provisionPractice,
  type PracticeUserSpec,
} from './lib/couch-provision';
import { CouchError } from './lib/couch-http';
import { canPrompt, NO_PASSWORDS_IN_ARGV, promptHidden, promptNewPassword, readPasswordFile, readPasswordsFile } from './lib/secret-input';
import { assertPracticeId } from '../src-shared/sync/names';

const USAGE = `Usage: npm run server:setup -- --url <server URL> --admin <name> --practice <id>
         [--admin-password-file <file>] [--tutor <name>]... [--admin-user <name>]...
         [--passwords-file <file>] [--staff-id <name>=<staff id>]...
         [--cors <origin>]... [--require-login] [--check]

  --url                  CouchDB 3.x / Cloudant / PouchDB Server address, e.g. https://couch.example.org
  --admin                a server admin's name (creates databases, users, design documents)
  --admin-password-file  a file whose first line is that admin's password (else it is asked for)
  --practice             practice id: lower-case letters, digits, - and _ (e.g. "riverside")
  --tutor                a tutor user (may only change their own lessons, occurrences and notes)
  --admin-user           a practice admin user (staff, settings, voiding invoices, credit notes)
  --passwords-file       lines "name:password" for the users; users not in it are asked for on
                         the terminal (empty keeps an existing user's password)
  --staff-id             link a user to an existing staff record; otherwise the staff record whose
                         username is the user's name is used, or a new one is created
  --cors                 allow a browser build served from this origin (CouchDB: [chttpd] enable_cors,
                         [cors] origins, credentials, methods, headers; on every node of a cluster)
  --require-login        logins required for everything but /_up
                         ([chttpd] require_valid_user_except_for_up = true)
  --check                change nothing: report (exit code 5) what differs from what this version
                         would install (missing databases, _security, rules, extra design documents,
                         documents of older versions)

Passwords are never given on the command line.
Exit codes: 0 ok, 2 bad arguments, 3 server unreachable or TLS problem, 4 wrong admin name or
password, 5 --check found differences, 1 other.`;

/** Exit codes: 0 ok, 2 usage, 3 server unreachable / TLS, 4 wrong admin credentials, 5 check found differences, 1 other. */
export async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        url: { type: 'string' },
        admin: { type: 'string' },
        'admin-password-file': { type: 'string' },
        practice: { type: 'string' },
        tutor: { type: 'string', multiple: true },
        'admin-user': { type: 'string', multiple: true },
        'passwords-file': { type: 'string' },
        'staff-id': { type: 'string', multiple: true },
        cors: { type: 'string', multiple: true },
        'require-login': { type: 'boolean' },
        check: { type: 'boolean' },
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
    if (values.admin.includes(':'))
      throw new Error(`--admin ${values.admin.slice(0, values.admin.indexOf(':'))}:…: ${NO_PASSWORDS_IN_ARGV}`);
    assertPracticeId(values.practice);
    const u = new URL(values.url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`--url must start with http:// or https:// (got ${values.url})`);
    if (u.username || u.password) throw new Error(`--url must not contain a name or password (${NO_PASSWORDS_IN_ARGV})`);
    const adminName = parseUserName(values.admin);
    configEntries({ ...(values.cors?.length ? { corsOrigins: values.cors } : {}) }); // checks the origins
    users = [
      ...(values['admin-user'] ?? []).map((s) => ({ username: parseUserName(s), role: 'admin' as const })),
      ...(values.tutor ?? []).map((s) => ({ username: parseUserName(s), role: 'tutor' as const })),
    ];
    for (const link of values['staff-id'] ?? []) {
      const i = link.indexOf('=');
      const name = link.slice(0, i);
      const user = users.find((x) => x.username === name);
      if (i <= 0 || !user) throw new Error(`--staff-id ${link}: expected name=<staff id> for a user given with --tutor or --admin-user`);
      user.staffId = link.slice(i + 1);
    }
    const names = users.map((x) => x.username);
    if (new Set(names).size !== names.length) throw new Error('A user is given twice');
    if (names.includes(adminName)) throw new Error(`"${adminName}" is the server admin; practice users need other names`);
    let adminPassword: string;
    if (values['admin-password-file']) adminPassword = readPasswordFile(values['admin-password-file']);
    else if (canPrompt()) adminPassword = await promptHidden(`Password of the server admin ${adminName}: `);
    else throw new Error(`give the server admin's password with --admin-password-file (${NO_PASSWORDS_IN_ARGV})`);
    admin = { username: adminName, password: adminPassword };
    if (!values.check) {
      const file = values['passwords-file'] ? readPasswordsFile(values['passwords-file']) : new Map<string, string>();
      for (const user of users) {
        const pw = file.get(user.username);
        if (pw !== undefined) user.password = pw;
        else if (canPrompt()) {
          const typed = await promptNewPassword(
            `${user.username} (${user.role === 'admin' ? 'practice admin' : 'tutor'}; empty keeps an existing user's password)`,
            0,
          );
          if (typed) user.password = typed;
        }
      }
    }
  } catch (e) {
    console.error(`server:setup: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  try {
    if (values.check) {
      const { server, differences } = await checkPractice({ url: values.url, admin, practice: values.practice });
      console.log(`Server: ${server.vendor} ${server.version} at ${values.url}`);
      if (!differences.length) {
        console.log(`Practice "${values.practice}" is as this version of server:setup installs it.`);
        return 0;
      }
      console.log(`Practice "${values.practice}" differs from what this version of server:setup installs (${differences.length}):`);
      for (const d of differences) console.log(`  - ${d}`);
      console.log(`Nothing was changed. Run server:setup without --check to install the rules and _security again.`);
      return 5;
    }
    const report = await provisionPractice({ url: values.url, admin, practice: values.practice, users, log: (l) => console.log(l) });
    const settings = {
      ...(values.cors?.length ? { corsOrigins: values.cors } : {}),
      ...(values['require-login'] ? { requireLogin: true } : {}),
    };
    const configured = await configureServer(values.url, admin, settings, (l) => console.log(l));
    const created = report.databases.filter((d) => d.created).length;
    const upgraded = report.databases.filter((d) => d.designDoc !== 'unchanged').length;
    console.log(
      `Practice "${values.practice}" is ready on ${values.url}: ${report.databases.length} databases (${created} new), ` +
        `${upgraded} rule set(s) installed or upgraded, ${report.users.length} user(s)${configured.length ? `, ${configured.length} server setting(s)` : ''}.`,
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
