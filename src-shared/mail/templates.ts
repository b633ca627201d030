/**
 * The e-mails the practice sends families (docs/email-templates.md): one editable template per
 * MessageKind, with `{{placeholders}}` filled in at queueing time.
 *
 * - A template is plain text: a subject and a body whose paragraphs are separated by blank lines.
 *   The practice edits it in Settings (stored in `PracticeSettings.mailTemplates`, a partial
 *   override of `DEFAULT_TEMPLATES`).
 * - `checkTemplate` lists what is wrong with an edited template (unknown placeholders, unbalanced
 *   braces, empty or too long); `renderMail` refuses a template with problems, so a family never
 *   receives "{{famly.name}}".
 * - `renderMail` gives the subject (one line), the text part and the HTML part. In the HTML part
 *   EVERY piece of text, the template's and the inserted values, goes through `escapeHtml`; line
 *   breaks become `<br>` after escaping. The text part holds the values unchanged.
 * - Values are formatted the practice's way: amounts with money.ts in the practice currency and
 *   locale, dates in the practice locale, lesson times in the practice time zone, day counts with
 *   `countOf` ("1 day", "12 days"), lists of names with `Intl.ListFormat` ("Amy and Ben").
 *
 * Pure: no Electron, React or DOM.
 */
import { escapeHtml, safeLogo } from '../billing/html';
import { countOf } from '../locale/count';
import { clockFormat, practiceFormat } from '../locale/practice-locale';
import { NOUNS } from '../locale/wording';
import { type Address, type MessageKind, type PracticeSettings } from '../model/types';
import { EmailAddressSchema } from './contract';

export interface MailTemplate {
  subject: string;
  /** Plain text; paragraphs are separated by a blank line. */
  body: string;
}

/** Every placeholder a template may use (each kind allows a subset: `PLACEHOLDERS`). */
export const PLACEHOLDER_KEYS = [
  'family.name',
  'family.contactName',
  'student.firstName',
  'students',
  'invoice.number',
  'invoice.total',
  'invoice.dueDate',
  'amount.overdue',
  'days.overdue',
  'period.from',
  'period.to',
  'lesson.date',
  'lesson.time',
  'lesson.tutor',
  'lessons',
  'practice.name',
  'practice.email',
  'practice.phone',
] as const;
export type PlaceholderKey = (typeof PLACEHOLDER_KEYS)[number];

export interface PlaceholderInfo {
  key: PlaceholderKey;
  /** What it stands for, for the editor's help. */
  label: string;
  /** What it looks like (en-GB), for the editor's help. */
  example: string;
}

const INFO: Record<PlaceholderKey, Omit<PlaceholderInfo, 'key'>> = {
  'family.name': { label: 'Family (account) name', example: 'Lee family' },
  'family.contactName': { label: 'Contact name (the family name when there is none)', example: 'Jo Lee' },
  'student.firstName': { label: "The student's first name", example: 'Amy' },
  students: { label: "The students' first names", example: 'Amy and Ben' },
  'invoice.number': { label: 'Invoice number', example: 'INV-2026-K7Q-0042' },
  'invoice.total': { label: 'Invoice total', example: '£180.00' },
  'invoice.dueDate': { label: 'Due date', example: '15 Mar 2026' },
  'amount.overdue': { label: 'Amount overdue', example: '£240.00' },
  'days.overdue': { label: 'How long the oldest invoice is overdue', example: '12 days' },
  'period.from': { label: 'First day of the period', example: '1 Jan 2026' },
  'period.to': { label: 'Last day of the period', example: '31 Mar 2026' },
  'lesson.date': { label: 'Day of the lesson', example: 'Tuesday 3 March 2026' },
  'lesson.time': { label: 'Start time(s)', example: '16:00 and 17:00' },
  'lesson.tutor': { label: 'Tutor(s)', example: 'Sam Khan' },
  lessons: { label: 'The lessons, one a line (time, subject, tutor, student)', example: '16:00 – Maths with Sam Khan (Amy)' },
  'practice.name': { label: "The practice's name", example: 'Brightside Tutoring' },
  'practice.email': { label: "The practice's e-mail", example: 'hello@brightside.example' },
  'practice.phone': { label: "The practice's phone", example: '020 7946 0321' },
};

