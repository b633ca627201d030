/**
 * Settings → E-mail: the practice's SMTP account, which the desktop app keeps (the password never
 * comes back to the renderer: `hasPassword` only). Everything here comes through the bridge's
 * `mail` member, so the same component runs against the desktop host, the browser (which says
 * sending needs the desktop app) and any test bridge.
 */
import { useEffect, useId, useState } from 'react';
import { useUnsavedChanges } from '../../app/router';
import { getBridge, MAIL_NEEDS_DESKTOP } from '../../platform/bridge';
import { Alert } from '../../ui/Alert';
import { SelectField, TextField } from '../../ui/Field';
import { FormDialog } from '../../ui/FormDialog';
import { Icon } from '../../ui/Icon';
import { useToast } from '../../ui/Toast';
import {
  EmailAddressSchema,
  SMTP_PRESETS,
  SmtpSettingsSchema,
  type MailAccount,
  type MailFailureKind,
  type SmtpSecurity,
  type SmtpSettings,
  type TestMailResult,
} from '../../../../src-shared/mail/contract';
import './mail.css';

type Load =
  { phase: 'loading' } | { phase: 'browser' } | { phase: 'desktop'; account: MailAccount | null } | { phase: 'error'; message: string };

export function MailSettings() {
  const [load, setLoad] = useState<Load>({ phase: 'loading' });
  useEffect(() => {
    let live = true;
    const mail = getBridge().mail;
    void (async () => {
      try {
        if (!(await mail.available())) return live && setLoad({ phase: 'browser' });
        const account = await mail.getAccount();
        if (live) setLoad({ phase: 'desktop', account });
      } catch (e) {
        if (live) setLoad({ phase: 'error', message: (e as Error).message });
      }
    })();
    return () => {
      live = false;
    };
  }, []);

  if (load.phase === 'loading') return null;
  if (load.phase === 'browser') return <NeedsDesktop />;
  if (load.phase === 'error')
    return (
      <section className="card card-pad stack" aria-labelledby="mail-title">
        <h2 id="mail-title">E-mail</h2>
        <Alert tone="error" role="alert" icon={<Icon name="alert" />} title="The e-mail account could not be read.">
          {load.message}
        </Alert>
      </section>
    );
  return <AccountForm account={load.account} onAccount={(account) => setLoad({ phase: 'desktop', account })} />;
}

function NeedsDesktop() {
  return (
    <section className="card card-pad stack" aria-labelledby="mail-title">
      <h2 id="mail-title">E-mail</h2>
      <div className="mail-desktop-note" role="note" aria-labelledby="mail-desktop-title">
        <div className="mail-desktop-icon" aria-hidden="true">
          <Icon name="mail" size={22} />
        </div>
        <div className="stack" style={{ gap: 6 }}>
          <strong id="mail-desktop-title">{MAIL_NEEDS_DESKTOP}</strong>
          <p className="muted">
            Invoices, statements, reminders and progress reports can still be queued here: they wait in the outbox and are sent by the first
            desktop laptop of the practice that is online, from the practice’s own e-mail account. You can also open any message in your
            mail app and send it yourself.
          </p>
          <p className="muted">To set up the account, open Settings › E-mail in the TutorDesk desktop app.</p>
        </div>
      </div>
    </section>
  );
}

const OTHER = 'other';

const SECURITY_OPTIONS: { value: SmtpSecurity; label: string }[] = [
  { value: 'starttls', label: 'STARTTLS (usually port 587)' },
  { value: 'tls', label: 'TLS from the start (usually port 465)' },
  { value: 'none', label: 'None: not encrypted' },
];

/** What a failed test or send was, as a title above the server's own reason. */
export const FAILURE_TITLES: Record<MailFailureKind, string> = {
  'not-configured': 'No e-mail account is set up',
  auth: 'Wrong user name or password',
  tls: 'The secure connection (TLS) failed',
  'sender-refused': 'The server refused the sender address',
  'recipient-refused': 'The server refused the recipient',
  unreachable: 'The mail server could not be reached',
  timeout: 'The mail server did not answer in time',
  'message-refused': 'The server refused the message',
  attachment: 'An attachment could not be made',
  unknown: 'The e-mail could not be sent',
};

interface FormValues {
  provider: string;
  host: string;
  port: string;
  security: SmtpSecurity;
  username: string;
  password: string;
  fromName: string;
  fromAddress: string;
  replyTo: string;
}

function valuesOf(account: MailAccount | null): FormValues {
  if (!account)
    return {
      provider: OTHER,
      host: '',
      port: '587',
      security: 'starttls',
      username: '',
      password: '',
      fromName: '',
      fromAddress: '',
      replyTo: '',
    };
  return {
    provider: SMTP_PRESETS.find((p) => p.host === account.host)?.id ?? OTHER,
    host: account.host,
    port: String(account.port),
    security: account.security,
    username: account.username,
    password: '',
    fromName: account.fromName,
    fromAddress: account.fromAddress,
    replyTo: account.replyTo,
  };
}

type Errors = Partial<Record<keyof FormValues | '_form', string>>;

