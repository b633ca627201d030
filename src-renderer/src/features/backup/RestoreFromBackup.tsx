/**
 * "Restore from a backup" on the first-run screen: choose a backup file, see what it holds, give
 * its passphrase when it has one, restore. Every refusal (not a backup, cut short, damaged, wrong
 * passphrase, made by a newer TutorDesk) is shown as is, and nothing is written before the whole
 * file is checked.
 *
 * The backup is restored as "Replacing the practice" does (docs/backup.md): into a new
 * database, which the window opens only once the restore has fully succeeded. A restore cut
 * short (the window closed, a full disk) therefore leaves this computer as it was, empty, and
 * the next attempt starts afresh.
 */
import { useState } from 'react';
import { useApp } from '../../app/AppContext';
import { Alert } from '../../ui/Alert';
import { TextField } from '../../ui/Field';
import { Icon } from '../../ui/Icon';
import { checkBackup, openBackupFile, replaceWithBackup, takeRestoreFailure, type CheckedBackup, type OpenedBackup } from './actions';
import { BackupDetails } from './BackupDetails';

export function RestoreFromBackup(props: { disabled?: boolean }) {
  const app = useApp();
  const [opened, setOpened] = useState<OpenedBackup | null>(null);
  const [passphrase, setPassphrase] = useState('');
  // After a failed restore the window started again on this empty computer: say why, once.
  const [error, setError] = useState(() => {
    const failure = takeRestoreFailure();
    return failure === null ? '' : `The restore failed, so nothing was restored: ${failure}`;
  });
  const [passphraseError, setPassphraseError] = useState('');
  const [busy, setBusy] = useState(false);
  const [restoring, setRestoring] = useState(false);

  const choose = async () => {
    setError('');
    setPassphraseError('');
    try {
      const o = await openBackupFile();
      if (o) {
        setOpened(o);
        setPassphrase('');
      }
    } catch (e) {
      setOpened(null);
      setError((e as Error).message);
    }
  };

  const restore = async () => {
    if (!opened) return;
    setError('');
    setPassphraseError('');
    if (opened.manifest.encryption && !passphrase) return setPassphraseError('Enter the passphrase this backup was protected with.');
    setBusy(true);
    let checked: CheckedBackup;
    try {
      checked = await checkBackup(opened, passphrase || undefined);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'wrong_passphrase' || code === 'passphrase_required') setPassphraseError((e as Error).message);
      else setError((e as Error).message);
      setBusy(false);
      return;
    }
    setRestoring(true);
    // From here this window's database is closed: it starts again on the restored practice or,
    // if the restore failed, on this empty one, where the message above says why.
    if (await replaceWithBackup(app.db, checked)) window.location.hash = '#/students';
    window.location.reload();
  };

  const m = opened?.manifest;
  return (
    <section className="card option-card restore-card" aria-labelledby="restore-title">
      <h2 id="restore-title">Restore from a backup</h2>
      <p className="muted">
        Moving to a new computer, or starting again after a loss? Choose a TutorDesk backup file to bring your practice back.
      </p>
      {error && (
        <Alert tone="error" role="alert">
          {error}
        </Alert>
      )}
      {restoring && (
        <Alert tone="info" role="status">
          Restoring the backup… Keep TutorDesk open: it opens the restored practice in a moment.
        </Alert>
      )}
      {opened && <BackupDetails opened={opened} />}
      {m?.encryption && (
        <TextField
          label="Backup passphrase"
          type="password"
          value={passphrase}
          onChange={(v) => {
            setPassphrase(v);
            setPassphraseError('');
          }}
          error={passphraseError}
          hint="This backup is protected: it opens only with the passphrase it was made with."
        />
      )}
      <div className="row">
        <button type="button" className="btn" disabled={busy || props.disabled} onClick={() => void choose()}>
          <Icon name="upload" />
          {opened ? 'Choose another file…' : 'Choose a backup file…'}
        </button>
        {opened && (
          <button type="button" className="btn btn-primary" disabled={busy || props.disabled} onClick={() => void restore()}>
            {busy ? 'Restoring…' : 'Restore this practice'}
          </button>
        )}
      </div>
    </section>
  );
}
