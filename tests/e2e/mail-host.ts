/**
 * For the e-mail specs: the page sends through the desktop app's own mail service
 * (src-main/mail/service.ts, run in the test's Node process behind the page's bridge:
 * testing/mail-hooks.ts) and a real SMTP server on loopback started by the test; PDFs are
 * rendered by the test's Chromium and read back with pdftotext.
 */
import { execFileSync } from 'node:child_process';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { SafeStorageLike } from '../../src-main/credentials';
import { createMailService, type MailService } from '../../src-main/mail/service';
import { loadSample, openApp } from './helpers';

export const USER = 'office@brightside.example';
export const PASSWORD = 'app-password-5ecret';

/** Electron's safeStorage stand-in: real AES-256-GCM with a key held in memory (the "keychain"). */
export function keychain(): SafeStorageLike {
  const key = randomBytes(32);
  return {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => 'gnome_libsecret',
    encryptString(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    decryptString(enc) {
      const d = createDecipheriv('aes-256-gcm', key, enc.subarray(0, 12));
      d.setAuthTag(enc.subarray(12, 28));
      return Buffer.concat([d.update(enc.subarray(28)), d.final()]).toString('utf8');
    },
  };
}

/** A real SMTP server on 127.0.0.1 that accepts USER/PASSWORD and keeps every message, parsed. */
export async function startSmtp(received: ParsedMail[]): Promise<{ port: number; close(): Promise<void> }> {
  const server = new SMTPServer({
    authOptional: false,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _s, cb) {
      if (auth.username === USER && auth.password === PASSWORD) return cb(null, { user: USER });
      cb(Object.assign(new Error('5.7.8 Username and Password not accepted'), { responseCode: 535 }));
    },
    onData(stream, _s, cb) {
      simpleParser(stream)
        .then((m) => {
          received.push(m);
          cb(null, `2.0.0 Ok: queued as Q${received.length}`);
        })
        .catch((e: Error) => cb(e));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.server.address() as AddressInfo).port, close: () => new Promise((r) => server.close(() => r())) };
}

/** The text of a PDF (pdftotext -layout). */
export function pdfText(pdf: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'tutordesk-e2e-mail-'));
  try {
    writeFileSync(join(dir, 'a.pdf'), pdf);
    return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', join(dir, 'a.pdf'), '-'], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Screenshots of the page in the light and the dark theme: screenshots/<name>-light.png, -dark.png. */
export async function shot(page: Page, name: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.screenshot({ path: `screenshots/${name}-${colorScheme}.png` });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** The account the test SMTP server accepts, saved in the host's service. */
export async function saveTestAccount(service: MailService, port: number): Promise<void> {
  await service.saveAccount({
    host: '127.0.0.1',
    port,
    security: 'none',
    username: USER,
    password: PASSWORD,
    fromName: 'Brightside Tutoring',
    fromAddress: USER,
    replyTo: '',
  });
}

/** The page's mail calls go to `service` (testing/mail-hooks.ts `desktopMail`). */
export async function exposeMailHost(page: Page, service: MailService): Promise<void> {
  await page.exposeFunction('__tutordeskMailHost', (method: string, arg: unknown) =>
    (service as unknown as Record<string, (a: unknown) => Promise<unknown>>)[method]!(arg),
  );
}

export interface MailHost {
  received: ParsedMail[];
  service: MailService;
  smtpPort: number;
}

/**
 * Runs `fn` with the sample practice open and the page sending through the desktop app's mail
 * service and the test's SMTP server. `account: false` leaves the mail account unset (for the
 * settings form to set it).
 */
export async function withMailHost(
  page: Page,
  browser: Browser,
  fn: (host: MailHost) => Promise<void>,
  opts: { account?: boolean } = {},
): Promise<void> {
  const received: ParsedMail[] = [];
  const smtp = await startSmtp(received);
  const dir = mkdtempSync(join(tmpdir(), 'tutordesk-e2e-mailhost-'));
  const pdfPage = await browser.newPage();
  const service = createMailService({
    dir,
    safeStorage: keychain(),
    platform: 'linux',
    renderPdf: async (html, pageSize) => {
      await pdfPage.setContent(html, { waitUntil: 'load' });
      return pdfPage.pdf({ format: pageSize, printBackground: true });
    },
  });
  try {
    if (opts.account !== false) {
      await saveTestAccount(service, smtp.port);
    }
    await exposeMailHost(page, service);
    await openApp(page);
    await loadSample(page);
    await page.evaluate(() => window.__tutordeskTest!.desktopMail());
    await fn({ received, service, smtpPort: smtp.port });
  } finally {
    service.close();
    await pdfPage.close();
    await smtp.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
