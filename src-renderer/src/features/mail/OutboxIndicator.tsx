/**
 * The top bar's outbox item: runs this laptop's outbox (runner.ts) and tomorrow's lesson
 * reminders (lesson-reminders-job.ts) for as long as the app is open, and shows how many e-mails wait or failed, linking to the outbox.
 */
import { useEffect, useRef } from 'react';
import { useApp, useLiveQuery } from '../../app/AppContext';
import { navigate } from '../../app/router';
import { Icon } from '../../ui/Icon';
import { getBridge } from '../../platform/bridge';
import { countOf } from '../../../../src-shared/locale/count';
import { NOUNS } from '../../../../src-shared/locale/wording';
import { startLessonRemindersJob, type LessonRemindersJob } from './lesson-reminders-job';
import { startOutboxRunner } from './runner';

export function OutboxIndicator() {
  const app = useApp();
  const settings = useRef(app.settings);
  settings.current = app.settings;
  const ctx = useRef(app.ctx);
  ctx.current = app.ctx;
  const me = useRef(app.me);
  me.current = app.me;
  const reminders = useRef<LessonRemindersJob | null>(null);
  useEffect(() => {
    const runner = startOutboxRunner({
      db: app.db,
      bridge: getBridge(),
      deviceId: app.device.deviceId,
      ctx: () => ctx.current(),
      settings: () => settings.current,
    });
    const job = startLessonRemindersJob({
      db: app.db,
      bridge: getBridge(),
      ctx: () => ctx.current(),
      settings: () => settings.current,
      me: () => me.current,
    });
    reminders.current = job;
    return () => {
      runner.stop();
      job.stop();
      reminders.current = null;
    };
  }, [app.db, app.device.deviceId]);
  // Who uses the laptop and the practice's settings arrive after start (or change): look again.
  const role = app.me?.role;
  const timeZone = app.settings?.timeZone;
  useEffect(() => {
    if (role && timeZone) void reminders.current?.runNow();
  }, [role, timeZone]);
  const { docs } = useLiveQuery('messages', { selector: { state: { $in: ['queued', 'sending', 'failed'] } } });
  if (docs.length === 0) return null;
  const failed = docs.filter((m) => m.state === 'failed').length;
  const waiting = docs.length - failed;
  const text = [waiting > 0 ? `${countOf(waiting, NOUNS.email)} waiting` : '', failed > 0 ? `${failed} not sent` : '']
    .filter(Boolean)
    .join(', ');
  return (
    <button
      type="button"
      className={`btn btn-ghost mail-indicator${failed ? ' mail-indicator-failed' : ''}`}
      onClick={() => navigate('/outbox')}
    >
      <Icon name="mail" size={16} />
      <span>Outbox: {text}</span>
    </button>
  );
}

/** For a family's page: its communication history, the Outbox filtered to the family. */
export function FamilyEmailsButton({ familyId }: { familyId: string }) {
  return (
    <button type="button" className="btn" onClick={() => navigate(`/outbox?family=${encodeURIComponent(familyId)}`)}>
      <Icon name="mail" size={16} />
      E-mails
    </button>
  );
}
