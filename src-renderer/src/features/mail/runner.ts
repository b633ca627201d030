/**
 * The outbox runner of this laptop (docs/email.md "Outbox"): sends the messages this laptop queued,
 * one at a time, through the host (`bridge.mail.send`), when the host can send and the laptop is
 * online; waits for each message's retry time otherwise. The transitions are the pure functions of
 * src-shared/mail/outbox.ts; the host's journal makes a repeated send of one message id a no-op,
 * so a message left "sending" by a crash is simply queued again at start.
 */
import type { Subscription } from 'rxjs';
import type { TutorDatabase } from '../../data';
import { saveDoc } from '../../data';
import type { TutorBridge } from '../../../../src-shared/bridge';
import type { ChangeContext } from '../../../../src-shared/model/meta';
import type { OutboxMessage, PracticeSettings } from '../../../../src-shared/model/types';
import {
  dueMessages,
  markFailed,
  markSending,
  markSent,
  nextDueAt,
  recoverInterrupted,
  type OutboxChange,
} from '../../../../src-shared/mail/outbox';
import { attachmentsOf } from './documents';

export interface OutboxRunnerOptions {
  db: TutorDatabase;
  bridge: Pick<TutorBridge, 'mail'>;
  deviceId: string;
  ctx: () => ChangeContext;
  settings: () => PracticeSettings | null;
  online?: () => boolean;
  now?: () => Date;
  /** Longest sleep between two looks at the queue. */
  idleMs?: number;
}

type MessagesCollection = {
  find(q: unknown): { exec(): Promise<{ toJSON(): OutboxMessage }[]> };
  $: { subscribe(cb: () => void): Subscription };
};

export interface OutboxRunner {
  stop(): void;
  /** Looks at the queue now (what the timers and events do); resolves when that look is done. */
  runNow(): Promise<void>;
}

/** Starts the runner. */
export function startOutboxRunner(opts: OutboxRunnerOptions): OutboxRunner {
  const now = opts.now ?? (() => new Date());
  const online = opts.online ?? (() => globalThis.navigator?.onLine ?? true);
  const idleMs = opts.idleMs ?? 30_000;
  const messages = opts.db.collections.messages as unknown as MessagesCollection;
  let stopped = false;
  let running = false;
  let again = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let recovered = false;

  const mine = async (): Promise<OutboxMessage[]> =>
    (await messages.find({ selector: { senderDeviceId: opts.deviceId, state: { $in: ['queued', 'sending'] } } }).exec()).map((d) =>
      d.toJSON(),
    );
  const change = (m: OutboxMessage, c: OutboxChange) => saveDoc(opts.db, 'messages', m.id, c, opts.ctx());

  async function sendOne(m: OutboxMessage, settings: PracticeSettings): Promise<void> {
    const sending = await change(m, markSending(m, now()));
    let result;
    try {
      result = await opts.bridge.mail.send({
        id: m.id,
        to: m.to,
        subject: m.subject,
        text: m.text,
        html: m.html,
        attachments: await attachmentsOf(opts.db, m.documents, settings, now()),
      });
    } catch (e) {
      result = { status: 'failed' as const, kind: 'attachment' as const, reason: (e as Error).message, retryable: false };
    }
    if (result.status === 'sent')
      await change(sending, markSent(sending, { acceptedAt: result.acceptedAt, messageIdHeader: result.messageId }));
    else await change(sending, markFailed(sending, result, now()));
  }

  async function tick(): Promise<void> {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      if (!(await opts.bridge.mail.available())) return;
      let list = await mine();
      if (!recovered) {
        recovered = true;
        for (const m of list.filter((x) => x.state === 'sending')) await change(m, recoverInterrupted(m));
        list = await mine();
      }
      const settings = opts.settings();
      if (!settings) return;
      for (const m of dueMessages(list, { deviceId: opts.deviceId, now: now(), online: online() })) {
        if (stopped) return;
        await sendOne(m, settings);
      }
    } catch (e) {
      // A record that could not be written, or a host that failed: the next look tries again.
      console.warn('The outbox could not send', e);
    } finally {
      running = false;
      if (!stopped) schedule(again ? 0 : undefined);
      again = false;
    }
  }

  function schedule(delay?: number): void {
    if (timer) clearTimeout(timer);
    const wait = async () => {
      if (delay !== undefined) return delay;
      const next = nextDueAt(await mine(), { deviceId: opts.deviceId, now: now() });
      return next === null ? idleMs : Math.max(0, Math.min(idleMs, next - now().getTime()));
    };
    void wait().then((ms) => {
      if (!stopped) timer = setTimeout(() => void tick(), ms);
    });
  }

  // A message queued (or resent) on this laptop goes at once; so does coming back online.
  const sub = messages.$.subscribe(() => void tick());
  const onOnline = () => void tick();
  globalThis.addEventListener?.('online', onOnline);
  void tick();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      sub.unsubscribe();
      globalThis.removeEventListener?.('online', onOnline);
    },
    runNow: tick,
  };
}