const COMMON: readonly PlaceholderKey[] = [
  'family.name',
  'family.contactName',
  'students',
  'practice.name',
  'practice.email',
  'practice.phone',
];

const ALLOWED: Record<MessageKind, readonly PlaceholderKey[]> = {
  invoice: [...COMMON, 'invoice.number', 'invoice.total', 'invoice.dueDate'],
  statement: [...COMMON, 'period.from', 'period.to'],
  'overdue-reminder': [...COMMON, 'invoice.number', 'invoice.total', 'invoice.dueDate', 'amount.overdue', 'days.overdue'],
  'progress-report': [...COMMON, 'student.firstName', 'period.from', 'period.to'],
  'lesson-reminder': [...COMMON, 'student.firstName', 'lesson.date', 'lesson.time', 'lesson.tutor', 'lessons'],
};

const infos = (kind: MessageKind): readonly PlaceholderInfo[] => ALLOWED[kind].map((key) => ({ key, ...INFO[key] }));

/** The placeholders each kind of message may use, with a label and an example (editor help and preview). */
export const PLACEHOLDERS: Record<MessageKind, readonly PlaceholderInfo[]> = {
  invoice: infos('invoice'),
  statement: infos('statement'),
  'overdue-reminder': infos('overdue-reminder'),
  'progress-report': infos('progress-report'),
  'lesson-reminder': infos('lesson-reminder'),
};

export const DEFAULT_TEMPLATES: Record<MessageKind, MailTemplate> = {
  invoice: {
    subject: 'Invoice {{invoice.number}} from {{practice.name}}',
    body: [
      'Dear {{family.contactName}},',
      'Please find attached invoice {{invoice.number}} for {{invoice.total}}, for lessons with {{students}}. Payment is due by {{invoice.dueDate}}.',
      'How to pay is explained on the invoice. If you have any questions, just reply to this e-mail.',
      'Many thanks,\n{{practice.name}}',
    ].join('\n\n'),
  },
  statement: {
    subject: 'Your statement from {{practice.name}}',
    body: [
      'Dear {{family.contactName}},',
      'Please find attached your statement of account for {{period.from}} to {{period.to}}.',
      'If anything looks wrong, or you have any questions, just reply to this e-mail and we will be happy to help.',
      'Kind regards,\n{{practice.name}}',
    ].join('\n\n'),
  },
  'overdue-reminder': {
    subject: 'A reminder about your account with {{practice.name}}',
    body: [
      'Dear {{family.contactName}},',
      'This is a friendly reminder that {{amount.overdue}} is now overdue on your account. The oldest unpaid invoice, {{invoice.number}}, was due on {{invoice.dueDate}}, {{days.overdue}} ago.',
      'If you have already paid, thank you, and please ignore this message. If there is a problem, just reply and we can sort something out together.',
      'Kind regards,\n{{practice.name}}',
    ].join('\n\n'),
  },
  'progress-report': {
    subject: "{{student.firstName}}'s progress report from {{practice.name}}",
    body: [
      'Dear {{family.contactName}},',
      "Please find attached {{student.firstName}}'s progress report for {{period.from}} to {{period.to}}.",
      'It has been a pleasure teaching {{student.firstName}}. If you would like to talk about the report, just reply to this e-mail.',
      'Best wishes,\n{{practice.name}}',
    ].join('\n\n'),
  },
  'lesson-reminder': {
    subject: 'Lesson reminder for {{lesson.date}}',
    body: [
      'Dear {{family.contactName}},',
      'Just a reminder of what is booked for tomorrow, {{lesson.date}}:',
      '{{lessons}}',
      'If you need to cancel or rearrange, please let us know as soon as you can.',
      'See you soon,\n{{practice.name}}',
    ].join('\n\n'),
  },
};

/** The practice's template for `kind`: its own if it edited one, the default otherwise. */
export function templateFor(kind: MessageKind, settings: Pick<PracticeSettings, 'mailTemplates'>): MailTemplate {
  return settings.mailTemplates?.[kind] ?? DEFAULT_TEMPLATES[kind];
}

