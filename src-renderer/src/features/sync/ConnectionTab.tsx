/** Sync settings: the server, username, password and practice; Test connection, Connect, Disconnect, Sync now. */
import { useEffect, useState, type ReactNode } from 'react';
import { useApp } from '../../app/AppContext';
import { Alert } from '../../ui/Alert';
import { TextField } from '../../ui/Field';
import { useToast } from '../../ui/Toast';
import type { ConnectionTestResult, PracticeRulesCheck } from '../../data';
import { repairCommand } from '../../../../src-shared/sync/rules-check';
import { describeIndicator, formatSyncTime, sameAccount, validateConnectionForm, type ConnectionForm, type FormErrors } from './describe';
import { useNow, useSyncController, useSyncSnapshot } from './hooks';
import { PLAINTEXT_CONFIRMATION_LABEL, sendsPasswordInClear } from '../../../../src-shared/sync/transport';
import type { ConnectOutcome, SyncSnapshot } from './controller';
import { ProgressBar } from './SyncIndicator';
import { SyncErrorAlert } from './SyncErrorAlert';
import { SyncIcon } from './SyncIcon';
import { EncryptionCard } from './EncryptionCard';

/** Its children only while this computer is connected to a practice. */
function ConnectedOnly({ children }: { children: ReactNode }) {
  const snapshot = useSyncSnapshot();
  return snapshot.phase === 'on' && snapshot.account ? <>{children}</> : null;
}

function TestResult({ result }: { result: ConnectionTestResult }) {
  if (result.ok) {
    return (
      <Alert tone="success" className="sync-alert" icon={<SyncIcon name="cloud-check" />} title="Connection OK">
        <p>{result.message}</p>
        <p className="sync-small">
          Server: {result.server.name} {result.server.version}
        </p>
      </Alert>
    );
  }
  // The person is at the form already (the Sync screen's, or the first-run screen's join form).
  return <SyncErrorAlert error={{ ...result, action: result.action.replace(/ in Settings → Sync/g, '') }} />;
}

/**
 * For a practice admin: whether the server's rules (and `_security`, where readable) are the ones
 * this version installs, as `server:setup --check` would say (docs/security.md).
 */
function RulesWarning({ serverUrl, practice }: { serverUrl: string; practice: string }) {
  const controller = useSyncController();
  const [check, setCheck] = useState<PracticeRulesCheck | null>(null);
  useEffect(() => {
    let live = true;
    controller
      .checkRules(practice)
      .then((r) => live && setCheck(r))
      .catch(() => live && setCheck(null));
    return () => {
      live = false;
    };
  }, [controller, practice, serverUrl]);
  if (!check || check.differences.length === 0) return null;
  const shown = check.differences.slice(0, 6);
  return (
    <div className="alert alert-warning sync-alert" role="alert" aria-labelledby="sync-rules-title">
      <SyncIcon name="shield" />
      <div className="stack sync-rules">
        <strong id="sync-rules-title">The server's rules for this practice are not the ones TutorDesk installs</strong>
        <p>
          Someone with the server admin's password changed them, or the server was set up by another version. Until they are repaired, the
          server may accept changes the permission table forbids (or refuse allowed ones).
        </p>
        <ul aria-label="What differs">
          {shown.map((d) => (
            <li key={d}>{d}</li>
          ))}
          {check.differences.length > shown.length && <li>…and {check.differences.length - shown.length} more</li>}
        </ul>
        <p>
          Ask whoever runs the server to repair the practice with <code>{repairCommand(serverUrl, practice)}</code> (the same command with{' '}
          <code>--check</code> lists the differences).
          {!check.securityChecked && ' Who is a member or database admin (_security) can only be checked by the server admin.'}
        </p>
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
          <SyncIcon
            name={status?.state === 'error' ? 'alert' : status?.state === 'offline' ? 'cloud-off' : busy ? 'refresh' : 'cloud-check'}
            size={22}
            spin={busy}
          />
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
      {status?.identity?.isAdmin && status.lastSyncedAt && <RulesWarning serverUrl={account.serverUrl} practice={account.practice} />}
      {status?.state === 'error' && status.error && <SyncErrorAlert error={status.error} role="alert" />}
      {status?.state === 'offline' && (
        <div className="alert alert-info sync-alert">
          <SyncIcon name="cloud-off" />
          <div>
            <strong>Offline</strong>
            <p>
              {status.error ? status.error.message : 'This computer has no network connection.'} Your changes are kept here and sent as soon
              as the server can be reached; TutorDesk retries by itself.
            </p>
          </div>
        </div>
      )}
      {status?.progress && status.state === 'syncing' && (
        <div className="stack">
          <span>
            First sync: {status.progress.done.toLocaleString(locale)} of {status.progress.total.toLocaleString(locale)} records received
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
            <dd>{status.pending.toLocaleString(locale)}</dd>
          </div>
          <div>
            <dt>Conflicts to review</dt>
            <dd>{status.conflicts.toLocaleString(locale)}</dd>
          </div>
          <div>
            <dt>Refused changes</dt>
            <dd>{status.quarantined.toLocaleString(locale)}</dd>
          </div>
        </dl>
      )}
    </section>
  );
}

