/** One family's draft for a chosen period (or an empty draft for manual items only). */
import { useState } from 'react';
import { useApp } from '../../app/AppContext';
import { Alert } from '../../ui/Alert';
import { FormDialog } from '../../ui/FormDialog';
import { TextField } from '../../ui/Field';
import { Combobox } from '../../ui/Combobox';
import { newId } from '../../data';
import { buildBillingState, generateDraftInvoice } from '../../../../src-shared/billing/generate';
import { newDraftValues } from '../../../../src-shared/billing/drafts';
import { monthRange } from '../../../../src-shared/billing/dates';
import { stampChange } from '../../../../src-shared/model/meta';
import type { Invoice } from '../../../../src-shared/model/types';
import { scheduleStoreFor } from '../schedule';
import { insertDrafts } from './actions';
import { loadBillableLessons, previousMonth, useFamilyOptions, useToday, type BillingData } from './data';

export function NewInvoiceDialog({
  data,
  familyId,
  onClose,
  onCreated,
}: {
  data: BillingData;
  familyId?: string;
  onClose: () => void;
  onCreated: (invoiceId: string) => void;
}) {
  const app = useApp();
  const today = useToday();
  const last = monthRange(previousMonth(today));
  const [v, setV] = useState({ familyId: familyId ?? '', from: last.start, to: last.end });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [nothing, setNothing] = useState('');
  const familyOptions = useFamilyOptions(data.families, familyId);

  const validate = () => {
    const e: Record<string, string> = {};
    if (!v.familyId) e.familyId = 'Choose a family';
    if (!v.from) e.from = 'Enter the first day';
    if (!v.to) e.to = 'Enter the last day';
    else if (v.from && v.to < v.from) e.to = 'The period ends before it starts';
    setErrors(e);
    return Object.keys(e).length === 0;
  };

  const generate = async () => {
    const settings = app.settings;
    if (!settings || !validate()) return;
    setNothing('');
    const family = data.familyById.get(v.familyId)!;
    const store = scheduleStoreFor(app.db);
    const students = data.students.filter((s) => s.familyId === family.id);
    const lessons = (await loadBillableLessons(store, data.students, v.from, v.to, settings.timeZone)).filter(
      (l) => l.familyId === family.id,
    );
    const r = generateDraftInvoice(
      { family, students, lessons },
      { periodStart: v.from, periodEnd: v.to },
      buildBillingState(data.claims, data.invoices),
      { settings, ctx: app.ctx(), newId },
    );
    if (!r.invoice) {
      setNothing(
        r.lessonsAlreadyBilled > 0
          ? `Nothing new to bill: the ${r.lessonsAlreadyBilled} billable lessons of this period are already invoiced.`
          : 'There are no billable lessons in this period.',
      );
      return;
    }
    await insertDrafts(app, [r.invoice], r.claims);
    onCreated(r.invoice.id);
  };

  const createEmpty = async () => {
    const settings = app.settings;
    if (!settings || !validate()) return;
    const values = newDraftValues({ familyId: v.familyId, settings, periodStart: v.from, periodEnd: v.to });
    const draft = stampChange<Invoice>(undefined, values, app.ctx(), newId);
    await app.db.invoices.insert(draft);
    onCreated(draft.id);
  };

  return (
    <FormDialog
      title="New invoice"
      description="A draft for one family: the period’s billable lessons that are not invoiced yet. Add books, fees or credits on the draft."
      onClose={onClose}
      onSubmit={generate}
      submitLabel="Create draft"
    >
      <div className="grid-2">
        <Combobox
          label="Family"
          value={v.familyId}
          onChange={(familyId) => setV((p) => ({ ...p, familyId }))}
          options={familyOptions}
          loading={data.loading}
          placeholder="Type a family’s name…"
          required
          error={errors.familyId}
          className="span-2"
        />
        <TextField
          label="From"
          type="date"
          value={v.from}
          onChange={(from) => setV((p) => ({ ...p, from }))}
          required
          error={errors.from}
        />
        <TextField label="To" type="date" value={v.to} onChange={(to) => setV((p) => ({ ...p, to }))} required error={errors.to} />
      </div>
      {nothing && (
        <Alert tone="info" role="status">
          <div className="stack">
            <span>{nothing}</span>
            <div>
              <button type="button" className="btn btn-sm" onClick={() => void createEmpty()}>
                Create an empty draft instead
              </button>
            </div>
          </div>
        </Alert>
      )}
    </FormDialog>
  );
}