export const MAX_SUBJECT_LENGTH = 200;
export const MAX_BODY_LENGTH = 10_000;

export interface TemplateProblem {
  field: 'subject' | 'body';
  message: string;
}

type Token = { kind: 'text'; text: string } | { kind: 'placeholder'; key: string; raw: string };

/** Splits template text into literal text and `{{key}}` tokens; problems for braces that do not pair. */
function tokenise(source: string): { tokens: Token[]; problems: string[] } {
  const tokens: Token[] = [];
  const problems: string[] = [];
  let text = '';
  let i = 0;
  while (i < source.length) {
    const open = source.indexOf('{{', i);
    const close = source.indexOf('}}', i);
    if (close >= 0 && (open < 0 || close < open)) {
      problems.push(`“}}” without a matching “{{” near “${excerpt(source, close)}”`);
      text += source.slice(i, close + 2);
      i = close + 2;
      continue;
    }
    if (open < 0) {
      text += source.slice(i);
      break;
    }
    text += source.slice(i, open);
    const end = source.indexOf('}}', open + 2);
    const nextOpen = source.indexOf('{{', open + 2);
    const lineEnd = source.indexOf('\n', open + 2);
    if (end < 0 || (nextOpen >= 0 && nextOpen < end) || (lineEnd >= 0 && lineEnd < end)) {
      problems.push(`“{{” is not closed with “}}” near “${excerpt(source, open)}”`);
      text += '{{';
      i = open + 2;
      continue;
    }
    if (text) tokens.push({ kind: 'text', text });
    text = '';
    const raw = source.slice(open, end + 2);
    tokens.push({ kind: 'placeholder', key: source.slice(open + 2, end).trim(), raw });
    i = end + 2;
  }
  if (text) tokens.push({ kind: 'text', text });
  return { tokens, problems };
}

function excerpt(source: string, at: number): string {
  return source
    .slice(Math.max(0, at - 10), at + 20)
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * What is wrong with a template for `kind` ([] = it can be used): an empty or too long subject or
 * body, braces that do not pair, and placeholders this kind does not have (named with the allowed
 * ones).
 */
export function checkTemplate(kind: MessageKind, t: MailTemplate): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const allowed = ALLOWED[kind];
  const allowedText = allowed.map((k) => `{{${k}}}`).join(', ');
  if (!t.subject.trim()) problems.push({ field: 'subject', message: 'The subject is empty' });
  if (t.subject.length > MAX_SUBJECT_LENGTH)
    problems.push({ field: 'subject', message: `The subject is too long (${t.subject.length} characters; at most ${MAX_SUBJECT_LENGTH})` });
  if (!t.body.trim()) problems.push({ field: 'body', message: 'The message is empty' });
  if (t.body.length > MAX_BODY_LENGTH)
    problems.push({ field: 'body', message: `The message is too long (${t.body.length} characters; at most ${MAX_BODY_LENGTH})` });
  for (const field of ['subject', 'body'] as const) {
    const { tokens, problems: braces } = tokenise(t[field]);
    for (const message of braces) problems.push({ field, message });
    const unknown = new Set<string>();
    for (const tok of tokens) {
      if (tok.kind !== 'placeholder' || (allowed as readonly string[]).includes(tok.key) || unknown.has(tok.key)) continue;
      unknown.add(tok.key);
      problems.push({ field, message: `Unknown placeholder ${tok.raw}. This message can use: ${allowedText}` });
    }
  }
  return problems;
}

/** The facts a message is about; each kind uses its own (missing ones come out empty). */
export interface MailValues {
  family?: { name: string; contactName: string };
  /** First names, in the order to list them ("Amy and Ben"); `student.firstName` is the first. */
  students?: readonly string[];
  invoice?: { number: string; total: number; dueDate: string };
  /** Minor units, and days the oldest overdue invoice is past due. */
  overdue?: { amount: number; days: number };
  /** YYYY-MM-DD, inclusive. */
  period?: { from: string; to: string };
  /** A lesson reminder's lessons (all on one day), in time order. */
  lessons?: readonly { start: string; subject: string; tutor: string; students: readonly string[] }[];
}