/** The field's own words when zod's default message would be technical. */
const PLAIN: Partial<Record<keyof FormValues, string>> = {
  port: 'Enter a port from 1 to 65535 (usually 587 or 465)',
  fromAddress: 'Enter the address e-mails are sent from (name@example.com)',
  replyTo: 'Enter an address for replies, or leave it empty',
  username: 'The user name is too long',
  password: 'The password is too long',
  fromName: 'The name is too long (at most 200 characters)',
};

function validate(v: FormValues, hasPassword: boolean): { ok: true; value: SmtpSettings } | { ok: false; errors: Errors } {
  const port = /^\d{1,5}$/.test(v.port.trim()) ? Number(v.port.trim()) : NaN;
  const parsed = SmtpSettingsSchema.safeParse({
    host: v.host,
    port,
    security: v.security,
    username: v.username.trim(),
    ...(v.password ? { password: v.password } : {}),
    fromName: v.fromName,
    fromAddress: v.fromAddress,
    replyTo: v.replyTo.trim(),
  });
  const errors: Errors = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as keyof FormValues;
      if (errors[field]) continue;
      const custom = issue.code === 'custom' || issue.code === 'invalid_format' ? issue.message : undefined;
      errors[field] = (field === 'host' ? issue.message : custom) ?? PLAIN[field] ?? issue.message;
    }
  }
  if (v.username.trim() && !v.password && !hasPassword) errors.password = 'Enter the password (for most providers an app password)';
  if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: parsed.data };
}

function AccountForm({ account, onAccount }: { account: MailAccount | null; onAccount: (a: MailAccount | null) => void }) {
  const mail = getBridge().mail;
  const toast = useToast();
  const titleId = useId();
  const [v, setV] = useState<FormValues>(() => valuesOf(account));
  const [saved, setSaved] = useState(() => JSON.stringify(valuesOf(account)));
  const [errors, setErrors] = useState<Errors>({});
  const [saving, setSaving] = useState(false);
  const [removing, setRemoving] = useState(false);
  const dirty = JSON.stringify(v) !== saved;
  useUnsavedChanges(dirty, 'E-mail settings');

  const set = (k: keyof FormValues) => (value: string) => {
    setV((p) => ({ ...p, [k]: value }));
    setErrors((e) => (e[k] || e._form ? { ...e, [k]: undefined, _form: undefined } : e));
  };
  const chooseProvider = (id: string) => {
    const preset = SMTP_PRESETS.find((p) => p.id === id);
    setV((p) =>
      preset ? { ...p, provider: id, host: preset.host, port: String(preset.port), security: preset.security } : { ...p, provider: id },
    );
    setErrors((e) => ({ ...e, host: undefined, port: undefined, security: undefined }));
  };
  const preset = SMTP_PRESETS.find((p) => p.id === v.provider);

  const save = async () => {
    const result = validate(v, Boolean(account?.hasPassword));
    if (!result.ok) return setErrors(result.errors);
    setErrors({});
    setSaving(true);
    try {
      const stored = await mail.saveAccount(result.value);
      const next = { ...v, password: '' };
      setV(next);
      setSaved(JSON.stringify(next));
      onAccount(stored);
      toast('E-mail account saved');
    } catch (e) {
      setErrors({ _form: (e as Error).message });
    } finally {
      setSaving(false);
    }
  };

  const openHelp = (url: string) => {
    void getBridge()
      .openExternal(url)
      .catch((e: unknown) => toast((e as Error).message));
  };

  return (
    <>
      <form
        className="card card-pad stack"
        noValidate
        aria-labelledby={titleId}
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <h2 id={titleId}>E-mail</h2>
        <p className="muted">
          Invoices, statements, reminders and reports are sent from the practice’s own e-mail account. Its password stays on this computer
          (in the system keychain) and is never synced.
        </p>
        <div className="grid-2">
          <SelectField
            label="Provider"
            value={v.provider}
            onChange={chooseProvider}
            options={[...SMTP_PRESETS.map((p) => ({ value: p.id, label: p.label })), { value: OTHER, label: 'Other (enter the server)' }]}
          />
          <div className="mail-help">
            {preset ? (
              <p className="hint">
                {preset.label} needs an <em>app password</em>, not your usual one.{' '}
                <a
                  href={preset.help}
                  onClick={(e) => {
                    e.preventDefault();
                    openHelp(preset.help);
                  }}
                >
                  How to make an app password for {preset.label}
                </a>
              </p>
            ) : (
              <p className="hint">Your provider’s help pages give the SMTP server, its port and whether it uses STARTTLS or TLS.</p>
            )}
          </div>
          <TextField
            label="Mail server (SMTP host)"
            value={v.host}
            onChange={set('host')}
            error={errors.host}
            placeholder="smtp.example.com"
          />
          <div className="grid-2 mail-port-row">
            <TextField label="Port" value={v.port} onChange={set('port')} error={errors.port} inputMode="decimal" />
            <SelectField
              label="Security"
              value={v.security}
              onChange={set('security')}
              options={SECURITY_OPTIONS}
              error={errors.security}
            />
          </div>
          {v.security === 'none' && (
            <Alert tone="warning" role="status" icon={<Icon name="alert" />} className="span-2" title="Not encrypted.">
              The password and every message would cross the network readable by anyone on the way. Use this only for a mail server on this
              computer or for testing; choose STARTTLS or TLS for a real account.
            </Alert>
          )}
          <TextField
            label="User name"
            value={v.username}
            onChange={set('username')}
            error={errors.username}
            hint="Usually your full e-mail address"
          />
          <TextField
            label="Password"
            type="password"
            value={v.password}
            onChange={set('password')}
            error={errors.password}
            {...(account?.hasPassword
              ? {
                  placeholder: '•••• kept',
                  hint:
                    account.passwordKept === 'session'
                      ? 'Kept until TutorDesk closes (no keychain on this computer). Leave empty to keep it.'
                      : 'Saved on this computer. Leave empty to keep it.',
                }
              : { hint: 'For most providers an app password' })}
          />
          <TextField
            label="From name"
            value={v.fromName}
            onChange={set('fromName')}
            error={errors.fromName}
            placeholder="e.g. Maple Tutoring"
          />
          <TextField
            label="From address"
            type="email"
            inputMode="email"
            value={v.fromAddress}
            onChange={set('fromAddress')}
            error={errors.fromAddress}
            placeholder="hello@example.com"
          />
          <TextField
            label="Reply-to (optional)"
            type="email"
            inputMode="email"
            value={v.replyTo}
            onChange={set('replyTo')}
            error={errors.replyTo}
            hint="Empty: replies go to the From address"
          />
        </div>
        {errors._form && (
          <Alert tone="error" role="alert" icon={<Icon name="alert" />} title="Not saved.">
            {errors._form}
          </Alert>
        )}
        <div className="row">
          <button type="submit" className="btn btn-primary" disabled={saving}>
            {account ? 'Save e-mail account' : 'Set up e-mail account'}
          </button>
          {account && (
            <button type="button" className="btn btn-ghost" onClick={() => setRemoving(true)}>
              Remove account
            </button>
          )}
        </div>
      </form>
      <TestMail account={account} dirty={dirty} fromAddress={v.fromAddress} />
      {removing && (
        <FormDialog
          title="Remove the e-mail account?"
          submitLabel="Remove account"
          danger
          guardChanges={false}
          onClose={() => setRemoving(false)}
          onSubmit={async () => {
            await mail.clearAccount();
            const empty = valuesOf(null);
            setV(empty);
            setSaved(JSON.stringify(empty));
            setRemoving(false);
            onAccount(null);
            toast('E-mail account removed from this computer');
          }}
        >
          <p>
            This computer forgets the mail server and its password. Messages in the outbox wait until an account is set up again, here or on
            another desktop laptop of the practice.
          </p>
        </FormDialog>
      )}
    </>
  );
}