/**
 * How the desktop app keeps the password. With a real keychain: nothing to choose. On Linux
 * without a keyring (`basic_text`): the password is only obfuscated, so it is kept for this
 * session unless the user opts in to storing it anyway. Without any encryption: session only.
 */
function PasswordStorageChoice({
  storage,
  value,
  onChange,
}: {
  storage: SyncSnapshot['passwordStorage'];
  value: boolean;
  onChange: (v: boolean) => void;
}) {
  if (storage === 'unavailable') {
    return (
      <div className="alert alert-warning sync-alert" role="note" aria-label="Password storage">
        <SyncIcon name="shield" />
        <div>
          <strong>The password is kept only until TutorDesk closes.</strong>
          <p>
            This computer offers no encryption for saved passwords, so TutorDesk does not write the sync password anywhere: after a restart
            you will be asked to connect again.
          </p>
        </div>
      </div>
    );
  }
  if (storage !== 'basic-text') return null;
  return (
    <fieldset
      className="alert alert-warning sync-alert sync-storage-choice"
      aria-labelledby="sync-storage-title"
      aria-describedby="sync-storage-text"
    >
      <SyncIcon name="shield" />
      <div className="stack">
        <strong id="sync-storage-title">No keychain on this computer: how should TutorDesk keep the password?</strong>
        <p id="sync-storage-text">
          No keyring service (GNOME Keyring or KWallet) is running, so a saved password would only be obfuscated with a key every copy of
          Chromium knows: anyone who can read your files could recover it. Start a keyring and restart TutorDesk to store it safely.
        </p>
        <div className="radio-row">
          <input type="radio" id="sync-storage-session" name="sync-storage" checked={!value} onChange={() => onChange(false)} />
          <label htmlFor="sync-storage-session">
            Keep it for this session only (recommended): you will enter it again after restarting TutorDesk
          </label>
        </div>
        <div className="radio-row">
          <input type="radio" id="sync-storage-store" name="sync-storage" checked={value} onChange={() => onChange(true)} />
          <label htmlFor="sync-storage-store">Remember it on this computer without encryption</label>
        </div>
      </div>
    </fieldset>
  );
}

export function ConnectionTab() {
  return (
    <div className="stack sync-tab">
      <StatusCard />
      <ConnectedOnly>
        <EncryptionCard />
      </ConnectedOnly>
      <ConnectionDetailsForm />
    </div>
  );
}

