import { useEffect, useMemo, useState } from 'react';
import { useApp } from '../../app/AppContext';
import { navigate } from '../../app/router';
import { Alert } from '../../ui/Alert';
import { FormDialog } from '../../ui/FormDialog';
import { Icon } from '../../ui/Icon';
import { Combobox, type ComboOption } from '../../ui/Combobox';
import { useToast } from '../../ui/Toast';
import { findFamilyMatches, findStudentMatches } from '../../../../src-shared/students/duplicates';
import { formatMoney } from '../../../../src-shared/money';
import type { FieldDecision, MergeChoices, MergeDocs, MergePlan } from '../../../../src-shared/students/merge';
import type { Family, Student } from '../../../../src-shared/model/types';
import { applyMerge, describeCounts, loadMergeDocs, planMerge, type MergeKind } from './merge-action';

const familyName = (f: Family) => f.name;
const studentName = (s: Student) => `${s.firstName} ${s.lastName}`.trim();

/** A value of a merged field, for people. */
function shown(v: unknown, locale: string): string {
  if (v === null || v === undefined || v === '') return '(empty)';
  if (typeof v === 'string') return v;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.amount === 'number' && typeof o.currency === 'string')
      return formatMoney({ amount: o.amount, currency: o.currency }, locale);
    return Object.values(o)
      .filter((x) => typeof x === 'string' && x.trim())
      .join(', ');
  }
  return String(v);
}

/**
 * "Merge into…": the record open in its form (the duplicate) is merged into the one the person
 * chooses to keep. Shows what moves, the fields that differ (the person picks which value stays)
 * and what the merge cannot settle, then applies it (docs/data-model.md "Merging duplicates").
 */
