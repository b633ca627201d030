import { useMemo, useState } from 'react';
import { useApp } from '../../app/AppContext';
import { Dialog } from '../../ui/Dialog';
import { Icon } from '../../ui/Icon';
import { useToast } from '../../ui/Toast';
import { Alert } from '../../ui/Alert';
import { getBridge } from '../../platform/bridge';
import { IntentError, newId } from '../../data';
import { importStudents } from './import-action';
import { parseCsv, type ParsedCsv } from '../../../../src-shared/csv';
import {
  defaultSkipLines,
  guessMapping,
  IMPORT_FIELDS,
  mappingProblems,
  matchImportRows,
  planImport,
  type ImportRowMatch,
  type Mapping,
} from '../../../../src-shared/students/csv-import';
import type { Student } from '../../../../src-shared/model/types';
import { SelectField } from '../../ui/Field';
import {
  bomLengthFor,
  detectTextEncoding,
  ENCODING_LABELS,
  TEXT_ENCODINGS,
  type DetectedEncoding,
  type TextEncodingName,
} from '../../../../src-shared/text-encoding';
import { countOf, formOf } from '../../../../src-shared/locale/count';
import { NOUNS, VERBS } from '../../../../src-shared/locale/wording';

interface ChosenFile {
  name: string;
  bytes: Uint8Array;
  detected: DetectedEncoding;
  encoding: TextEncodingName;
  csv: ParsedCsv;
  /** Characters the chosen encoding could not read (shown as �). */
  unreadable: number;
}

