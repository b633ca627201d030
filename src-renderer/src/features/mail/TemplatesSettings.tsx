/**
 * Settings › E-mail templates: one template per kind of message (subject and plain-text body with
 * `{{placeholders}}`), checked as it is typed (`checkTemplate`) and previewed as the family would
 * receive it: the HTML part in a sandboxed frame (no scripts, no network) and the text part. The
 * preview uses example values, or one of the practice's families. Saved into
 * `settings.mailTemplates` (a kind equal to the default is not stored, so it follows the default).
 *
 * Also here: automatic monthly invoicing (`settings.autoInvoicing`), which makes the month's draft
 * invoices for review on a chosen day.
 */
import { useId, useMemo, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import { useApp, useLiveQuery } from '../../app/AppContext';
import { useUnsavedChanges } from '../../app/router';
import { Alert } from '../../ui/Alert';
import { SelectField } from '../../ui/Field';
import { Icon } from '../../ui/Icon';
import { useToast } from '../../ui/Toast';
import {
  DEFAULT_TEMPLATES,
  EXAMPLE_VALUES,
  PLACEHOLDERS,
  checkTemplate,
  renderMail,
  templateFor,
  type MailTemplate,
  type MailValues,
  type TemplateProblem,
} from '../../../../src-shared/mail/templates';
import { MESSAGE_KINDS, PRACTICE_SETTINGS_ID, type MessageKind, type PracticeSettings } from '../../../../src-shared/model/types';
import './mail.css';

export const KIND_NAMES: Record<MessageKind, string> = {
  invoice: 'Invoice',
  statement: 'Statement',
  'overdue-reminder': 'Overdue reminder',
  'progress-report': 'Progress report',
  'lesson-reminder': 'Lesson reminder',
};

const KIND_ABOUT: Record<MessageKind, string> = {
  invoice: 'Sent with an invoice attached as a PDF.',
  statement: 'Sent with a statement of account attached as a PDF.',
  'overdue-reminder': 'Sent to a family whose oldest invoice is past its due date.',
  'progress-report': "Sent with a student's progress report attached as a PDF.",
  'lesson-reminder': 'Sent the day before lessons to families who asked for reminders.',
};

const same = (a: MailTemplate, b: MailTemplate) => a.subject === b.subject && a.body === b.body;

export function TemplatesSettings() {
  const { settings } = useApp();
  if (!settings) return null;
  return (
    <>
      <TemplateEditor settings={settings} />
      <AutoInvoicingForm key={settings.updatedAt} settings={settings} />
    </>
  );
}

function TemplateEditor({ settings }: { settings: PracticeSettings }) {
  const app = useApp();
  const toast = useToast();
  const titleId = useId();
  const [kind, setKind] = useState<MessageKind>('invoice');
  // Edits of every kind are kept while switching between them; the stored template is the baseline.
  const [drafts, setDrafts] = useState<Partial<Record<MessageKind, MailTemplate>>>({});
  const stored = (k: MessageKind) => templateFor(k, settings);
  const draftOf = (k: MessageKind) => drafts[k] ?? stored(k);
  const changed = (k: MessageKind) => !same(draftOf(k), stored(k));
  const anyChanged = MESSAGE_KINDS.some(changed);
  useUnsavedChanges(anyChanged, 'E-mail templates');
  const draft = draftOf(kind);
  const problems = checkTemplate(kind, draft);
  const [saving, setSaving] = useState(false);

  const setDraft = (t: MailTemplate) => setDrafts((d) => ({ ...d, [kind]: t }));

  const subjectRef = useRef<HTMLInputElement>(null);
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const lastField = useRef<'subject' | 'body'>('body');
  const insert = (key: string) => {
    const field = lastField.current;
    const el = field === 'subject' ? subjectRef.current : bodyRef.current;
    const text = `{{${key}}}`;
    const value = draft[field];
    const start = el?.selectionStart ?? value.length;
    const end = el?.selectionEnd ?? value.length;
    setDraft({ ...draft, [field]: value.slice(0, start) + text + value.slice(end) });
    requestAnimationFrame(() => {
      if (!el) return;
      el.focus();
      el.setSelectionRange(start + text.length, start + text.length);
    });
  };

  const save = async () => {
    if (problems.length > 0) return;
    setSaving(true);
    try {
      const next: Partial<Record<MessageKind, MailTemplate>> = { ...settings.mailTemplates };
      if (same(draft, DEFAULT_TEMPLATES[kind])) delete next[kind];
      else next[kind] = { subject: draft.subject, body: draft.body };
      await app.save('settings', PRACTICE_SETTINGS_ID, { mailTemplates: next });
      setDrafts((d) => {
        const rest = { ...d };
        delete rest[kind];
        return rest;
      });
      toast(`${KIND_NAMES[kind]} template saved`);
    } finally {
      setSaving(false);
    }
  };

  const onTabKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const at = MESSAGE_KINDS.indexOf(kind);
    const step = e.key === 'ArrowDown' || e.key === 'ArrowRight' ? 1 : e.key === 'ArrowUp' || e.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    e.preventDefault();
    const next = MESSAGE_KINDS[(at + step + MESSAGE_KINDS.length) % MESSAGE_KINDS.length]!;
    setKind(next);
    e.currentTarget.querySelector<HTMLElement>(`[data-kind="${next}"]`)?.focus();
  };

  const subjectProblems = problems.filter((p) => p.field === 'subject');
  const bodyProblems = problems.filter((p) => p.field === 'body');
  const isDefault = same(draft, DEFAULT_TEMPLATES[kind]);

  return (
    <section className="card card-pad stack" aria-labelledby={titleId}>
      <h2 id={titleId}>E-mail templates</h2>
      <p className="muted">
        The words of each e-mail the practice sends. Placeholders such as <code>{'{{family.contactName}}'}</code> are filled in when the
        message is made; the practice’s name and contact details are added as header and footer.
      </p>
      <div className="mail-templates">
        <div className="mail-kinds" role="tablist" aria-label="Kind of message" aria-orientation="vertical" onKeyDown={onTabKey}>
          {MESSAGE_KINDS.map((k) => (
            <button
              key={k}
              type="button"
              role="tab"
              id={`mail-kind-${k}`}
              data-kind={k}
              aria-selected={k === kind}
              aria-controls="mail-kind-panel"
              tabIndex={k === kind ? 0 : -1}
              className="mail-kind"
              onClick={() => setKind(k)}
            >
              <span>{KIND_NAMES[k]}</span>
              {changed(k) ? (
                <span className="mail-kind-tag mail-kind-unsaved">Unsaved</span>
              ) : settings.mailTemplates?.[k] ? (
                <span className="mail-kind-tag">Edited</span>
              ) : null}
            </button>
          ))}
        </div>
        <div className="mail-kind-panel stack" id="mail-kind-panel" role="tabpanel" aria-labelledby={`mail-kind-${kind}`}>
          <p className="muted mail-kind-about">{KIND_ABOUT[kind]}</p>
          <TemplateField
            kind="input"
            label="Subject"
            value={draft.subject}
            problems={subjectProblems}
            inputRef={subjectRef}
            onFocus={() => (lastField.current = 'subject')}
            onChange={(subject) => setDraft({ ...draft, subject })}
          />
          <TemplateField
            kind="textarea"
            label="Message"
            value={draft.body}
            problems={bodyProblems}
            inputRef={bodyRef}
            onFocus={() => (lastField.current = 'body')}
            onChange={(body) => setDraft({ ...draft, body })}
            hint="Plain text. Leave a blank line between paragraphs."
          />
          <div className="mail-placeholders" role="group" aria-labelledby="mail-placeholders-title">
            <span className="label" id="mail-placeholders-title">
              Insert a placeholder
            </span>
            <div className="mail-chips">
              {PLACEHOLDERS[kind].map((p) => (
                <button
                  key={p.key}
                  type="button"
                  className="mail-chip"
                  aria-label={`Insert {{${p.key}}}`}
                  title={`${p.label}, e.g. ${p.example}`}
                  // Keep the caret where it was in the subject or message.
                  onMouseDown={(e) => e.preventDefault()}
                  onClick={() => insert(p.key)}
                >
                  <span aria-hidden="true">{`{{${p.key}}}`}</span>
                </button>
              ))}
            </div>
          </div>
          <div className="row">
            <button
              type="button"
              className="btn btn-primary"
              disabled={saving || problems.length > 0 || !changed(kind)}
              onClick={() => void save()}
            >
              Save template
            </button>
            <button type="button" className="btn btn-ghost" disabled={isDefault} onClick={() => setDraft(DEFAULT_TEMPLATES[kind])}>
              Reset to default
            </button>
            {problems.length > 0 && <span className="hint">Fix the problems above to save.</span>}
          </div>
        </div>
      </div>
      <Preview kind={kind} template={draft} problems={problems} settings={settings} />
    </section>
  );
}

