/**
 * The outbox state machine (docs/email-templates.md "Outbox"). Messages are records of the synced
 * `messages` collection; only the laptop that queued one (`senderDeviceId`) sends it.
 *
 *   queued ──markSending──▶ sending ──markSent──▶ sent
 *     ▲  ▲                    │  │
 *     │  └─markFailed(retry)──┘  └─markFailed(for good, or MAX_ATTEMPTS reached)──▶ failed
 *     │  └─recoverInterrupted (a 'sending' message found at start)
 *     └──resend── failed | cancelled
 *   queued | failed ──cancel──▶ cancelled
 *
 * Every transition is a pure function returning only the fields it changes (the caller stamps and
 * writes them), and throws OutboxTransitionError for a transition the machine does not have.
 * A retry waits `nextRetryDelayMs(attempts, id)`: 1 minute doubling per attempt, at most 6 hours,
 * plus up to 20 % jitter derived from the message id (deterministic: tests and two runs agree).
 *
 * Pure: no Electron, React or DOM.
 */
import type { MailFailure } from './contract';
import { countOf } from '../locale/count';
import { clockFormat } from '../locale/practice-locale';
import { MESSAGE_STATE_WORDS, NOUNS } from '../locale/wording';
import { MESSAGE_STATES, type MessageState, type OutboxMessage } from '../model/types';

/** Attempts (sends handed to the mail server) before a retryable failure becomes 'failed'. */
export const MAX_ATTEMPTS = 8;
/** The wait after the first failed attempt; it doubles with each further attempt. */
export const FIRST_RETRY_DELAY_MS = 60_000;
/** No wait is longer than this. */
export const MAX_RETRY_DELAY_MS = 6 * 60 * 60_000;
/** Jitter adds up to this fraction of the wait (never past MAX_RETRY_DELAY_MS). */
export const RETRY_JITTER = 0.2;

/** The fields the outbox transitions change. */
export type OutboxChange = Partial<
  Pick<OutboxMessage, 'state' | 'attempts' | 'nextAttemptAt' | 'lastError' | 'lastErrorKind' | 'sentAt' | 'messageIdHeader'>
>;

export class OutboxTransitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutboxTransitionError';
  }
}

/** FNV-1a, 32 bits: a stable number from a string. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * How long to wait after `attempts` failed attempts (1 = the first): 1 min, 2, 4, 8 … capped at
 * 6 h, plus a jitter of 0–20 % taken from the message id and the attempt, so a batch that failed
 * together does not retry all at the same second. Always within [1 min, 6 h].
 */
export function nextRetryDelayMs(attempts: number, id = ''): number {
  const n = Math.max(1, Math.floor(attempts));
  // 2^(n-1) minutes, without overflowing for large n.
  const base = n > 20 ? MAX_RETRY_DELAY_MS : Math.min(MAX_RETRY_DELAY_MS, FIRST_RETRY_DELAY_MS * 2 ** (n - 1));
  const jitter = (hash32(`${id}#${n}`) / 0x1_0000_0000) * RETRY_JITTER;
  return Math.min(MAX_RETRY_DELAY_MS, Math.round(base * (1 + jitter)));
}

export interface DueOptions {
  /** This laptop's device id: only its own messages are sent here. */
  deviceId: string;
  now: Date;
  /** Whether the mail server can be reached (navigator.onLine and a configured account). */
  online: boolean;
}

function isDue(m: OutboxMessage, nowMs: number): boolean {
  if (m.nextAttemptAt === '') return true;
  const at = Date.parse(m.nextAttemptAt);
  return Number.isNaN(at) || at <= nowMs;
}

