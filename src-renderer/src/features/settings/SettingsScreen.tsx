import { useState } from 'react';
import { useApp, useLiveQuery } from '../../app/AppContext';
import { SelectField, TextField } from '../../ui/Field';
import { useToast } from '../../ui/Toast';
import { validatePracticeBasics, type FieldErrors } from '../../../../src-shared/validation/forms';
import { moneyToInput } from '../../../../src-shared/money';
import { PRACTICE_SETTINGS_ID, type PracticeSettings } from '../../../../src-shared/model/types';
import { formatMoney } from '../../../../src-shared/money';

/** Extra settings sections contributed by other features (billing, attendance, sync…). */
const sections: { id: string; title: string; component: React.ComponentType }[] = [];
export function registerSettingsSection(id: string, title: string, component: React.ComponentType): void {
  if (!sections.some((s) => s.id === id)) sections.push({ id, title, component });
}

function PracticeForm({ settings }: { settings: PracticeSettings }) {
  const app = useApp();
  const toast = useToast();
  const [v, setV] = useState({
    name: settings.name,
    address: settings.address,
    email: settings.email,
    phone: settings.phone,
    currency: settings.currency,
    locale: settings.locale,
    timeZone: settings.timeZone,
    taxId: settings.taxId,
    defaultRate: moneyToInput(settings.defaultRate.amount, settings.defaultRate.currency),
  });
  const [errors, setErrors] = useState<FieldErrors>({});
  const set = (k: keyof typeof v) => (value: string) => setV((p) => ({ ...p, [k]: value }));
  const setAddr = (k: keyof typeof v.address) => (value: string) => setV((p) => ({ ...p, address: { ...p.address, [k]: value } }));
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [settings.timeZone];
  let preview = '';
  try {
    preview = `${formatMoney({ amount: 123456, currency: v.currency.toUpperCase() }, v.locale)} · ${new Intl.DateTimeFormat(v.locale, { dateStyle: 'full', timeStyle: 'short', timeZone: v.timeZone }).format(new Date())}`;
  } catch {
    preview = '';
  }

  const save = async () => {
    const result = validatePracticeBasics(v);
    if (!result.ok) return setErrors(result.errors);
    setErrors({});
    await app.save('settings', PRACTICE_SETTINGS_ID, result.value);
    toast('Practice settings saved');
  };

  return (
    <form
      className="card card-pad stack"
      noValidate
      aria-labelledby="practice-title"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h2 id="practice-title">Practice</h2>
      <div className="grid-2">
        <TextField label="Practice name" value={v.name} onChange={set('name')} required error={errors.name} />
        <TextField label="Tax / VAT number" value={v.taxId} onChange={set('taxId')} error={errors.taxId} />
        <TextField label="E-mail" type="email" value={v.email} onChange={set('email')} error={errors.email} />
        <TextField label="Phone" type="tel" value={v.phone} onChange={set('phone')} error={errors.phone} />
        <TextField label="Address line 1" value={v.address.line1} onChange={setAddr('line1')} error={errors['address.line1']} />
        <TextField label="Address line 2" value={v.address.line2} onChange={setAddr('line2')} error={errors['address.line2']} />
        <TextField label="City" value={v.address.city} onChange={setAddr('city')} />
        <TextField label="Postcode" value={v.address.postalCode} onChange={setAddr('postalCode')} />
        <TextField label="Region" value={v.address.region} onChange={setAddr('region')} />
        <TextField label="Country" value={v.address.country} onChange={setAddr('country')} />
      </div>
      <h3>Money, language and time</h3>
      <div className="grid-2">
        <TextField label="Currency" value={v.currency} onChange={(c) => set('currency')(c.toUpperCase())} error={errors.currency} hint="ISO 4217 code, e.g. GBP, EUR, USD" />
        <TextField label="Default lesson rate" value={v.defaultRate} onChange={set('defaultRate')} error={errors.defaultRate} prefix={v.currency} inputMode="decimal" />
        <TextField label="Locale" value={v.locale} onChange={set('locale')} error={errors.locale} hint="How dates and amounts are written, e.g. en-GB, en-US, de-DE" />
        <SelectField label="Time zone" value={v.timeZone} onChange={set('timeZone')} error={errors.timeZone} options={zones.map((z) => ({ value: z, label: z.replace(/_/g, ' ') }))} />
      </div>
      {preview && (
        <p className="muted" aria-live="polite">
          Preview: {preview}
        </p>
      )}
      <div className="row">
        <button type="submit" className="btn btn-primary">
          Save practice settings
        </button>
      </div>
    </form>
  );
}

function ThisComputer() {
  const app = useApp();
  const toast = useToast();
  const { docs: staff } = useLiveQuery('staff', { selector: { active: true }, sort: [{ name: 'asc' }] } as never);
  return (
    <section className="card card-pad stack" aria-labelledby="computer-title">
      <h2 id="computer-title">This computer</h2>
      <p className="muted">Changes you make on this computer are recorded under this staff member’s name.</p>
      <div className="grid-2">
        <SelectField
          label="I am"
          value={app.device.meStaffId}
          onChange={async (id) => {
            await app.setMe(id);
            toast(`This computer now belongs to ${staff.find((s) => s.id === id)?.name ?? 'nobody'}`);
          }}
          options={[{ value: '', label: 'Choose…' }, ...staff.map((s) => ({ value: s.id, label: s.name }))]}
        />
        <div className="field">
          <span className="label">Device id</span>
          <code className="muted">{app.device.deviceId}</code>
        </div>
      </div>
    </section>
  );
}

export function SettingsScreen() {
  const { settings } = useApp();
  if (!settings) return null;
  return (
    <div className="page" style={{ maxWidth: 980 }}>
      <div className="page-header">
        <div>
          <h1>Settings</h1>
          <p>Your practice details are used on invoices, exports and everywhere dates and money are shown.</p>
        </div>
      </div>
      <PracticeForm key={settings.updatedAt} settings={settings} />
      <ThisComputer />
      {sections.map((S) => (
        <S.component key={S.id} />
      ))}
    </div>
  );
}
