/**
 * The host's `mail` service (bridge `mail`, docs/email.md): the SMTP account (account.ts), the
 * connection (transport.ts) and the journal that makes `send` idempotent per message id
 * (journal.ts). Electron objects come in as parameters, so the whole module runs in Node tests
 * against a real SMTP server.
 *
 * Never twice: `send(mail)` writes `sending` to the journal before it talks to the server and
 * `sent` after the server took the message. A second `send` of a sent id answers from the
 * journal (`alreadySent: true`) without a connection; concurrent sends of one id share one
 * attempt. An id left `sending` (the app quit or crashed between the two lines) is sent again
 * with the same Message-ID header: the only case in which a recipient may get it twice, and mail
 * clients show two messages with one Message-ID as one.
 */
import { join } from 'node:path';
import type { TutorBridge } from '../../src-shared/bridge';
import type { MailAttachment, MailFailure, MailSendResult, OutgoingMail, TestMailResult } from '../../src-shared/mail/contract';
import type { SafeStorageLike } from '../credentials';
import { pdfFileName } from '../pdf';
import { MailAccountStore, type SmtpConnectionSettings } from './account';
import { MailJournal } from './journal';
import { classifyMailError, createMailTransport, type MailTransportOptions } from './transport';

export type RenderPdf = (html: string, pageSize: 'A4' | 'Letter') => Promise<Buffer>;

export interface MailServiceOptions {
  /** Folder of the account and journal files: app.getPath('userData'). */
  dir: string;
  safeStorage: SafeStorageLike;
  platform?: NodeJS.Platform;
  /** HTML → PDF for `pdfHtml` attachments (src-main/pdf.ts in the app, Chromium in tests). */
  renderPdf: RenderPdf;
  now?: () => Date;
  /** Timeouts and TLS trust, for tests. */
  transportOptions?: MailTransportOptions;
}

export type MailService = TutorBridge['mail'] & {
  /** Drops open connections (app quit); sends in flight fail and stay `sending` in the journal. */
  close(): void;
};

export const MAIL_ACCOUNT_FILE = 'mail-account.json';
export const MAIL_JOURNAL_FILE = 'mail-journal.jsonl';

const NOT_CONFIGURED: MailFailure = {
  kind: 'not-configured',
  reason: 'No mail account is set up yet: enter the SMTP settings under Settings → E-mail.',
  retryable: true,
};
const NO_PASSWORD: MailFailure = {
  kind: 'not-configured',
  reason: 'The mail password is not kept on this computer: enter it again under Settings → E-mail.',
  retryable: true,
};

/** `<id@domain-of-the-sender>`: the same for every attempt of one outbox message. */
export function messageIdFor(id: string, fromAddress: string): string {
  const domain = fromAddress.split('@')[1]?.toLowerCase() ?? '';
  return `<${id}@${/^[a-z0-9.-]+$/.test(domain) ? domain : 'tutordesk.invalid'}>`;
}

