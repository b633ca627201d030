/**
 * Settings → Backups: make a backup file of the whole practice now, optionally protected by a
 * passphrase, and see when this computer last made one.
 */
import { useEffect, useState } from 'react';
import { useApp } from '../../app/AppContext';
import { localDoc$ } from '../../data';
import { Alert } from '../../ui/Alert';
import { Checkbox, TextField } from '../../ui/Field';
import { Icon } from '../../ui/Icon';
import { useToast } from '../../ui/Toast';
import { MIN_PASSPHRASE_LENGTH } from '../../../../src-shared/backup/backup-file';
import { saveBackup, type BackupState } from './actions';

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
  const [busy, setBusy] = useState(false);

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

  return (
    <section className="card card-pad stack" aria-labelledby="backup-title">
      <h2 id="backup-title">Backups</h2>
      <p className="muted">
        A backup is one file holding your whole practice: students, families, lessons, notes, invoices and payments. Keep it somewhere other
        than this computer, such as a USB stick or your cloud storage. To bring it back on a new computer, choose “Restore from a backup”
        when TutorDesk first starts.
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
      </div>
    </section>
  );
}
