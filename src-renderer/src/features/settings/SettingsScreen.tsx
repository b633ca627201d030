import { useState, type KeyboardEvent, type ReactNode } from 'react';
import { useApp, useLiveQuery, usePermissions } from '../../app/AppContext';
import { useSettingsSections } from '../../app/registry';
import { useRoute, useUnsavedChanges } from '../../app/router';
import { SelectField, TextField } from '../../ui/Field';
import { useToast } from '../../ui/Toast';
import { PermissionButton, PermissionNote } from '../../ui/Permission';
import { isValidTimeZone, validatePracticeBasics, type FieldErrors } from '../../../../src-shared/validation/forms';
import { moneyToInput } from '../../../../src-shared/money';
import { PRACTICE_SETTINGS_ID, type PracticeSettings } from '../../../../src-shared/model/types';
import type { CollectionName } from '../../../../src-shared/model/schemas';
import { resolvePracticeLocale, suggestLocaleFix } from '../../../../src-shared/locale/practice-locale';
import { systemLanguages } from '../../app/AppContext';
import { useRateCheck } from '../../app/queries';
import { FigureConfirmation } from '../../ui/FigureConfirmation';
import { LocaleField, localeName, localeSample } from './LocaleField';
import { Alert } from '../../ui/Alert';
import './settings.css';

/** "the United Kingdom" for en-GB's country. */
function regionName(tag: string): string {
  try {
    const region = new Intl.Locale(tag).region;
    const name = region ? new Intl.DisplayNames(['en-GB'], { type: 'region' }).of(region) : undefined;
    if (!name) return 'another country';
    return /^(United|Netherlands)/.test(name) ? `the ${name}` : name;
  } catch {
    return 'another country';
  }
}

