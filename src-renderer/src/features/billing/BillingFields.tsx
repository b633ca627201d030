/**
 * The "Billing" fieldset of the student form: billing model (per lesson, hourly, prepaid
 * package, monthly fee, or the family's), the monthly fee, and prepaid packages with their
 * balance (lessons used on live invoices, from the domain's packageBalances). Self-contained:
 * it saves its own fields straight away, separately from the rest of the form.
 */
import { useId, useMemo, useState } from 'react';
import { useApp, useLiveQuery } from '../../app/AppContext';
import { navigate } from '../../app/router';
import { SelectField, TextField } from '../../ui/Field';
import { useToast } from '../../ui/Toast';
import { newId } from '../../data';
import { moneyToInput, parseMoneyInput, formatMoney } from '../../../../src-shared/money';
import { packageBalances } from '../../../../src-shared/billing/packages';
import { resolveBillingModel } from '../../../../src-shared/billing/rates';
import type { BillingModel, Family, PrepaidPackage, Student } from '../../../../src-shared/model/types';
import { dateLabel } from './labels';
import './billing.css';

const MODEL_LABELS: Record<BillingModel, string> = {
  per_lesson: 'Per lesson',
  hourly: 'Hourly (prorated by lesson length)',
  package: 'Prepaid packages',
  monthly: 'Monthly flat fee',
};

export function BillingFields({ student }: { student: Student | null }) {
  const legendId = useId();
  return (
    <fieldset className="group" aria-labelledby={legendId} data-saves-itself>
      <legend id={legendId}>Billing</legend>
      {student ? <StudentBilling student={student} /> : <p className="muted">Save the student first, then choose how they are billed.</p>}
    </fieldset>
  );
}

