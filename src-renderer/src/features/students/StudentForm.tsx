import { useMemo, useState } from 'react';
import { findStudentMatches, type DuplicateMatch } from '../../../../src-shared/students/duplicates';
import { navigate } from '../../app/router';
import { Alert } from '../../ui/Alert';
import { Icon } from '../../ui/Icon';
import { humaniseWriteError } from '../../../../src-shared/validation/schema-limits';
import { useApp, useLiveQuery, usePermissions } from '../../app/AppContext';
import { useRateCheck } from '../../app/queries';
import { FigureConfirmation } from '../../ui/FigureConfirmation';
import { PermissionButton } from '../../ui/Permission';
import { FormDialog } from '../../ui/FormDialog';
import { SelectField, TextArea, TextField } from '../../ui/Field';
import { Combobox } from '../../ui/Combobox';
import { useToast } from '../../ui/Toast';
import { validateStudent, EMPTY_ADDRESS, type FieldErrors } from '../../../../src-shared/validation/forms';
import { moneyToInput } from '../../../../src-shared/money';
import type { Student } from '../../../../src-shared/model/types';
import { studentHasHistory } from './queries';
import { deleteDoc, undeleteDoc } from '../../data';
import { BillingFields } from '../billing';
import { MergeDialog, mergeDecision } from '../families';
import { StudentTimelineLink } from './StudentTimeline';

const SELF = '__self__';