function PracticeForm({ settings }: { settings: PracticeSettings }) {
  const app = useApp();
  const toast = useToast();
  const may = usePermissions().decide('settings', 'change');
  const [v, setV] = useState({
    name: settings.name,
    address: settings.address,
    email: settings.email,
    phone: settings.phone,
    currency: settings.currency,
    // What the practice chose ('' = follow this computer), not the resolved locale.
    locale: app.chosenLocale,
    timeZone: settings.timeZone,
    taxId: settings.taxId,
    defaultRate: moneyToInput(settings.defaultRate.amount, settings.defaultRate.currency, settings.locale),
  });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [initialRate] = useState(v.defaultRate);
  // What is stored: leaving with other values asks first (app/router.ts).
  const [saved, setSaved] = useState(v);
  useUnsavedChanges(JSON.stringify(v) !== JSON.stringify(saved), 'Practice settings');
  const rateCheck = useRateCheck(v.defaultRate);
  // A field's error goes as soon as the field is changed (it is checked again on Save).
  const clear = (key: string) => setErrors((e) => (key in e ? Object.fromEntries(Object.entries(e).filter(([k]) => k !== key)) : e));
  const set = (k: keyof typeof v) => (value: string) => {
    setV((p) => ({ ...p, [k]: value }));
    clear(k);
  };
  const setAddr = (k: keyof typeof v.address) => (value: string) => {
    setV((p) => ({ ...p, address: { ...p.address, [k]: value } }));
    clear(`address.${k}`);
  };
  // Only zones the practice settings accept (the schema's fixed list; a newer engine may know more).
  const zones =
    typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone').filter(isValidTimeZone) : [settings.timeZone];
  const currency = v.currency.toUpperCase();
  // What '' gives on this computer for the currency and zone being edited.
  const followed = resolvePracticeLocale({ systemLanguages: systemLanguages(), currency, timeZone: v.timeZone }).locale;
  // A locale that does not fit the practice's country (an en-US browser language stored on a
  // GBP / Europe/London practice) is pointed out with the fix; never changed without asking.
  const [keptLocale, setKeptLocale] = useState('');
  const fix = v.locale && v.locale !== keptLocale ? suggestLocaleFix({ locale: v.locale, currency, timeZone: v.timeZone }) : null;

  const save = async () => {
    const result = validatePracticeBasics({ ...v, moneyLocale: settings.locale });
    if (!result.ok) return setErrors(result.errors);
    setErrors({});
    // A default rate far above the practice's range asks first, naming the figure (only when it was changed).
    if (v.defaultRate !== initialRate) {
      const gate = await rateCheck.gate(
        result.value.defaultRate.currency === settings.currency ? result.value.defaultRate.amount : null,
        v.defaultRate,
      );
      if (gate === 'ask') return;
      if (gate) return setErrors({ defaultRate: gate.error });
    }
    await app.save('settings', PRACTICE_SETTINGS_ID, result.value);
    setSaved(v);
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
      {!may.allowed && <PermissionNote id="practice-permission" reason={may.reason} />}
      <fieldset
        className="permission-fieldset stack"
        disabled={!may.allowed}
        {...(may.allowed ? {} : { 'aria-describedby': 'practice-permission' })}
      >
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
          <TextField
            label="Currency"
            value={v.currency}
            onChange={(c) => set('currency')(c.toUpperCase())}
            error={errors.currency}
            hint="ISO 4217 code, e.g. GBP, EUR, USD"
          />
          <TextField
            label="Default lesson rate"
            value={v.defaultRate}
            onChange={set('defaultRate')}
            error={errors.defaultRate}
            prefix={v.currency}
            inputMode="decimal"
          />
          <LocaleField
            value={v.locale}
            onChange={set('locale')}
            followSystem={followed}
            timeZone={v.timeZone}
            currency={currency}
            error={errors.locale}
          />
          <SelectField
            label="Time zone"
            value={v.timeZone}
            onChange={set('timeZone')}
            error={errors.timeZone}
            options={zones.map((z) => ({ value: z, label: z.replace(/_/g, ' ') }))}
          />
        </div>
        {fix && (
          <Alert tone="warning" role="status">
            <div className="stack" style={{ gap: 8 }}>
              <span>
                Dates and amounts are written the {localeName(v.locale)} way, but this practice is in {regionName(fix)}. Use{' '}
                {localeName(fix)}? It would write {localeSample(fix, v.timeZone, currency)}.
              </span>
              <span className="row">
                <button type="button" className="btn btn-sm btn-primary" onClick={() => set('locale')(fix)}>
                  Use {localeName(fix)}
                </button>
                <button type="button" className="btn btn-sm" onClick={() => setKeptLocale(v.locale)}>
                  Keep {localeName(v.locale)}
                </button>
              </span>
            </div>
          </Alert>
        )}
      </fieldset>
      <FigureConfirmation confirmation={rateCheck.pending} what="the rate" />
      <div className="row">
        <PermissionButton type="submit" className="btn btn-primary" decision={may} reasonId="practice-permission">
          {rateCheck.pending ? rateCheck.pending.confirmLabel : 'Save practice settings'}
        </PermissionButton>
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

/**
 * A section contributed by a feature that changes practice-wide records (`writes`): when this
 * computer's role may not change them, its controls are disabled and the reason is shown.
 */
function GuardedSection({ id, writes, children }: { id: string; writes: readonly CollectionName[]; children: ReactNode }) {
  const permissions = usePermissions();
  const reasons = [
    ...new Set(
      writes
        .map((c) => permissions.decide(c, 'change'))
        .filter((d) => !d.allowed)
        .map((d) => d.reason),
    ),
  ];
  if (reasons.length === 0) return <>{children}</>;
  const noteId = `settings-${id}-permission`;
  return (
    <fieldset className="permission-fieldset stack" disabled aria-describedby={noteId}>
      <PermissionNote id={noteId} reason={reasons.join(' ')} className="section-note" />
      {children}
    </fieldset>
  );
}

/** A section of the Settings page: one entry of its navigation, shown alone when chosen. */
interface SettingsEntry {
  id: string;
  title: string;
  content: ReactNode;
}

/** The address of a section of the Settings page (it survives reloads and can be linked to). */
export const settingsSectionHref = (id: string) => `#/settings?section=${encodeURIComponent(id)}`;

/** Up and Down (Home, End) move between the links of the settings navigation. */
function moveBetweenLinks(e: KeyboardEvent<HTMLElement>) {
  const keys: Record<string, (i: number, n: number) => number> = {
    ArrowDown: (i, n) => (i + 1) % n,
    ArrowUp: (i, n) => (i - 1 + n) % n,
    Home: () => 0,
    End: (_i, n) => n - 1,
  };
  const move = keys[e.key];
  if (!move) return;
  const links = [...e.currentTarget.querySelectorAll<HTMLAnchorElement>('a[href]')];
  const at = links.indexOf(document.activeElement as HTMLAnchorElement);
  if (at < 0) return;
  e.preventDefault();
  links[move(at, links.length)]?.focus();
}

/**
 * Settings as a sectioned page: a navigation of its sections (the practice, this computer, then
 * each section another feature contributes, by its title) beside the chosen section, which is in
 * the address (`#/settings?section=billing`). The page is as tall as the window: a long section
 * scrolls beside the navigation.
 */
export function SettingsScreen() {
  const { settings } = useApp();
  const route = useRoute();
  // The sections other features contribute (schedule, attendance, sync, billing…).
  const sections = useSettingsSections();
  if (!settings) return null;
  const entries: SettingsEntry[] = [
    { id: 'practice', title: 'Practice', content: <PracticeForm key={settings.updatedAt} settings={settings} /> },
    { id: 'computer', title: 'This computer', content: <ThisComputer /> },
    ...sections.map((S) => ({
      id: S.id,
      title: S.title,
      content: (
        <GuardedSection id={S.id} writes={S.writes ?? []}>
          <S.component />
        </GuardedSection>
      ),
    })),
  ];
  const chosen = entries.find((e) => e.id === route.query.get('section')) ?? entries[0]!;
  return (
    <div className="page settings-page">
      <div className="page-header">
        <div>
          <h1>Settings</h1>
          <p>Your practice details are used on invoices, exports and everywhere dates and money are shown.</p>
        </div>
      </div>
      <div className="settings-layout">
        <nav className="settings-nav" aria-label="Settings sections" onKeyDown={moveBetweenLinks}>
          <ul>
            {entries.map((e) => (
              <li key={e.id}>
                <a className="settings-nav-link" href={settingsSectionHref(e.id)} aria-current={e === chosen ? 'page' : undefined}>
                  {e.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="settings-panel" key={chosen.id}>
          {chosen.content}
        </div>
      </div>
    </div>
  );
}
