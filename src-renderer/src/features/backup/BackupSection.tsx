/**
 * Settings → Backups: make a backup file of the whole practice now, optionally protected by a
 * passphrase, and see when this computer last made one.
 */
import { useEffect, useRef, useState } from 'react';
import { useRoute } from '../../app/router';
import { useApp } from '../../app/AppContext';
import { localDoc$ } from '../../data';
import { Alert } from '../../ui/Alert';
import { Checkbox, TextField } from '../../ui/Field';
import { Icon } from '../../ui/Icon';
import { useToast } from '../../ui/Toast';
import { MIN_PASSPHRASE_LENGTH } from '../../../../src-shared/backup/backup-file';
import { openAutomaticBackup, openBackupFile, saveBackup, takeRestoreFailure, type BackupState, type OpenedBackup } from './actions';
import { ReplaceWithBackupDialog } from './ReplaceWithBackup';
import { StorageInfo } from './StorageInfo';
import { AUTO_STATE_DOC, type AutoBackupState } from './auto';
import { getBridge } from '../../platform/bridge';
import type { AutoBackupInfo } from '../../../../src-shared/bridge';

interface AutomaticView {
  platform: 'electron' | 'browser' | null;
  list: AutoBackupInfo[];
  state: AutoBackupState | null;
}

/** The desktop's automatic backups (none in the browser), listed again when a new one is written. */
function useAutomaticBackups(): AutomaticView {
  const { db } = useApp();
  const [view, setView] = useState<AutomaticView>({ platform: null, list: [], state: null });
  useEffect(() => {
    let live = true;
    const sub = localDoc$(db, AUTO_STATE_DOC).subscribe((d) => {
      const state = (d?.toJSON().data as AutoBackupState | undefined) ?? null;
      void (async () => {
        const bridge = getBridge();
        const platform = (await bridge.appInfo()).platform;
        const list = platform === 'electron' ? await bridge.backups.listAutomatic().catch(() => []) : [];
        if (live) setView({ platform, list, state });
      })();
    });
    return () => {
      live = false;
      sub.unsubscribe();
    };
  }, [db]);
  return view;
}