/** Create or edit a student; archive/restore; delete only when the student has no history. */
export function StudentForm({ student, onClose }: { student: Student | null; onClose: () => void }) {
  const app = useApp();
  const permissions = usePermissions();
  const mayDelete = permissions.decide('students', 'delete');
  const mayMerge = mergeDecision(permissions.role, 'students');
  const [merging, setMerging] = useState(false);
  const toast = useToast();
  const currency = app.settings?.currency ?? 'GBP';
  const locale = app.settings?.locale ?? 'en-GB';
  const { docs: families, loading: familiesLoading } = useLiveQuery('families', {
    selector: { archived: false },
    sort: [{ name: 'asc' }],
  } as never);
  const existingFamily = student ? families.find((f) => f.id === student.familyId) : undefined;
  const [v, setV] = useState({
    firstName: student?.firstName ?? '',
    lastName: student?.lastName ?? '',
    familyId: student ? (existingFamily?.kind === 'self' ? SELF : student.familyId) : '',
    status: student?.status ?? 'active',
    subjects: student?.subjects.join(', ') ?? '',
    rate: student?.defaultRate ? moneyToInput(student.defaultRate.amount, student.defaultRate.currency, app.settings?.locale) : '',
    email: student?.email ?? '',
    phone: student?.phone ?? '',
    gradeLevel: student?.gradeLevel ?? '',
    notes: student?.notes ?? '',
  });
  const [errors, setErrors] = useState<FieldErrors>({});
  /** Students that may be this one (name ignoring accents and case, e-mail or phone), asked about once per entry. */
  const [dupes, setDupes] = useState<{ key: string; matches: DuplicateMatch<Student>[] } | null>(null);
  const dupeKey = `${v.firstName}|${v.lastName}|${v.email}|${v.phone}`;
  const askedDupes = dupes && dupes.key === dupeKey ? dupes : null;
  const [saving, setSaving] = useState(false);
  const [initialRate] = useState(v.rate);
  const rateCheck = useRateCheck(v.rate);
  const set = (k: keyof typeof v) => (value: string) => setV((prev) => ({ ...prev, [k]: value }));

  const payerOptions = useMemo(
    () => [
      { value: SELF, label: 'The student (an adult paying for themselves)' },
      ...families.filter((f) => f.kind === 'family').map((f) => ({ value: f.id, label: f.name })),
    ],
    [families],
  );

  const save = async (statusOverride?: Student['status']) => {
    const familyId = v.familyId === SELF ? (existingFamily?.kind === 'self' ? existingFamily.id : SELF) : v.familyId;
    const result = validateStudent(
      { ...v, status: statusOverride ?? v.status, familyId, currency, moneyLocale: locale },
      student ?? undefined,
    );
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setErrors({});
    // A rate far above the practice's range asks first, naming the figure (only when it was changed).
    if (v.rate !== initialRate && statusOverride === undefined) {
      const gate = await rateCheck.gate(result.value.defaultRate?.amount, v.rate);
      if (gate === 'ask') return;
      if (gate) return setErrors({ rate: gate.error });
    }
    if (!student && !askedDupes) {
      // Read when saving, not kept live while the dialog is open: opening it then costs no copy of
      // every student (10,000 at a large centre).
      const allStudents = (await app.db.students.find().exec()).map((d) => d.toJSON() as Student);
      const matches = findStudentMatches({ firstName: v.firstName, lastName: v.lastName, email: v.email, phone: v.phone }, allStudents);
      if (matches.length > 0) {
        setDupes({ key: dupeKey, matches });
        return;
      }
    }
    setSaving(true);
    try {
      let payerId = result.value.familyId;
      const name = `${result.value.firstName} ${result.value.lastName}`.trim();
      if (payerId === SELF) {
        const payer = await app.save('families', undefined, {
          kind: 'self',
          name,
          contactName: name,
          email: result.value.email,
          phone: result.value.phone,
          address: EMPTY_ADDRESS,
          preferredContact: result.value.email ? 'email' : 'phone',
          notes: '',
          defaultRate: null,
          archived: false,
        });
        payerId = payer.id;
      } else if (existingFamily?.kind === 'self' && payerId === existingFamily.id) {
        await app.save('families', existingFamily.id, { name, contactName: name, email: result.value.email, phone: result.value.phone });
      }
      await app.save('students', student?.id, { ...result.value, familyId: payerId });
      toast(
        statusOverride === 'archived'
          ? `${name} archived`
          : statusOverride === 'active'
            ? `${name} restored`
            : student
              ? `${name} saved`
              : `${name} added`,
      );
      onClose();
    } catch (e) {
      // Never RxDB's own text: the field's name and its limit, or a plain sentence.
      const human = humaniseWriteError(e, { collection: 'students', locale });
      setErrors({ ...human.fields, _form: human.summary });
    } finally {
      setSaving(false);
    }
  };

  const remove = async () => {
    if (!student) return;
    if (await studentHasHistory(app.db, student.id)) {
      setErrors({ _form: 'This student has lessons, notes or invoices, so they can only be archived, never deleted.' });
      return;
    }
    await deleteDoc(app.db, 'students', student.id, app.ctx());
    // Deleting is one click, so it can be undone for a few seconds (issue 17).
    const id = student.id;
    toast(`${student.firstName} ${student.lastName} deleted`, {
      label: 'Undo',
      run: () =>
        void undeleteDoc(app.db, 'students', id, { ...app.ctx(), now: new Date() }).then((back) => back && toast('Student restored')),
    });
    onClose();
  };

  if (merging && student) return <MergeDialog kind="student" duplicateId={student.id} onClose={() => setMerging(false)} />;
  return (
    <FormDialog
      title={student ? `${student.firstName} ${student.lastName}` : 'New student'}
      description={student ? 'Edit the student’s details.' : 'Add a student and choose who pays for their lessons.'}
      onClose={onClose}
      onSubmit={() => save()}
      submitLabel={
        rateCheck.pending
          ? rateCheck.pending.confirmLabel
          : student
            ? 'Save changes'
            : askedDupes
              ? 'Add a new student anyway'
              : 'Add student'
      }
      busy={saving}
      {...(errors._form ? { error: errors._form } : {})}
      footerStart={
        student && (
          <>
            {student.status === 'archived' ? (
              <button type="button" className="btn" onClick={() => void save('active')} disabled={saving}>
                Restore
              </button>
            ) : (
              <button type="button" className="btn" onClick={() => void save('archived')} disabled={saving}>
                Archive
              </button>
            )}
            <PermissionButton className="btn btn-ghost btn-danger" decision={mayDelete} onClick={() => void remove()} disabled={saving}>
              Delete
            </PermissionButton>
            {!student.mergedInto && (
              <PermissionButton className="btn" decision={mayMerge} disabled={saving} onClick={() => setMerging(true)}>
                Merge into…
              </PermissionButton>
            )}
          </>
        )
      }
    >
      {student && <StudentTimelineLink studentId={student.id} />}
      <FigureConfirmation confirmation={rateCheck.pending} what="the rate" />
      {askedDupes && (
        <Alert tone="warning" role="alert" icon={<Icon name="alert" />} title="This student may already exist.">
          <ul className="dupe-list">
            {askedDupes.matches.map((m) => (
              <li key={m.record.id}>
                {m.message}{' '}
                <button
                  type="button"
                  className="btn btn-ghost btn-sm"
                  onClick={() => {
                    onClose();
                    navigate(`/students?id=${m.record.id}`);
                  }}
                >
                  Open {m.record.firstName} {m.record.lastName}
                </button>
              </li>
            ))}
          </ul>
          Open the existing student instead, or choose “Add a new student anyway”.
        </Alert>
      )}
      <div className="grid-2">
        <TextField label="First name" value={v.firstName} onChange={set('firstName')} required error={errors.firstName} autoFocus />
        <TextField label="Last name" value={v.lastName} onChange={set('lastName')} error={errors.lastName} />
        <Combobox
          label="Who pays"
          value={v.familyId}
          onChange={set('familyId')}
          options={payerOptions}
          loading={familiesLoading}
          placeholder="Type a family’s name…"
          required
          error={errors.familyId}
          className="span-2"
          hint="Invoices are addressed to the family (or to an adult student)."
        />
        <SelectField
          label="Status"
          value={v.status}
          onChange={set('status')}
          options={[
            { value: 'active', label: 'Active' },
            { value: 'paused', label: 'Paused' },
            { value: 'archived', label: 'Archived' },
          ]}
          error={errors.status}
        />
        <TextField
          label="Year / level"
          value={v.gradeLevel}
          onChange={set('gradeLevel')}
          error={errors.gradeLevel}
          placeholder="e.g. Year 10"
        />
        <TextField
          label="Subjects"
          value={v.subjects}
          onChange={set('subjects')}
          error={errors.subjects}
          hint="Separate with commas, e.g. Maths, Physics"
          className="span-2"
        />
        <TextField
          label="Default lesson rate"
          value={v.rate}
          onChange={set('rate')}
          error={errors.rate}
          prefix={currency}
          inputMode="decimal"
          hint="Leave empty to use the family’s or the practice’s rate."
        />
        <span />
        <TextField label="E-mail" type="email" value={v.email} onChange={set('email')} error={errors.email} inputMode="email" />
        <TextField label="Phone" type="tel" value={v.phone} onChange={set('phone')} error={errors.phone} inputMode="tel" />
        <TextArea label="Notes" value={v.notes} onChange={set('notes')} className="span-2" />
      </div>
      <BillingFields student={student} />
    </FormDialog>
  );
}