export function createMailService(options: MailServiceOptions): MailService {
  const now = options.now ?? (() => new Date());
  const store = new MailAccountStore({
    file: join(options.dir, MAIL_ACCOUNT_FILE),
    safeStorage: options.safeStorage,
    ...(options.platform ? { platform: options.platform } : {}),
  });
  const journal = new MailJournal(join(options.dir, MAIL_JOURNAL_FILE));
  const inFlight = new Map<string, Promise<MailSendResult>>();
  const open = new Set<AbortController>();

  async function settingsOrFailure(): Promise<SmtpConnectionSettings | MailFailure> {
    const settings = await store.getConnectionSettings();
    if (!settings) return NOT_CONFIGURED;
    if (settings.username && !settings.password) return NO_PASSWORD;
    return settings;
  }

  /** One connection per message: connect, send, close. */
  async function deliver(settings: SmtpConnectionSettings, message: Parameters<ReturnType<typeof createMailTransport>['sendMail']>[0]) {
    const transport = createMailTransport(settings, options.transportOptions);
    const abort = new AbortController();
    open.add(abort);
    try {
      return await transport.sendMail({ ...message, signal: abort.signal });
    } finally {
      open.delete(abort);
      transport.close();
    }
  }

  async function attachmentsOf(mail: OutgoingMail) {
    return Promise.all(
      mail.attachments.map(async (a: MailAttachment) => {
        if ('pdfHtml' in a) {
          return {
            filename: pdfFileName(a.filename),
            content: await options.renderPdf(a.pdfHtml, a.pageSize),
            contentType: 'application/pdf',
          };
        }
        return { filename: a.filename, content: Buffer.from(a.base64, 'base64'), contentType: a.contentType };
      }),
    );
  }

  async function sendOnce(mail: OutgoingMail): Promise<MailSendResult> {
    const before = await journal.get(mail.id);
    if (before?.state === 'sent') {
      return { status: 'sent', messageId: before.messageId, acceptedAt: before.acceptedAt, response: before.response, alreadySent: true };
    }
    const settings = await settingsOrFailure();
    if ('kind' in settings) return { status: 'failed', ...settings };

    let attachments;
    try {
      attachments = await attachmentsOf(mail);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      return { status: 'failed', kind: 'attachment', reason: `The attachment could not be made (${why}).`, retryable: true };
    }

    const messageId = before?.messageId ?? messageIdFor(mail.id, settings.fromAddress);
    await journal.append({ id: mail.id, state: 'sending', messageId, at: now().toISOString() });
    try {
      const info = await deliver(settings, {
        messageId,
        date: now(),
        from: { name: settings.fromName, address: settings.fromAddress },
        ...(settings.replyTo ? { replyTo: settings.replyTo } : {}),
        to: mail.to.map((m) => ({ name: m.name, address: m.address })),
        subject: mail.subject,
        text: mail.text,
        ...(mail.html ? { html: mail.html } : {}),
        attachments,
      });
      const acceptedAt = now().toISOString();
      const rejected = (info.rejected ?? []).map(String);
      // Some recipients refused, the others took it: it went out, so it is sent (never again),
      // and the answer names who did not get it.
      const response = `${info.response}${rejected.length ? ` (refused: ${rejected.join(', ')})` : ''}`;
      // Should the disk refuse this line, the id stays `sending`: a later send repeats it with the
      // same Message-ID (the residual case), and this answer still says the truth.
      await journal.append({ id: mail.id, state: 'sent', messageId, acceptedAt, response }).catch(() => undefined);
      return { status: 'sent', messageId, acceptedAt, response, alreadySent: false };
    } catch (err) {
      const failure = classifyMailError(err, {
        host: settings.host,
        port: settings.port,
        from: settings.fromAddress,
        to: mail.to.map((m) => m.address),
      });
      await journal.append({ id: mail.id, state: 'failed', messageId, at: now().toISOString(), kind: failure.kind }).catch(() => undefined);
      return { status: 'failed', ...failure };
    }
  }

  return {
    available: async () => true,
    getAccount: () => store.getAccount(),
    saveAccount: (settings) => store.save(settings),
    clearAccount: () => store.clear(),

    async sendTest({ to }): Promise<TestMailResult> {
      const settings = await settingsOrFailure();
      if ('kind' in settings) return { ok: false, ...settings };
      try {
        const info = await deliver(settings, {
          date: now(),
          from: { name: settings.fromName, address: settings.fromAddress },
          ...(settings.replyTo ? { replyTo: settings.replyTo } : {}),
          to,
          subject: 'TutorDesk test e-mail',
          text:
            'This is a test message from TutorDesk.\n\n' +
            `Your mail settings work: messages to families will be sent from ${settings.fromAddress} through ${settings.host}.\n`,
        });
        return {
          ok: true,
          detail: `The mail server ${settings.host}:${settings.port} accepted the test message to ${to}: "${info.response}".`,
        };
      } catch (err) {
        return { ok: false, ...classifyMailError(err, { host: settings.host, port: settings.port, from: settings.fromAddress, to: [to] }) };
      }
    },

    send(mail: OutgoingMail): Promise<MailSendResult> {
      const running = inFlight.get(mail.id);
      if (running) return running;
      const attempt = sendOnce(mail).finally(() => inFlight.delete(mail.id));
      inFlight.set(mail.id, attempt);
      return attempt;
    },

    close() {
      for (const abort of open) abort.abort();
      open.clear();
    },
  };
}
