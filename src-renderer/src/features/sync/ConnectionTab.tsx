/** Sync settings: the server, username, password and practice; Test connection, Connect, Disconnect, Sync now. */
import { useEffect, useState } from 'react';
import { useApp } from '../../app/AppContext';
import { TextField } from '../../ui/Field';
import { useToast } from '../../ui/Toast';
import type { ConnectionTestResult } from '../../data';
import { describeIndicator, errorTitle, formatSyncTime, sameAccount, validateConnectionForm, type ConnectionForm, type FormErrors } from './describe';
import { useNow, useSyncController, useSyncSnapshot } from './hooks';
import { ProgressBar } from './SyncIndicator';
import { SyncIcon } from './SyncIcon';

function TestResult({ result }: { result: ConnectionTestResult }) {
  if (result.ok) {
    return (
      <div className="alert alert-success sync-alert">
        <SyncIcon name="cloud-check" />
        <div>
          <strong>Connection OK</strong>
          <p>{result.message}</p>
          <p className="sync-small">
            Server: {result.server.name} {result.server.version}
          </p>
        </div>
      </div>
    );
  }
  return (
    <div className="alert alert-error sync-alert">
      <SyncIcon name="alert" />
      <div>
        <strong>{errorTitle(result.kind)}</strong>
        <p>{result.message}</p>
        <p>{result.action}</p>
      </div>
    </div>
  );
}

function StatusCard() {
  const app = useApp();
  const controller = useSyncController();
  const snapshot = useSyncSnapshot();
  const toast = useToast();
  const now = useNow();
  const status = snapshot.status;
  const account = snapshot.account;
  if (snapshot.phase !== 'on' || !account) return null;
  const locale = app.settings?.locale ?? 'en-GB';
  const tz = app.settings?.timeZone;
  const text = describeIndicator(snapshot.phase, status, { now, locale, ...(tz ? { timeZone: tz } : {}) });
  const busy = status?.state === 'connecting' || status?.state === 'syncing';
  return (
    <section className="card card-pad stack" aria-labelledby="sync-status-title">
      <div className="sync-status-head">
        <div className={`sync-status-icon tone-${text.tone}`} aria-hidden="true">
          <SyncIcon name={status?.state === 'error' ? 'alert' : status?.state === 'offline' ? 'cloud-off' : busy ? 'refresh' : 'cloud-check'} size={22} spin={busy} />
        </div>
        <div className="sync-status-text">
          <h2 id="sync-status-title">{text.label}</h2>
          <p className="muted">
            {account.username} · practice {account.practice} · {account.serverUrl}
          </p>
        </div>
        <div className="toolbar">
          <button
            type="button"
            className="btn"
            disabled={busy || snapshot.busy !== ''}
            onClick={async () => {
              const s = await controller.syncNow();
              if (s?.state === 'up-to-date') toast('Everything is synced');
            }}
          >
            <SyncIcon name="refresh" size={16} spin={busy} />
            Sync now
          </button>
          <button
            type="button"
            className="btn btn-danger"
            disabled={snapshot.busy !== ''}
            onClick={async () => {
              await controller.disconnect();
              toast('Disconnected. Your data stays on this computer.');
            }}
          >
            Disconnect
          </button>
        </div>
      </div>
      {status?.state === 'error' && status.error && (
        <div className="alert alert-error sync-alert" role="alert">
          <SyncIcon name="alert" />
          <div>
            <strong>{errorTitle(status.error.kind)}</strong>
            <p>{status.error.message}</p>
            <p>{status.error.action}</p>
          </div>
        </div>
      )}
      {status?.state === 'offline' && (
        <div className="alert alert-info sync-alert">
          <SyncIcon name="cloud-off" />
          <div>
            <strong>Offline</strong>
            <p>{status.error ? status.error.message : 'This computer has no network connection.'} Your changes are kept here and sent as soon as the server can be reached; TutorDesk retries by itself.</p>
          </div>
        </div>
      )}
      {status?.progress && status.state === 'syncing' && (
        <div className="stack">
          <span>
            First sync: {status.progress.done.toLocaleString('en-GB')} of {status.progress.total.toLocaleString('en-GB')} records received
          </span>
          <ProgressBar done={status.progress.done} total={status.progress.total} label="First sync progress" />
        </div>
      )}
      {status && (
        <dl className="sync-stats">
          <div>
            <dt>Last synced</dt>
            <dd>{formatSyncTime(status.lastSyncedAt, now, locale, tz) || 'Never'}</dd>
          </div>
          <div>
            <dt>Waiting to send</dt>
            <dd>{status.pending.toLocaleString('en-GB')}</dd>
          </div>
          <div>
            <dt>Conflicts to review</dt>
            <dd>{status.conflicts.toLocaleString('en-GB')}</dd>
          </div>
          <div>
            <dt>Refused changes</dt>
            <dd>{status.quarantined.toLocaleString('en-GB')}</dd>
          </div>
        </dl>
      )}
    </section>
  );
}

