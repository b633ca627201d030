/**
 * Sync → Connection: end-to-end encryption of the practice (docs/sync.md "End-to-end encryption").
 * Off: what it does and, for a practice admin, the form that turns it on (with the warning about a
 * lost passphrase). On but locked on this laptop: the passphrase prompt. On: when, and a form to
 * change the passphrase.
 */
import { useState, type FormEvent } from 'react';
import { useApp } from '../../app/AppContext';
import { Alert } from '../../ui/Alert';
import { TextField } from '../../ui/Field';
import { useToast } from '../../ui/Toast';
import { PRACTICE_SETTINGS_ID } from '../../../../src-shared/model/types';
import { EncryptionError, MIN_PRACTICE_PASSPHRASE_LENGTH, type PracticeEncryption } from '../../../../src-shared/sync/encryption';
import { useSyncController, useSyncSnapshot } from './hooks';
import { countOf, formOf } from '../../../../src-shared/locale/count';
import { NOUNS, VERBS } from '../../../../src-shared/locale/wording';

const LOSS_WARNING =
  'Nobody can recover a lost passphrase: not TutorDesk, not whoever runs the server. Laptops that already have it keep working; a new laptop could not read the practice without it. Write it down and keep it somewhere safe.';

function message(e: unknown): string {
  if (e instanceof EncryptionError) return e.message;
  return e instanceof Error ? e.message : String(e);
}

function passphraseProblem(next: string, again: string): { next?: string; again?: string } {
  if (next.length < MIN_PRACTICE_PASSPHRASE_LENGTH)
    return { next: `Use at least ${MIN_PRACTICE_PASSPHRASE_LENGTH} characters; a few unrelated words are easiest to remember.` };
  if (next !== again) return { again: 'The two passphrases are not the same.' };
  return {};
}

export function EncryptionCard() {
  const snapshot = useSyncSnapshot();
  const isAdmin = snapshot.status?.identity?.isAdmin === true;
  return (
    <section className="card card-pad stack" aria-labelledby="sync-encryption-title">
      <h2 id="sync-encryption-title">End-to-end encryption</h2>
      {snapshot.encryption === 'locked' && <UnlockForm />}
      {snapshot.encryption === 'off' && <TurnOn isAdmin={isAdmin} />}
      {snapshot.encryption === 'unlocked' && snapshot.encryptionSettings && (
        <IsOn settings={snapshot.encryptionSettings} isAdmin={isAdmin} />
      )}
    </section>
  );
}

/**
 * A form's submit: `check` may refuse before anything runs (returns false), `run` runs while the
 * form shows it is busy, and what it throws goes to `fail` as a sentence.
 */
function useSubmit(o: { check?: () => boolean; run: () => Promise<void>; fail: (message: string) => void }) {
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (o.check && !o.check()) return;
    setBusy(true);
    try {
      await o.run();
    } catch (err) {
      o.fail(message(err));
    } finally {
      setBusy(false);
    }
  };
  return { busy, submit };
}

function useSaveEncryption() {
  const app = useApp();
  return (encryption: PracticeEncryption) => app.save('settings', PRACTICE_SETTINGS_ID, { encryption });
}

function UnlockForm() {
  const controller = useSyncController();
  const [passphrase, setPassphrase] = useState('');
  const [error, setError] = useState('');
  const toast = useToast();
  const { busy, submit } = useSubmit({
    check: () => (setError(''), true),
    run: async () => {
      await controller.unlockEncryption(passphrase);
      setPassphrase('');
      toast('Passphrase accepted. This laptop now syncs the practice.');
    },
    fail: setError,
  });
  return (
    <form className="stack" onSubmit={submit} aria-label="Unlock the practice">
      <p>
        This practice encrypts names, contact details, notes and invoice texts before they reach the server. Enter the practice passphrase
        once on this laptop to sync; your practice admin knows it.
      </p>
      <div className="grid-2">
        <TextField label="Practice passphrase" type="password" value={passphrase} onChange={setPassphrase} error={error} autoFocus />
      </div>
      <div className="toolbar">
        <button type="submit" className="btn btn-primary" disabled={busy || passphrase === ''}>
          {busy ? 'Checking…' : 'Unlock'}
        </button>
      </div>
    </form>
  );
}

