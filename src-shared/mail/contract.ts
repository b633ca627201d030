/**
 * E-mail between the renderer and the host (docs/email.md). The practice's SMTP account is kept by
 * the host (main process; the password with safeStorage, like the sync password) and the renderer
 * never sees the password. The renderer owns the outbox records (collection `messages`, synced) and
 * asks the host to send one message at a time with `mail.send`; the host keeps a journal of the
 * message ids it sent, so asking twice for the same id sends once (docs/email.md "Never twice").
 */
import { z } from 'zod';

/** What the browser build says about sending: it has no mail account of its own. */
export const MAIL_NEEDS_DESKTOP =
  'Sending e-mail needs the TutorDesk desktop app. In the browser, use “Open in my mail app” to write the message yourself.';

/** An address as people type it: one mailbox, no display name, no spaces. */
export const EmailAddressSchema = z
  .string()
  .trim()
  .min(3)
  .max(254)
  .regex(/^[^\s@<>(),;:"[\]\\]+@[^\s@<>(),;:"[\]\\]+\.[^\s@<>(),;:"[\]\\]+$/, 'This is not an e-mail address (name@example.com)');

export const MailboxSchema = z.object({
  /** Display name; the mail library quotes and encodes it. */
  name: z.string().max(200),
  address: EmailAddressSchema,
});
export type Mailbox = z.infer<typeof MailboxSchema>;

export const SMTP_SECURITY = ['starttls', 'tls', 'none'] as const;
export type SmtpSecurity = (typeof SMTP_SECURITY)[number];

const hostName = z
  .string()
  .trim()
  .min(1, 'Enter the mail server (SMTP host)')
  .max(253)
  .regex(/^[A-Za-z0-9.-]+$|^\[[0-9a-fA-F:.]+\]$/, 'The mail server is a host name such as smtp.example.com');

/** The SMTP account as the user enters it. `password` absent = keep the stored one. */
export const SmtpSettingsSchema = z.object({
  host: hostName,
  port: z.number().int().min(1).max(65535),
  /** 'starttls': plain connection upgraded (port 587); 'tls': TLS from the start (465); 'none': never (loopback/tests only). */
  security: z.enum(SMTP_SECURITY),
  username: z.string().max(320),
  password: z.string().max(1000).optional(),
  fromName: z.string().trim().max(200),
  fromAddress: EmailAddressSchema,
  /** '' = replies go to fromAddress. */
  replyTo: z.union([z.literal(''), EmailAddressSchema]),
  /** Store the password although this computer can only obfuscate it (see credentials.ts). */
  storeWithoutKeychain: z.boolean().optional(),
});
export type SmtpSettings = z.infer<typeof SmtpSettingsSchema>;

/** The account as the renderer sees it: never the password. */
export type MailAccount = Omit<SmtpSettings, 'password' | 'storeWithoutKeychain'> & {
  hasPassword: boolean;
  passwordKept?: 'stored' | 'session';
};

/** Why a send or a test failed, in words the settings page and the outbox show. */
export const MAIL_FAILURE_KINDS = [
  'not-configured',
  'auth',
  'tls',
  'sender-refused',
  'recipient-refused',
  'unreachable',
  'timeout',
  'message-refused',
  'attachment',
  'unknown',
] as const;
export type MailFailureKind = (typeof MAIL_FAILURE_KINDS)[number];

export interface MailFailure {
  kind: MailFailureKind;
  /** A sentence for the user, with the server's own answer where there is one. */
  reason: string;
  /** True when trying again later may work (unreachable, timeout, a 4xx answer). */
  retryable: boolean;
}

const fileName = z
  .string()
  .min(1)
  .max(200)
  .refine((n) => !/[\\/:*?"<>|\u0000-\u001f]/.test(n), 'A file name may not contain / \\ : * ? " < > | or control characters');

/** An attachment: a PDF the host renders from HTML (invoices, statements, reports), or ready bytes. */
export const MailAttachmentSchema = z.union([
  z.object({
    filename: fileName,
    pdfHtml: z
      .string()
      .min(1)
      .max(20 * 1024 * 1024),
    pageSize: z.enum(['A4', 'Letter']),
  }),
  z.object({
    filename: fileName,
    contentType: z.enum(['application/pdf', 'text/calendar', 'text/csv', 'text/plain']),
    base64: z
      .string()
      .max(20 * 1024 * 1024)
      .regex(/^[A-Za-z0-9+/]*={0,2}$/),
  }),
]);
export type MailAttachment = z.infer<typeof MailAttachmentSchema>;

/** One message to send now. `id` is the outbox record's id: the host sends each id at most once. */
export const OutgoingMailSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{8,100}$/, 'A message id uses letters, digits, - and _'),
  to: z.array(MailboxSchema).min(1).max(20),
  subject: z.string().trim().min(1).max(500),
  text: z.string().max(1024 * 1024),
  html: z.string().max(5 * 1024 * 1024),
  attachments: z.array(MailAttachmentSchema).max(10),
});
export type OutgoingMail = z.infer<typeof OutgoingMailSchema>;

export type MailSendResult =
  | {
      status: 'sent';
      /** The RFC 5322 Message-ID header, derived from `id` (the same on a repeat). */
      messageId: string;
      /** ISO instant the server accepted it. */
      acceptedAt: string;
      /** The server's answer to the message, e.g. "250 2.0.0 OK queued as 4F1A". */
      response: string;
      /** True when this id had been sent before: nothing went out this time. */
      alreadySent: boolean;
    }
  | ({ status: 'failed' } & MailFailure);

export const TestMailRequestSchema = z.object({ to: EmailAddressSchema });
export type TestMailResult = { ok: true; detail: string } | ({ ok: false } & MailFailure);

/** Common providers' SMTP hosts (docs/email.md says how to make an app password for each). */
export interface SmtpPreset {
  id: string;
  label: string;
  host: string;
  port: number;
  security: SmtpSecurity;
  /** Where the provider explains app passwords. */
  help: string;
}

export const SMTP_PRESETS: readonly SmtpPreset[] = [
  {
    id: 'gmail',
    label: 'Gmail / Google Workspace',
    host: 'smtp.gmail.com',
    port: 465,
    security: 'tls',
    help: 'https://support.google.com/accounts/answer/185833',
  },
  {
    id: 'outlook',
    label: 'Outlook.com / Microsoft 365',
    host: 'smtp.office365.com',
    port: 587,
    security: 'starttls',
    help: 'https://support.microsoft.com/account-billing/5896ed9b-4263-e681-128a-a6f2979a7944',
  },
  {
    id: 'icloud',
    label: 'iCloud Mail',
    host: 'smtp.mail.me.com',
    port: 587,
    security: 'starttls',
    help: 'https://support.apple.com/102654',
  },
  {
    id: 'yahoo',
    label: 'Yahoo Mail',
    host: 'smtp.mail.yahoo.com',
    port: 465,
    security: 'tls',
    help: 'https://help.yahoo.com/kb/SLN15241.html',
  },
  {
    id: 'fastmail',
    label: 'Fastmail',
    host: 'smtp.fastmail.com',
    port: 465,
    security: 'tls',
    help: 'https://www.fastmail.help/hc/en-us/articles/360058752854',
  },
  {
    id: 'zoho',
    label: 'Zoho Mail',
    host: 'smtp.zoho.com',
    port: 465,
    security: 'tls',
    help: 'https://www.zoho.com/mail/help/adminconsole/two-factor-authentication.html',
  },
];