function StudentBilling({ student: initial }: { student: Student }) {
  const app = useApp();
  const toast = useToast();
  const currency = app.settings?.currency ?? 'GBP';
  const locale = app.settings?.locale ?? 'en-GB';
  // Live: the dialog's copy of the student does not see our saves.
  const { docs } = useLiveQuery('students', { selector: { id: initial.id } }, [initial.id]);
  const student = docs[0] ?? initial;
  const { docs: families } = useLiveQuery('families', { selector: { id: student.familyId } }, [student.familyId]);
  const { docs: invoices } = useLiveQuery('invoices', { selector: { familyId: student.familyId } }, [student.familyId]);
  const family = families[0];
  const inherited = resolveBillingModel(undefined, family).model;
  const model = resolveBillingModel(student, family).model;
  const balances = useMemo(() => packageBalances(student, invoices), [student, invoices]);
  const [fee, setFee] = useState(student.monthlyFee ? moneyToInput(student.monthlyFee.amount, student.monthlyFee.currency, locale) : '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [adding, setAdding] = useState(false);
  const [pkg, setPkg] = useState({ lessons: '10', price: '', purchasedOn: new Date().toISOString().slice(0, 10), description: '' });
  const money = (amount: number) => formatMoney({ amount, currency }, locale);

  const save = async (values: Partial<Pick<Student, 'billingModel' | 'monthlyFee' | 'packages'>>, message: string) => {
    await app.save('students', student.id, values);
    toast(message);
  };

  const saveFee = async () => {
    if (!fee.trim()) return save({ monthlyFee: null }, 'Monthly fee cleared');
    const p = parseMoneyInput(fee, currency, { locale });
    if (!p.ok) return setErrors((e) => ({ ...e, fee: p.error }));
    setErrors((e) => ({ ...e, fee: '' }));
    await save({ monthlyFee: { amount: p.amount, currency } }, 'Monthly fee saved');
  };

  const addPackage = async () => {
    const e: Record<string, string> = {};
    const lessons = Number(pkg.lessons.trim());
    if (!/^\d+$/.test(pkg.lessons.trim()) || lessons < 1 || lessons > 1000) e.lessons = 'Enter a number of lessons from 1 to 1000';
    const price = parseMoneyInput(pkg.price, currency, { locale });
    if (!price.ok) e.price = price.error;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(pkg.purchasedOn)) e.purchasedOn = 'Enter the date it was bought';
    setErrors(e);
    if (Object.keys(e).length || !price.ok) return;
    const next: PrepaidPackage = {
      id: newId(),
      lessons,
      price: price.amount,
      purchasedOn: pkg.purchasedOn,
      description: pkg.description.trim() || `${lessons}-lesson package`,
    };
    await save(
      { packages: [...(student.packages ?? []), next], ...(student.billingModel ? {} : { billingModel: 'package' as const }) },
      'Package added; it is billed on the next invoice',
    );
    setAdding(false);
    setPkg((p) => ({ ...p, price: '', description: '' }));
  };

  return (
    <div className="stack">
      <div className="grid-2">
        <SelectField
          label="Billing model"
          value={student.billingModel ?? ''}
          onChange={(m) => void save({ billingModel: m as BillingModel | '' }, 'Billing model saved')}
          options={[
            { value: '', label: `Same as the family (${MODEL_LABELS[inherited].toLowerCase()})` },
            ...(Object.keys(MODEL_LABELS) as BillingModel[]).map((m) => ({ value: m, label: MODEL_LABELS[m] })),
          ]}
          hint="Saved straight away. The rate comes from the lesson, then the student, the family or the practice."
        />
        {model === 'monthly' && (
          <div className="stack" style={{ gap: 6 }}>
            <TextField
              label="Monthly fee"
              value={fee}
              onChange={setFee}
              prefix={currency}
              inputMode="decimal"
              error={errors.fee || undefined}
              hint={
                !student.monthlyFee && family?.monthlyFee
                  ? `Empty: the family’s fee of ${money(family.monthlyFee.amount)}`
                  : 'Billed once a month; lessons are then included'
              }
            />
            <div>
              <button type="button" className="btn btn-sm" onClick={() => void saveFee()}>
                Save monthly fee
              </button>
            </div>
          </div>
        )}
      </div>
      {(model === 'package' || balances.length > 0) && (
        <div className="stack" style={{ gap: 8 }}>
          <div className="row" style={{ justifyContent: 'space-between' }}>
            <strong>Prepaid packages</strong>
            {!adding && (
              <button type="button" className="btn btn-sm" onClick={() => setAdding(true)}>
                Add package
              </button>
            )}
          </div>
          {balances.length === 0 && !adding && (
            <p className="muted">No packages yet. Lessons beyond the packages are billed at the per-lesson rate.</p>
          )}
          <ul className="bf-packages list" aria-label="Prepaid packages">
            {balances.map((b) => (
              <li key={b.package.id} className="bf-package">
                <span>
                  <strong>{b.package.description}</strong>
                  <span className="muted">
                    {' '}
                    · bought {dateLabel(b.package.purchasedOn, locale)} · {money(b.package.price)}
                    {b.invoiced ? '' : ' · not invoiced yet'}
                  </span>
                </span>
                <span>
                  <span className="bf-meter" aria-hidden="true">
                    <span style={{ width: `${Math.min(100, (b.used / b.package.lessons) * 100)}%` }} />
                  </span>
                  <strong>{b.remaining}</strong> of {b.package.lessons} lessons left
                  {!b.invoiced && b.used === 0 && (
                    <button
                      type="button"
                      className="btn btn-ghost btn-sm btn-danger"
                      aria-label={`Remove package ${b.package.description}`}
                      onClick={() =>
                        void save({ packages: (student.packages ?? []).filter((p) => p.id !== b.package.id) }, 'Package removed')
                      }
                    >
                      Remove
                    </button>
                  )}
                </span>
              </li>
            ))}
          </ul>
          {adding && (
            <div className="grid-2 bf-add" role="group" aria-label="New package">
              <TextField
                label="Lessons in the package"
                value={pkg.lessons}
                onChange={(lessons) => setPkg((p) => ({ ...p, lessons }))}
                inputMode="decimal"
                error={errors.lessons}
              />
              <TextField
                label="Package price"
                value={pkg.price}
                onChange={(price) => setPkg((p) => ({ ...p, price }))}
                prefix={currency}
                inputMode="decimal"
                error={errors.price}
              />
              <TextField
                label="Bought on"
                type="date"
                value={pkg.purchasedOn}
                onChange={(purchasedOn) => setPkg((p) => ({ ...p, purchasedOn }))}
                error={errors.purchasedOn}
              />
              <TextField
                label="Package description"
                value={pkg.description}
                onChange={(description) => setPkg((p) => ({ ...p, description }))}
                placeholder="e.g. 10 piano lessons"
              />
              <div className="row span-2">
                <button type="button" className="btn btn-sm btn-primary" onClick={() => void addPackage()}>
                  Save package
                </button>
                <button type="button" className="btn btn-sm" onClick={() => setAdding(false)}>
                  Cancel
                </button>
              </div>
            </div>
          )}
        </div>
      )}
    </div>
  );
}

