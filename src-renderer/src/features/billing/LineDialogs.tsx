/** Small dialogs of the draft editor: add/edit a line, the invoice discount, void, confirmations. */
import { useState, type ReactNode } from 'react';
import { useApp, useLiveQuery } from '../../app/AppContext';
import { FigureConfirmation } from '../../ui/FigureConfirmation';
import { checkLinePrice, practiceRange, type Confirmation } from '../../../../src-shared/billing/sanity';
import { formFieldErrors } from '../../../../src-shared/validation/schema-limits';
import { FormDialog } from '../../ui/FormDialog';
import { SelectField, TextArea, TextField } from '../../ui/Field';
import { manualLine, updateLine, addLines, setInvoiceDiscount } from '../../../../src-shared/billing/drafts';
import { moneyToInput, parseMoneyInput } from '../../../../src-shared/money';
import type { Invoice, InvoiceLine } from '../../../../src-shared/model/types';
import { newId } from '../../data';
import { editDraft } from './actions';

function quantityToMilli(text: string): number | null {
  const t = text.trim().replace(',', '.');
  if (!/^\d+(\.\d{1,3})?$/.test(t)) return null;
  const [whole = '0', frac = ''] = t.split('.');
  return Number(whole) * 1000 + Number(frac.padEnd(3, '0'));
}

function milliToText(milli: number): string {
  const whole = Math.trunc(milli / 1000);
  const frac = String(Math.abs(milli % 1000))
    .padStart(3, '0')
    .replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : String(whole);
}

