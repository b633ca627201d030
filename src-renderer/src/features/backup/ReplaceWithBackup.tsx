/**
 * Settings → Backups → "Restore from a backup…" (and "Restore" beside an automatic backup): the
 * warning dialog that replaces this computer's practice with a backup (docs/backup.md "Replacing
 * the practice"). It says plainly what is replaced and, when this computer syncs, what the restore
 * does and does not do to the shared practice. The file is checked whole before anything is
 * written; the restore goes into a new database, and only a complete one replaces the practice.
 */
import { useEffect, useState } from 'react';
import { useApp } from '../../app/AppContext';
import { getBridge } from '../../platform/bridge';
import { Alert } from '../../ui/Alert';
import { TextField } from '../../ui/Field';
import { FormDialog } from '../../ui/FormDialog';
import { Icon } from '../../ui/Icon';
import type { SyncAccount } from '../../../../src-shared/bridge';
import { checkBackup, replaceWithBackup, type CheckedBackup, type OpenedBackup } from './actions';
import { BackupDetails } from './BackupDetails';

interface CurrentPractice {
  students: number;
  families: number;
  account: SyncAccount | null;
}

function useCurrentPractice(): CurrentPractice | null {
  const { db } = useApp();
  const [current, setCurrent] = useState<CurrentPractice | null>(null);
  useEffect(() => {
    let live = true;
    void Promise.all([
      db.students.count().exec(),
      db.families.count().exec(),
      getBridge()
        .sync.getAccount()
        .catch(() => null),
    ]).then(([students, families, account]) => {
      if (live) setCurrent({ students, families, account });
    });
    return () => {
      live = false;
    };
  }, [db]);
  return current;
}

export function ReplaceWithBackupDialog(props: { opened: OpenedBackup; onClose: () => void; reload?: () => void }) {
  const app = useApp();
  const current = useCurrentPractice();
  const [passphrase, setPassphrase] = useState('');
  const [passphraseError, setPassphraseError] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [restoring, setRestoring] = useState(false);
  const m = props.opened.manifest;
  const plural = new Intl.PluralRules(app.format.locale);
  const count = (n: number, one: string, many: string) => `${app.format.number(n)} ${plural.select(n) === 'one' ? one : many}`;

  const replace = async () => {
    setError('');
    setPassphraseError('');
    if (m.encryption && !passphrase) return setPassphraseError('Enter the passphrase this backup was protected with.');
    setBusy(true);
    let checked: CheckedBackup;
    try {
      checked = await checkBackup(props.opened, passphrase || undefined);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'wrong_passphrase' || code === 'passphrase_required') setPassphraseError((e as Error).message);
      else setError(`Nothing was changed: ${(e as Error).message}`);
      setBusy(false);
      return;
    }
    // From here the current database is closed: the window starts again afterwards, on the
    // restored practice or, if the restore failed, on the unchanged one (Settings says why).
    setRestoring(true);
    const ok = await replaceWithBackup(app.db, checked);
    if (ok) window.location.hash = '#/students';
    (props.reload ?? (() => window.location.reload()))();
  };

  const practice = app.settings?.name ? `“${app.settings.name}”` : 'the practice';
  return (
    <FormDialog
      title="Replace this computer’s practice?"
      wide
      onClose={() => {
        if (!busy) props.onClose();
      }}
      onSubmit={replace}
      // A confirmation, not a form to fill: its passphrase is nothing to keep.
      guardChanges={false}
      submitLabel={busy ? 'Restoring…' : 'Replace with this backup'}
      danger
      busy={busy || !current}
      error={error}
    >
      {restoring && (
        <Alert tone="info" role="status">
          Restoring the backup… Keep TutorDesk open: it starts again on the restored practice in a moment.
        </Alert>
      )}
      <BackupDetails opened={props.opened} />
      <Alert tone="warning" icon={<Icon name="alert" />}>
        <strong>Everything TutorDesk holds on this computer is replaced by this backup.</strong> {practice}
        {current ? ` (${count(current.students, 'student', 'students')}, ${count(current.families, 'family', 'families')})` : ''} as it is
        now goes away, and the practice comes back as it was on {app.format.dateTime(m.createdAt)}. Whatever was added or changed since then
        is lost, unless it is in another backup: if you may need it, cancel and make a backup of it first with “Back up now”.
      </Alert>
      {current?.account && (
        <Alert
          tone="info"
          icon={<Icon name="cloud" />}
          title={`This computer syncs with ${current.account.serverUrl} (practice ${current.account.practice}).`}
        >
          <p>
            After the restore it fetches the practice from the server again and sends it the backup’s records: each field keeps its newer
            version, so what was changed or deleted on the server after the backup stays as the server has it, and what was deleted before
            the backup stays deleted. The restore brings back only what the server does not have; it does not turn the shared practice back
            to the backup’s date.
          </p>
          <p>Changes made on this computer that have not reached the server yet are lost.</p>
        </Alert>
      )}
      <p className="muted">
        The backup is checked whole and restored beside the current practice first. Only a complete restore replaces it: if anything fails,
        nothing is changed.
      </p>
      {m.encryption && (
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
    </FormDialog>
  );
}
