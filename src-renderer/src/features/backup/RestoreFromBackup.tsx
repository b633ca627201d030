/**
 * "Restore from a backup" on the first-run screen: choose a backup file, see what it holds, give
 * its passphrase when it has one, restore. Every refusal (not a backup, cut short, damaged, wrong
 * passphrase, made by a newer TutorDesk) is shown as is, and nothing is written before the whole
 * file is checked.
 */
import { useState } from 'react';
import { useApp } from '../../app/AppContext';
import { Alert } from '../../ui/Alert';
import { TextField } from '../../ui/Field';
import { Icon } from '../../ui/Icon';
import { openBackupFile, restoreBackup, type OpenedBackup } from './actions';
import { BackupDetails } from './BackupDetails';

export function RestoreFromBackup(props: { disabled?: boolean }) {
  const app = useApp();
  const [opened, setOpened] = useState<OpenedBackup | null>(null);
  const [passphrase, setPassphrase] = useState('');
  const [error, setError] = useState('');
  const [passphraseError, setPassphraseError] = useState('');
  const [busy, setBusy] = useState(false);

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
    try {
      await restoreBackup(app.db, opened, passphrase || undefined);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'wrong_passphrase' || code === 'passphrase_required') setPassphraseError((e as Error).message);
      else setError((e as Error).message);
      setBusy(false);
    }
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
