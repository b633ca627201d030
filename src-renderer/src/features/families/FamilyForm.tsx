import { useState } from 'react';
import { humaniseWriteError } from '../../../../src-shared/validation/schema-limits';
import { findFamilyMatches, type DuplicateMatch } from '../../../../src-shared/students/duplicates';
import { Alert } from '../../ui/Alert';
import { Icon } from '../../ui/Icon';
import { useApp, useLiveQuery, usePermissions } from '../../app/AppContext';
import { useRateCheck } from '../../app/queries';
import { FigureConfirmation } from '../../ui/FigureConfirmation';
import { MergeDialog } from './MergeDialog';
import { mergeDecision } from './merge-action';
import { PermissionButton } from '../../ui/Permission';
import { navigate } from '../../app/router';
import { FormDialog } from '../../ui/FormDialog';
import { SelectField, TextArea, TextField } from '../../ui/Field';
import { useToast } from '../../ui/Toast';
import { EMPTY_ADDRESS, validateFamily, type FieldErrors } from '../../../../src-shared/validation/forms';
import { moneyToInput } from '../../../../src-shared/money';
import type { Family } from '../../../../src-shared/model/types';
import { FamilyBillingFields, FamilyLedgerButton } from '../billing';
import { FamilyEmailsButton } from '../mail';