export interface ConnectionDetailsFormProps {
  /** The form's heading (default: "Connect to a sync server", or "Connection details" when connected). */
  title?: string;
  /** What the form is for, under the heading (default: how sync works). */
  intro?: ReactNode;
  /** The submit button's label (default "Connect", or "Save and reconnect" when connected). */
  submitLabel?: string;
  /** The submit button's label while it runs (default "Connecting…"). */
  submittingLabel?: string;
  /** What submitting does (default: the controller's `connect`). */
  submit?: (form: ConnectionForm) => Promise<ConnectOutcome>;
  /** Called after a submit that started the sync (default: a toast saying so). */
  onStarted?: (outcome: ConnectOutcome) => void;
  /** Focus the server address when the form appears (it replaced what had the focus). */
  autoFocus?: boolean;
}

/**
 * The connection details (server address, practice id, username, password), "Test connection"
 * with its exact answers, and a submit button: the Sync screen's form, and the first-run
 * screen's "Join an existing practice" (with its own title, button and `submit`).
 */
export function ConnectionDetailsForm({
  title,
  intro,
  submitLabel,
  submittingLabel,
  submit,
  onStarted,
  autoFocus = false,
}: ConnectionDetailsFormProps = {}) {
  const controller = useSyncController();
  const snapshot = useSyncSnapshot();
  const toast = useToast();
  const account = snapshot.account;
  const [form, setForm] = useState<ConnectionForm>({
    serverUrl: account?.serverUrl ?? '',
    username: account?.username ?? '',
    password: '',
    practice: account?.practice ?? '',
    plaintextConfirmed: account?.plaintextConfirmed ?? false,
    storeWithoutKeychain: false,
  });
  const [errors, setErrors] = useState<FormErrors>({});
  const [result, setResult] = useState<{ action: 'test' | 'connect'; result: ConnectionTestResult; started?: boolean } | null>(null);

  // Fill the form when the saved account is read at start-up.
  useEffect(() => {
    if (!account) return;
    setForm((f) =>
      f.serverUrl || f.username || f.practice
        ? f
        : {
            serverUrl: account.serverUrl,
            username: account.username,
            password: '',
            practice: account.practice,
            plaintextConfirmed: account.plaintextConfirmed ?? false,
            storeWithoutKeychain: account.passwordKept === 'stored',
          },
    );
  }, [account]);

  const passwordSaved = Boolean(account?.hasPassword && sameAccount(form, account));
  const connected = snapshot.phase === 'on';
  const set = (k: 'serverUrl' | 'username' | 'password' | 'practice') => (v: string) => {
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
    const outcome = await (submit ?? ((f: ConnectionForm) => controller.connect(f)))(form);
    setResult({ action: 'connect', result: outcome, started: outcome.started });
    if (outcome.started) {
      setForm((f) => ({ ...f, password: '' }));
      if (onStarted) onStarted(outcome);
      else toast(outcome.ok ? 'Connected: syncing with the server' : 'Saved: TutorDesk will sync when the server can be reached');
    }
  };

  const desktop = snapshot.platform === 'electron';
  const inClear = sendsPasswordInClear(form.serverUrl);
  return (
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
        <h2 id="sync-connection-title">{title ?? (connected ? 'Connection details' : 'Connect to a sync server')}</h2>
        {intro ?? (
          <p className="muted">
            Each computer keeps the whole practice and works offline. With a sync server (Apache CouchDB, or TutorDesk's own{' '}
            <code>npm run sync-server</code>) the changes made on every computer reach the others.
          </p>
        )}
      </div>
      {snapshot.platform === 'browser' && (
        <div className="alert alert-info sync-alert">
          <SyncIcon name="lock" />
          <div>
            <strong>The password is kept only until this tab is closed.</strong>
            <p>
              In the browser, TutorDesk does not store the sync password anywhere: after closing or reloading the tab you will be asked to
              connect again. The desktop app remembers it safely in the system keychain.
            </p>
          </div>
        </div>
      )}
      {desktop && (
        <PasswordStorageChoice
          storage={snapshot.passwordStorage}
          value={Boolean(form.storeWithoutKeychain)}
          onChange={(v) => setForm((f) => ({ ...f, storeWithoutKeychain: v }))}
        />
      )}
      {snapshot.phase === 'needs-password' && (
        <div className="alert alert-warning sync-alert" role="alert">
          <SyncIcon name="pause" />
          <div>
            <strong>Enter the password again</strong>
            <p>
              The saved password could not be read on this computer (the keychain may have been reset). Sync is paused until you connect
              again.
            </p>
          </div>
        </div>
      )}
      <div className="grid-2">
        <TextField
          label="Server address"
          value={form.serverUrl}
          onChange={set('serverUrl')}
          required
          error={errors.serverUrl}
          placeholder="https://sync.example.org"
          hint="The address of your practice's CouchDB server"
          autoFocus={autoFocus}
        />
        <TextField
          label="Practice id"
          value={form.practice}
          onChange={set('practice')}
          required
          error={errors.practice}
          placeholder="e.g. riverside"
          hint="The practice id given by whoever set up the server"
        />
        <TextField label="Username" value={form.username} onChange={set('username')} required error={errors.username} />
        <TextField
          label="Password"
          type="password"
          value={form.password}
          onChange={set('password')}
          required={!passwordSaved}
          error={errors.password}
          {...(passwordSaved
            ? {
                hint:
                  account?.passwordKept === 'session'
                    ? 'Kept until TutorDesk closes. Leave empty to keep using it.'
                    : 'Saved. Leave empty to keep it.',
                placeholder: '••••••••',
              }
            : {})}
        />
      </div>
      {inClear && (
        <div
          className="alert alert-warning sync-alert"
          role="group"
          aria-labelledby="sync-plaintext-title"
          aria-describedby="sync-plaintext-text"
        >
          <SyncIcon name="shield" />
          <div className="stack sync-plaintext">
            <strong id="sync-plaintext-title">This address is not encrypted</strong>
            <p id="sync-plaintext-text">
              With <code>http://</code> to another computer, your password and the practice's data (names, addresses, notes, money) cross
              the network in clear text: anyone on the same network can read them. Use an <code>https://</code> address if the server has
              one (docs/security.md, "Exposing a server").
            </p>
            <div className="checkbox">
              <input
                id="sync-plaintext-confirm"
                type="checkbox"
                checked={Boolean(form.plaintextConfirmed)}
                aria-describedby={errors.plaintextConfirmed ? 'sync-plaintext-error' : 'sync-plaintext-text'}
                aria-invalid={errors.plaintextConfirmed ? true : undefined}
                onChange={(e) => {
                  const checked = e.target.checked;
                  setForm((f) => ({ ...f, plaintextConfirmed: checked }));
                  if (errors.plaintextConfirmed) setErrors((er) => ({ ...er, plaintextConfirmed: undefined }));
                }}
              />
              <label htmlFor="sync-plaintext-confirm">{PLAINTEXT_CONFIRMATION_LABEL}</label>
            </div>
            {errors.plaintextConfirmed && (
              <span className="error" id="sync-plaintext-error" role="alert">
                {errors.plaintextConfirmed}
              </span>
            )}
          </div>
        </div>
      )}
      <div className="row sync-form-actions">
        <button type="button" className="btn" disabled={snapshot.busy !== ''} onClick={() => void test()}>
          <SyncIcon name="server" size={16} />
          {snapshot.busy === 'test' ? 'Testing…' : 'Test connection'}
        </button>
        <button type="submit" className="btn btn-primary" disabled={snapshot.busy !== ''}>
          {snapshot.busy === 'connect'
            ? (submittingLabel ?? 'Connecting…')
            : (submitLabel ?? (connected ? 'Save and reconnect' : 'Connect'))}
        </button>
      </div>
      <div role="status" aria-live="polite" aria-label="Connection test result" className="sync-result">
        {result && <TestResult result={result.result} />}
        {result?.action === 'connect' && result.started && !result.result.ok && (
          <p className="muted">The details were saved: TutorDesk keeps trying and syncs as soon as the server answers.</p>
        )}
      </div>
    </form>
  );
}