function TemplateField(props: {
  kind: 'input' | 'textarea';
  label: string;
  value: string;
  problems: TemplateProblem[];
  hint?: string;
  inputRef: RefObject<HTMLInputElement | null> | RefObject<HTMLTextAreaElement | null>;
  onFocus: () => void;
  onChange: (v: string) => void;
}) {
  const id = useId();
  const described = props.problems.length > 0 ? `${id}-problems` : props.hint ? `${id}-hint` : undefined;
  const common = {
    id,
    className: 'input',
    value: props.value,
    'aria-invalid': props.problems.length > 0 ? true : undefined,
    'aria-describedby': described,
    onFocus: props.onFocus,
  } as const;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      {props.kind === 'input' ? (
        <input {...common} ref={props.inputRef as RefObject<HTMLInputElement | null>} onChange={(e) => props.onChange(e.target.value)} />
      ) : (
        <textarea
          {...common}
          rows={11}
          className="input mail-body"
          ref={props.inputRef as RefObject<HTMLTextAreaElement | null>}
          onChange={(e) => props.onChange(e.target.value)}
        />
      )}
      {props.problems.length > 0 ? (
        <ul className="mail-problems" id={`${id}-problems`} aria-live="polite">
          {props.problems.map((p) => (
            <li key={p.message} className="error">
              <Icon name="alert" size={14} />
              {p.message}
            </li>
          ))}
        </ul>
      ) : (
        props.hint && (
          <span className="hint" id={`${id}-hint`}>
            {props.hint}
          </span>
        )
      )}
    </div>
  );
}

