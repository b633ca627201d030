/**
 * The main process's mail service (src-main/mail) against a real SMTP server (smtp-server) on
 * 127.0.0.1: what arrives is parsed with mailparser, the PDF attachment is rendered by Debian's
 * Chromium (Playwright, no download) and read back with pdftotext. TLS tests use a self-signed
 * certificate made with openssl at test time.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { chromium, type Browser } from 'playwright';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SafeStorageLike } from '../../../src-main/credentials';
import { MailAccountStore } from '../../../src-main/mail/account';
import { MailJournal } from '../../../src-main/mail/journal';
import { createMailService, MAIL_JOURNAL_FILE, messageIdFor, type MailServiceOptions } from '../../../src-main/mail/service';
import { AUTH_ADVICE, classifyMailError, smtpOptions } from '../../../src-main/mail/transport';
import type { OutgoingMail, SmtpSettings } from '../../../src-shared/mail/contract';

/** Electron's safeStorage stand-in: real AES-256-GCM with a key held in memory (the "keychain"). */
function fakeSafeStorage(opts: { available?: boolean; backend?: string } = {}): SafeStorageLike {
  const key = randomBytes(32);
  return {
    isEncryptionAvailable: () => opts.available ?? true,
    encryptString(plain: string) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    decryptString(enc: Buffer) {
      const d = createDecipheriv('aes-256-gcm', key, enc.subarray(0, 12));
      d.setAuthTag(enc.subarray(12, 28));
      return Buffer.concat([d.update(enc.subarray(28)), d.final()]).toString('utf8');
    },
    ...(opts.backend ? { getSelectedStorageBackend: () => opts.backend! } : {}),
  };
}

const USER = 'office@tutor.example';
const PASSWORD = 'app-pw Ünïcødé-€-5ecret';
const REFUSED_SENDER = 'nobody@tutor.example';
const REFUSED_RECIPIENT = 'gone@families.example';
const FAMILY = `Zoë O'Brien & <Sons> "Ltd"`;

interface Received {
  raw: Buffer;
  accepted: boolean;
}

interface TestServer {
  port: number;
  received: Received[];
  accepted(): Received[];
  /** Make the next DATA stall before answering; resolves when its message has fully arrived. */
  stallNext(): Promise<void>;
  sockets: Set<Socket>;
  close(): Promise<void>;
}

async function startSmtp(opts: { port?: number; tls?: { key: string; cert: string }; secure?: boolean; noSTARTTLS?: boolean } = {}) {
  const received: Received[] = [];
  const sockets = new Set<Socket>();
  let stall: (() => void) | null = null;
  const options: SMTPServerOptions = {
    authOptional: false,
    allowInsecureAuth: true,
    logger: false,
    secure: opts.secure ?? false,
    ...(opts.noSTARTTLS ? { disabledCommands: ['STARTTLS'] } : {}),
    ...(opts.tls ?? {}),
    onAuth(auth, _session, cb) {
      if (auth.username === USER && auth.password === PASSWORD) return cb(null, { user: USER });
      cb(Object.assign(new Error('5.7.8 Username and Password not accepted'), { responseCode: 535 }));
    },
    onMailFrom(address, _session, cb) {
      if (address.address === REFUSED_SENDER) {
        return cb(Object.assign(new Error(`5.7.1 Sender address rejected: not owned by user ${USER}`), { responseCode: 553 }));
      }
      cb();
    },
    onRcptTo(address, _session, cb) {
      if (address.address === REFUSED_RECIPIENT) {
        return cb(Object.assign(new Error('5.1.1 Recipient address rejected: User unknown'), { responseCode: 550 }));
      }
      cb();
    },
    onData(stream, _session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const entry: Received = { raw: Buffer.concat(chunks), accepted: false };
        received.push(entry);
        if (stall) {
          const arrived = stall;
          stall = null;
          arrived(); // never answers: the client waits for the 250
          return;
        }
        entry.accepted = true;
        cb(null, `2.0.0 Ok: queued as Q${received.length}`);
      });
    },
  };
  const server = new SMTPServer(options);
  server.server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  const t: TestServer = {
    port,
    received,
    accepted: () => received.filter((r) => r.accepted),
    stallNext: () => new Promise<void>((resolve) => (stall = resolve)),
    sockets,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return t;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

const settings = (port: number, extra: Partial<SmtpSettings> = {}): SmtpSettings => ({
  host: '127.0.0.1',
  port,
  security: 'none',
  username: USER,
  password: PASSWORD,
  fromName: `Ana's Tutoring & "Co"`,
  fromAddress: USER,
  replyTo: 'ana@tutor.example',
  ...extra,
});

let seq = 0;
const mailOf = (extra: Partial<OutgoingMail> = {}): OutgoingMail => ({
  id: `msg_${Date.now().toString(36)}_${++seq}`,
  to: [{ name: FAMILY, address: 'family@families.example' }],
  subject: `Invoice for ${FAMILY}`,
  text: `Dear ${FAMILY},\n\nplease find the invoice attached.`,
  html: `<p>Dear Zoë O&#39;Brien &amp; &lt;Sons&gt; &quot;Ltd&quot;,</p><p>please find the invoice attached.</p>`,
  attachments: [],
  ...extra,
});

const parse = (r: Received) => simpleParser(r.raw);
const first = (a: AddressObject | AddressObject[] | undefined) => (Array.isArray(a) ? a[0] : a)?.value ?? [];

let browser: Browser;
let dir: string;
let safe: SafeStorageLike;
let servers: TestServer[];
const fast = { connectionTimeout: 3000, greetingTimeout: 3000, socketTimeout: 8000 };

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'td-mail-'));
  safe = fakeSafeStorage();
  servers = [];
});
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await rm(dir, { recursive: true, force: true });
});