/**
 * The family's billing defaults (its students inherit them): billing model and the monthly fee
 * per student on the monthly model. Saved straight away, like the student's fieldset.
 */
export function FamilyBillingFields({ family }: { family: Family | null }) {
  const app = useApp();
  const toast = useToast();
  const legendId = useId();
  const currency = app.settings?.currency ?? 'GBP';
  const locale = app.settings?.locale ?? 'en-GB';
  const { docs } = useLiveQuery('families', { selector: { id: family?.id ?? '__none__' } }, [family?.id]);
  const current = docs[0] ?? family;
  const [fee, setFee] = useState(family?.monthlyFee ? moneyToInput(family.monthlyFee.amount, family.monthlyFee.currency, locale) : '');
  const [error, setError] = useState('');
  if (!current) return null;
  const model = current.billingModel || 'per_lesson';
  const save = async (values: Partial<Pick<Family, 'billingModel' | 'monthlyFee'>>, message: string) => {
    await app.save('families', current.id, values);
    toast(message);
  };
  const saveFee = async () => {
    if (!fee.trim()) return save({ monthlyFee: null }, 'Monthly fee cleared');
    const p = parseMoneyInput(fee, currency, { locale });
    if (!p.ok) return setError(p.error);
    setError('');
    await save({ monthlyFee: { amount: p.amount, currency } }, 'Monthly fee saved');
  };
  return (
    <fieldset className="group" aria-labelledby={legendId} data-saves-itself>
      <legend id={legendId}>Billing</legend>
      <div className="grid-2">
        <SelectField
          label="Family billing model"
          value={current.billingModel ?? ''}
          onChange={(m) => void save({ billingModel: m as BillingModel | '' }, 'Billing model saved')}
          options={[
            { value: '', label: 'Practice default (per lesson)' },
            ...(Object.keys(MODEL_LABELS) as BillingModel[]).map((m) => ({ value: m, label: MODEL_LABELS[m] })),
          ]}
          hint="Saved straight away. A student’s own model, if set, wins."
        />
        {model === 'monthly' && (
          <div className="stack" style={{ gap: 6 }}>
            <TextField
              label="Monthly fee per student"
              value={fee}
              onChange={setFee}
              prefix={currency}
              inputMode="decimal"
              error={error || undefined}
            />
            <div>
              <button type="button" className="btn btn-sm" onClick={() => void saveFee()}>
                Save monthly fee
              </button>
            </div>
          </div>
        )}
      </div>
    </fieldset>
  );
}

/** A "Ledger" button for the family form: opens the family's account (invoices, payments, balance). */
export function FamilyLedgerButton({ familyId }: { familyId: string }) {
  return (
    <button type="button" className="btn" onClick={() => navigate(`/payments/ledger?family=${familyId}`)}>
      Ledger
    </button>
  );
}