export function ConnectionTab() {
  const controller = useSyncController();
  const snapshot = useSyncSnapshot();
  const toast = useToast();
  const account = snapshot.account;
  const [form, setForm] = useState<ConnectionForm>({ serverUrl: account?.serverUrl ?? '', username: account?.username ?? '', password: '', practice: account?.practice ?? '' });
  const [errors, setErrors] = useState<FormErrors>({});
  const [result, setResult] = useState<{ action: 'test' | 'connect'; result: ConnectionTestResult; started?: boolean } | null>(null);

  // Fill the form when the saved account is read at start-up.
  useEffect(() => {
    if (!account) return;
    setForm((f) => (f.serverUrl || f.username || f.practice ? f : { serverUrl: account.serverUrl, username: account.username, password: '', practice: account.practice }));
  }, [account]);

  const passwordSaved = Boolean(account?.hasPassword && sameAccount(form, account));
  const connected = snapshot.phase === 'on';
  const set = (k: keyof ConnectionForm) => (v: string) => {
    setForm((f) => ({ ...f, [k]: v }));
    if (errors[k]) setErrors((e) => ({ ...e, [k]: undefined }));
  };

  const check = (): boolean => {
    const e = validateConnectionForm(form, passwordSaved);
    setErrors(e);
    return Object.keys(e).length === 0;
  };

  const test = async () => {
    if (!check()) return;
    setResult(null);
    setResult({ action: 'test', result: await controller.test(form) });
  };
  const connect = async () => {
    if (!check()) return;
    setResult(null);
    const outcome = await controller.connect(form);
    setResult({ action: 'connect', result: outcome, started: outcome.started });
    if (outcome.started) {
      setForm((f) => ({ ...f, password: '' }));
      toast(outcome.ok ? 'Connected: syncing with the server' : 'Saved: TutorDesk will sync when the server can be reached');
    }
  };

  const desktop = snapshot.platform === 'electron';
  return (
    <div className="stack sync-tab">
      <StatusCard />
      <form
        className="card card-pad stack"
        noValidate
        aria-labelledby="sync-connection-title"
        onSubmit={(e) => {
          e.preventDefault();
          void connect();
        }}
      >
        <div>
          <h2 id="sync-connection-title">{connected ? 'Connection details' : 'Connect to a sync server'}</h2>
          <p className="muted">
            Each computer keeps the whole practice and works offline. With a sync server (Apache CouchDB, or TutorDesk's own <code>npm run sync-server</code>) the changes made on every computer reach the others.
          </p>
        </div>
        {snapshot.platform === 'browser' && (
          <div className="alert alert-info sync-alert">
            <SyncIcon name="lock" />
            <div>
              <strong>The password is kept only until this tab is closed.</strong>
              <p>In the browser, TutorDesk does not store the sync password anywhere: after closing or reloading the tab you will be asked to connect again. The desktop app remembers it safely in the system keychain.</p>
            </div>
          </div>
        )}
        {desktop && !snapshot.secureStorage && (
          <div className="alert alert-warning sync-alert" role="alert">
            <SyncIcon name="shield" />
            <div>
              <strong>This computer's keychain is not available.</strong>
              <p>TutorDesk can only store the sync password with weak protection here (or not at all). On Linux, start GNOME Keyring or KWallet and restart TutorDesk.</p>
            </div>
          </div>
        )}
        {snapshot.phase === 'needs-password' && (
          <div className="alert alert-warning sync-alert" role="alert">
            <SyncIcon name="pause" />
            <div>
              <strong>Enter the password again</strong>
              <p>The saved password could not be read on this computer (the keychain may have been reset). Sync is paused until you connect again.</p>
            </div>
          </div>
        )}
        <div className="grid-2">
          <TextField label="Server address" value={form.serverUrl} onChange={set('serverUrl')} required error={errors.serverUrl} placeholder="https://sync.example.org" hint="The address of your practice's CouchDB server" />
          <TextField label="Practice id" value={form.practice} onChange={set('practice')} required error={errors.practice} placeholder="e.g. riverside" hint="The practice id given by whoever set up the server" />
          <TextField label="Username" value={form.username} onChange={set('username')} required error={errors.username} />
          <TextField
            label="Password"
            type="password"
            value={form.password}
            onChange={set('password')}
            required={!passwordSaved}
            error={errors.password}
            {...(passwordSaved ? { hint: 'Saved securely. Leave empty to keep it.', placeholder: '••••••••' } : {})}
          />
        </div>
        <div className="row sync-form-actions">
          <button type="button" className="btn" disabled={snapshot.busy !== ''} onClick={() => void test()}>
            <SyncIcon name="server" size={16} />
            {snapshot.busy === 'test' ? 'Testing…' : 'Test connection'}
          </button>
          <button type="submit" className="btn btn-primary" disabled={snapshot.busy !== ''}>
            {snapshot.busy === 'connect' ? 'Connecting…' : connected ? 'Save and reconnect' : 'Connect'}
          </button>
        </div>
        <div role="status" aria-live="polite" aria-label="Connection test result" className="sync-result">
          {result && <TestResult result={result.result} />}
          {result?.action === 'connect' && result.started && !result.result.ok && (
            <p className="muted">The details were saved: TutorDesk keeps trying and syncs as soon as the server answers.</p>
          )}
        </div>
      </form>
    </div>
  );
}