const renderPdf: MailServiceOptions['renderPdf'] = async (html, pageSize) => {
  const page = await browser.newPage();
  try {
    await page.setContent(html);
    return await page.pdf({ format: pageSize });
  } finally {
    await page.close();
  }
};

function service(extra: Partial<MailServiceOptions> = {}) {
  return createMailService({ dir, safeStorage: safe, platform: 'darwin', renderPdf, transportOptions: fast, ...extra });
}
async function server(opts: Parameters<typeof startSmtp>[0] = {}) {
  const s = await startSmtp(opts);
  servers.push(s);
  return s;
}
async function journalLines(): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(join(dir, MAIL_JOURNAL_FILE), 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('mail service against a real SMTP server', () => {
  it('sends From with the display name, Reply-To, To, Subject, text + HTML and a PDF made from HTML', async () => {
    const smtp = await server();
    const mail = service();
    await mail.saveAccount(settings(smtp.port));
    const m = mailOf({
      attachments: [{ filename: 'INV-0042 Zoë', pdfHtml: '<h1>Invoice INV-0042</h1><p>Total due: 120.00</p>', pageSize: 'A4' }],
    });
    const result = await mail.send(m);
    expect(result).toMatchObject({ status: 'sent', alreadySent: false, messageId: `<${m.id}@tutor.example>` });
    if (result.status !== 'sent') throw new Error('not sent');
    expect(result.response).toMatch(/^250 .*queued as Q1/);
    expect(Date.parse(result.acceptedAt)).not.toBeNaN();

    expect(smtp.accepted()).toHaveLength(1);
    const parsed: ParsedMail = await parse(smtp.accepted()[0]!);
    expect(first(parsed.from)).toEqual([{ name: `Ana's Tutoring & "Co"`, address: USER }]);
    expect(first(parsed.replyTo)).toEqual([{ name: '', address: 'ana@tutor.example' }]);
    expect(first(parsed.to)).toEqual([{ name: FAMILY, address: 'family@families.example' }]);
    expect(parsed.subject).toBe(`Invoice for ${FAMILY}`);
    expect(parsed.messageId).toBe(`<${m.id}@tutor.example>`);
    expect(parsed.text?.trim()).toBe(m.text);
    // The HTML arrives as the renderer escaped it: the name is text, not markup.
    expect(parsed.html).toContain('Dear Zoë O&#39;Brien &amp; &lt;Sons&gt; &quot;Ltd&quot;,');
    expect(parsed.html).not.toContain('<Sons>');
    // The raw headers are encoded (no raw 8-bit, the quotes of the name do not break the header).
    expect(/[^\x00-\x7f]/.test(smtp.accepted()[0]!.raw.toString('latin1').split('\r\n\r\n')[0]!)).toBe(false);

    expect(parsed.attachments).toHaveLength(1);
    const pdf = parsed.attachments[0]!;
    expect(pdf.contentType).toBe('application/pdf');
    expect(pdf.filename).toBe('INV-0042 Zoë.pdf');
    expect(pdf.content.subarray(0, 5).toString()).toBe('%PDF-');
    const file = join(dir, 'attachment.pdf');
    await writeFile(file, pdf.content);
    const text = execFileSync('/usr/bin/pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
    expect(text).toContain('Invoice INV-0042');
    expect(text).toContain('Total due: 120.00');
  });

  it('sends to every recipient, with ready bytes as attachments', async () => {
    const smtp = await server();
    const mail = service();
    await mail.saveAccount(settings(smtp.port, { replyTo: '' }));
    const ics = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n';
    const result = await mail.send(
      mailOf({
        to: [
          { name: 'Mum', address: 'mum@families.example' },
          { name: '', address: 'dad@families.example' },
        ],
        attachments: [{ filename: 'lessons.ics', contentType: 'text/calendar', base64: Buffer.from(ics).toString('base64') }],
      }),
    );
    expect(result.status).toBe('sent');
    const parsed = await parse(smtp.accepted()[0]!);
    expect(first(parsed.to).map((a) => a.address)).toEqual(['mum@families.example', 'dad@families.example']);
    expect(parsed.replyTo).toBeUndefined();
    expect(parsed.attachments[0]).toMatchObject({ filename: 'lessons.ics', contentType: 'text/calendar' });
    expect(parsed.attachments[0]!.content.toString()).toBe(ics);
  });

  it('the same id sent twice (and twice at once) goes out once; the second answer says alreadySent', async () => {
    const smtp = await server();
    const mail = service();
    await mail.saveAccount(settings(smtp.port));
    const m = mailOf();
    const [a, b] = await Promise.all([mail.send(m), mail.send(m)]);
    expect(a).toEqual(b);
    expect(a).toMatchObject({ status: 'sent', alreadySent: false });
    const again = await mail.send(m);
    expect(again).toMatchObject({ status: 'sent', alreadySent: true, messageId: a.status === 'sent' ? a.messageId : '' });
    // A new instance (an app restart) reads the journal and does not send either.
    const afterRestart = await service().send(m);
    expect(afterRestart).toMatchObject({ status: 'sent', alreadySent: true });
    expect(smtp.received).toHaveLength(1);
    expect((await journalLines()).map((l) => l['state'])).toEqual(['sending', 'sent']);
  });

  it('wrong password: kind auth with the advice and the server text; nothing recorded as sent', async () => {
    const smtp = await server();
    const mail = service();
    await mail.saveAccount(settings(smtp.port, { password: 'wrong' }));
    const m = mailOf();
    const result = await mail.send(m);
    expect(result).toEqual({
      status: 'failed',
      kind: 'auth',
      reason: `${AUTH_ADVICE} The server said: "535 5.7.8 Username and Password not accepted".`,
      retryable: false,
    });
    expect(smtp.received).toHaveLength(0);
    expect((await journalLines()).some((l) => l['state'] === 'sent')).toBe(false);
    expect(await new MailJournal(join(dir, MAIL_JOURNAL_FILE)).get(m.id)).toMatchObject({ state: 'failed' });
    const test = await mail.sendTest({ to: 'me@tutor.example' });
    expect(test).toMatchObject({ ok: false, kind: 'auth' });
    // The right password (saved without re-typing the rest) then sends it, once.
    await mail.saveAccount(settings(smtp.port));
    expect(await mail.send(m)).toMatchObject({ status: 'sent', alreadySent: false });
    expect(smtp.accepted()).toHaveLength(1);
  });

  it('a refused sender and a refused recipient say which, with the server text', async () => {
    const smtp = await server();
    const mail = service();
    await mail.saveAccount(settings(smtp.port, { fromAddress: REFUSED_SENDER }));
    const sender = await mail.send(mailOf());
    expect(sender).toEqual({
      status: 'failed',
      kind: 'sender-refused',
      reason:
        `The mail server refused the sender address ${REFUSED_SENDER}. Most servers only send from the account's own address or an alias set up with the provider.` +
        ` The server said: "553 5.7.1 Sender address rejected: not owned by user ${USER}".`,
      retryable: false,
    });

    await mail.saveAccount(settings(smtp.port));
    const recipient = await mail.send(mailOf({ to: [{ name: 'Gone', address: REFUSED_RECIPIENT }] }));
    expect(recipient).toEqual({
      status: 'failed',
      kind: 'recipient-refused',
      reason: `The mail server refused the recipient ${REFUSED_RECIPIENT}. Check the address. The server said: "550 5.1.1 Recipient address rejected: User unknown".`,
      retryable: false,
    });
    expect(smtp.received).toHaveLength(0);

    // One of two refused: the other gets it, the id is sent, the answer names the refused one.
    const partial = await mail.send(
      mailOf({
        to: [
          { name: 'Mum', address: 'mum@families.example' },
          { name: 'Gone', address: REFUSED_RECIPIENT },
        ],
      }),
    );
    expect(partial).toMatchObject({ status: 'sent', response: expect.stringContaining(`(refused: ${REFUSED_RECIPIENT})`) });
    expect(smtp.accepted()).toHaveLength(1);
  });

  it('an unreachable host names host:port and is retryable; not configured says so', async () => {
    const port = await freePort();
    const mail = service();
    expect(await mail.send(mailOf())).toMatchObject({ status: 'failed', kind: 'not-configured', retryable: true });
    expect(await mail.sendTest({ to: 'me@tutor.example' })).toMatchObject({ ok: false, kind: 'not-configured', retryable: true });
    await mail.saveAccount(settings(port));
    expect(await mail.send(mailOf())).toEqual({
      status: 'failed',
      kind: 'unreachable',
      reason: `Could not reach the mail server 127.0.0.1:${port}: the connection was refused. Check the server name and port.`,
      retryable: true,
    });
  });

  it('server down → failed and retryable; server back → sent exactly once', async () => {
    const port = await freePort();
    const mail = service();
    await mail.saveAccount(settings(port));
    const m = mailOf();
    const down = await mail.send(m);
    expect(down).toMatchObject({ status: 'failed', kind: 'unreachable', retryable: true });
    const smtp = await server({ port });
    const up = await mail.send(m);
    expect(up).toMatchObject({ status: 'sent', alreadySent: false, messageId: messageIdFor(m.id, USER) });
    expect(await mail.send(m)).toMatchObject({ status: 'sent', alreadySent: true });
    expect(smtp.received).toHaveLength(1);
    expect((await journalLines()).map((l) => l['state'])).toEqual(['sending', 'failed', 'sending', 'sent']);
  });

  it('restart mid-send: the new instance sends once more with the same Message-ID, and the journal says sent', async () => {
    const smtp = await server();
    const before = service();
    await before.saveAccount(settings(smtp.port));
    const m = mailOf();
    const arrived = smtp.stallNext();
    const abandoned = before.send(m); // the app "quits" while the server has not answered DATA
    await arrived;
    expect((await journalLines()).map((l) => l['state'])).toEqual(['sending']);

    const after = service(); // a new process on the same userData
    const result = await after.send(m);
    expect(result).toMatchObject({ status: 'sent', alreadySent: false });
    expect(smtp.accepted()).toHaveLength(1);
    const [stalled, accepted] = await Promise.all(smtp.received.map(parse));
    expect(accepted!.messageId).toBe(stalled!.messageId);
    expect(accepted!.messageId).toBe(`<${m.id}@tutor.example>`);

    // The old instance's connection finally dies: its late failure cannot undo the 'sent'.
    for (const s of smtp.sockets) s.destroy();
    expect(await abandoned).toMatchObject({ status: 'failed', retryable: true });
    expect(await new MailJournal(join(dir, MAIL_JOURNAL_FILE)).get(m.id)).toMatchObject({ state: 'sent' });
    expect(await service().send(m)).toMatchObject({ status: 'sent', alreadySent: true });
    expect(smtp.accepted()).toHaveLength(1);
  });

  it('close() (app quit) aborts a send in flight: failed, retryable, and it goes out once later', async () => {
    const smtp = await server();
    const mail = service();
    await mail.saveAccount(settings(smtp.port));
    const m = mailOf();
    const arrived = smtp.stallNext();
    const pending = mail.send(m);
    await arrived;
    mail.close();
    expect(await pending).toEqual({
      status: 'failed',
      kind: 'unknown',
      reason: 'Sending was interrupted because TutorDesk was closing. Try again.',
      retryable: true,
    });
    expect(await service().send(m)).toMatchObject({ status: 'sent', alreadySent: false });
    expect(smtp.accepted()).toHaveLength(1);
    expect((await journalLines()).map((l) => l['state'])).toEqual(['sending', 'failed', 'sending', 'sent']);
  });

  it('a torn last journal line (crash mid-write) is ignored and the next line starts fresh', async () => {
    const smtp = await server();
    const m = mailOf();
    await writeFile(
      join(dir, MAIL_JOURNAL_FILE),
      `{"id":"${m.id}","state":"sending","messageId":"<${m.id}@x.example>","at":"2026-12-06T00:00:00Z"}\n{"id":"${m.id}","sta`,
    );
    const mail = service();
    await mail.saveAccount(settings(smtp.port));
    expect(await mail.send(m)).toMatchObject({ status: 'sent', messageId: `<${m.id}@x.example>` });
    const lines = (await readFile(join(dir, MAIL_JOURNAL_FILE), 'utf8')).split('\n');
    expect(lines[1]).toBe(`{"id":"${m.id}","sta`);
    expect(await new MailJournal(join(dir, MAIL_JOURNAL_FILE)).get(m.id)).toMatchObject({ state: 'sent', attempts: 2 });
  });

  it('sendTest answers with the server response', async () => {
    const smtp = await server();
    const mail = service();
    await mail.saveAccount(settings(smtp.port));
    const res = await mail.sendTest({ to: 'me@tutor.example' });
    expect(res).toEqual({
      ok: true,
      detail: `The mail server 127.0.0.1:${smtp.port} accepted the test message to me@tutor.example: "250 2.0.0 Ok: queued as Q1".`,
    });
    const parsed = await parse(smtp.accepted()[0]!);
    expect(parsed.subject).toBe('TutorDesk test e-mail');
    expect(first(parsed.to)).toEqual([{ name: '', address: 'me@tutor.example' }]);
    // A test is not journaled.
    expect(existsSync(join(dir, MAIL_JOURNAL_FILE))).toBe(false);
  });

  it('an attachment that cannot be rendered fails before the server is contacted', async () => {
    const smtp = await server();
    const mail = service({ renderPdf: () => Promise.reject(new Error('window crashed')) });
    await mail.saveAccount(settings(smtp.port));
    const res = await mail.send(mailOf({ attachments: [{ filename: 'x.pdf', pdfHtml: '<p>x</p>', pageSize: 'Letter' }] }));
    expect(res).toEqual({
      status: 'failed',
      kind: 'attachment',
      reason: 'The attachment could not be made (window crashed).',
      retryable: true,
    });
    expect(smtp.received).toHaveLength(0);
    expect(existsSync(join(dir, MAIL_JOURNAL_FILE))).toBe(false);
  });
});

describe('TLS', () => {
  let key: string;
  let cert: string;
  beforeAll(async () => {
    const d = await mkdtemp(join(tmpdir(), 'td-mail-cert-'));
    execFileSync(
      '/usr/bin/openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(d, 'key.pem'),
        '-out',
        join(d, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
    key = await readFile(join(d, 'key.pem'), 'utf8');
    cert = await readFile(join(d, 'cert.pem'), 'utf8');
    await rm(d, { recursive: true, force: true });
  });

  it("'tls' against a plain server: kind tls, says the security setting does not match the port", async () => {
    const smtp = await server();
    const mail = service();
    await mail.saveAccount(settings(smtp.port, { security: 'tls' }));
    const res = await mail.send(mailOf());
    expect(res).toMatchObject({ status: 'failed', kind: 'tls', retryable: false });
    expect(res.status === 'failed' && res.reason).toMatch(
      /^The secure connection to 127\.0\.0\.1:\d+ failed \(wrong version number\)\. The security setting probably does not match the port: port 465 uses TLS, ports 587 and 25 use STARTTLS\.$/,
    );
    expect(smtp.received).toHaveLength(0);
  });

  it("'tls' against a self-signed server: kind tls (certificate not trusted); trusted, it sends", async () => {
    const smtp = await server({ secure: true, tls: { key, cert } });
    const mail = service();
    await mail.saveAccount(settings(smtp.port, { security: 'tls' }));
    const res = await mail.send(mailOf());
    expect(res).toMatchObject({ status: 'failed', kind: 'tls', retryable: false });
    expect(res.status === 'failed' && res.reason).toMatch(/certificate this computer does not trust \(self[- ]signed certificate\)/);
    expect(smtp.received).toHaveLength(0);

    const trusting = service({ transportOptions: { ...fast, tls: { ca: cert } } });
    expect(await trusting.send(mailOf())).toMatchObject({ status: 'sent' });
    expect(smtp.accepted()).toHaveLength(1);
  });

  it("'starttls': upgrades (certificate verified), and refuses a server that does not offer STARTTLS", async () => {
    const smtp = await server({ tls: { key, cert } });
    const trusting = service({ transportOptions: { ...fast, tls: { ca: cert } } });
    await trusting.saveAccount(settings(smtp.port, { security: 'starttls' }));
    expect(await trusting.send(mailOf())).toMatchObject({ status: 'sent' });
    expect(await service().send(mailOf())).toMatchObject({ status: 'failed', kind: 'tls' });

    const plain = await server({ noSTARTTLS: true });
    await trusting.saveAccount(settings(plain.port, { security: 'starttls' }));
    const res = await trusting.send(mailOf());
    expect(res).toMatchObject({ status: 'failed', kind: 'tls', retryable: false });
    expect(res.status === 'failed' && res.reason).toMatch(/could not start a secure connection \(STARTTLS\)/);
    expect(plain.received).toHaveLength(0);
    expect(smtp.accepted()).toHaveLength(1);
  });

  it('transport options: secure for tls, requireTLS for starttls, ignoreTLS only for none; timeouts', () => {
    const base = { ...settings(465), password: 'x' };
    expect(smtpOptions({ ...base, security: 'tls' })).toMatchObject({ secure: true, requireTLS: false, ignoreTLS: false });
    expect(smtpOptions({ ...base, security: 'starttls' })).toMatchObject({ secure: false, requireTLS: true, ignoreTLS: false });
    expect(smtpOptions({ ...base, security: 'none' })).toMatchObject({ secure: false, requireTLS: false, ignoreTLS: true });
    const o = smtpOptions({ ...base, security: 'tls' });
    expect(o.tls.rejectUnauthorized).toBe(true);
    expect(o.connectionTimeout).toBeGreaterThanOrEqual(15_000);
    expect(o.socketTimeout).toBeLessThanOrEqual(60_000);
    expect(smtpOptions({ ...base, username: '' })).not.toHaveProperty('auth');
  });
});

describe('classifyMailError', () => {
  const ctx = { host: 'smtp.example.org', port: 587, from: 'office@example.org', to: ['a@b.example'] };
  it.each([
    [{ code: 'EAUTH', response: '454 4.7.0 Temporary authentication failure', command: 'AUTH PLAIN' }, 'auth', true],
    [{ code: 'EENVELOPE', response: '451 4.3.0 Try later', command: 'MAIL FROM' }, 'sender-refused', true],
    [{ code: 'EENVELOPE', response: '450 4.2.0 Mailbox busy', command: 'RCPT TO' }, 'recipient-refused', true],
    [{ code: 'EENVELOPE', response: '530 5.7.0 Authentication required', command: 'MAIL FROM' }, 'auth', false],
    [{ code: 'EMESSAGE', response: '552 5.3.4 Message too big', command: 'DATA' }, 'message-refused', false],
    [{ code: 'ETIMEDOUT', message: 'Greeting never received' }, 'timeout', true],
    [{ code: 'ECONNECTION', message: 'Connection timeout' }, 'timeout', true],
    [{ code: 'EDNS', originalCode: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND smtp.example.org' }, 'unreachable', true],
    [{ code: 'ESOCKET', originalCode: 'EHOSTUNREACH', message: 'connect EHOSTUNREACH' }, 'unreachable', true],
    [{ code: 'ESOCKET', message: 'C0:error:0A00010B:SSL routines:ssl3_get_record:wrong version number' }, 'tls', false],
    [{ code: 'ETLS', response: '454 4.7.0 TLS not available', command: 'STARTTLS' }, 'tls', false],
  ])('%j → %s', (err: Record<string, string>, kind, retryable) => {
    const f = classifyMailError(Object.assign(new Error(err['message'] ?? 'x'), err), ctx);
    expect(f.kind).toBe(kind);
    expect(f.retryable).toBe(retryable);
    if (err['response']) expect(f.reason).toContain(`"${err['response']}"`);
    if (kind === 'unreachable' || kind === 'timeout') expect(f.reason).toContain('smtp.example.org:587');
  });
});

describe('the account', () => {
  const readAll = async () => {
    const out: Buffer[] = [];
    for (const f of await readdir(dir)) out.push(await readFile(join(dir, f)));
    return Buffer.concat(out);
  };

  it('never writes the password in clear and never returns it', async () => {
    const smtp = await server();
    const mail = service();
    const account = await mail.saveAccount(settings(smtp.port));
    await mail.send(mailOf());
    expect(account).toEqual({
      host: '127.0.0.1',
      port: smtp.port,
      security: 'none',
      username: USER,
      fromName: `Ana's Tutoring & "Co"`,
      fromAddress: USER,
      replyTo: 'ana@tutor.example',
      hasPassword: true,
      passwordKept: 'stored',
    });
    expect(JSON.stringify(await mail.getAccount())).not.toContain(PASSWORD);
    expect(Object.keys((await service().getAccount())!)).not.toContain('password');
    const all = await readAll();
    for (const form of [
      Buffer.from(PASSWORD, 'utf8'),
      Buffer.from(PASSWORD, 'utf16le'),
      Buffer.from(Buffer.from(PASSWORD).toString('base64')),
      Buffer.from(Buffer.from(`\0${USER}\0${PASSWORD}`).toString('base64')),
      Buffer.from(JSON.stringify(PASSWORD).slice(1, -1)),
    ]) {
      expect(all.includes(form)).toBe(false);
    }
    const grep = spawnSync('grep', ['-rlF', '--', '5ecret', dir], { encoding: 'utf8' });
    expect(grep.status).toBe(1); // no file matches
    expect(grep.stdout).toBe('');
  });

  it('saving without a password keeps it for the same host and user, not for another server', async () => {
    const store = new MailAccountStore({ file: join(dir, 'mail-account.json'), safeStorage: safe, platform: 'darwin' });
    await store.save(settings(2525));
    const { password: _p, ...noPassword } = settings(2525, { fromName: 'Renamed' });
    expect(await store.save(noPassword)).toMatchObject({ fromName: 'Renamed', hasPassword: true, passwordKept: 'stored' });
    expect((await store.getConnectionSettings())?.password).toBe(PASSWORD);
    const elsewhere = await store.save({ ...noPassword, host: 'smtp.other.example' });
    expect(elsewhere.hasPassword).toBe(false);
    expect(elsewhere).not.toHaveProperty('passwordKept');
    const mail = service();
    expect(await mail.send(mailOf())).toMatchObject({ status: 'failed', kind: 'not-configured' });
  });

  it("no keychain ('basic_text' without the opt-in): the password is kept for the session; the settings stay", async () => {
    const basic = fakeSafeStorage({ backend: 'basic_text' });
    const mail = createMailService({ dir, safeStorage: basic, platform: 'linux', renderPdf });
    expect(await mail.saveAccount(settings(2525))).toMatchObject({ hasPassword: true, passwordKept: 'session' });
    expect((await readAll()).includes(Buffer.from(PASSWORD))).toBe(false);
    const restarted = createMailService({ dir, safeStorage: basic, platform: 'linux', renderPdf });
    expect(await restarted.getAccount()).toMatchObject({ host: '127.0.0.1', hasPassword: false });
    expect(await restarted.send(mailOf())).toMatchObject({ status: 'failed', kind: 'not-configured', reason: /enter it again/ });
    // With the opt-in it is stored (obfuscated) and survives a restart.
    expect(await restarted.saveAccount({ ...settings(2525), storeWithoutKeychain: true })).toMatchObject({ passwordKept: 'stored' });
    expect(await createMailService({ dir, safeStorage: basic, platform: 'linux', renderPdf }).getAccount()).toMatchObject({
      hasPassword: true,
    });
  });

  it('clear removes the account file', async () => {
    const mail = service();
    await mail.saveAccount(settings(2525));
    expect(existsSync(join(dir, 'mail-account.json'))).toBe(true);
    await mail.clearAccount();
    expect(existsSync(join(dir, 'mail-account.json'))).toBe(false);
    expect(await mail.getAccount()).toBeNull();
    expect(await service().getAccount()).toBeNull();
  });
});