export type MailPractice = Pick<PracticeSettings, 'name' | 'email' | 'phone' | 'currency' | 'locale' | 'timeZone'> &
  Partial<Pick<PracticeSettings, 'logo' | 'address'>>;

export interface RenderOptions {
  /**
   * Show the practice logo in the header. Off by default: the logo is a data: URL, which several
   * mail programs (Gmail among them) do not show.
   */
  logo?: boolean;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
  /** Placeholders used by the template whose value was not given (they came out empty). */
  missing: PlaceholderKey[];
}

export class TemplateError extends Error {
  constructor(public readonly problems: TemplateProblem[]) {
    super(`The e-mail template cannot be used: ${problems.map((p) => p.message).join('; ')}`);
    this.name = 'TemplateError';
  }
}

function joinNames(names: readonly string[], locale: string): string {
  const clean = names.map((n) => n.trim()).filter(Boolean);
  try {
    return new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' }).format(clean);
  } catch {
    return clean.join(', ');
  }
}

/** Every placeholder's text for these values, formatted the practice's way ('' = no value). */
export function formatMailValues(values: MailValues, practice: MailPractice): Partial<Record<PlaceholderKey, string>> {
  const f = practiceFormat(practice.locale, practice.timeZone, practice.currency);
  const clock = clockFormat(practice.locale, practice.timeZone);
  const out: Partial<Record<PlaceholderKey, string>> = {
    'practice.name': practice.name,
    'practice.email': practice.email,
    'practice.phone': practice.phone,
  };
  if (values.family) {
    out['family.name'] = values.family.name;
    out['family.contactName'] = values.family.contactName.trim() || values.family.name;
  }
  if (values.students && values.students.length > 0) {
    out['students'] = joinNames(values.students, f.locale);
    out['student.firstName'] = values.students[0]!;
  }
  if (values.invoice) {
    out['invoice.number'] = values.invoice.number;
    out['invoice.total'] = f.money(values.invoice.total);
    out['invoice.dueDate'] = f.date(values.invoice.dueDate);
  }
  if (values.overdue) {
    out['amount.overdue'] = f.money(values.overdue.amount);
    out['days.overdue'] = countOf(values.overdue.days, NOUNS.day, f.locale);
  }
  if (values.period) {
    out['period.from'] = f.date(values.period.from);
    out['period.to'] = f.date(values.period.to);
  }
  if (values.lessons && values.lessons.length > 0) {
    const lessons = values.lessons;
    out['lesson.date'] = f.dateLong(lessons[0]!.start);
    out['lesson.time'] = joinNames(
      lessons.map((l) => clock.time(Date.parse(l.start))),
      f.locale,
    );
    out['lesson.tutor'] = joinNames([...new Set(lessons.map((l) => l.tutor).filter(Boolean))], f.locale);
    out['lessons'] = lessons
      .map((l) => {
        const what = [l.subject.trim() || 'Lesson', l.tutor.trim() ? `with ${l.tutor.trim()}` : ''].filter(Boolean).join(' ');
        const who = l.students.length > 0 ? ` (${joinNames(l.students, f.locale)})` : '';
        return `${clock.time(Date.parse(l.start))} – ${what}${who}`;
      })
      .join('\n');
  }
  return out;
}

/** Example values for the editor's preview. */
export const EXAMPLE_VALUES: MailValues = {
  family: { name: 'Lee family', contactName: 'Jo Lee' },
  students: ['Amy', 'Ben'],
  invoice: { number: 'INV-2026-K7Q-0042', total: 18000, dueDate: '2026-03-15' },
  overdue: { amount: 24000, days: 12 },
  period: { from: '2026-01-01', to: '2026-03-31' },
  lessons: [
    { start: '2026-03-03T16:00:00.000Z', subject: 'Maths', tutor: 'Sam Khan', students: ['Amy'] },
    { start: '2026-03-03T17:00:00.000Z', subject: 'English', tutor: 'Sam Khan', students: ['Ben'] },
  ],
};

const FONT = "font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif;";

