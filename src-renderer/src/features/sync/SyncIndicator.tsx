/**
 * The sync status in the top bar, always visible: offline / connecting / syncing (with a
 * progress bar during the first sync of a big practice) / up to date (last synced time) / error,
 * plus the local changes not yet on the server. Clicking opens a small panel with the details,
 * "Sync now" and links to the conflicts and refused-changes lists.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { useApp } from '../../app/AppContext';
import { navigate } from '../../app/router';
import { describeIndicator, formatSyncTime, type Tone } from './describe';
import { SyncErrorAlert } from './SyncErrorAlert';
import { useSyncController, useSyncSnapshot, useNow } from './hooks';
import { SyncIcon, type SyncIconName } from './SyncIcon';
import type { SyncSnapshot } from './controller';
import './sync.css';
import { countOf, formOf } from '../../../../src-shared/locale/count';
import { NOUNS, VERBS } from '../../../../src-shared/locale/wording';

function iconFor(snapshot: SyncSnapshot): { name: SyncIconName; spin: boolean } {
  if (snapshot.phase === 'off') return { name: 'cloud-off', spin: false };
  if (snapshot.phase === 'needs-password') return { name: 'pause', spin: false };
  const st = snapshot.status?.state;
  if (!st || st === 'connecting' || st === 'syncing') return { name: 'refresh', spin: true };
  if (st === 'up-to-date') return { name: 'cloud-check', spin: false };
  if (st === 'offline') return { name: 'cloud-off', spin: false };
  if (st === 'error') return { name: 'alert', spin: false };
  return { name: 'cloud', spin: false };
}

export function ProgressBar({ done, total, label }: { done: number; total: number; label: string }) {
  const locale = useApp().settings?.locale ?? 'en-GB';
  const pct = total > 0 ? Math.min(100, (done / total) * 100) : 0;
  return (
    <div
      className="sync-progress"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={total}
      aria-valuenow={Math.min(done, total)}
      aria-valuetext={`${done.toLocaleString(locale)} of ${total.toLocaleString(locale)}`}
    >
      <div className="sync-progress-fill" style={{ width: `${pct}%` }} />
    </div>
  );
}

export function SyncIndicator() {
  const app = useApp();
  const controller = useSyncController();
  const snapshot = useSyncSnapshot();
  const now = useNow();
  const [open, setOpen] = useState(false);
  const [announce, setAnnounce] = useState('');
  const wrapRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelId = useId();
  const locale = app.settings?.locale ?? 'en-GB';
  const timeZone = app.settings?.timeZone;
  const status = snapshot.status;
  const text = describeIndicator(snapshot.phase, status, { now, locale, ...(timeZone ? { timeZone } : {}) });
  const icon = iconFor(snapshot);
  const attention = (status?.conflicts ?? 0) + (status?.quarantined ?? 0);

  // Announce state changes (not every count) to screen readers.
  useEffect(() => {
    setAnnounce(text.announcement);
  }, [text.announcement]);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (wrapRef.current && !wrapRef.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setOpen(false);
        buttonRef.current?.focus();
      }
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const go = (route: string) => {
    setOpen(false);
    navigate(route);
  };

  return (
    <div className="sync-indicator rel" ref={wrapRef}>
      <button
        ref={buttonRef}
        type="button"
        className={`sync-chip tone-${text.tone}`}
        aria-label={text.accessibleName}
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        onClick={() => setOpen((o) => !o)}
      >
        <SyncIcon name={icon.name} spin={icon.spin} size={17} />
        <span className="sync-chip-text">
          <span className="sync-chip-label">{text.label}</span>
          {text.detail && <span className="sync-chip-detail">{text.detail}</span>}
        </span>
        {status && status.pending > 0 && (status.state === 'error' || status.state === 'connecting' || status.state === 'up-to-date') && (
          <span className="sync-count" aria-hidden="true" title="Changes not yet on the server">
            {status.pending > 999 ? '999+' : status.pending}
          </span>
        )}
        {attention > 0 && <span className="sync-dot" aria-hidden="true" />}
        {status?.progress && status.state === 'syncing' && (
          <span className="sync-chip-bar" aria-hidden="true">
            <span style={{ width: `${Math.min(100, (status.progress.done / Math.max(1, status.progress.total)) * 100)}%` }} />
          </span>
        )}
      </button>
      <span className="sr-only" role="status" aria-live="polite">
        {announce}
      </span>
      {open && (
        <SyncPanel
          id={panelId}
          snapshot={snapshot}
          now={now}
          locale={locale}
          timeZone={timeZone}
          onGo={go}
          onSyncNow={() => void controller.syncNow()}
        />
      )}
    </div>
  );
}

function Tone({ tone, children }: { tone: Tone; children: React.ReactNode }) {
  return <span className={`sync-tone tone-${tone}`}>{children}</span>;
}

function SyncPanel(props: {
  id: string;
  snapshot: SyncSnapshot;
  now: Date;
  locale: string;
  timeZone: string | undefined;
  onGo: (route: string) => void;
  onSyncNow: () => void;
}) {
  const { snapshot, now, locale, timeZone, onGo } = props;
  const status = snapshot.status;
  const account = snapshot.account;
  const text = describeIndicator(snapshot.phase, status, { now, locale, ...(timeZone ? { timeZone } : {}) });
  const at = (iso: string | null) => formatSyncTime(iso, now, locale, timeZone) || 'never';
  const headingId = `${props.id}-title`;
  const busy = status?.state === 'connecting' || status?.state === 'syncing';

  return (
    <div className="sync-panel" id={props.id} role="dialog" aria-labelledby={headingId}>
      <div className="sync-panel-head">
        <h2 id={headingId}>Sync</h2>
        <Tone tone={text.tone}>{text.label}</Tone>
      </div>

      {snapshot.phase === 'off' && (
        <p className="muted">
          This computer does not sync. Everything is kept here; connect a sync server to share the practice with colleagues or your other
          computers.
        </p>
      )}
      {snapshot.phase === 'needs-password' && (
        <div className="alert alert-warning">
          <span>The saved sync password could not be read on this computer. Enter it again in sync settings.</span>
        </div>
      )}

      {status?.state === 'error' && status.error && <SyncErrorAlert error={status.error} role="alert" />}
      {status?.state === 'offline' && (
        <p className="muted">
          {status.error ? `${status.error.message} ` : 'This computer is offline. '}
          Your changes are kept here and sent when the connection is back.
          {status.nextRetryAt ? ` Next try at ${formatSyncTime(status.nextRetryAt, now, locale, timeZone)}.` : ''}
        </p>
      )}

      {status?.progress && status.state === 'syncing' && (
        <div className="stack sync-first">
          <span>
            First sync: {status.progress.done.toLocaleString(locale)} of {status.progress.total.toLocaleString(locale)} records received
          </span>
          <ProgressBar done={status.progress.done} total={status.progress.total} label="First sync progress" />
        </div>
      )}

      {account && (
        <dl className="sync-facts">
          <dt>Server</dt>
          <dd title={account.serverUrl}>{account.serverUrl.replace(/^https?:\/\//, '')}</dd>
          <dt>Practice</dt>
          <dd>{account.practice}</dd>
          <dt>Signed in as</dt>
          <dd>
            {account.username}
            {status?.identity?.isAdmin ? ' (practice admin)' : ''}
          </dd>
          {status && (
            <>
              <dt>Last synced</dt>
              <dd>{at(status.lastSyncedAt)}</dd>
              <dt>Waiting to send</dt>
              <dd>{status.pending === 0 ? 'Nothing' : countOf(status.pending, NOUNS.change, locale)}</dd>
              {(status.pulled > 0 || status.pushed > 0) && (
                <>
                  <dt>This session</dt>
                  <dd>
                    {status.pulled.toLocaleString(locale)} received · {status.pushed.toLocaleString(locale)} sent
                  </dd>
                </>
              )}
            </>
          )}
        </dl>
      )}

      {status && (status.conflicts > 0 || status.quarantined > 0) && (
        <ul className="list sync-panel-links">
          {status.conflicts > 0 && (
            <li>
              <a href="#/sync?tab=conflicts" onClick={(e) => (e.preventDefault(), onGo('/sync?tab=conflicts'))}>
                <SyncIcon name="merge" size={16} /> {countOf(status.conflicts, NOUNS.conflict)} {formOf(status.conflicts, VERBS.needs)} a
                look
              </a>
            </li>
          )}
          {status.quarantined > 0 && (
            <li>
              <a href="#/sync?tab=refused" onClick={(e) => (e.preventDefault(), onGo('/sync?tab=refused'))}>
                <SyncIcon name="ban" size={16} /> {countOf(status.quarantined, NOUNS.change)} {formOf(status.quarantined, VERBS.was)}{' '}
                refused by the server
              </a>
            </li>
          )}
        </ul>
      )}

      <div className="row sync-panel-actions">
        {snapshot.phase === 'on' && (
          <button type="button" className="btn btn-primary btn-sm" disabled={busy} onClick={props.onSyncNow}>
            <SyncIcon name="refresh" size={15} spin={busy} />
            Sync now
          </button>
        )}
        {snapshot.phase !== 'on' ? (
          <button type="button" className="btn btn-primary btn-sm" onClick={() => onGo('/sync')}>
            {snapshot.phase === 'off' ? 'Set up sync' : 'Open sync settings'}
          </button>
        ) : (
          <button type="button" className="btn btn-sm" onClick={() => onGo('/sync')}>
            Open sync settings
          </button>
        )}
        {snapshot.phase === 'on' && (
          <a className="sync-panel-more" href="#/sync?tab=conflicts" onClick={(e) => (e.preventDefault(), onGo('/sync?tab=conflicts'))}>
            Conflicts and refused changes
          </a>
        )}
      </div>
    </div>
  );
}
