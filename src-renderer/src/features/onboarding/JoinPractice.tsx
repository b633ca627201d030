/**
 * "Join an existing practice" on the first-run screen: a second computer of a centre signs in to
 * the practice's sync server and receives the practice, instead of inventing one (docs/sync.md,
 * "Joining an existing practice").
 *
 * 1. The connection form of the Sync screen (the same fields and exact test-connection answers);
 *    "Join the practice" keeps the details only when the server accepts them (`controller.join`).
 * 2. The sync starts on the empty database: nothing is written here first (no settings, no staff
 *    record), so nothing can be refused. The screen shows the first sync's progress and stays,
 *    although the settings arrive early, until everything has been received.
 * 3. Who uses this computer: the staff record the server links to the user
 *    (`tutordesk-<practice>-staff:<id>`), else the person picks from the practice's staff.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { useApp } from '../../app/AppContext';
import { Alert } from '../../ui/Alert';
import { Icon } from '../../ui/Icon';
import { useToast } from '../../ui/Toast';
import { PRACTICE_SETTINGS_ID, type Staff } from '../../../../src-shared/model/types';
import { SyncConnectionForm, SyncErrorAlert, SyncIcon, SyncProgressBar, useSyncController, useSyncSnapshot } from '../sync';
import { useJoinState } from './join-state';
import './onboarding.css';
import { countOf } from '../../../../src-shared/locale/count';
import { NOUNS } from '../../../../src-shared/locale/wording';

/** The option card on the welcome screen. */
export function JoinCard({ onOpen, disabled }: { onOpen: () => void; disabled: boolean }) {
  return (
    <section className="card option-card" aria-labelledby="join-title">
      <div className="empty-art" aria-hidden="true" style={{ width: 48, height: 48 }}>
        <Icon name="cloud" size={24} />
      </div>
      <h2 id="join-title">Join an existing practice</h2>
      <p className="muted">
        Your centre already uses TutorDesk with a sync server? Sign in and the whole practice arrives on this computer.
      </p>
      <ol className="steps">
        <li>Enter the server address, practice id, your user name and password.</li>
        <li>TutorDesk receives the practice.</li>
        <li>Say who you are, unless the server already knows.</li>
      </ol>
      <button type="button" className="btn" disabled={disabled} onClick={onOpen}>
        <Icon name="cloud" />
        Join a practice
      </button>
    </section>
  );
}

/** The join itself: the form, then the progress, then "who are you?". */
export function JoinPractice({ onBack }: { onBack: () => void }) {
  const { state, step } = useJoinState();
  const controller = useSyncController();
  if (step === 'receiving') return <Receiving />;
  if (step === 'choose-me') return <ChooseMe />;
  return (
    <div className="stack join-practice">
      <div>
        <button type="button" className="btn btn-ghost" disabled={step !== 'idle'} onClick={onBack}>
          <span aria-hidden="true">←</span> Back to the start
        </button>
      </div>
      <SyncConnectionForm
        title="Join an existing practice"
        intro={
          <p className="muted">
            Sign in with the sync account whoever runs your practice's server gave you. TutorDesk then receives the whole practice; nothing
            is written on this computer or on the server before it has arrived.
          </p>
        }
        submitLabel="Join the practice"
        submittingLabel="Checking…"
        submit={async (form) => {
          // From here the first-run screen stays, even when the settings arrive first.
          state.set('connecting');
          const outcome = await controller.join(form);
          state.set(outcome.started ? 'receiving' : 'idle');
          return outcome;
        }}
        onStarted={() => undefined}
        autoFocus
      />
    </div>
  );
}