const EXAMPLE = 'example';

function Preview({
  kind,
  template,
  problems,
  settings,
}: {
  kind: MessageKind;
  template: MailTemplate;
  problems: TemplateProblem[];
  settings: PracticeSettings;
}) {
  const titleId = useId();
  const [view, setView] = useState<'html' | 'text'>('html');
  const [familyId, setFamilyId] = useState(EXAMPLE);
  const { docs: families } = useLiveQuery('families', { selector: { archived: false }, sort: [{ name: 'asc' }] } as never);
  const { docs: students } = useLiveQuery('students', { selector: { familyId } }, [familyId]);
  const family = families.find((f) => f.id === familyId);
  const values: MailValues = useMemo(() => {
    if (!family) return EXAMPLE_VALUES;
    const names = students.map((s) => s.firstName.trim()).filter(Boolean);
    return {
      ...EXAMPLE_VALUES,
      family: { name: family.name, contactName: family.contactName },
      ...(names.length ? { students: names } : {}),
    };
  }, [family, students]);
  const mail = problems.length > 0 ? null : renderMail(kind, template, values, settings);

  return (
    <section className="mail-preview stack" aria-labelledby={titleId}>
      <div className="mail-preview-head">
        <h3 id={titleId}>Preview</h3>
        <div className="mail-preview-tools">
          <SelectField
            label="Preview for"
            className="mail-preview-family"
            value={familyId}
            onChange={setFamilyId}
            options={[{ value: EXAMPLE, label: 'Example values (Lee family)' }, ...families.map((f) => ({ value: f.id, label: f.name }))]}
          />
          <div className="mail-segmented" role="tablist" aria-label="Preview as">
            {(
              [
                ['html', 'E-mail'],
                ['text', 'Plain text'],
              ] as const
            ).map(([id, label]) => (
              <button key={id} type="button" role="tab" aria-selected={view === id} onClick={() => setView(id)}>
                {label}
              </button>
            ))}
          </div>
        </div>
      </div>
      {!mail ? (
        <Alert tone="warning" icon={<Icon name="alert" />}>
          The preview appears once the template has no problems.
        </Alert>
      ) : (
        <div className="mail-preview-frame">
          <div className="mail-preview-subject">
            <span className="muted">Subject</span> <strong data-testid="preview-subject">{mail.subject}</strong>
          </div>
          {view === 'html' ? (
            <iframe title="Preview" sandbox="" srcDoc={mail.html} className="mail-preview-html" />
          ) : (
            <pre className="mail-preview-text" aria-label="Plain text preview">
              {mail.text}
            </pre>
          )}
        </div>
      )}
      {mail && mail.missing.length > 0 && (
        <p className="hint">
          Empty in this preview: {mail.missing.map((k) => `{{${k}}}`).join(', ')} (the practice settings have no value for it yet).
        </p>
      )}
    </section>
  );
}

