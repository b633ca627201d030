import { useMemo, useState } from 'react';
import { createColumnHelper } from '@tanstack/react-table';
import { useApp, useLiveQuery } from '../../app/AppContext';
import { navigate, useRoute } from '../../app/router';
import { DataTable, type ColumnLayout, type Features, type SearchableRow } from '../../ui/DataTable';
import { rowsOf } from '../../ui/table-row-models';
import { EmptyState } from '../../ui/EmptyState';
import { Icon } from '../../ui/Icon';
import { avatarColour } from '../../ui/format';
import type { Family } from '../../../../src-shared/model/types';
import { FamilyForm } from './FamilyForm';

interface FamilyRow extends SearchableRow {
  family: Family;
  name: string;
  kind: string;
  contactName: string;
  email: string;
  phone: string;
  city: string;
  students: number;
  state: string;
}

const helper = createColumnHelper<Features, FamilyRow>();
const LAYOUT: Record<string, ColumnLayout> = {
  name: { width: 220, grow: 2, min: 150 },
  kind: { width: 130, min: 96 },
  contactName: { width: 180, grow: 1, min: 110 },
  email: { width: 230, grow: 1, shrink: 2, min: 110 },
  phone: { width: 150, min: 130 },
  city: { width: 130, min: 90 },
  students: { width: 120, align: 'right', shrink: 0.2 },
  state: { width: 110, min: 104 },
};

export function FamiliesScreen() {
  const app = useApp();
  const route = useRoute();
  const { docs: families, loading } = useLiveQuery('families');
  const { docs: students } = useLiveQuery('students');
  const [search, setSearch] = useState('');
  const [state, setState] = useState('current');
  void app;

  const counts = useMemo(() => {
    const m = new Map<string, number>();
    for (const s of students) if (s.status !== 'archived') m.set(s.familyId, (m.get(s.familyId) ?? 0) + 1);
    return m;
  }, [students]);

  const { rows, skipped } = useMemo(
    () =>
      rowsOf(families, (f): FamilyRow => ({
        id: f.id,
        family: f,
        name: f.name,
        kind: f.kind === 'self' ? 'Adult student' : 'Family',
        contactName: f.contactName,
        email: f.email,
        phone: f.phone,
        city: f.address.city,
        students: counts.get(f.id) ?? 0,
        state: f.archived ? 'archived' : 'current',
        searchText: `${f.name} ${f.contactName} ${f.email} ${f.phone} ${f.address.city} ${f.address.postalCode}`.toLowerCase(),
      })),
    [families, counts],
  );

  const columns = useMemo(
    () => [
      helper.accessor('name', {
        header: 'Name',
        sortFn: 'text',
        cell: (i) => (
          <span className="name-cell">
            <span className="avatar" style={{ background: avatarColour(i.row.original.id) }} aria-hidden="true">
              <Icon name={i.row.original.family.kind === 'self' ? 'user' : 'family'} size={14} />
            </span>
            <span className="primary">{i.getValue()}</span>
          </span>
        ),
      }),
      helper.accessor('kind', { header: 'Type', sortFn: 'text' }),
      helper.accessor('contactName', { header: 'Contact', sortFn: 'text' }),
      helper.accessor('email', { header: 'E-mail', sortFn: 'text' }),
      helper.accessor('phone', { header: 'Phone', enableSorting: false }),
      helper.accessor('city', { header: 'City', sortFn: 'text' }),
      helper.accessor('students', { header: 'Students', sortFn: 'basic', cell: (i) => <span className="num">{i.getValue()}</span> }),
      helper.accessor('state', {
        header: 'Status',
        filterFn: ((row: { original: FamilyRow }, _id: string, value: string) => value === 'all' || row.original.state === value) as never,
        cell: (i) => (
          <span className={`badge badge-${i.getValue() === 'archived' ? 'archived' : 'active'}`}>
            {i.getValue() === 'archived' ? 'Archived' : 'Current'}
          </span>
        ),
      }),
    ],
    [],
  );

  const openId = route.query.get('id');
  const creating = route.query.get('new') === '1';
  const open = openId ? (families.find((f) => f.id === openId) ?? null) : null;
  const columnFilters = useMemo(() => [{ id: 'state', value: state }], [state]);

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Families</h1>
          <p>Payers and guardians. Invoices are addressed to them.</p>
        </div>
        <button type="button" className="btn btn-primary" onClick={() => navigate('/families?new=1')}>
          <Icon name="plus" size={16} />
          New family
        </button>
      </div>
      {!loading && families.length === 0 ? (
        <div className="card">
          <EmptyState
            icon="family"
            title="No families yet"
            actions={
              <button type="button" className="btn btn-primary" onClick={() => navigate('/families?new=1')}>
                Add a family
              </button>
            }
          >
            A family pays for one or more students. Adult students who pay for themselves get their own payer record automatically.
          </EmptyState>
        </div>
      ) : (
        <DataTable
          skipped={skipped}
          locale={app.settings?.locale}
          label="Families"
          rows={rows}
          columns={columns}
          layout={LAYOUT}
          hideable={[
            { id: 'kind', label: 'Type' },
            { id: 'contactName', label: 'Contact' },
            { id: 'email', label: 'E-mail' },
            { id: 'phone', label: 'Phone' },
            { id: 'city', label: 'City' },
            { id: 'students', label: 'Students' },
          ]}
          initialSorting={[{ id: 'name', desc: false }]}
          globalFilter={search}
          columnFilters={columnFilters}
          onRowOpen={(r) => navigate(`/families?id=${r.id}`)}
          noun={['family', 'families']}
          emptyMessage="No families match your search."
          toolbar={
            <>
              <div className="search">
                <Icon name="search" size={16} />
                <input
                  className="input"
                  type="search"
                  aria-label="Search families"
                  placeholder="Search name, contact, e-mail, city…"
                  value={search}
                  onChange={(e) => setSearch(e.target.value)}
                />
              </div>
              <select
                className="input"
                style={{ width: 160 }}
                aria-label="Filter families by status"
                value={state}
                onChange={(e) => setState(e.target.value)}
              >
                <option value="current">Current</option>
                <option value="archived">Archived</option>
                <option value="all">All</option>
              </select>
            </>
          }
        />
      )}
      {(creating || open) && <FamilyForm key={open?.id ?? 'new'} family={open} onClose={() => navigate('/families')} />}
    </div>
  );
}