function base64Bytes(b64: string): Uint8Array {
  const binary = atob(b64);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** The file's text in `encoding` (without its byte order mark) and how many characters it could not read. */
function decode(bytes: Uint8Array, encoding: TextEncodingName): { text: string; unreadable: number } {
  const text = new TextDecoder(encoding).decode(bytes.subarray(bomLengthFor(bytes, encoding)));
  return { text, unreadable: (text.match(/\uFFFD/g) ?? []).length };
}

/** Matched rows listed in the preview (the rest are counted, and skipped unless chosen). */
const MATCH_LIST_LIMIT = 200;

const MATCH_BADGE: Record<ImportRowMatch['status'], { label: string; className: string }> = {
  existing: { label: 'Already a student', className: 'badge badge-archived' },
  possible_duplicate: { label: 'Possible duplicate', className: 'badge badge-paused' },
  new: { label: 'New', className: 'badge badge-active' },
};

/**
 * CSV import: choose a file → map columns (guessed from the headers) → preview with row-by-row
 * errors and the rows that match existing students (docs/data-model.md "Duplicates") → import.
 * Matched rows are skipped unless the person chooses to import them anyway. Nothing is written
 * until the user confirms, and only when every imported row is valid.
 */
export function ImportDialog({ onClose }: { onClose: () => void }) {
  const app = useApp();
  const toast = useToast();
  const [file, setFile] = useState<ChosenFile | null>(null);
  const [mapping, setMapping] = useState<Mapping>({});
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [families, setFamilies] = useState<Parameters<typeof planImport>[2]>([]);
  const [students, setStudents] = useState<Student[]>([]);
  // Matched rows the person chose to import anyway (by line); every other matched row is skipped.
  const [importAnyway, setImportAnyway] = useState<ReadonlySet<number>>(new Set());

  const choose = async () => {
    setError('');
    const result = await getBridge().openFile({
      filters: [{ name: 'CSV files', extensions: ['csv', 'txt'] }],
      maxBytes: 20 * 1024 * 1024,
      read: 'bytes',
    });
    if (!result.opened) {
      if (result.error) setError(result.error);
      return;
    }
    const bytes = base64Bytes(result.bytes ?? '');
    const detected = detectTextEncoding(bytes);
    const { text, unreadable } = decode(bytes, detected.encoding);
    const csv = parseCsv(text);
    if (csv.headers.length === 0) {
      setError(`${result.name} is empty.`);
      return;
    }
    setFamilies((await app.db.families.find().exec()).map((d) => d.toJSON() as never));
    setStudents((await app.db.students.find().exec()).map((d) => d.toJSON() as Student));
    setImportAnyway(new Set());
    setFile({ name: result.name, bytes, detected, encoding: detected.encoding, csv, unreadable });
    setMapping(guessMapping(csv.headers));
  };

  /** Reads the same file again in another encoding (the person knows better than the guess). */
  const readAs = (encoding: TextEncodingName) => {
    if (!file) return;
    const { text, unreadable } = decode(file.bytes, encoding);
    const csv = parseCsv(text);
    setFile({ ...file, encoding, csv, unreadable });
    if (csv.headers.join('\u0000') !== file.csv.headers.join('\u0000')) setMapping(guessMapping(csv.headers));
  };
  const plural = new Intl.PluralRules(app.format.locale);
  const count = (n: number, one: string, many: string) => `${app.format.number(n, 0)} ${plural.select(n) === 'one' ? one : many}`;

  const matches = useMemo(
    () => (file && mappingProblems(mapping).length === 0 ? matchImportRows(file.csv, mapping, { students, families }) : []),
    [file, mapping, students, families],
  );
  const matched = matches.filter((m) => m.status !== 'new');
  const matchByLine = useMemo(() => new Map(matches.map((m) => [m.line, m])), [matches]);
  const skipLines = useMemo(
    () => new Set([...defaultSkipLines(matches)].filter((line) => !importAnyway.has(line))),
    [matches, importAnyway],
  );

  const plan = useMemo(() => {
    if (!file) return null;
    return planImport(file.csv, mapping, families, app.ctx(), app.settings?.currency ?? 'GBP', newId, { skipLines });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [file, mapping, families, skipLines]);
  const toggleAnyway = (line: number, on: boolean) =>
    setImportAnyway((prev) => {
      const next = new Set(prev);
      if (on) next.add(line);
      else next.delete(line);
      return next;
    });

  const badLines = new Set(plan?.issues.map((i) => i.line) ?? []);
  const problems = mappingProblems(mapping);
  const canImport = plan !== null && plan.issues.length === 0 && plan.students.length > 0 && problems.length === 0;

  const doImport = async () => {
    if (!plan || !canImport) return;
    setBusy(true);
    try {
      await importStudents(app, plan);
      toast(
        `Imported ${count(plan.students.length, 'student', 'students')} and ${count(plan.families.length, 'new family', 'new families')}`,
      );
      onClose();
    } catch (e) {
      setError(e instanceof IntentError ? (e as Error).message : `Nothing was imported: ${(e as Error).message}`);
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
              {busy ? 'Importing…' : canImport ? `Import ${countOf(plan.students.length, NOUNS.student)}` : 'Import'}
            </button>
          )}
        </>
      }
    >
      {error && (
        <Alert tone="error" role="alert">
          {error}
        </Alert>
      )}
      {!file ? (
        <div className="empty" style={{ padding: 24 }}>
          <div className="empty-art">
            <Icon name="upload" size={30} />
          </div>
          <p>
            The first row must name the columns, e.g. <em>First name, Last name, Family name, Family e-mail, Subjects, Rate</em>. Students
            without a family name are treated as adults who pay for themselves.
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
              {count(file.csv.rows.length, 'row', 'rows')}, {count(file.csv.headers.length, 'column', 'columns')}
            </span>
            <span style={{ flex: 1 }} />
            <button type="button" className="btn btn-sm" onClick={() => void choose()}>
              Choose another file
            </button>
          </div>
          <SelectField
            label="Read the file as"
            value={file.encoding}
            onChange={(v) => readAs(v as TextEncodingName)}
            options={TEXT_ENCODINGS.map((e) => ({ value: e, label: ENCODING_LABELS[e] }))}
            hint={
              file.encoding === file.detected.encoding
                ? `Detected from the file (${file.detected.reason}). Change it if names look wrong in the preview.`
                : `You chose this; the file looked like ${ENCODING_LABELS[file.detected.encoding]}.`
            }
          />
          {file.unreadable > 0 && (
            <Alert tone="warning" role="alert">
              {count(file.unreadable, 'character', 'characters')} cannot be read as {ENCODING_LABELS[file.encoding]} (shown as �): choose
              the encoding the file was saved in.
            </Alert>
          )}
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
            <Alert tone="warning" role="alert" key={p}>
              {p}
            </Alert>
          ))}
          {plan && plan.issues.length > 0 && problems.length === 0 && (
            <Alert tone="error" role="alert">
              <div>
                <strong>{countOf(plan.issues.length, NOUNS.problem)} must be fixed in the file before anything can be imported:</strong>
                <ul className="errors-list" aria-label="Import problems">
                  {plan.issues.slice(0, 200).map((i, n) => (
                    <li key={n}>
                      {i.line > 0 ? `Line ${i.line}` : 'File'}
                      {i.field ? `, ${i.field}` : ''}: {i.message}
                    </li>
                  ))}
                </ul>
              </div>
            </Alert>
          )}
          {plan && plan.issues.length === 0 && plan.students.length > 0 && (
            <Alert tone="success" role="status">
              Ready: {count(plan.students.length, 'student', 'students')}, {count(plan.families.length, 'new family', 'new families')}
              {plan.matchedFamilies > 0 ? `, ${count(plan.matchedFamilies, 'existing family', 'existing families')} matched` : ''}
              {plan.skippedRows > 0 ? `; ${count(plan.skippedRows, 'matching row', 'matching rows')} skipped` : ''}.
            </Alert>
          )}
          {plan && plan.issues.length === 0 && plan.students.length === 0 && plan.skippedRows > 0 && (
            <Alert tone="info" role="status">
              Every row matches a student already in TutorDesk: nothing new to import. Choose “Import anyway” on a row to add it again.
            </Alert>
          )}
          {matched.length > 0 && (
            <section className="import-matches" aria-labelledby="import-matches-title">
              <h3 id="import-matches-title">
                {countOf(matched.length, NOUNS.row)} {formOf(matched.length, VERBS.matches)} existing students
              </h3>
              <p className="muted">
                These rows are skipped, so importing the same file twice (or TutorDesk’s own export) adds nobody twice. Tick “Import anyway”
                for a row that is really someone new.
              </p>
              <div className="import-matches-scroll">
                <table className="preview-table import-match-table" aria-label="Rows that match existing students">
                  <thead>
                    <tr>
                      <th scope="col">Line</th>
                      <th scope="col">Student</th>
                      <th scope="col">Match</th>
                      <th scope="col">Why</th>
                      <th scope="col">Import anyway</th>
                    </tr>
                  </thead>
                  <tbody>
                    {matched.slice(0, MATCH_LIST_LIMIT).map((m) => (
                      <tr key={m.line}>
                        <td>{m.line}</td>
                        <td>{m.name}</td>
                        <td>
                          <span className={MATCH_BADGE[m.status].className}>{MATCH_BADGE[m.status].label}</span>
                        </td>
                        <td className="import-match-why" title={m.message}>
                          {m.message}
                        </td>
                        <td>
                          <input
                            type="checkbox"
                            aria-label={`Import line ${m.line} (${m.name}) anyway`}
                            checked={importAnyway.has(m.line)}
                            onChange={(e) => toggleAnyway(m.line, e.target.checked)}
                          />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {matched.length > MATCH_LIST_LIMIT && (
                <p className="muted">…and {matched.length - MATCH_LIST_LIMIT} more matching rows, all skipped.</p>
              )}
            </section>
          )}
          <div className="preview-scroll" tabIndex={0} role="region" aria-label="Preview (scrolls sideways)">
            <table className="preview-table" aria-label="Preview of the first rows">
              <thead>
                <tr>
                  <th scope="col">Line</th>
                  <th scope="col">Match</th>
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
                    <td>
                      {matchByLine.get(r.line) ? (
                        <span className={MATCH_BADGE[matchByLine.get(r.line)!.status].className}>
                          {MATCH_BADGE[matchByLine.get(r.line)!.status].label}
                        </span>
                      ) : (
                        '—'
                      )}
                    </td>
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
