/**
 * The SMTP connection (nodemailer) and what its failures mean for the user (docs/email.md).
 *
 * - 'tls': TLS from the first byte (port 465), `secure`.
 * - 'starttls': a plain connection that must be upgraded before anything else is said (587);
 *   `requireTLS`, so a server (or someone in between) that hides STARTTLS makes the send fail
 *   instead of sending the password in clear.
 * - 'none': never encrypted (`ignoreTLS`); for a server on this computer or the tests.
 * Certificates are always verified.
 */
import type { ConnectionOptions } from 'node:tls';
import { createTransport, type Transporter } from 'nodemailer';
import type { MailFailure } from '../../src-shared/mail/contract';
import type { SmtpConnectionSettings } from './account';

export interface MailTransportOptions {
  /** Time to open the TCP (and TLS) connection. Default 20 s. */
  connectionTimeout?: number;
  /** Time for the server's greeting after the connection is open. Default 20 s. */
  greetingTimeout?: number;
  /** Time the connection may stay silent while a command waits for its answer. Default 30 s. */
  socketTimeout?: number;
  /** Extra TLS options, e.g. `ca` for a test server's certificate. Verification stays on. */
  tls?: Pick<ConnectionOptions, 'ca' | 'servername'>;
}

export const DEFAULT_TIMEOUTS = { connectionTimeout: 20_000, greetingTimeout: 20_000, socketTimeout: 30_000 } as const;