function AutomaticBackups({ state, onRestore }: { state: AutomaticView; onRestore: (name: string) => void }) {
  const app = useApp();
  if (state.platform === null) return null;
  if (state.platform === 'browser')
    return (
      <p className="muted">
        Automatic daily backups need the TutorDesk desktop app. In the browser, use “Back up now” and keep the file somewhere safe.
      </p>
    );
  const size = (bytes: number) =>
    bytes >= 1_048_576
      ? `${app.format.number(bytes / 1_048_576, 1)} MB`
      : `${app.format.number(Math.max(1, Math.round(bytes / 1024)), 0)} KB`;
  return (
    <div className="stack">
      <p className="muted">
        Every day this computer also keeps an automatic backup in TutorDesk’s own folder: the last 7 days, 4 weeks and 12 months.
      </p>
      {state.state?.error && (
        <Alert tone="error" role="alert">
          The last automatic backup failed: {state.state.error}
        </Alert>
      )}
      {state.list.length > 0 && (
        <table className="report-table" aria-label="Automatic backups">
          <thead>
            <tr>
              <th scope="col">Made</th>
              <th scope="col">Size</th>
              <th scope="col">
                <span className="sr-only">Restore</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {state.list.slice(0, 7).map((b) => (
              <tr key={b.name}>
                <td>{app.format.dateTime(b.createdAt)}</td>
                <td>{size(b.bytes)}</td>
                <td className="num row-action">
                  <button
                    type="button"
                    className="btn btn-ghost btn-sm"
                    aria-label={`Restore the automatic backup of ${app.format.dateTime(b.createdAt)}`}
                    onClick={() => onRestore(b.name)}
                  >
                    Restore
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function useLastBackup(): BackupState | null {
  const { db } = useApp();
  const [state, setState] = useState<BackupState | null>(null);
  useEffect(() => {
    const sub = localDoc$(db, 'backup-state').subscribe((d) => setState((d?.toJSON().data as BackupState | undefined) ?? null));
    return () => sub.unsubscribe();
  }, [db]);
  return state;
}

export function BackupSection() {
  const app = useApp();
  const toast = useToast();
  const last = useLastBackup();
  const [protect, setProtect] = useState(false);
  const [passphrase, setPassphrase] = useState('');
  const [repeat, setRepeat] = useState('');
  const [errors, setErrors] = useState<{ passphrase?: string; repeat?: string }>({});
  const [failure, setFailure] = useState('');
  // A replacement that failed after the practice was closed: said here once the window is back.
  const [restoreFailure] = useState(() => takeRestoreFailure());
  const [busy, setBusy] = useState(false);
  const route = useRoute();
  const heading = useRef<HTMLHeadingElement>(null);
  const auto = useAutomaticBackups();
  const [replacing, setReplacing] = useState<OpenedBackup | null>(null);
  // Reached from the top bar's reminder: bring the card into view.
  useEffect(() => {
    if (route.query.get('section') !== 'backup' || !heading.current) return;
    heading.current.scrollIntoView({ block: 'start' });
    heading.current.focus({ preventScroll: true });
  }, [route]);

  const backUp = async () => {
    setFailure('');
    const next: typeof errors = {};
    if (protect) {
      if (passphrase.length < MIN_PASSPHRASE_LENGTH) next.passphrase = `Use at least ${MIN_PASSPHRASE_LENGTH} characters.`;
      else if (repeat !== passphrase) next.repeat = 'The two passphrases are not the same.';
    }
    setErrors(next);
    if (Object.keys(next).length) return;
    setBusy(true);
    try {
      const saved = await saveBackup(app, protect ? passphrase : undefined);
      if (saved) {
        toast(`Backup saved: ${saved.location}`);
        setPassphrase('');
        setRepeat('');
      }
    } catch (e) {
      setFailure(`The backup could not be made: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  const openForRestore = async (open: () => Promise<OpenedBackup | null>) => {
    setFailure('');
    try {
      const opened = await open();
      if (opened) setReplacing(opened);
    } catch (e) {
      setFailure((e as Error).message);
    }
  };

  return (
    <section className="card card-pad stack" aria-labelledby="backup-title">
      <h2 id="backup-title" ref={heading} tabIndex={-1}>
        Backups
      </h2>
      <p className="muted">
        A backup is one file holding your whole practice: students, families, lessons, notes, invoices and payments. Keep it somewhere other
        than this computer, such as a USB stick or your cloud storage. To bring it back on a new computer, choose “Restore from a backup”
        when TutorDesk first starts; here, “Restore from a backup…” replaces this computer’s practice with one.
      </p>
      <p role="status" aria-label="Last backup">
        {last ? (
          <>
            Last backup from this computer: <strong>{app.format.dateTime(last.lastBackupAt)}</strong>
            {last.encrypted ? ', protected by a passphrase' : ''}.
          </>
        ) : (
          'This computer has not made a backup yet.'
        )}
      </p>
      {restoreFailure && (
        <Alert tone="error" role="alert">
          The restore failed, so this computer’s practice was not replaced: {restoreFailure}
        </Alert>
      )}
      <AutomaticBackups state={auto} onRestore={(name) => void openForRestore(() => openAutomaticBackup(name))} />
      {failure && (
        <Alert tone="error" role="alert">
          {failure}
        </Alert>
      )}
      <Checkbox label="Protect the backup with a passphrase" checked={protect} onChange={setProtect} />
      {protect && (
        <>
          <Alert tone="warning">
            Nobody can open a protected backup without its passphrase, not even TutorDesk’s makers: if the passphrase is lost, so is the
            backup. Write it down and keep it apart from the file.
          </Alert>
          <div className="grid-2">
            <TextField
              label="Passphrase"
              type="password"
              value={passphrase}
              onChange={(v) => {
                setPassphrase(v);
                setErrors({});
              }}
              error={errors.passphrase}
              hint={`At least ${MIN_PASSPHRASE_LENGTH} characters; a few unrelated words are easy to remember and hard to guess.`}
            />
            <TextField
              label="Repeat the passphrase"
              type="password"
              value={repeat}
              onChange={(v) => {
                setRepeat(v);
                setErrors({});
              }}
              error={errors.repeat}
            />
          </div>
        </>
      )}
      <div className="row">
        <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void backUp()}>
          <Icon name="download" />
          {busy ? 'Making the backup…' : 'Back up now…'}
        </button>
        <button type="button" className="btn" disabled={busy} onClick={() => void openForRestore(openBackupFile)}>
          <Icon name="upload" />
          Restore from a backup…
        </button>
      </div>
      <StorageInfo />
      {replacing && <ReplaceWithBackupDialog opened={replacing} onClose={() => setReplacing(null)} />}
    </section>
  );
}
