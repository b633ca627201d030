import { useState } from 'react';
import { useApp } from '../../app/AppContext';
import { Icon } from '../../ui/Icon';
import { TextField } from '../../ui/Field';
import { Alert } from '../../ui/Alert';
import { EMPTY_ADDRESS, validatePracticeBasics, type FieldErrors } from '../../../../src-shared/validation/forms';
import { PRACTICE_SETTINGS_ID } from '../../../../src-shared/model/types';
import { useSampleExtenders } from '../../app/registry';
import { defaultPracticeSettings, LocaleField } from '../settings';
import { systemLanguages } from '../../app/AppContext';
import { resolvePracticeLocale } from '../../../../src-shared/locale/practice-locale';
import { loadSamplePractice } from './load-sample';
import { RestoreFromBackup } from '../backup';
import { JoinCard, JoinPractice } from './JoinPractice';
import { useJoinState } from './join-state';

function guessCurrency(locale: string): string {
  const region = new Intl.Locale(locale).maximize().region ?? 'GB';
  const map: Record<string, string> = {
    GB: 'GBP',
    US: 'USD',
    CA: 'CAD',
    AU: 'AUD',
    NZ: 'NZD',
    IE: 'EUR',
    DE: 'EUR',
    FR: 'EUR',
    ES: 'EUR',
    IT: 'EUR',
    NL: 'EUR',
    IN: 'INR',
    JP: 'JPY',
    CH: 'CHF',
    ZA: 'ZAR',
    SG: 'SGD',
  };
  return map[region] ?? 'GBP';
}

/**
 * First run: explains what to do, offers a short set-up form, the sample practice, joining an
 * existing practice from its sync server, or restoring a backup.
 */