function TurnOn({ isAdmin }: { isAdmin: boolean }) {
  const controller = useSyncController();
  const save = useSaveEncryption();
  const toast = useToast();
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [understood, setUnderstood] = useState(false);
  const [errors, setErrors] = useState<{ next?: string; again?: string; form?: string }>({});
  const { busy, submit } = useSubmit({
    check: () => {
      const problem = passphraseProblem(next, again);
      setErrors(problem);
      return !problem.next && !problem.again;
    },
    run: async () => {
      const { written, remaining } = await controller.enableEncryption(next, save);
      setNext('');
      setAgain('');
      const records = (n: number) => countOf(n, NOUNS.record);
      toast(
        `Encryption is on. ${records(written)} on the server ${formOf(written, VERBS.was)} encrypted${remaining ? `; ${records(remaining)} follow with the next sync` : ''}.`,
      );
    },
    fail: (form) => setErrors({ form }),
  });
  const intro = (
    <p>
      Off. With encryption on, names, contact details, addresses, lesson notes, invoice texts and payment references are encrypted on each
      laptop with a key only your practice’s passphrase unlocks, so whoever runs the sync server cannot read them. Search, reports and
      exports work as before.
    </p>
  );
  if (!isAdmin)
    return (
      <>
        {intro}
        <p className="muted">A practice admin can turn it on from their laptop.</p>
      </>
    );
  return (
    <form className="stack" onSubmit={submit} aria-label="Turn on end-to-end encryption">
      {intro}
      <Alert tone="warning" title="Keep the passphrase safe">
        {LOSS_WARNING}
      </Alert>
      <div className="grid-2">
        <TextField label="New practice passphrase" type="password" value={next} onChange={setNext} error={errors.next} />
        <TextField label="Passphrase again" type="password" value={again} onChange={setAgain} error={errors.again} />
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={understood} onChange={(e) => setUnderstood(e.target.checked)} />I understand that a lost passphrase
        cannot be recovered
      </label>
      {errors.form && (
        <Alert tone="error" role="alert">
          {errors.form}
        </Alert>
      )}
      <div className="toolbar">
        <button type="submit" className="btn btn-primary" disabled={busy || !understood}>
          {busy ? 'Encrypting…' : 'Turn on encryption'}
        </button>
      </div>
    </form>
  );
}

function IsOn({ settings, isAdmin }: { settings: PracticeEncryption; isAdmin: boolean }) {
  const app = useApp();
  const locale = app.settings?.locale ?? 'en-GB';
  const when = (iso: string) => new Date(iso).toLocaleDateString(locale, { day: 'numeric', month: 'long', year: 'numeric' });
  return (
    <>
      <p>
        On since {when(settings.enabledAt)}. Names, contact details, addresses, notes, invoice texts and payment references leave this
        laptop encrypted; the server sees ids, dates, statuses and amounts only.
        {settings.passphraseChangedAt !== settings.enabledAt ? ` Passphrase changed ${when(settings.passphraseChangedAt)}.` : ''}
      </p>
      {isAdmin && <ChangePassphrase />}
    </>
  );
}

function ChangePassphrase() {
  const controller = useSyncController();
  const save = useSaveEncryption();
  const toast = useToast();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [errors, setErrors] = useState<{ current?: string; next?: string; again?: string }>({});
  const { busy, submit } = useSubmit({
    check: () => {
      const problem = passphraseProblem(next, again);
      setErrors(problem);
      return !problem.next && !problem.again;
    },
    run: async () => {
      await controller.changeEncryptionPassphrase(current, next, save);
      setCurrent('');
      setNext('');
      setAgain('');
      toast('Passphrase changed. Laptops that have the practice key keep working; new laptops need the new passphrase.');
    },
    fail: (current) => setErrors({ current }),
  });
  return (
    <form className="stack" onSubmit={submit} aria-label="Change the practice passphrase">
      <h3>Change the passphrase</h3>
      <div className="grid-3">
        <TextField label="Current passphrase" type="password" value={current} onChange={setCurrent} error={errors.current} />
        <TextField label="New passphrase" type="password" value={next} onChange={setNext} error={errors.next} />
        <TextField label="New passphrase again" type="password" value={again} onChange={setAgain} error={errors.again} />
      </div>
      <p className="muted">{LOSS_WARNING}</p>
      <div className="toolbar">
        <button type="submit" className="btn" disabled={busy || current === '' || next === ''}>
          {busy ? 'Changing…' : 'Change passphrase'}
        </button>
      </div>
    </form>
  );
}