function addressLine(a: Address | undefined): string {
  if (!a) return '';
  return [a.line1, a.line2, a.city, a.postalCode, a.country]
    .map((x) => x.trim())
    .filter(Boolean)
    .join(', ');
}

/**
 * Fills a template in: the subject on one line, the text part, and an e-mail-safe HTML part (one
 * table layout, inline styles only, no scripts or external resources) with the practice's name as
 * header and its contact details as footer. Throws TemplateError when `checkTemplate` finds
 * problems.
 */
export function renderMail(
  kind: MessageKind,
  template: MailTemplate,
  values: MailValues,
  practice: MailPractice,
  options: RenderOptions = {},
): RenderedMail {
  const problems = checkTemplate(kind, template);
  if (problems.length > 0) throw new TemplateError(problems);
  const formatted = formatMailValues(values, practice);
  const missing = new Set<PlaceholderKey>();
  const valueOf = (key: string): string => {
    const v = formatted[key as PlaceholderKey];
    if (v === undefined || v === '') missing.add(key as PlaceholderKey);
    return v ?? '';
  };
  const fill = (source: string, escape: (s: string) => string) =>
    tokenise(source)
      .tokens.map((t) => escape(t.kind === 'text' ? t.text : valueOf(t.key)))
      .join('');

  const subject = fill(template.subject, (s) => s)
    .replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const paragraphs = template.body
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((p) => p.replace(/^\n+|\n+$/g, ''))
    .filter((p) => p.trim() !== '');

  const contact = [practice.email, practice.phone].map((x) => x.trim()).filter(Boolean);
  const textParagraphs = paragraphs.map((p) => fill(p, (s) => s));
  const text = `${textParagraphs.join('\n\n')}\n\n--\n${[practice.name, addressLine(practice.address), contact.join(' · ')]
    .filter((x) => x.trim())
    .join('\n')}\n`;

  const e = escapeHtml;
  const htmlText = (s: string) => e(s).replace(/\n/g, '<br>');
  const htmlParagraphs = paragraphs.map((p) => `<p style="margin: 0 0 14px 0;">${fill(p, htmlText)}</p>`).join('\n');
  const logo = options.logo && practice.logo ? safeLogo(practice.logo) : '';
  const email = practice.email.trim();
  const emailHtml = email
    ? EmailAddressSchema.safeParse(email).success
      ? `<a href="mailto:${e(email)}" style="color: #243b53;">${e(email)}</a>`
      : e(email)
    : '';
  const footer = [e(practice.name), e(addressLine(practice.address)), emailHtml, e(practice.phone.trim())].filter(Boolean).join(' · ');

  const html = `<!DOCTYPE html>
<html lang="${e(practice.locale || 'en')}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(subject)}</title>
</head>
<body style="margin: 0; padding: 0; background: #f0f4f8;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background: #f0f4f8;">
<tr><td align="center" style="padding: 24px 12px;">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" style="width: 100%; max-width: 600px; background: #ffffff; border-radius: 6px;">
<tr><td style="padding: 20px 28px; border-bottom: 3px solid #243b53; ${FONT}">${
    logo
      ? `<img src="${e(logo)}" alt="${e(practice.name)}" style="display: block; max-height: 60px; max-width: 200px; margin-bottom: 8px;">`
      : ''
  }<div style="font-size: 18px; font-weight: 700; color: #243b53;">${e(practice.name)}</div></td></tr>
<tr><td style="padding: 24px 28px 10px 28px; ${FONT} font-size: 15px; line-height: 1.5; color: #1f2933;">
${htmlParagraphs}
</td></tr>
<tr><td style="padding: 14px 28px 20px 28px; border-top: 1px solid #d9e2ec; ${FONT} font-size: 12px; line-height: 1.5; color: #7b8794;">${footer}</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`;
  return { subject, text, html, missing: [...missing] };
}

/** The template rendered with `EXAMPLE_VALUES`: the editor's preview. */
export function previewMail(kind: MessageKind, template: MailTemplate, practice: MailPractice): RenderedMail {
  return renderMail(kind, template, EXAMPLE_VALUES, practice);
}