export function Welcome() {
  const app = useApp();
  const { step: joinStep } = useJoinState();
  const [joining, setJoining] = useState(false);
  const sampleExtenders = useSampleExtenders();
  const system = systemLanguages();
  const [practiceName, setPracticeName] = useState('');
  const [myName, setMyName] = useState('');
  const [currency, setCurrency] = useState(guessCurrency(system[0] ?? 'en-GB'));
  const [timeZone, setTimeZone] = useState(Intl.DateTimeFormat().resolvedOptions().timeZone || 'Europe/London');
  const [rate, setRate] = useState('45.00');
  // The locale follows the currency and time zone (an en-US browser on a GBP / Europe/London
  // practice gets en-GB) until the person picks one.
  const [pickedLocale, setPickedLocale] = useState('');
  const locale = pickedLocale || resolvePracticeLocale({ systemLanguages: system, currency, timeZone }).locale;
  const [errors, setErrors] = useState<FieldErrors>({});
  // A field's error goes as soon as the field is changed (all are checked again on Create).
  const edit = (setter: (v: string) => void, key: string) => (value: string) => {
    setter(value);
    setErrors((e) => (key in e ? Object.fromEntries(Object.entries(e).filter(([k]) => k !== key)) : e));
  };
  const [busy, setBusy] = useState<'' | 'sample' | 'setup'>('');
  const [failure, setFailure] = useState('');

  const start = async () => {
    const basics = validatePracticeBasics({
      name: practiceName,
      address: EMPTY_ADDRESS,
      email: '',
      phone: '',
      currency,
      locale,
      timeZone,
      taxId: '',
      defaultRate: rate,
    });
    const nextErrors: FieldErrors = basics.ok ? {} : { ...basics.errors };
    if (!myName.trim()) nextErrors.myName = 'Enter your name';
    setErrors(nextErrors);
    if (!basics.ok || nextErrors.myName) return;
    setBusy('setup');
    try {
      const meDoc = await app.save('staff', undefined, {
        name: myName.trim(),
        email: '',
        phone: '',
        role: 'admin',
        payRate: { amount: 0, currency: basics.value.currency },
        payUnit: 'lesson',
        colour: '#4f46e5',
        username: '',
        active: true,
      });
      await app.setMe(meDoc.id);
      await app.save('settings', PRACTICE_SETTINGS_ID, { ...defaultPracticeSettings(basics.value.currency), ...basics.value });
    } catch (e) {
      setFailure((e as Error).message);
      setBusy('');
    }
  };

  return (
    <main className="content">
      <div className="welcome">
        <section className="card welcome-hero">
          <div className="brand-mark" aria-hidden="true" style={{ width: 48, height: 48, fontSize: 22 }}>
            T
          </div>
          <h1>Welcome to TutorDesk</h1>
          <p className="muted">
            Keep your students, families, lessons, notes and invoices in one place. Everything is stored on this computer and works without
            internet; you can connect a sync server later to share with colleagues.
          </p>
        </section>
        {(joining || joinStep !== 'idle') && <JoinPractice onBack={() => setJoining(false)} />}
        {failure && !joining && joinStep === 'idle' && (
          <Alert tone="error" role="alert">
            {failure}
          </Alert>
        )}
        {!joining && joinStep === 'idle' && (
          <>
            <div className="welcome-options">
              <section className="card option-card" aria-labelledby="setup-title">
                <h2 id="setup-title">Set up your practice</h2>
                <p className="muted">Start with an empty practice. You can change all of this later in Settings.</p>
                <form
                  className="stack"
                  noValidate
                  onSubmit={(e) => {
                    e.preventDefault();
                    void start();
                  }}
                >
                  <TextField
                    label="Practice name"
                    value={practiceName}
                    onChange={edit(setPracticeName, 'name')}
                    required
                    error={errors.name}
                    placeholder="e.g. Brightside Tutoring"
                  />
                  <TextField
                    label="Your name"
                    value={myName}
                    onChange={edit(setMyName, 'myName')}
                    required
                    error={errors.myName}
                    hint="You will be the administrator on this computer."
                  />
                  <div className="grid-2">
                    <TextField
                      label="Currency"
                      value={currency}
                      onChange={edit((v) => setCurrency(v.toUpperCase()), 'currency')}
                      error={errors.currency}
                      hint="ISO code, e.g. GBP"
                    />
                    <TextField
                      label="Default lesson rate"
                      value={rate}
                      onChange={edit(setRate, 'defaultRate')}
                      error={errors.defaultRate}
                      inputMode="decimal"
                    />
                  </div>
                  <TextField
                    label="Time zone"
                    value={timeZone}
                    onChange={edit(setTimeZone, 'timeZone')}
                    error={errors.timeZone}
                    hint="Lessons keep their local time across daylight-saving changes."
                  />
                  <LocaleField value={locale} onChange={setPickedLocale} timeZone={timeZone} currency={currency} error={errors.locale} />
                  <button type="submit" className="btn btn-primary" disabled={busy !== ''}>
                    {busy === 'setup' ? 'Creating…' : 'Create my practice'}
                  </button>
                </form>
              </section>
              <div className="welcome-side">
                <JoinCard disabled={busy !== ''} onOpen={() => setJoining(true)} />
                <section className="card option-card" aria-labelledby="sample-title">
                  <div className="empty-art" aria-hidden="true" style={{ width: 48, height: 48 }}>
                    <Icon name="sparkles" size={24} />
                  </div>
                  <h2 id="sample-title">Try it with sample data</h2>
                  <p className="muted">Explore a realistic tutoring centre first: tutors, families and students ready to browse.</p>
                  <ol className="steps">
                    <li>Load the sample practice.</li>
                    <li>Look around: students, families, staff.</li>
                    <li>When you are ready, start your own practice.</li>
                  </ol>
                  <button
                    type="button"
                    className="btn"
                    disabled={busy !== ''}
                    onClick={async () => {
                      setBusy('sample');
                      try {
                        await loadSamplePractice(app.db, sampleExtenders);
                      } catch (e) {
                        setFailure((e as Error).message);
                        setBusy('');
                      }
                    }}
                  >
                    <Icon name="sparkles" />
                    {busy === 'sample' ? 'Loading…' : 'Load a sample practice'}
                  </button>
                </section>
              </div>
            </div>
            <RestoreFromBackup disabled={busy !== ''} />
          </>
        )}
      </div>
    </main>
  );
}