function oldestFirst(a: OutboxMessage, b: OutboxMessage): number {
  return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The messages this laptop sends now: queued, its own, their wait over; oldest first. None offline. */
export function dueMessages(messages: Iterable<OutboxMessage>, opts: DueOptions): OutboxMessage[] {
  if (!opts.online) return [];
  const nowMs = opts.now.getTime();
  const out: OutboxMessage[] = [];
  for (const m of messages) if (m.state === 'queued' && m.senderDeviceId === opts.deviceId && isDue(m, nowMs)) out.push(m);
  return out.sort(oldestFirst);
}

/** When this laptop's next waiting message falls due after `now` (ms), or null: the host sleeps until then. */
export function nextDueAt(messages: Iterable<OutboxMessage>, opts: Pick<DueOptions, 'deviceId' | 'now'>): number | null {
  const nowMs = opts.now.getTime();
  let next: number | null = null;
  for (const m of messages) {
    if (m.state !== 'queued' || m.senderDeviceId !== opts.deviceId || isDue(m, nowMs)) continue;
    const at = Date.parse(m.nextAttemptAt);
    if (next === null || at < next) next = at;
  }
  return next;
}

const WORD = (s: MessageState) => MESSAGE_STATE_WORDS[s].toLowerCase();

function refuse(m: OutboxMessage, action: string, allowed: readonly MessageState[]): never {
  throw new OutboxTransitionError(
    `Cannot ${action} message ${m.id}: it is ${WORD(m.state)}; only a message that is ${allowed.map(WORD).join(' or ')} can be.`,
  );
}

function requireState(m: OutboxMessage, action: string, allowed: readonly MessageState[]): void {
  if (!allowed.includes(m.state)) refuse(m, action, allowed);
}

/** queued → sending, counting the attempt (before the host is asked, so a crash still counts it). */
export function markSending(m: OutboxMessage, _now: Date): OutboxChange {
  requireState(m, 'send', ['queued']);
  return { state: 'sending', attempts: m.attempts + 1 };
}

/** sending → sent, with what the mail server answered. */
export function markSent(m: OutboxMessage, result: { acceptedAt: string; messageIdHeader: string }): OutboxChange {
  requireState(m, 'mark as sent', ['sending']);
  if (Number.isNaN(Date.parse(result.acceptedAt))) throw new OutboxTransitionError(`acceptedAt is not an instant: "${result.acceptedAt}"`);
  return {
    state: 'sent',
    sentAt: new Date(Date.parse(result.acceptedAt)).toISOString(),
    messageIdHeader: result.messageIdHeader,
    nextAttemptAt: '',
    lastError: '',
    lastErrorKind: '',
  };
}

/**
 * sending → queued again after the backoff when the failure is retryable and attempts remain;
 * otherwise sending → failed with the server's reason (and, for a retryable one, how many attempts
 * were made).
 */
export function markFailed(m: OutboxMessage, failure: Pick<MailFailure, 'kind' | 'reason' | 'retryable'>, now: Date): OutboxChange {
  requireState(m, 'mark as failed', ['sending']);
  if (failure.retryable && m.attempts < MAX_ATTEMPTS) {
    return {
      state: 'queued',
      nextAttemptAt: new Date(now.getTime() + nextRetryDelayMs(m.attempts, m.id)).toISOString(),
      lastError: failure.reason,
      lastErrorKind: failure.kind,
    };
  }
  const reason = failure.retryable ? `${failure.reason} (gave up after ${countOf(m.attempts, NOUNS.attempt)})` : failure.reason;
  return { state: 'failed', nextAttemptAt: '', lastError: reason, lastErrorKind: failure.kind };
}

/** failed | cancelled → queued at once, attempts counted afresh (the person asked for it). */
export function resend(m: OutboxMessage, now: Date): OutboxChange {
  requireState(m, 'resend', ['failed', 'cancelled']);
  return { state: 'queued', attempts: 0, nextAttemptAt: now.toISOString(), lastError: '', lastErrorKind: '' };
}

/** queued | failed → cancelled. A message being sent, or sent, cannot be withdrawn. */
export function cancel(m: OutboxMessage): OutboxChange {
  requireState(m, 'cancel', ['queued', 'failed']);
  return { state: 'cancelled', nextAttemptAt: '' };
}

/**
 * A message found 'sending' when the app starts was interrupted (crash, power cut, app quit): put
 * it back in the queue at once. Sending it again is safe: the host's journal of sent ids makes the
 * repeat a no-op when the first try did reach the server (`alreadySent`).
 */
export function recoverInterrupted(m: OutboxMessage): OutboxChange {
  requireState(m, 'recover', ['sending']);
  return { state: 'queued', nextAttemptAt: '' };
}

export interface BatchSummary extends Record<MessageState, number> {
  total: number;
  /** sent + failed + cancelled: nothing more will happen to them by itself. */
  done: number;
  /** Every message of the batch is done. */
  finished: boolean;
}

/** Counts by state of one batch's messages, for its progress bar. */
export function summariseBatch(messages: Iterable<OutboxMessage>, batchId: string): BatchSummary {
  const counts = Object.fromEntries(MESSAGE_STATES.map((s) => [s, 0])) as Record<MessageState, number>;
  let total = 0;
  for (const m of messages) {
    if (!batchId || m.batchId !== batchId) continue;
    counts[m.state] += 1;
    total += 1;
  }
  const done = counts.sent + counts.failed + counts.cancelled;
  return { ...counts, total, done, finished: total > 0 && done === total };
}

/** "12 of 30 e-mails sent · 2 not sent · 16 waiting to send" for a batch's progress. */
export function batchProgressText(s: BatchSummary, locale = 'en-GB'): string {
  const parts = [`${s.sent.toLocaleString(locale)} of ${countOf(s.total, NOUNS.email, locale)} ${WORD('sent')}`];
  for (const state of ['sending', 'queued', 'failed', 'cancelled'] as const) {
    if (s[state] > 0) parts.push(`${s[state].toLocaleString(locale)} ${WORD(state)}`);
  }
  return parts.join(' · ');
}

/**
 * One line about a message for the outbox list: its state in words, and for a waiting message
 * after a failure, when it tries again and why ("Waiting to send · next try at 14:05 · Timed out").
 */
export function describeMessage(m: OutboxMessage, practice: { locale: string; timeZone: string }): string {
  const parts = [MESSAGE_STATE_WORDS[m.state]];
  if (m.state === 'queued' && m.nextAttemptAt && m.lastError) {
    const at = Date.parse(m.nextAttemptAt);
    if (!Number.isNaN(at)) parts.push(`next try at ${clockFormat(practice.locale, practice.timeZone).time(at)}`);
  }
  if ((m.state === 'queued' || m.state === 'failed') && m.lastError) parts.push(m.lastError);
  return parts.join(' · ');
}