/** The first sync of the joined practice, with its progress; then on to "who are you". */
function Receiving() {
  const app = useApp();
  const toast = useToast();
  const controller = useSyncController();
  const snapshot = useSyncSnapshot();
  const { state } = useJoinState();
  const [empty, setEmpty] = useState(false);
  const finishing = useRef(false);
  const status = snapshot.status;
  const account = snapshot.account;
  const locale = app.settings?.locale ?? 'en-GB';

  useEffect(() => {
    if (status?.state !== 'up-to-date' || finishing.current) return;
    finishing.current = true;
    void (async () => {
      const settings = await app.db.settings.findOne(PRACTICE_SETTINGS_ID).exec();
      if (!settings) {
        setEmpty(true);
        finishing.current = false;
        return;
      }
      const linked = status.identity?.staffId ?? '';
      const staff = linked ? await app.db.staff.findOne(linked).exec() : null;
      if (staff) {
        await app.setMe(linked);
        toast(`Joined ${String(settings.get('name'))}: signed in as ${String(staff.get('name'))}`);
        state.set('idle');
      } else state.set('choose-me');
    })().catch((e: unknown) => {
      console.error('Finishing the join failed', e);
      finishing.current = false;
    });
  }, [status, app, state, toast]);

  const cancel = async () => {
    await controller.disconnect();
    state.set('idle');
  };

  const progress = status?.progress;
  const received = progress?.done ?? status?.pulled ?? 0;
  let line: string;
  if (!status || status.state === 'connecting') line = 'Connecting to the server…';
  else if (status.state === 'up-to-date') line = `All ${received.toLocaleString(locale)} records received`;
  else if (progress && progress.total > 0)
    line = `${progress.done.toLocaleString(locale)} of ${progress.total.toLocaleString(locale)} records received`;
  else line = `${countOf(received, NOUNS.record, locale)} received`;

  return (
    <section className="card card-pad stack join-receiving" aria-labelledby="join-receiving-title" aria-busy={!empty}>
      <div className="join-receiving-head">
        <div className="join-receiving-icon" aria-hidden="true">
          <SyncIcon name={status?.state === 'error' || empty ? 'alert' : 'refresh'} size={22} spin={status?.state !== 'error' && !empty} />
        </div>
        <div>
          <h2 id="join-receiving-title">Receiving the practice</h2>
          <p className="muted">{account ? `Practice ${account.practice} · ${account.username} · ${account.serverUrl}` : 'Connecting…'}</p>
        </div>
      </div>
      {empty ? (
        <Alert tone="warning" role="alert" title="This practice has no settings on the server yet">
          <p>
            Whoever administers the practice has to create it first: set it up on their computer (Create my practice) and connect it to this
            server under Settings → Sync. Then join again.
          </p>
        </Alert>
      ) : (
        <div className="stack join-progress" role="status" aria-live="polite" aria-label="Join progress">
          <span>{line}</span>
          {progress && progress.total > 0 ? (
            <SyncProgressBar done={progress.done} total={progress.total} label="Receiving the practice" />
          ) : (
            <div
              className="sync-progress join-progress-indeterminate"
              role="progressbar"
              aria-label="Receiving the practice"
              aria-valuetext={line}
            >
              <div className="sync-progress-fill" />
            </div>
          )}
        </div>
      )}
      {status?.state === 'error' && status.error && <SyncErrorAlert error={status.error} role="alert" />}
      {status?.state === 'offline' && (
        <Alert tone="info" title="Waiting for the connection">
          <p>
            {status.error ? status.error.message : 'This computer has no network connection.'} TutorDesk goes on by itself as soon as the
            server can be reached.
          </p>
        </Alert>
      )}
      {!empty && (
        <p className="muted join-note">The app opens when everything has arrived. This computer sends nothing to the server until then.</p>
      )}
      <div className="row join-actions">
        {status?.state === 'error' && (
          <button type="button" className="btn btn-primary" onClick={() => void controller.syncNow()}>
            <SyncIcon name="refresh" size={16} />
            Try again
          </button>
        )}
        <button type="button" className="btn" onClick={() => void cancel()}>
          {empty ? 'Back to the start' : 'Cancel joining'}
        </button>
      </div>
    </section>
  );
}

/** The server user is linked to no staff record of the practice: the person picks who they are. */
function ChooseMe() {
  const app = useApp();
  const toast = useToast();
  const { state } = useJoinState();
  const [staff, setStaff] = useState<Staff[] | null>(null);
  const [chosen, setChosen] = useState('');
  const [error, setError] = useState('');
  const errorId = useId();

  useEffect(() => {
    const sub = app.db.staff.find().$.subscribe((docs) =>
      setStaff(
        docs
          .map((d) => d.toJSON() as unknown as Staff)
          .filter((s) => s.active)
          .sort((a, b) => a.name.localeCompare(b.name, app.settings?.locale)),
      ),
    );
    return () => sub.unsubscribe();
  }, [app.db, app.settings?.locale]);

  const done = async (name: string | null) => {
    // "Choose later": a link to a staff record the practice does not have is not kept either.
    if (!name && app.device.meStaffId && !app.me) await app.setMe('');
    toast(name ? `Joined ${app.settings?.name ?? 'the practice'}: signed in as ${name}` : `Joined ${app.settings?.name ?? 'the practice'}`);
    state.set('idle');
  };

  return (
    <form
      className="card card-pad stack join-choose"
      aria-labelledby="join-choose-title"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        const me = staff?.find((s) => s.id === chosen);
        if (!me) {
          setError('Choose your name in the list, or choose later.');
          return;
        }
        await app.setMe(me.id);
        await done(me.name);
      }}
    >
      <div>
        <h2 id="join-choose-title">Who are you?</h2>
        <p className="muted">
          {app.settings?.name ?? 'The practice'} has arrived. Your sync account is not linked to a staff record, so choose yours: the
          changes made on this computer are recorded under that name, and what you may change follows its role. You can change it later in
          Settings → This computer ("I am").
        </p>
      </div>
      {staff && staff.length === 0 ? (
        <Alert tone="info">The practice has no staff records yet. Choose later in Settings, once an administrator has added yours.</Alert>
      ) : (
        <fieldset className="join-staff" aria-describedby={error ? errorId : undefined}>
          <legend>I am</legend>
          {(staff ?? []).map((s) => (
            <label key={s.id} className={`join-staff-option${chosen === s.id ? ' is-chosen' : ''}`}>
              <input
                type="radio"
                name="join-me"
                value={s.id}
                checked={chosen === s.id}
                onChange={() => {
                  setChosen(s.id);
                  setError('');
                }}
              />
              <span className="join-staff-swatch" style={{ background: s.colour }} aria-hidden="true" />
              <span className="join-staff-name">{s.name}</span>
              <span className="muted join-staff-role">{s.role === 'admin' ? 'Administrator' : 'Tutor'}</span>
            </label>
          ))}
        </fieldset>
      )}
      {error && (
        <span className="error" id={errorId} role="alert">
          <Icon name="alert" size={14} />
          {error}
        </span>
      )}
      <div className="row join-actions">
        {staff && staff.length > 0 && (
          <button type="submit" className="btn btn-primary">
            Continue
          </button>
        )}
        <button type="button" className="btn" onClick={() => void done(null)}>
          Choose later
        </button>
      </div>
    </form>
  );
}