export function FamilyForm({ family, onClose }: { family: Family | null; onClose: () => void }) {
  const app = useApp();
  const toast = useToast();
  const currency = app.settings?.currency ?? 'GBP';
  const locale = app.settings?.locale ?? 'en-GB';
  const { docs: students } = useLiveQuery('students', { selector: { familyId: family?.id ?? '__none__' } }, [family?.id]);
  const [v, setV] = useState({
    kind: family?.kind ?? 'family',
    name: family?.name ?? '',
    contactName: family?.contactName ?? '',
    email: family?.email ?? '',
    phone: family?.phone ?? '',
    address: family?.address ?? EMPTY_ADDRESS,
    preferredContact: family?.preferredContact ?? 'email',
    notes: family?.notes ?? '',
    rate: family?.defaultRate ? moneyToInput(family.defaultRate.amount, family.defaultRate.currency, app.settings?.locale) : '',
  });
  // Opt-in (docs/email.md): only a family with an e-mail address can be reminded.
  const [reminders, setReminders] = useState(family?.lessonReminders ?? false);
  const hasEmail = v.email.trim() !== '';
  const [errors, setErrors] = useState<FieldErrors>({});
  const { docs: allFamilies } = useLiveQuery('families');
  /** Families that may be this one (name ignoring accents and case, e-mail or phone), asked about once per entry. */
  const [dupes, setDupes] = useState<{ key: string; matches: DuplicateMatch<Family>[] } | null>(null);
  const dupeKey = `${v.name}|${v.email}|${v.phone}`;
  const askedDupes = dupes && dupes.key === dupeKey ? dupes : null;
  const [saving, setSaving] = useState(false);
  const [merging, setMerging] = useState(false);
  const mayMerge = mergeDecision(usePermissions().role, 'families');
  const [initialRate] = useState(v.rate);
  const rateCheck = useRateCheck(v.rate);
  const set = (k: keyof typeof v) => (value: string) => setV((p) => ({ ...p, [k]: value }));
  const setAddr = (k: keyof typeof v.address) => (value: string) => setV((p) => ({ ...p, address: { ...p.address, [k]: value } }));

  const save = async (archived?: boolean) => {
    const result = validateFamily({ ...v, currency, moneyLocale: locale }, family ?? undefined);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setErrors({});
    // A rate far above the practice's range asks first, naming the figure (only when it was changed).
    if (v.rate !== initialRate && archived === undefined) {
      const gate = await rateCheck.gate(result.value.defaultRate?.amount, v.rate);
      if (gate === 'ask') return;
      if (gate) return setErrors({ rate: gate.error });
    }
    if (!family && !askedDupes) {
      const matches = findFamilyMatches({ name: v.name, email: v.email, phone: v.phone }, allFamilies);
      if (matches.length > 0) {
        setDupes({ key: dupeKey, matches });
        return;
      }
    }
    setSaving(true);
    try {
      await app.save('families', family?.id, {
        ...result.value,
        lessonReminders: reminders && hasEmail,
        ...(archived === undefined ? {} : { archived }),
      });
      toast(
        archived === true
          ? `${result.value.name} archived`
          : archived === false
            ? `${result.value.name} restored`
            : family
              ? `${result.value.name} saved`
              : `${result.value.name} added`,
      );
      onClose();
    } catch (e) {
      // Never RxDB's own text: the field's name and its limit, or a plain sentence.
      const human = humaniseWriteError(e, { collection: 'families', locale });
      setErrors({ ...human.fields, _form: human.summary });
    } finally {
      setSaving(false);
    }
  };

  if (merging && family) return <MergeDialog kind="family" duplicateId={family.id} onClose={() => setMerging(false)} />;
  return (
    <FormDialog
      title={family ? family.name : 'New family'}
      description="The payer for lessons: invoices and statements are addressed here."
      onClose={onClose}
      onSubmit={() => save()}
      submitLabel={
        rateCheck.pending ? rateCheck.pending.confirmLabel : family ? 'Save changes' : askedDupes ? 'Add a new family anyway' : 'Add family'
      }
      busy={saving}
      {...(errors._form ? { error: errors._form } : {})}
      footerStart={
        family && (
          <>
            <button type="button" className="btn" disabled={saving} onClick={() => void save(!family.archived)}>
              {family.archived ? 'Restore' : 'Archive'}
            </button>
            <FamilyLedgerButton familyId={family.id} />
            <FamilyEmailsButton familyId={family.id} />
            {!family.mergedInto && (
              <PermissionButton className="btn" decision={mayMerge} disabled={saving} onClick={() => setMerging(true)}>
                Merge into…
              </PermissionButton>
            )}
          </>
        )
      }
    >
      <FigureConfirmation confirmation={rateCheck.pending} what="the rate" />
      {askedDupes && (
        <Alert tone="warning" role="alert" icon={<Icon name="alert" />} title="This family may already exist.">
          <ul className="dupe-list">
            {askedDupes.matches.map((m) => (
              <li key={m.record.id}>
                {m.message}{' '}
                <button
                  type="button"
                  className="btn btn-ghost btn-sm"
                  onClick={() => {
                    onClose();
                    navigate(`/families?id=${m.record.id}`);
                  }}
                >
                  Open {m.record.name}
                </button>
              </li>
            ))}
          </ul>
          Open the existing family instead, or choose “Add a new family anyway”.
        </Alert>
      )}
      <div className="grid-2">
        <TextField
          label="Family name"
          value={v.name}
          onChange={set('name')}
          required
          error={errors.name}
          autoFocus
          placeholder="e.g. Patel family"
        />
        <TextField label="Parent / guardian" value={v.contactName} onChange={set('contactName')} error={errors.contactName} />
        <TextField label="E-mail" type="email" value={v.email} onChange={set('email')} error={errors.email} inputMode="email" />
        <TextField label="Phone" type="tel" value={v.phone} onChange={set('phone')} error={errors.phone} inputMode="tel" />
        <SelectField
          label="Preferred contact"
          value={v.preferredContact}
          onChange={set('preferredContact')}
          error={errors.preferredContact}
          options={[
            { value: 'email', label: 'E-mail' },
            { value: 'phone', label: 'Phone call' },
            { value: 'sms', label: 'Text message' },
          ]}
        />
        <TextField
          label="Family lesson rate"
          value={v.rate}
          onChange={set('rate')}
          error={errors.rate}
          prefix={currency}
          inputMode="decimal"
          hint="Optional: used when a student has no rate of their own."
        />
      </div>
      <div className="field">
        <div className="checkbox">
          <input
            id="family-lesson-reminders"
            type="checkbox"
            checked={reminders && hasEmail}
            disabled={!hasEmail}
            aria-describedby="family-lesson-reminders-hint"
            onChange={(e) => setReminders(e.target.checked)}
          />
          <label htmlFor="family-lesson-reminders">E-mail a reminder the day before each lesson</label>
        </div>
        <span className="hint" id="family-lesson-reminders-hint">
          {hasEmail ? 'Sent with the Lesson reminder template (Settings › E-mail templates).' : 'Add an e-mail address to send reminders.'}
        </span>
      </div>
      <fieldset className="group">
        <legend>Billing address</legend>
        <div className="grid-2">
          <TextField
            label="Address line 1"
            value={v.address.line1}
            onChange={setAddr('line1')}
            error={errors['address.line1']}
            className="span-2"
          />
          <TextField
            label="Address line 2"
            value={v.address.line2}
            onChange={setAddr('line2')}
            error={errors['address.line2']}
            className="span-2"
          />
          <TextField label="City" value={v.address.city} onChange={setAddr('city')} error={errors['address.city']} />
          <TextField label="Region" value={v.address.region} onChange={setAddr('region')} error={errors['address.region']} />
          <TextField label="Postcode" value={v.address.postalCode} onChange={setAddr('postalCode')} error={errors['address.postalCode']} />
          <TextField label="Country" value={v.address.country} onChange={setAddr('country')} error={errors['address.country']} />
        </div>
      </fieldset>
      <TextArea label="Notes" value={v.notes} onChange={set('notes')} />
      {family && <FamilyBillingFields family={family} />}
      {family && (
        <section aria-labelledby="fam-students">
          <h3 id="fam-students">Students ({students.length})</h3>
          {students.length === 0 ? (
            <p className="muted">No students yet. Add one on the Students page and choose this family as the payer.</p>
          ) : (
            <ul className="list">
              {students.map((s) => (
                <li key={s.id}>
                  <span>
                    {s.firstName} {s.lastName} <span className={`badge badge-${s.status}`}>{s.status}</span>
                  </span>
                  <button type="button" className="btn btn-sm" onClick={() => navigate(`/students?id=${s.id}`)}>
                    Open {s.firstName}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </FormDialog>
  );
}
