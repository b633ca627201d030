import { useMemo, useState } from 'react';
import { useApp } from '../../app/AppContext';
import { Dialog } from '../../ui/Dialog';
import { Icon } from '../../ui/Icon';
import { useToast } from '../../ui/Toast';
import { getBridge } from '../../platform/bridge';
import { insertAllOrNothing, newId } from '../../data';
import { parseCsv, type ParsedCsv } from '../../../../src-shared/csv';
import { guessMapping, IMPORT_FIELDS, mappingProblems, planImport, type Mapping } from '../../../../src-shared/students/csv-import';

/**
 * CSV import: choose a file → map columns (guessed from the headers) → preview with row-by-row
 * errors → import. Nothing is written until the user confirms, and only when every row is valid.
 */
export function ImportDialog({ onClose }: { onClose: () => void }) {
  const app = useApp();
  const toast = useToast();
  const [file, setFile] = useState<{ name: string; csv: ParsedCsv } | null>(null);
  const [mapping, setMapping] = useState<Mapping>({});
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [families, setFamilies] = useState<Parameters<typeof planImport>[2]>([]);

  const choose = async () => {
    setError('');
    const result = await getBridge().openFile({ filters: [{ name: 'CSV files', extensions: ['csv', 'txt'] }], maxBytes: 20 * 1024 * 1024 });
    if (!result.opened) {
      if (result.error) setError(result.error);
      return;
    }
    const csv = parseCsv(result.text);
    if (csv.headers.length === 0) {
      setError(`${result.name} is empty.`);
      return;
    }
    setFamilies((await app.db.families.find().exec()).map((d) => d.toJSON() as never));
    setFile({ name: result.name, csv });
    setMapping(guessMapping(csv.headers));
  };

  const plan = useMemo(() => {
    if (!file) return null;
    return planImport(file.csv, mapping, families, app.ctx(), app.settings?.currency ?? 'GBP', newId);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [file, mapping, families]);

  const badLines = new Set(plan?.issues.map((i) => i.line) ?? []);
  const problems = mappingProblems(mapping);
  const canImport = plan !== null && plan.issues.length === 0 && plan.students.length > 0 && problems.length === 0;

  const doImport = async () => {
    if (!plan || !canImport) return;
    setBusy(true);
    try {
      await insertAllOrNothing(app.db, [
        { collection: 'families', docs: plan.families },
        { collection: 'students', docs: plan.students },
      ]);
      toast(`Imported ${plan.students.length} students and ${plan.families.length} new families`);
      onClose();
    } catch (e) {
      setError(`Nothing was imported: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  const mappedFields = IMPORT_FIELDS.filter((f) => mapping[f.key]);

  return (
    <Dialog
      wide
      title="Import students from CSV"
      description="Bring students and families over from a spreadsheet or another tutoring tool. Nothing is saved until you confirm."
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          {file && (
            <button type="button" className="btn btn-primary" disabled={!canImport || busy} onClick={() => void doImport()}>
              {busy ? 'Importing…' : canImport ? `Import ${plan.students.length} ${plan.students.length === 1 ? 'student' : 'students'}` : 'Import'}
            </button>
          )}
        </>
      }
    >
      {error && (
        <div className="alert alert-error" role="alert">
          {error}
        </div>
      )}
      {!file ? (
        <div className="empty" style={{ padding: 24 }}>
          <div className="empty-art">
            <Icon name="upload" size={30} />
          </div>
          <p>
            The first row must name the columns, e.g. <em>First name, Last name, Family name, Family e-mail, Subjects, Rate</em>. Students without a family name are treated as adults who pay for themselves.
          </p>
          <button type="button" className="btn btn-primary" onClick={() => void choose()}>
            Choose a CSV file…
          </button>
        </div>
      ) : (
        <>
          <div className="row">
            <Icon name="invoice" />
            <strong>{file.name}</strong>
            <span className="muted">
              {file.csv.rows.length} rows, {file.csv.headers.length} columns
            </span>
            <span style={{ flex: 1 }} />
            <button type="button" className="btn btn-sm" onClick={() => void choose()}>
              Choose another file
            </button>
          </div>
          <fieldset className="group">
            <legend>Match the columns</legend>
            <div className="mapping">
              {IMPORT_FIELDS.map((f) => (
                <div className="field" key={f.key}>
                  <label htmlFor={`map-${f.key}`}>{f.label}</label>
                  <select
                    id={`map-${f.key}`}
                    className="input"
                    value={mapping[f.key] ?? ''}
                    onChange={(e) => setMapping((m) => ({ ...m, [f.key]: e.target.value }))}
                  >
                    <option value="">— not in this file —</option>
                    {file.csv.headers.map((h) => (
                      <option key={h} value={h}>
                        {h}
                      </option>
                    ))}
                  </select>
                </div>
              ))}
            </div>
          </fieldset>
          {problems.map((p) => (
            <div className="alert alert-warning" role="alert" key={p}>
              {p}
            </div>
          ))}
          {plan && plan.issues.length > 0 && problems.length === 0 && (
            <div className="alert alert-error" role="alert">
              <div>
                <strong>
                  {plan.issues.length === 1 ? '1 problem' : `${plan.issues.length} problems`} must be fixed in the file before anything can be imported:
                </strong>
                <ul className="errors-list" aria-label="Import problems">
                  {plan.issues.slice(0, 200).map((i, n) => (
                    <li key={n}>
                      {i.line > 0 ? `Line ${i.line}` : 'File'}
                      {i.field ? `, ${i.field}` : ''}: {i.message}
                    </li>
                  ))}
                </ul>
              </div>
            </div>
          )}
          {plan && plan.issues.length === 0 && plan.students.length > 0 && (
            <div className="alert alert-success" role="status">
              Ready: {plan.students.length} students, {plan.families.length} new families
              {plan.matchedFamilies > 0 ? `, ${plan.matchedFamilies} existing families matched` : ''}.
            </div>
          )}
          <div style={{ overflow: 'auto' }}>
            <table className="preview-table" aria-label="Preview of the first rows">
              <thead>
                <tr>
                  <th scope="col">Line</th>
                  {mappedFields.map((f) => (
                    <th scope="col" key={f.key}>
                      {f.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {file.csv.rows.slice(0, 8).map((r) => (
                  <tr key={r.line} className={badLines.has(r.line) ? 'bad' : undefined}>
                    <td>{r.line}</td>
                    {mappedFields.map((f) => (
                      <td key={f.key}>{r.values[mapping[f.key]!]}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </Dialog>
  );
}