function TestMail({ account, dirty, fromAddress }: { account: MailAccount | null; dirty: boolean; fromAddress: string }) {
  const mail = getBridge().mail;
  const titleId = useId();
  const [to, setTo] = useState<string | null>(null);
  const [error, setError] = useState('');
  const [sending, setSending] = useState(false);
  const [result, setResult] = useState<TestMailResult | null>(null);
  const target = to ?? account?.fromAddress ?? fromAddress;
  const blocked = !account ? 'Save the account first.' : dirty ? 'Save your changes first: the test uses the saved account.' : '';

  const send = async () => {
    const check = EmailAddressSchema.safeParse(target);
    if (!check.success) return setError('Enter the address to send the test to (name@example.com)');
    setError('');
    setSending(true);
    setResult(null);
    try {
      setResult(await mail.sendTest({ to: check.data }));
    } catch (e) {
      setResult({ ok: false, kind: 'unknown', reason: (e as Error).message, retryable: false });
    } finally {
      setSending(false);
    }
  };

  return (
    <form
      className="card card-pad stack"
      noValidate
      aria-labelledby={titleId}
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <h2 id={titleId}>Send a test e-mail</h2>
      <p className="muted">A short message through the saved account shows whether the server, the password and the sender address work.</p>
      <div className="mail-test-row">
        <TextField
          label="To"
          type="email"
          inputMode="email"
          value={target}
          onChange={(x) => {
            setTo(x);
            setError('');
          }}
          error={error}
          {...(blocked ? { hint: blocked } : {})}
        />
        <button type="submit" className="btn" disabled={sending || Boolean(blocked)}>
          {sending ? 'Sending…' : 'Send a test e-mail'}
        </button>
      </div>
      {result?.ok === true && (
        <Alert tone="success" role="status" icon={<Icon name="check" />} title="Test e-mail sent.">
          The server answered: <code>{result.detail}</code>
        </Alert>
      )}
      {result?.ok === false && (
        <Alert tone="error" role="alert" icon={<Icon name="alert" />} title={`${FAILURE_TITLES[result.kind]}.`}>
          {result.reason}
        </Alert>
      )}
    </form>
  );
}