/** Add a manual item (book, fee) or a credit to a draft, or edit an existing line. */
export function LineDialog({
  invoice,
  kind,
  line,
  onClose,
}: {
  invoice: Invoice;
  kind: 'manual' | 'credit';
  line?: InvoiceLine;
  onClose: () => void;
}) {
  const app = useApp();
  const locale = app.settings?.locale ?? 'en-GB';
  const currency = invoice.currency;
  const editing = Boolean(line);
  const isLesson = line && line.kind !== 'manual' && line.kind !== 'credit';
  const [v, setV] = useState({
    description: line?.description ?? '',
    quantity: line ? milliToText(line.quantityMilli) : '1',
    unit: line ? moneyToInput(Math.abs(line.unitAmount), currency, locale) : '',
    discount: line && line.discountAmount ? moneyToInput(line.discountAmount, currency, locale) : '',
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const { docs: families } = useLiveQuery('families');
  const { docs: students } = useLiveQuery('students');
  /** The confirmation asked for a price far above the practice's rates (cleared when the price changes). */
  const [confirm, setConfirm] = useState<(Confirmation & { unit: string }) | null>(null);
  const pending = confirm && confirm.unit === v.unit ? confirm : null;
  const title = editing
    ? isLesson
      ? 'Edit lesson line'
      : kind === 'credit'
        ? 'Edit credit'
        : 'Edit item'
    : kind === 'credit'
      ? 'Add a credit'
      : 'Add an item';

  const save = async () => {
    const errs: Record<string, string> = {};
    if (!v.description.trim()) errs.description = 'Enter a description';
    const qty = line?.durationMinutes ? line.quantityMilli : quantityToMilli(v.quantity);
    if (qty === null || qty <= 0) errs.quantity = 'Enter a quantity greater than zero, e.g. 1 or 2.5';
    const unit = parseMoneyInput(v.unit, currency, { locale });
    if (!isLesson && !unit.ok) errs.unit = unit.error;
    const discount = v.discount.trim() ? parseMoneyInput(v.discount, currency, { locale }) : { ok: true as const, amount: 0 };
    if (!discount.ok) errs.discount = discount.error;
    // The schema's limits at the field ("Description: at most … characters").
    for (const [field, message] of Object.entries(formFieldErrors('invoiceLine', { description: v.description.trim() }, locale)))
      errs[field] ??= message;
    if (!isLesson && unit.ok && !errs.unit && app.settings) {
      const sanity = checkLinePrice({
        unitAmount: unit.amount,
        range: practiceRange({ settings: app.settings, families, students }),
        locale,
      });
      if (sanity?.kind === 'refuse') errs.unit = sanity.message;
      else if (sanity?.kind === 'confirm' && !pending && Object.keys(errs).length === 0) {
        setErrors({});
        setConfirm({ ...sanity, unit: v.unit });
        return;
      }
    }
    setErrors(errs);
    if (Object.keys(errs).length) return;
    await editDraft(app, invoice.id, (draft) => {
      if (line) {
        return {
          next: updateLine(draft, line.id, {
            description: v.description.trim(),
            ...(isLesson
              ? {}
              : {
                  quantityMilli: qty!,
                  unitAmount: kind === 'credit' ? -(unit as { amount: number }).amount : (unit as { amount: number }).amount,
                }),
            discountAmount: (discount as { amount: number }).amount,
          }),
        };
      }
      const newLine = manualLine(
        {
          kind,
          description: v.description,
          unitAmount: (unit as { amount: number }).amount,
          quantityMilli: qty!,
          ...(kind === 'manual' ? { discountAmount: (discount as { amount: number }).amount } : {}),
        },
        newId(),
      );
      return { next: addLines(draft, [newLine]) };
    });
    onClose();
  };

  return (
    <FormDialog
      title={title}
      description={
        kind === 'credit'
          ? 'Money off this invoice, e.g. for a lesson cancelled by the tutor.'
          : 'Books, materials, exam fees or anything else to charge.'
      }
      onClose={onClose}
      onSubmit={save}
      submitLabel={pending ? pending.confirmLabel : editing ? 'Save line' : kind === 'credit' ? 'Add credit' : 'Add item'}
    >
      <FigureConfirmation confirmation={pending} what="the price" />
      <div className="grid-2">
        <TextField
          label="Description"
          value={v.description}
          onChange={(description) => setV((p) => ({ ...p, description }))}
          required
          error={errors.description}
          className="span-2"
          autoFocus
        />
        {!isLesson && (
          <>
            <TextField
              label="Quantity"
              value={v.quantity}
              onChange={(quantity) => setV((p) => ({ ...p, quantity }))}
              inputMode="decimal"
              error={errors.quantity}
            />
            <TextField
              label={kind === 'credit' ? 'Credit amount' : 'Unit price'}
              value={v.unit}
              onChange={(unit) => setV((p) => ({ ...p, unit }))}
              prefix={currency}
              inputMode="decimal"
              required
              error={errors.unit}
            />
          </>
        )}
        {kind !== 'credit' && (
          <TextField
            label="Line discount"
            value={v.discount}
            onChange={(discount) => setV((p) => ({ ...p, discount }))}
            prefix={currency}
            inputMode="decimal"
            error={errors.discount}
            hint="Optional: money off this line"
          />
        )}
      </div>
    </FormDialog>
  );
}

export function InvoiceDiscountDialog({ invoice, onClose }: { invoice: Invoice; onClose: () => void }) {
  const app = useApp();
  const locale = app.settings?.locale ?? 'en-GB';
  const [amount, setAmount] = useState(
    invoice.invoiceDiscountAmount ? moneyToInput(invoice.invoiceDiscountAmount, invoice.currency, locale) : '',
  );
  const [error, setError] = useState('');
  const save = async () => {
    const parsed = amount.trim() ? parseMoneyInput(amount, invoice.currency, { locale }) : { ok: true as const, amount: 0 };
    if (!parsed.ok) return setError(parsed.error);
    setError('');
    await editDraft(app, invoice.id, (draft) => ({ next: setInvoiceDiscount(draft, parsed.amount) }));
    onClose();
  };
  return (
    <FormDialog
      title="Discount on the whole invoice"
      description="Spread over the lines in proportion to their amounts (tax is worked out after the discount)."
      onClose={onClose}
      onSubmit={save}
      submitLabel="Save discount"
    >
      <TextField
        label="Invoice discount"
        value={amount}
        onChange={setAmount}
        prefix={invoice.currency}
        inputMode="decimal"
        error={error}
        hint="Leave empty for no discount"
        autoFocus
      />
    </FormDialog>
  );
}

export function VoidDialog({
  invoice,
  onClose,
  onVoid,
}: {
  invoice: Invoice;
  onClose: () => void;
  onVoid: (reason: string) => Promise<void>;
}) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  const [preset, setPreset] = useState('');
  const submit = async () => {
    if (!reason.trim()) return setError('Give a reason: it is printed on the credit note');
    setError('');
    await onVoid(reason.trim());
  };
  return (
    <FormDialog
      title={`Void ${invoice.number}?`}
      description="An issued invoice is never edited or deleted. Voiding issues a credit note for the full amount that references it; payments on it become family credit and its lessons can be billed again."
      onClose={onClose}
      onSubmit={submit}
      cancelLabel="Keep the invoice"
      submitLabel="Void and issue credit note"
      danger
    >
      <SelectField
        label="Common reasons"
        value={preset}
        onChange={(p) => {
          setPreset(p);
          if (p) setReason(p);
        }}
        options={[
          { value: '', label: 'Choose or type below…' },
          { value: 'Issued in error', label: 'Issued in error' },
          { value: 'Wrong lessons or amounts; a corrected invoice follows', label: 'Wrong lessons or amounts' },
          { value: 'Billed twice', label: 'Billed twice' },
        ]}
      />
      <TextArea label="Reason" value={reason} onChange={setReason} error={error} rows={2} />
    </FormDialog>
  );
}

/** A question before an action (issue, delete…): the action's button confirms; its failure is shown. */
export function ConfirmDialog(props: {
  title: string;
  children: ReactNode;
  confirm: string;
  danger?: boolean;
  onClose: () => void;
  onConfirm: () => Promise<void>;
}) {
  return (
    <FormDialog
      title={props.title}
      onClose={props.onClose}
      onSubmit={props.onConfirm}
      submitLabel={props.confirm}
      {...(props.danger ? { danger: true } : {})}
    >
      {props.children}
    </FormDialog>
  );
}
