import { useState } from 'react';
import { useApp, useLiveQuery, usePermissions } from '../../app/AppContext';
import { navigate, useRoute } from '../../app/router';
import { FormDialog } from '../../ui/FormDialog';
import { Checkbox, SelectField, TextField } from '../../ui/Field';
import { Icon } from '../../ui/Icon';
import { PermissionButton, PermissionNote } from '../../ui/Permission';
import { useToast } from '../../ui/Toast';
import { ReportTable } from '../../ui/ReportTable';
import { money } from '../../ui/format';
import { validateStaff, type FieldErrors } from '../../../../src-shared/validation/forms';
import { moneyToInput } from '../../../../src-shared/money';
import type { Staff } from '../../../../src-shared/model/types';

/** Calendar colours and the names a screen reader says for them. */
const COLOUR_NAMES: Record<string, string> = {
  '#4f46e5': 'Indigo',
  '#0891b2': 'Cyan',
  '#db2777': 'Pink',
  '#ea580c': 'Orange',
  '#16a34a': 'Green',
  '#7c3aed': 'Violet',
  '#0d9488': 'Teal',
  '#b45309': 'Amber',
  '#dc2626': 'Red',
  '#2563eb': 'Blue',
};
const COLOURS = Object.keys(COLOUR_NAMES);

function StaffForm({ staff, onClose }: { staff: Staff | null; onClose: () => void }) {
  const app = useApp();
  const toast = useToast();
  const currency = app.settings?.currency ?? 'GBP';
  const locale = app.settings?.locale ?? 'en-GB';
  const [v, setV] = useState({
    name: staff?.name ?? '',
    email: staff?.email ?? '',
    phone: staff?.phone ?? '',
    role: staff?.role ?? 'tutor',
    payRate: staff ? moneyToInput(staff.payRate.amount, staff.payRate.currency, app.settings?.locale) : '',
    payUnit: staff?.payUnit ?? 'lesson',
    colour: staff?.colour ?? COLOURS[Math.floor(Math.random() * COLOURS.length)]!,
    username: staff?.username ?? '',
    active: staff?.active ?? true,
  });
  const [errors, setErrors] = useState<FieldErrors>({});
  const set = (k: keyof typeof v) => (value: string) => setV((p) => ({ ...p, [k]: value }));
  const save = async () => {
    const result = validateStaff({ ...v, currency, moneyLocale: locale });
    if (!result.ok) return setErrors(result.errors);
    await app.save('staff', staff?.id, result.value);
    toast(`${result.value.name} saved`);
    onClose();
  };
  return (
    <FormDialog
      title={staff ? staff.name : 'New staff member'}
      description="Tutors and administrators of the practice."
      onClose={onClose}
      onSubmit={save}
      submitLabel={staff ? 'Save changes' : 'Add staff member'}
    >
      <div className="grid-2">
        <TextField label="Name" value={v.name} onChange={set('name')} required error={errors.name} autoFocus />
        <SelectField
          label="Role"
          value={v.role}
          onChange={set('role')}
          error={errors.role}
          options={[
            { value: 'tutor', label: 'Tutor' },
            { value: 'admin', label: 'Administrator' },
          ]}
        />
        <TextField label="E-mail" type="email" value={v.email} onChange={set('email')} error={errors.email} />
        <TextField label="Phone" type="tel" value={v.phone} onChange={set('phone')} error={errors.phone} />
        <TextField
          label="Pay rate"
          value={v.payRate}
          onChange={set('payRate')}
          error={errors.payRate}
          prefix={currency}
          inputMode="decimal"
          required
        />
        <SelectField
          label="Paid"
          value={v.payUnit}
          onChange={set('payUnit')}
          error={errors.payUnit}
          options={[
            { value: 'lesson', label: 'Per lesson' },
            { value: 'hour', label: 'Per hour' },
          ]}
        />
        <div className="field">
          <span className="label" id="colour-label">
            Calendar colour
          </span>
          <div className="row" role="radiogroup" aria-labelledby="colour-label">
            {COLOURS.map((c) => (
              <button
                key={c}
                type="button"
                role="radio"
                aria-checked={v.colour === c}
                aria-label={COLOUR_NAMES[c]}
                title={COLOUR_NAMES[c]}
                onClick={() => set('colour')(c)}
                style={{
                  width: 26,
                  height: 26,
                  borderRadius: 8,
                  border: v.colour === c ? '3px solid var(--text)' : '1px solid var(--border)',
                  background: c,
                  cursor: 'pointer',
                }}
              />
            ))}
          </div>
        </div>
        <TextField
          label="Sync user name"
          value={v.username}
          onChange={set('username')}
          error={errors.username}
          hint="Their user on the sync server, if they use their own laptop."
        />
        <Checkbox label="Active" checked={v.active} onChange={(active) => setV((p) => ({ ...p, active }))} />
      </div>
    </FormDialog>
  );
}

export function StaffScreen() {
  const app = useApp();
  const route = useRoute();
  const { docs: staff } = useLiveQuery('staff', { sort: [{ name: 'asc' }] } as never);
  const locale = app.settings?.locale ?? 'en-GB';
  const openId = route.query.get('id');
  const open = openId ? (staff.find((s) => s.id === openId) ?? null) : null;
  const permissions = usePermissions();
  const mayCreate = permissions.decide('staff', 'create');
  const mayChange = permissions.decide('staff', 'change');
  const creating = route.query.get('new') === '1' && mayCreate.allowed;
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Staff</h1>
          <p>Tutors and administrators, their pay and calendar colour.</p>
        </div>
        <PermissionButton
          className="btn btn-primary"
          decision={mayCreate}
          reasonId="staff-permission"
          onClick={() => navigate('/staff?new=1')}
        >
          <Icon name="plus" size={16} />
          New staff member
        </PermissionButton>
      </div>
      {!mayChange.allowed && <PermissionNote id="staff-permission" reason={mayChange.reason} className="page-note" />}
      <div className="card">
        <ReportTable
          label="Staff"
          rows={staff}
          rowKey={(s) => s.id}
          columns={[
            {
              header: 'Name',
              cell: (s) => (
                <span className="row">
                  <span className="swatch" style={{ background: s.colour }} aria-hidden="true" />
                  <strong>{s.name}</strong>
                  {s.id === app.device.meStaffId && <span className="chip">You</span>}
                </span>
              ),
            },
            { header: 'Role', cell: (s) => (s.role === 'admin' ? 'Administrator' : 'Tutor') },
            { header: 'E-mail', cell: (s) => s.email, cut: true },
            {
              header: 'Pay',
              cell: (s) => `${money(s.payRate, locale)} ${s.payUnit === 'hour' ? 'per hour' : 'per lesson'}`,
              className: 'nowrap',
            },
            {
              header: 'Status',
              cell: (s) => <span className={`badge badge-${s.active ? 'active' : 'archived'}`}>{s.active ? 'Active' : 'Inactive'}</span>,
            },
            {
              header: <span className="sr-only">Actions</span>,
              cell: (s) => (
                <PermissionButton
                  className="btn btn-sm"
                  decision={mayChange}
                  reasonId="staff-permission"
                  onClick={() => navigate(`/staff?id=${s.id}`)}
                  aria-label={`Edit ${s.name}`}
                >
                  Edit
                </PermissionButton>
              ),
            },
          ]}
        />
      </div>
      {(creating || (open && mayChange.allowed)) && <StaffForm key={open?.id ?? 'new'} staff={open} onClose={() => navigate('/staff')} />}
    </div>
  );
}