const DAYS = Array.from({ length: 31 }, (_, i) => String(i + 1));

function AutoInvoicingForm({ settings }: { settings: PracticeSettings }) {
  const app = useApp();
  const toast = useToast();
  const titleId = useId();
  const current = settings.autoInvoicing ?? { enabled: false, dayOfMonth: 1, lastRunMonth: '' };
  const [enabled, setEnabled] = useState(current.enabled);
  const [day, setDay] = useState(String(current.dayOfMonth));
  const [saving, setSaving] = useState(false);
  const dirty = enabled !== current.enabled || Number(day) !== current.dayOfMonth;
  useUnsavedChanges(dirty, 'Automatic invoicing');
  const save = async () => {
    setSaving(true);
    try {
      await app.save('settings', PRACTICE_SETTINGS_ID, {
        autoInvoicing: { enabled, dayOfMonth: Math.min(31, Math.max(1, Number(day) || 1)), lastRunMonth: current.lastRunMonth },
      });
      toast(enabled ? `Draft invoices will be made on day ${day} of each month` : 'Automatic invoicing turned off');
    } finally {
      setSaving(false);
    }
  };
  return (
    <form
      className="card card-pad stack"
      aria-labelledby={titleId}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h2 id={titleId}>Automatic monthly invoicing</h2>
      <p className="muted">
        On this day, the first admin laptop to start makes the month’s draft invoices for you to review and issue. Nothing is issued or
        e-mailed without you.
      </p>
      <div className="mail-auto-row">
        <div className="checkbox">
          <input id={`${titleId}-on`} type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
          <label htmlFor={`${titleId}-on`}>Make draft invoices automatically each month</label>
        </div>
        <SelectField
          label="Day of the month"
          className="mail-auto-day"
          value={day}
          onChange={setDay}
          options={DAYS.map((d) => ({ value: d, label: d }))}
          {...(Number(day) > 28 ? { hint: 'In shorter months: the last day' } : {})}
        />
      </div>
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={saving || !dirty}>
          Save automatic invoicing
        </button>
      </div>
    </form>
  );
}