/** nodemailer's SMTP options for an account (no pool: one connection per message). */
export function smtpOptions(settings: SmtpConnectionSettings, options: MailTransportOptions = {}) {
  return {
    host: settings.host.replace(/^\[|\]$/g, ''),
    port: settings.port,
    secure: settings.security === 'tls',
    requireTLS: settings.security === 'starttls',
    ignoreTLS: settings.security === 'none',
    ...(settings.username ? { auth: { user: settings.username, pass: settings.password } } : {}),
    connectionTimeout: options.connectionTimeout ?? DEFAULT_TIMEOUTS.connectionTimeout,
    greetingTimeout: options.greetingTimeout ?? DEFAULT_TIMEOUTS.greetingTimeout,
    socketTimeout: options.socketTimeout ?? DEFAULT_TIMEOUTS.socketTimeout,
    tls: { rejectUnauthorized: true, minVersion: 'TLSv1.2' as const, ...options.tls },
    // The host name we greet with: the computer's name may be personal ("Anas-MacBook").
    name: 'tutordesk.invalid',
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

export function createMailTransport(settings: SmtpConnectionSettings, options: MailTransportOptions = {}): Transporter {
  return createTransport(smtpOptions(settings, options));
}

/** What went wrong, for the words: the server, the sender and the recipients of the attempt. */
export interface MailErrorContext {
  host?: string;
  port?: number;
  from?: string;
  to?: string[];
}

interface SmtpErrorLike {
  message?: unknown;
  code?: unknown;
  originalCode?: unknown;
  responseCode?: unknown;
  response?: unknown;
  command?: unknown;
  rejected?: unknown;
  recipient?: unknown;
}

export const AUTH_ADVICE =
  'The mail server refused the user name or password. For Gmail, Outlook and iCloud use an app password (docs/email.md).';

const CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** ` The server said: "535 5.7.8 Authentication failed".` or '' when the server said nothing. */
function serverSaid(response: string): string {
  const said = response.replace(/\s+/g, ' ').trim();
  return said ? ` The server said: "${said}".` : '';
}

/**
 * Turns a nodemailer (or socket) error into the failure the user reads. A server's answer is
 * quoted as it came; 4xx answers are temporary (retryable), 5xx answers are not.
 */
export function classifyMailError(err: unknown, ctx: MailErrorContext = {}): MailFailure {
  const e: SmtpErrorLike = typeof err === 'object' && err !== null ? (err as SmtpErrorLike) : { message: String(err) };
  const code = text(e.code);
  const original = text(e.originalCode);
  const message = text(e.message);
  const response = text(e.response);
  const command = text(e.command).toUpperCase();
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : Number(/^([2-5]\d\d)\b/.exec(response)?.[1] ?? NaN);
  const where = ctx.host ? `${ctx.host}${ctx.port ? `:${ctx.port}` : ''}` : 'the mail server';
  const temporary = responseCode >= 400 && responseCode < 500;
  const byCode = (fallback: boolean) => (Number.isFinite(responseCode) ? temporary : fallback);
  const said = serverSaid(response);

  // Authentication: a refused login, or a server that wants one before it takes the sender.
  if (code === 'EAUTH' || code === 'ENOAUTH' || command.startsWith('AUTH') || responseCode === 535 || responseCode === 530) {
    return { kind: 'auth', reason: `${AUTH_ADVICE}${said}`, retryable: byCode(false) };
  }

  // TLS: untrusted certificate, TLS spoken to a plain port (or the reverse), a failed STARTTLS.
  const tlsText = `${message} ${original} ${code}`;
  if (CERTIFICATE_CODES.has(code) || CERTIFICATE_CODES.has(original) || /certificate|self[- ]signed/i.test(message)) {
    const detail = message.replace(/^Error initiating TLS - /, '');
    return {
      kind: 'tls',
      reason: `The mail server ${where} showed a certificate this computer does not trust (${detail}). Check the server name: TutorDesk only sends over a verified connection.`,
      retryable: false,
    };
  }
  const tlsFailure =
    /wrong version number|packet length too long|unknown protocol|tlsv1 alert [a-z ]+|handshake failure|ERR_SSL_[A-Z_]+/i.exec(tlsText);
  if (tlsFailure) {
    return {
      kind: 'tls',
      reason: `The secure connection to ${where} failed (${tlsFailure[0]}). The security setting probably does not match the port: port 465 uses TLS, ports 587 and 25 use STARTTLS.`,
      retryable: false,
    };
  }
  if (code === 'ETLS' || command === 'STARTTLS') {
    return {
      kind: 'tls',
      reason: `The mail server ${where} could not start a secure connection (STARTTLS).${said || ` (${message})`} Check the security setting: port 465 uses TLS, ports 587 and 25 use STARTTLS.`,
      retryable: false,
    };
  }

  // Envelope: the sender or the recipients refused.
  if (command === 'MAIL FROM') {
    const from = ctx.from ? ` ${ctx.from}` : '';
    return {
      kind: 'sender-refused',
      reason: `The mail server refused the sender address${from}. Most servers only send from the account's own address or an alias set up with the provider.${said}`,
      retryable: byCode(false),
    };
  }
  if (command === 'RCPT TO') {
    const rejected = Array.isArray(e.rejected) ? e.rejected.map(String) : text(e.recipient) ? [text(e.recipient)] : (ctx.to ?? []);
    const who = rejected.length ? ` ${rejected.join(', ')}` : '';
    return {
      kind: 'recipient-refused',
      reason: `The mail server refused the recipient${rejected.length > 1 ? 's' : ''}${who}. Check the address.${said}`,
      retryable: byCode(false),
    };
  }
  if ((code === 'EMESSAGE' || command === 'DATA') && Number.isFinite(responseCode)) {
    return { kind: 'message-refused', reason: `The mail server refused the message.${said}`, retryable: temporary };
  }

  if (code === 'EABORT' || (err instanceof Error && err.name === 'AbortError')) {
    return { kind: 'unknown', reason: 'Sending was interrupted because TutorDesk was closing. Try again.', retryable: true };
  }

  // The network.
  const net = `${original} ${code} ${message}`;
  if (/ECONNREFUSED/.test(net)) {
    return {
      kind: 'unreachable',
      reason: `Could not reach the mail server ${where}: the connection was refused. Check the server name and port.`,
      retryable: true,
    };
  }
  if (/ENOTFOUND|EAI_AGAIN|EDNS/.test(net)) {
    return {
      kind: 'unreachable',
      reason: `Could not reach the mail server ${where}: the name was not found. Check the server name and the internet connection.`,
      retryable: true,
    };
  }
  if (/EHOSTUNREACH|ENETUNREACH|ENETDOWN|EHOSTDOWN|EADDRNOTAVAIL/.test(net)) {
    return {
      kind: 'unreachable',
      reason: `Could not reach the mail server ${where}: no route to it. Check the internet connection.`,
      retryable: true,
    };
  }
  if (/ETIMEDOUT|timed? ?out/i.test(net)) {
    return {
      kind: 'timeout',
      reason: `The mail server ${where} did not answer in time. Check the server name, port and security setting, and the internet connection.`,
      retryable: true,
    };
  }
  if (code === 'ECONNECTION' || /ECONNRESET|EPIPE|closed/i.test(net)) {
    return {
      kind: 'unreachable',
      reason: `The mail server ${where} closed the connection before taking the message.${said} Try again later.`,
      retryable: true,
    };
  }
  if (Number.isFinite(responseCode)) {
    return { kind: 'unknown', reason: `The mail server ${where} answered with an error.${said}`, retryable: temporary };
  }
  return { kind: 'unknown', reason: `Sending failed: ${message || code || 'unknown error'}.`, retryable: true };
}
