/**
 * The outbox end to end below the UI: records in a real RxDB database (memory storage), the
 * renderer's outbox runner (features/mail/runner.ts), the desktop app's mail service
 * (src-main/mail/service.ts) and a real SMTP server (smtp-server) on 127.0.0.1 that this test
 * starts, stops and restarts. The clock the runner reads is the test's, so backoff waits pass at once.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { SMTPServer } from 'smtp-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SafeStorageLike } from '../../../src-main/credentials';
import { createMailService, type MailService } from '../../../src-main/mail/service';
import { createTutorDatabase, type TutorDatabase } from '../../../src-renderer/src/data/database';
import { saveDoc } from '../../../src-renderer/src/data/repo';
import { startOutboxRunner, type OutboxRunner } from '../../../src-renderer/src/features/mail/runner';
import type { ChangeContext } from '../../../src-shared/model/meta';
import type { OutboxMessage, PracticeSettings } from '../../../src-shared/model/types';
import { resend } from '../../../src-shared/mail/outbox';
import { settings as practice } from '../shared/practice-fixture';

const USER = 'office@tutor.example';
const PASSWORD = 'right-password';
const DEVICE = 'laptop-a';

function keychain(): SafeStorageLike {
  const key = randomBytes(32);
  return {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => 'gnome_libsecret',
    encryptString(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      return Buffer.concat([iv, c.update(plain, 'utf8'), c.final(), c.getAuthTag()]);
    },
    decryptString(enc) {
      const d = createDecipheriv('aes-256-gcm', key, enc.subarray(0, 12));
      d.setAuthTag(enc.subarray(enc.length - 16));
      return Buffer.concat([d.update(enc.subarray(12, enc.length - 16)), d.final()]).toString('utf8');
    },
  };
}

interface Smtp {
  received: string[];
  close(): Promise<void>;
}

async function startSmtp(port: number): Promise<Smtp> {
  const received: string[] = [];
  const server = new SMTPServer({
    authOptional: false,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _s, cb) {
      if (auth.username === USER && auth.password === PASSWORD) return cb(null, { user: USER });
      cb(Object.assign(new Error('5.7.8 Username and Password not accepted'), { responseCode: 535 }));
    },
    onData(stream, _s, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push(Buffer.concat(chunks).toString('utf8'));
        cb(null, `2.0.0 Ok: queued as Q${received.length}`);
      });
    },
  });
  const sockets = new Set<import('node:net').Socket>();
  server.server.on('connection', (s: import('node:net').Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    received,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

let db: TutorDatabase;
let dir: string;
let port: number;
let clock: Date;
let services: MailService[];
let runners: OutboxRunner[];
let servers: Smtp[];
const ctx = (): ChangeContext => ({ staffId: 'staff-1', deviceId: DEVICE, now: clock });

beforeEach(async () => {
  db = await createTutorDatabase({ name: `outbox${Date.now()}${Math.random().toString(36).slice(2)}`, storage: getRxStorageMemory() });
  dir = await mkdtemp(join(tmpdir(), 'tutordesk-outbox-'));
  port = await freePort();
  clock = new Date('2026-12-06T10:00:00Z');
  services = [];
  runners = [];
  servers = [];
});

afterEach(async () => {
  for (const r of runners) r.stop();
  for (const s of services) s.close();
  for (const s of servers) await s.close();
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

async function service(password = PASSWORD): Promise<MailService> {
  const s = createMailService({
    dir,
    safeStorage: keychain(),
    platform: 'linux',
    renderPdf: () => Promise.reject(new Error('no PDF in these tests')),
    transportOptions: { connectionTimeout: 2000, greetingTimeout: 2000, socketTimeout: 4000 },
  });
  await s.saveAccount({
    host: '127.0.0.1',
    port,
    security: 'none',
    username: USER,
    password,
    fromName: 'Tutors',
    fromAddress: USER,
    replyTo: '',
  });
  services.push(s);
  return s;
}

function runner(mail: MailService): OutboxRunner {
  const r = startOutboxRunner({
    db,
    bridge: { mail },
    deviceId: DEVICE,
    ctx,
    settings: () => practice as PracticeSettings,
    online: () => true,
    now: () => clock,
    idleMs: 50,
  });
  runners.push(r);
  return r;
}

async function queue(id: string, state: OutboxMessage['state'] = 'queued'): Promise<void> {
  await saveDoc(
    db,
    'messages',
    id,
    {
      kind: 'invoice',
      familyId: 'fam-1',
      studentIds: [],
      to: [{ name: 'Lee family', address: 'lee@families.example' }],
      subject: `Invoice ${id}`,
      text: 'Dear Lee family,\n\nyour invoice.',
      html: '<p>Dear Lee family,</p><p>your invoice.</p>',
      documents: [],
      state,
      senderDeviceId: DEVICE,
      attempts: state === 'sending' ? 1 : 0,
      nextAttemptAt: '',
      lastError: '',
      lastErrorKind: '',
      sentAt: '',
      messageIdHeader: '',
      queuedBy: 'staff-1',
      batchId: '',
    },
    ctx(),
  );
}

const record = async (id: string) => (await db.messages.findOne(id).exec())!.toJSON() as OutboxMessage;

describe('outbox runner with a real SMTP server', () => {
  it('server down: the message waits with the reason; server back: it is sent exactly once', async () => {
    const r = runner(await service());
    await queue('msg-down-0001');
    await expect.poll(async () => (await record('msg-down-0001')).attempts, { timeout: 10_000 }).toBe(1);
    const waiting = await record('msg-down-0001');
    expect(waiting.state).toBe('queued');
    expect(waiting.lastErrorKind).toBe('unreachable');
    expect(waiting.lastError).toContain(`127.0.0.1:${port}`);
    expect(Date.parse(waiting.nextAttemptAt)).toBeGreaterThan(clock.getTime());

    const smtp = await startSmtp(port);
    servers.push(smtp);
    await r.runNow();
    expect((await record('msg-down-0001')).state).toBe('queued'); // its wait is not over
    clock = new Date(clock.getTime() + 10 * 60_000);
    await expect.poll(async () => (await record('msg-down-0001')).state, { timeout: 10_000 }).toBe('sent');
    await r.runNow();
    await new Promise((res) => setTimeout(res, 300));
    expect(smtp.received).toHaveLength(1);
    const sent = await record('msg-down-0001');
    expect(sent.attempts).toBe(2);
    expect(sent.lastError).toBe('');
    expect(sent.messageIdHeader).toMatch(/^<msg-down-0001@/);
  });

  it('app restart mid-send: a message left "sending" is sent again once, or recorded as sent when the host already sent it', async () => {
    const smtp = await startSmtp(port);
    servers.push(smtp);
    // The previous run handed msg-restart-1 to the server and died before recording it; it
    // never got to msg-restart-2's server answer.
    const before = await service();
    await queue('msg-restart-0001', 'sending');
    await queue('msg-restart-0002', 'sending');
    const first = await before.send({
      id: 'msg-restart-0001',
      to: [{ name: 'Lee family', address: 'lee@families.example' }],
      subject: 'Invoice msg-restart-0001',
      text: 'Dear Lee family,\n\nyour invoice.',
      html: '<p>Dear Lee family,</p><p>your invoice.</p>',
      attachments: [],
    });
    expect(first.status).toBe('sent');
    before.close();
    expect(smtp.received).toHaveLength(1);

    runner(await service());
    await expect
      .poll(async () => [(await record('msg-restart-0001')).state, (await record('msg-restart-0002')).state], { timeout: 10_000 })
      .toEqual(['sent', 'sent']);
    expect(smtp.received).toHaveLength(2);
    expect(smtp.received.filter((m) => m.includes('Invoice msg-restart-0001'))).toHaveLength(1);
    expect(smtp.received.filter((m) => m.includes('Invoice msg-restart-0002'))).toHaveLength(1);
  });

  it('wrong password: failed with the server reason, nothing lost; after fixing it, "Send again" sends it', async () => {
    const smtp = await startSmtp(port);
    servers.push(smtp);
    const r = runner(await service('wrong-password'));
    await queue('msg-auth-0001');
    await expect.poll(async () => (await record('msg-auth-0001')).state, { timeout: 10_000 }).toBe('failed');
    const failed = await record('msg-auth-0001');
    expect(failed.lastErrorKind).toBe('auth');
    expect(failed.lastError).toMatch(/Username and Password not accepted/);
    expect(failed.subject).toBe('Invoice msg-auth-0001');
    expect(failed.text).toBe('Dear Lee family,\n\nyour invoice.');
    expect(smtp.received).toHaveLength(0);

    await services[0]!.saveAccount({
      host: '127.0.0.1',
      port,
      security: 'none',
      username: USER,
      password: PASSWORD,
      fromName: 'Tutors',
      fromAddress: USER,
      replyTo: '',
    });
    await saveDoc(db, 'messages', failed.id, resend(failed, clock), ctx());
    await r.runNow();
    await expect.poll(async () => (await record('msg-auth-0001')).state, { timeout: 10_000 }).toBe('sent');
    expect(smtp.received).toHaveLength(1);
  });
});
