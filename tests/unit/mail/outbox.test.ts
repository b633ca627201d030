/**
 * The outbox state machine: which messages this laptop sends, the retry backoff and its bounds,
 * every legal transition and the refusal of the others, recovery after a crash, batch progress.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  batchProgressText,
  cancel,
  describeMessage,
  dueMessages,
  FIRST_RETRY_DELAY_MS,
  markFailed,
  markSending,
  markSent,
  MAX_ATTEMPTS,
  MAX_RETRY_DELAY_MS,
  nextDueAt,
  nextRetryDelayMs,
  OutboxTransitionError,
  recoverInterrupted,
  resend,
  summariseBatch,
} from '../../../src-shared/mail/outbox';
import { MESSAGE_STATES, type MessageState, type OutboxMessage } from '../../../src-shared/model/types';
import { makeMessage } from './fixtures';

const now = new Date('2026-03-02T10:00:00.000Z');
const timeout = { kind: 'timeout' as const, reason: 'The mail server did not answer in time', retryable: true };
const refused = { kind: 'recipient-refused' as const, reason: '550 No such user', retryable: false };
const apply = (m: OutboxMessage, c: Partial<OutboxMessage>): OutboxMessage => ({ ...m, ...c });

describe('nextRetryDelayMs', () => {
  it('starts at a minute and doubles, with at most 20 % jitter', () => {
    for (let n = 1; n <= 8; n++) {
      const base = FIRST_RETRY_DELAY_MS * 2 ** (n - 1);
      const d = nextRetryDelayMs(n, 'msg-1');
      expect(d).toBeGreaterThanOrEqual(base);
      expect(d).toBeLessThanOrEqual(base * 1.2);
    }
  });

  it('is capped at 6 hours however many attempts', () => {
    expect(nextRetryDelayMs(10, 'x')).toBe(MAX_RETRY_DELAY_MS);
    expect(nextRetryDelayMs(1000, 'x')).toBe(MAX_RETRY_DELAY_MS);
  });

  it('is deterministic per id and spreads different ids', () => {
    expect(nextRetryDelayMs(3, 'abc')).toBe(nextRetryDelayMs(3, 'abc'));
    const spread = new Set(['a', 'b', 'c', 'd', 'e', 'f'].map((id) => nextRetryDelayMs(3, id)));
    expect(spread.size).toBeGreaterThan(1);
  });

  it('property: always within [1 min, 6 h]', () => {
    fc.assert(
      fc.property(fc.integer({ min: -5, max: 10_000 }), fc.string(), (n, id) => {
        const d = nextRetryDelayMs(n, id);
        expect(d).toBeGreaterThanOrEqual(FIRST_RETRY_DELAY_MS);
        expect(d).toBeLessThanOrEqual(MAX_RETRY_DELAY_MS);
        expect(Number.isInteger(d)).toBe(true);
      }),
    );
  });
});

describe('dueMessages', () => {
  const list = [
    makeMessage('m-late', { createdAt: '2026-03-02T09:00:00.000Z' }),
    makeMessage('m-early', { createdAt: '2026-03-01T09:00:00.000Z' }),
    makeMessage('m-other-laptop', { senderDeviceId: 'dev-b' }),
    makeMessage('m-waiting', { nextAttemptAt: '2026-03-02T10:00:01.000Z' }),
    makeMessage('m-wait-over', { nextAttemptAt: '2026-03-02T10:00:00.000Z', createdAt: '2026-03-01T12:00:00.000Z' }),
    makeMessage('m-sent', { state: 'sent' }),
    makeMessage('m-sending', { state: 'sending' }),
    makeMessage('m-failed', { state: 'failed' }),
  ];

  it("gives this laptop's queued messages whose wait is over, oldest first", () => {
    expect(dueMessages(list, { deviceId: 'dev-a', now, online: true }).map((m) => m.id)).toEqual(['m-early', 'm-wait-over', 'm-late']);
    expect(dueMessages(list, { deviceId: 'dev-b', now, online: true }).map((m) => m.id)).toEqual(['m-other-laptop']);
  });

  it('gives nothing offline', () => {
    expect(dueMessages(list, { deviceId: 'dev-a', now, online: false })).toEqual([]);
  });

  it('nextDueAt says when the next waiting message falls due', () => {
    expect(nextDueAt(list, { deviceId: 'dev-a', now })).toBe(Date.parse('2026-03-02T10:00:01.000Z'));
    expect(nextDueAt(list, { deviceId: 'dev-b', now })).toBeNull();
  });
});

describe('transitions', () => {
  it('queued → sending → sent', () => {
    let m = makeMessage('m1');
    m = apply(m, markSending(m, now));
    expect(m.state).toBe('sending');
    expect(m.attempts).toBe(1);
    m = apply(m, markSent(m, { acceptedAt: '2026-03-02T10:00:02Z', messageIdHeader: '<m1@tutordesk>' }));
    expect(m).toMatchObject({ state: 'sent', sentAt: '2026-03-02T10:00:02.000Z', messageIdHeader: '<m1@tutordesk>', lastError: '' });
  });

  it('a retryable failure goes back to the queue with the backoff, keeping the reason', () => {
    let m = apply(makeMessage('m1'), { state: 'sending', attempts: 3 });
    const change = markFailed(m, timeout, now);
    m = apply(m, change);
    expect(m.state).toBe('queued');
    expect(Date.parse(m.nextAttemptAt) - now.getTime()).toBe(nextRetryDelayMs(3, 'm1'));
    expect(m.lastError).toBe(timeout.reason);
    expect(m.lastErrorKind).toBe('timeout');
    expect(dueMessages([m], { deviceId: 'dev-a', now, online: true })).toEqual([]);
    expect(dueMessages([m], { deviceId: 'dev-a', now: new Date(m.nextAttemptAt), online: true })).toHaveLength(1);
  });

  it('a retryable failure on the last attempt fails for good, saying so', () => {
    const m = apply(makeMessage('m1'), { state: 'sending', attempts: MAX_ATTEMPTS });
    const change = markFailed(m, timeout, now);
    expect(change.state).toBe('failed');
    expect(change.lastError).toBe(`${timeout.reason} (gave up after 8 attempts)`);
    expect(change.nextAttemptAt).toBe('');
  });

  it('a permanent failure fails at once with the server reason', () => {
    const m = apply(makeMessage('m1'), { state: 'sending', attempts: 1 });
    expect(markFailed(m, refused, now)).toEqual({
      state: 'failed',
      nextAttemptAt: '',
      lastError: '550 No such user',
      lastErrorKind: 'recipient-refused',
    });
  });

  it('gives up after MAX_ATTEMPTS sends of a message that keeps timing out', () => {
    let m = makeMessage('m1');
    let t = now;
    let sends = 0;
    while (m.state === 'queued') {
      m = apply(m, markSending(m, t));
      sends += 1;
      m = apply(m, markFailed(m, timeout, t));
      if (m.state === 'queued') t = new Date(m.nextAttemptAt);
    }
    expect(sends).toBe(MAX_ATTEMPTS);
    expect(m.state).toBe('failed');
  });

  it('resend puts a failed or cancelled message back in the queue with attempts reset', () => {
    for (const state of ['failed', 'cancelled'] as const) {
      const m = makeMessage('m1', { state, attempts: 8, lastError: 'x', lastErrorKind: 'timeout' });
      expect(resend(m, now)).toEqual({ state: 'queued', attempts: 0, nextAttemptAt: now.toISOString(), lastError: '', lastErrorKind: '' });
    }
  });

  it('cancel withdraws a queued or failed message', () => {
    expect(cancel(makeMessage('m1'))).toEqual({ state: 'cancelled', nextAttemptAt: '' });
    expect(cancel(makeMessage('m1', { state: 'failed' })).state).toBe('cancelled');
  });

  it('recoverInterrupted queues a message left sending, to go at once', () => {
    const m = makeMessage('m1', { state: 'sending', attempts: 2, nextAttemptAt: '2026-03-02T11:00:00.000Z' });
    expect(recoverInterrupted(m)).toEqual({ state: 'queued', nextAttemptAt: '' });
    expect(dueMessages([apply(m, recoverInterrupted(m))], { deviceId: 'dev-a', now, online: true })).toHaveLength(1);
  });

  it('refuses every other transition with a clear error', () => {
    const legal: Record<string, readonly MessageState[]> = {
      markSending: ['queued'],
      markSent: ['sending'],
      markFailed: ['sending'],
      resend: ['failed', 'cancelled'],
      cancel: ['queued', 'failed'],
      recoverInterrupted: ['sending'],
    };
    const run: Record<string, (m: OutboxMessage) => unknown> = {
      markSending: (m) => markSending(m, now),
      markSent: (m) => markSent(m, { acceptedAt: now.toISOString(), messageIdHeader: 'x' }),
      markFailed: (m) => markFailed(m, timeout, now),
      resend: (m) => resend(m, now),
      cancel: (m) => cancel(m),
      recoverInterrupted: (m) => recoverInterrupted(m),
    };
    for (const [name, fn] of Object.entries(run)) {
      for (const state of MESSAGE_STATES) {
        const m = makeMessage('m1', { state });
        if (legal[name]!.includes(state)) expect(() => fn(m), `${name} from ${state}`).not.toThrow();
        else expect(() => fn(m), `${name} from ${state}`).toThrow(OutboxTransitionError);
      }
    }
    expect(() => cancel(makeMessage('m9', { state: 'sent' }))).toThrow(
      'Cannot cancel message m9: it is sent; only a message that is waiting to send or not sent can be.',
    );
  });

  it('markSent refuses an acceptedAt that is not an instant', () => {
    expect(() => markSent(makeMessage('m1', { state: 'sending' }), { acceptedAt: 'soon', messageIdHeader: '' })).toThrow(/not an instant/);
  });
});

describe('batches', () => {
  const batch = [
    makeMessage('a', { batchId: 'b1', state: 'sent' }),
    makeMessage('b', { batchId: 'b1', state: 'sent' }),
    makeMessage('c', { batchId: 'b1', state: 'failed' }),
    makeMessage('d', { batchId: 'b1', state: 'queued' }),
    makeMessage('e', { batchId: 'b1', state: 'sending' }),
    makeMessage('f', { batchId: 'b2', state: 'sent' }),
    makeMessage('g', { batchId: '', state: 'queued' }),
  ];

  it('counts the states of one batch', () => {
    expect(summariseBatch(batch, 'b1')).toEqual({
      queued: 1,
      sending: 1,
      sent: 2,
      failed: 1,
      cancelled: 0,
      total: 5,
      done: 3,
      finished: false,
    });
    expect(summariseBatch(batch, 'b2')).toMatchObject({ total: 1, done: 1, finished: true });
    expect(summariseBatch(batch, '')).toMatchObject({ total: 0, finished: false });
  });

  it('says the progress in words', () => {
    expect(batchProgressText(summariseBatch(batch, 'b1'))).toBe('2 of 5 e-mails sent · 1 sending · 1 waiting to send · 1 not sent');
    expect(batchProgressText(summariseBatch(batch, 'b2'))).toBe('1 of 1 e-mail sent');
  });

  it('describes a waiting message with its next try and reason', () => {
    const m = makeMessage('m', { nextAttemptAt: '2026-07-01T13:05:00.000Z', lastError: 'Timed out' });
    expect(describeMessage(m, { locale: 'en-GB', timeZone: 'Europe/London' })).toBe('Waiting to send · next try at 14:05 · Timed out');
    expect(describeMessage(makeMessage('s', { state: 'sent' }), { locale: 'en-GB', timeZone: 'Europe/London' })).toBe('Sent');
  });
});
