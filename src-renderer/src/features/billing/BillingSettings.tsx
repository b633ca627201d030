/**
 * Settings → Billing: payment terms, tax (mode, rate, label), invoice number prefix, payment
 * instructions printed on invoices, paper size of PDFs, and the practice logo (a small image read
 * as a data: URL; only base64 PNG/JPEG/GIF/WebP/SVG is accepted, as the invoice template requires).
 */
import { useId, useState } from 'react';
import { useApp } from '../../app/AppContext';
import { useUnsavedChanges } from '../../app/router';
import { SelectField, TextArea, TextField } from '../../ui/Field';
import { useToast } from '../../ui/Toast';
import { safeLogo } from '../../../../src-shared/billing/html';
import { formatInvoiceNumber } from '../../../../src-shared/billing/numbering';
import { PRACTICE_SETTINGS_ID, type PracticeSettings, type TaxMode } from '../../../../src-shared/model/types';
import './billing.css';

export const LOGO_MAX_BYTES = 200 * 1024;

export function BillingSettings() {
  const { settings } = useApp();
  if (!settings) return null;
  return <BillingForm key={settings.updatedAt} settings={settings} />;
}

function readAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(r.error ?? new Error('Could not read the file'));
    r.readAsDataURL(file);
  });
}

function BillingForm({ settings }: { settings: PracticeSettings }) {
  const app = useApp();
  const toast = useToast();
  const titleId = useId();
  const logoId = useId();
  const b = settings.billing;
  const [v, setV] = useState({
    paymentTermsDays: String(b.paymentTermsDays),
    taxMode: b.taxMode as TaxMode,
    taxRate: String(b.taxRateBp / 100),
    taxLabel: b.taxLabel,
    invoicePrefix: b.invoicePrefix,
    paymentInstructions: b.paymentInstructions,
    paperSize: b.paperSize ?? 'A4',
  });
  const [logo, setLogo] = useState(settings.logo);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  // A field's error goes as soon as the field is changed (it is checked again on Save); choosing
  // no tax also settles the rate's and the label's.
  const set = (k: keyof typeof v) => (value: string) => {
    setV((p) => ({ ...p, [k]: value }));
    const cleared = k === 'taxMode' ? ['taxMode', 'taxRate', 'taxLabel'] : [k];
    setErrors((e) => (cleared.some((c) => e[c]) ? Object.fromEntries(Object.entries(e).filter(([c]) => !cleared.includes(c))) : e));
  };
  // Leaving with changes not saved asks first (app/router.ts).
  const current = JSON.stringify([v, logo]);
  const [saved, setSaved] = useState(current);
  useUnsavedChanges(current !== saved, 'Billing settings');

  const onLogo = async (file: File | undefined) => {
    if (!file) return;
    if (file.size > LOGO_MAX_BYTES) {
      setErrors((e) => ({
        ...e,
        logo: `The logo is ${Math.ceil(file.size / 1024)} KB; use an image of at most ${LOGO_MAX_BYTES / 1024} KB`,
      }));
      return;
    }
    try {
      const url = await readAsDataUrl(file);
      if (!safeLogo(url)) {
        setErrors((e) => ({ ...e, logo: 'Use a PNG, JPEG, GIF, WebP or SVG image' }));
        return;
      }
      setErrors((e) => ({ ...e, logo: '' }));
      setLogo(safeLogo(url));
    } catch (e) {
      setErrors((x) => ({ ...x, logo: (e as Error).message }));
    }
  };

  const validate = () => {
    const e: Record<string, string> = {};
    const terms = Number(v.paymentTermsDays.trim());
    if (!/^\d+$/.test(v.paymentTermsDays.trim()) || terms > 365) e.paymentTermsDays = 'Enter a whole number of days from 0 to 365';
    let taxRateBp = 0;
    if (v.taxMode !== 'none') {
      const t = v.taxRate.trim().replace(',', '.');
      if (!/^\d{1,3}(\.\d{1,2})?$/.test(t) || Number(t) > 100) e.taxRate = 'Enter a rate from 0 to 100 %, e.g. 20 or 7.5';
      else {
        const [whole = '0', frac = ''] = t.split('.');
        taxRateBp = Number(whole) * 100 + Number(frac.padEnd(2, '0'));
      }
      if (!v.taxLabel.trim()) e.taxLabel = 'Enter the name of the tax, e.g. VAT';
      else if (v.taxLabel.trim().length > 40) e.taxLabel = 'At most 40 characters';
    }
    if (!/^[A-Za-z0-9]{0,12}[-/_.]?$/.test(v.invoicePrefix.trim())) e.invoicePrefix = 'Letters and digits only (up to 12), e.g. INV';
    if (v.paymentInstructions.length > 4000) e.paymentInstructions = `At most ${app.format.number(4000, 0)} characters`;
    setErrors(e);
    return Object.keys(e).length === 0 ? { terms, taxRateBp } : null;
  };

  const save = async () => {
    const ok = validate();
    if (!ok) return;
    setSaving(true);
    try {
      await app.save('settings', PRACTICE_SETTINGS_ID, {
        logo,
        billing: {
          paymentTermsDays: ok.terms,
          taxMode: v.taxMode,
          taxRateBp: v.taxMode === 'none' ? b.taxRateBp : ok.taxRateBp,
          taxLabel: v.taxLabel.trim() || b.taxLabel,
          invoicePrefix: v.invoicePrefix.trim(),
          paymentInstructions: v.paymentInstructions,
          paperSize: v.paperSize === 'Letter' ? 'Letter' : 'A4',
        },
      });
      setSaved(current);
      toast('Billing settings saved');
    } finally {
      setSaving(false);
    }
  };

  const example = formatInvoiceNumber(v.invoicePrefix, new Date().getFullYear().toString(), 'K7Q', 42);

  return (
    <form
      className="card card-pad stack"
      noValidate
      aria-labelledby={titleId}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h2 id={titleId}>Billing</h2>
      <p className="muted">How invoices are numbered, taxed and printed. Changes apply to new drafts; issued invoices never change.</p>
      <div className="grid-2">
        <TextField
          label="Payment terms (days)"
          value={v.paymentTermsDays}
          onChange={set('paymentTermsDays')}
          inputMode="decimal"
          error={errors.paymentTermsDays}
          hint="Due date = issue date + this many days"
        />
        <TextField
          label="Invoice number prefix"
          value={v.invoicePrefix}
          onChange={set('invoicePrefix')}
          error={errors.invoicePrefix}
          hint={`Numbers look like ${example} (year, this computer’s code, sequence)`}
        />
        <SelectField
          label="Tax"
          value={v.taxMode}
          onChange={set('taxMode')}
          options={[
            { value: 'none', label: 'No tax' },
            { value: 'exclusive', label: 'Added on top of prices (exclusive)' },
            { value: 'inclusive', label: 'Included in prices (inclusive)' },
          ]}
        />
        <SelectField
          label="Paper size"
          value={v.paperSize}
          onChange={set('paperSize')}
          options={[
            { value: 'A4', label: 'A4' },
            { value: 'Letter', label: 'US Letter' },
          ]}
        />
        {v.taxMode !== 'none' && (
          <>
            <TextField label="Tax rate (%)" value={v.taxRate} onChange={set('taxRate')} inputMode="decimal" error={errors.taxRate} />
            <TextField
              label="Tax name"
              value={v.taxLabel}
              onChange={set('taxLabel')}
              error={errors.taxLabel}
              hint="Printed on invoices, e.g. VAT, GST, Sales tax"
            />
          </>
        )}
        <TextArea
          label="Payment instructions"
          value={v.paymentInstructions}
          onChange={set('paymentInstructions')}
          error={errors.paymentInstructions}
          rows={3}
          className="span-2"
          placeholder="e.g. Bank transfer to Maple Tutoring Ltd, sort code 12-34-56, account 12345678. Please quote the invoice number."
        />
      </div>
      <div className="field">
        <span className="label">Logo on invoices</span>
        <div className="inv-logo-row">
          <div className={`inv-logo-preview${logo ? ' has-logo' : ''}`}>
            {logo ? <img src={logo} alt="Current logo" /> : <span className="muted">No logo</span>}
          </div>
          <div className="stack" style={{ gap: 6 }}>
            <label htmlFor={logoId} className="btn btn-sm">
              {logo ? 'Replace logo…' : 'Upload logo…'}
            </label>
            <input
              id={logoId}
              className="sr-only"
              type="file"
              accept="image/png,image/jpeg,image/gif,image/webp,image/svg+xml"
              aria-label="Upload logo image"
              onChange={(e) => {
                void onLogo(e.target.files?.[0]);
                e.target.value = '';
              }}
            />
            {logo && (
              <button type="button" className="btn btn-sm btn-ghost" onClick={() => setLogo('')}>
                Remove logo
              </button>
            )}
          </div>
        </div>
        {errors.logo ? (
          <span className="error" role="alert">
            {errors.logo}
          </span>
        ) : (
          <span className="hint">PNG, JPEG, GIF, WebP or SVG, at most {LOGO_MAX_BYTES / 1024} KB. Save to keep it.</span>
        )}
      </div>
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={saving}>
          Save billing settings
        </button>
      </div>
    </form>
  );
}