export function MergeDialog(props: { kind: MergeKind; duplicateId: string; onClose: () => void; onMerged?: () => void }) {
  const app = useApp();
  const toast = useToast();
  const locale = app.settings?.locale || 'en-GB';
  const [docs, setDocs] = useState<MergeDocs | null>(null);
  const [loadError, setLoadError] = useState('');
  useEffect(() => {
    let live = true;
    loadMergeDocs(app).then(
      (d) => live && setDocs(d),
      (e: Error) => live && setLoadError(e.message),
    );
    return () => {
      live = false;
    };
  }, [app]);

  const noun = props.kind === 'family' ? 'family' : 'student';
  const records: (Family | Student)[] = docs ? (props.kind === 'family' ? [...docs.families] : [...docs.students]) : [];
  const nameOf = (r: Family | Student) => (props.kind === 'family' ? familyName(r as Family) : studentName(r as Student));
  const duplicate = records.find((r) => r.id === props.duplicateId);
  const candidates = useMemo(() => {
    if (!docs || !duplicate) return [];
    const others = (props.kind === 'family' ? docs.families : docs.students).filter((r) => r.id !== duplicate.id && !r.mergedInto);
    const matches =
      props.kind === 'family'
        ? findFamilyMatches(
            duplicate as Family,
            docs.families.filter((f) => f.id !== duplicate.id && !f.mergedInto),
          ).map((m) => m.record.id)
        : findStudentMatches(
            duplicate as Student,
            docs.students.filter((s) => s.id !== duplicate.id && !s.mergedInto),
          ).map((m) => m.record.id);
    const name = (r: Family | Student) => (props.kind === 'family' ? familyName(r as Family) : studentName(r as Student));
    const likely = new Set(matches);
    return [...others]
      .sort((a, b) => Number(likely.has(b.id)) - Number(likely.has(a.id)) || name(a).localeCompare(name(b)))
      .map((r): ComboOption & { id: string } => ({
        id: r.id,
        value: r.id,
        label: name(r),
        ...(likely.has(r.id) ? { detail: `Looks like the same ${props.kind === 'family' ? 'family' : 'student'}` } : {}),
      }));
  }, [docs, duplicate, props.kind]);
  const [survivorId, setSurvivorId] = useState('');
  const keepId = survivorId || candidates[0]?.id || '';
  const [choices, setChoices] = useState<MergeChoices>({});

  let plan: MergePlan | null = null;
  let planError = '';
  if (docs && duplicate && keepId) {
    try {
      plan = planMerge(props.kind, keepId, duplicate.id, docs, app, choices);
    } catch (e) {
      planError = (e as Error).message;
    }
  }
  const survivor = records.find((r) => r.id === keepId);
  const toDecide = plan?.decisions.filter((d) => d.needsPerson) ?? [];

  const submit = async () => {
    if (!duplicate || !survivor) return;
    await applyMerge(app, props.kind, survivor.id, duplicate.id, choices);
    toast(`${nameOf(duplicate)} merged into ${nameOf(survivor)}`);
    props.onMerged?.();
    props.onClose();
    navigate(props.kind === 'family' ? `/families?id=${survivor.id}` : `/students?id=${survivor.id}`);
  };

  const title = duplicate ? `Merge ${nameOf(duplicate)} into another ${noun}` : `Merge ${noun}`;
  return (
    <FormDialog
      title={title}
      description={`Use this when the same ${noun} was entered twice. The ${noun} you keep takes over everything; ${duplicate ? nameOf(duplicate) : 'this one'} is archived as merged, never deleted.`}
      wide
      onClose={props.onClose}
      onSubmit={submit}
      submitLabel={survivor ? `Merge into ${nameOf(survivor)}` : 'Merge'}
      busy={!plan}
      {...(loadError || planError ? { error: loadError || planError } : {})}
    >
      {!docs && !loadError && <p className="muted">Reading the practice…</p>}
      {docs && candidates.length === 0 && <p className="muted">There is no other {noun} to merge with.</p>}
      {docs && duplicate && candidates.length > 0 && (
        <>
          <Combobox
            label={`${noun === 'family' ? 'Family' : 'Student'} to keep`}
            value={keepId}
            onChange={(id) => {
              setSurvivorId(id);
              setChoices({});
            }}
            options={candidates}
            placeholder={`Type a ${noun}’s name…`}
            hint={`The ones that look like the same ${noun} come first.`}
          />
          {plan && survivor && (
            <section aria-labelledby="merge-moves" className="merge-summary">
              <h3 id="merge-moves">What happens</h3>
              <ul className="list">
                <li>
                  {nameOf(survivor)} takes over {describeCounts(plan)} of {nameOf(duplicate)}.
                </li>
                <li>
                  {nameOf(duplicate)} is archived and marked as merged into {nameOf(survivor)}. Issued invoices keep their numbers and
                  amounts; only the {noun} they name changes.
                </li>
              </ul>
            </section>
          )}
          {toDecide.length > 0 && (
            <fieldset className="group">
              <legend>Both have a different value: which one stays?</legend>
              {toDecide.map((d: FieldDecision) => (
                <div key={d.field} role="radiogroup" aria-label={d.label} className="merge-choice">
                  <span className="merge-choice-label">{d.label}</span>
                  <label className="checkbox">
                    <input
                      type="radio"
                      name={`merge-${d.field}`}
                      checked={d.kept === 'survivor'}
                      onChange={() => setChoices((c) => ({ ...c, [d.field]: 'survivor' }))}
                    />
                    {shown(d.survivorValue, locale)} <span className="muted">({nameOf(survivor!)})</span>
                  </label>
                  <label className="checkbox">
                    <input
                      type="radio"
                      name={`merge-${d.field}`}
                      checked={d.kept === 'duplicate'}
                      onChange={() => setChoices((c) => ({ ...c, [d.field]: 'duplicate' }))}
                    />
                    {shown(d.duplicateValue, locale)} <span className="muted">({nameOf(duplicate)})</span>
                  </label>
                </div>
              ))}
            </fieldset>
          )}
          {plan && plan.conflicts.length > 0 && (
            <Alert tone="warning" icon={<Icon name="alert" />} title="To check after the merge">
              <ul className="dupe-list">
                {plan.conflicts.map((c) => (
                  <li key={c}>{c}</li>
                ))}
              </ul>
            </Alert>
          )}
        </>
      )}
    </FormDialog>
  );
}
