/**
 * E-mail templates: the defaults are valid and fully filled in, the editor's checks name the
 * problem, values are formatted the practice's way, and every inserted value and the template's
 * own text are escaped in the HTML part but unchanged in the text part.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MESSAGE_KINDS } from '../../../src-shared/model/types';
import {
  checkTemplate,
  DEFAULT_TEMPLATES,
  EXAMPLE_VALUES,
  formatMailValues,
  PLACEHOLDERS,
  previewMail,
  renderMail,
  templateFor,
  TemplateError,
  type MailPractice,
  type MailValues,
} from '../../../src-shared/mail/templates';

const practice: MailPractice = {
  name: 'Brightside Tutoring',
  email: 'hello@brightside.example',
  phone: '020 7946 0321',
  currency: 'GBP',
  locale: 'en-GB',
  timeZone: 'Europe/London',
  logo: '',
  address: { line1: '14 Elm Court', line2: '', city: 'London', region: '', postalCode: 'N1 7GU', country: '' },
};

const EVIL = `<script>alert("x")</script> & O'Brien`;

/** Strips the tags renderMail writes itself; what is left must hold no '<'. */
const OWN_TAGS = /<\/?(?:!DOCTYPE html|html|head|meta|title|body|table|tr|td|div|p|br|a|img)\b[^<>]*>/g;

describe('default templates', () => {
  it.each(MESSAGE_KINDS)('%s is valid and every placeholder it uses has a value in the example', (kind) => {
    expect(checkTemplate(kind, DEFAULT_TEMPLATES[kind])).toEqual([]);
    const mail = previewMail(kind, DEFAULT_TEMPLATES[kind], practice);
    expect(mail.missing).toEqual([]);
    expect(mail.text).not.toContain('{{');
    expect(mail.html).not.toContain('{{');
    expect(mail.subject).not.toMatch(/[\r\n]/);
  });

  it('each kind lists its placeholders with a label and an example', () => {
    for (const kind of MESSAGE_KINDS) {
      const keys = PLACEHOLDERS[kind].map((p) => p.key);
      expect(keys).toContain('family.name');
      expect(keys).toContain('practice.name');
      for (const p of PLACEHOLDERS[kind]) {
        expect(p.label).not.toBe('');
        expect(p.example).not.toBe('');
      }
    }
    expect(PLACEHOLDERS['lesson-reminder'].map((p) => p.key)).toContain('lesson.time');
    expect(PLACEHOLDERS.invoice.map((p) => p.key)).not.toContain('lesson.time');
  });

  it("templateFor takes the practice's own template, else the default", () => {
    const own = { subject: 'Bill {{invoice.number}}', body: 'Hello' };
    expect(templateFor('invoice', { mailTemplates: { invoice: own } })).toBe(own);
    expect(templateFor('statement', { mailTemplates: { invoice: own } })).toBe(DEFAULT_TEMPLATES.statement);
    expect(templateFor('statement', {})).toBe(DEFAULT_TEMPLATES.statement);
  });
});

describe('checkTemplate', () => {
  it('names an unknown placeholder and the allowed ones', () => {
    const problems = checkTemplate('invoice', { subject: 'Hi {{foo}}', body: 'Hello {{ family.name }}' });
    expect(problems).toHaveLength(1);
    expect(problems[0]!.field).toBe('subject');
    expect(problems[0]!.message).toContain('{{foo}}');
    expect(problems[0]!.message).toContain('{{invoice.number}}');
    expect(problems[0]!.message).toContain('{{family.name}}');
  });

  it('refuses a placeholder of another kind (a lesson time in an invoice)', () => {
    const problems = checkTemplate('invoice', { subject: 'Invoice', body: 'See you at {{lesson.time}}' });
    expect(problems.map((p) => p.message).join()).toContain('Unknown placeholder {{lesson.time}}');
  });

  it('reports each unknown placeholder once', () => {
    expect(checkTemplate('statement', { subject: 'x', body: '{{a}} {{a}} {{b}}' })).toHaveLength(2);
  });

  it('finds braces that do not pair', () => {
    const cases = ['Dear {{family.name', 'Dear family.name}}', 'Dear {{family.name}', 'Dear {{family.name\n}}', '{{ {{family.name}}'];
    for (const body of cases) {
      const problems = checkTemplate('statement', { subject: 'Statement', body });
      expect(problems.length, body).toBeGreaterThan(0);
      expect(
        problems.some((p) => /not closed|without a matching/.test(p.message)),
        body,
      ).toBe(true);
    }
    // Single braces are ordinary text.
    expect(checkTemplate('statement', { subject: 'Statement {x}', body: 'a { b } c' })).toEqual([]);
  });

  it('refuses an empty subject or body and overly long ones', () => {
    expect(checkTemplate('invoice', { subject: '  ', body: 'x' }).map((p) => p.message)).toContain('The subject is empty');
    expect(checkTemplate('invoice', { subject: 'x', body: '\n\n' }).map((p) => p.message)).toContain('The message is empty');
    expect(checkTemplate('invoice', { subject: 'x'.repeat(201), body: 'x' })[0]!.message).toMatch(/subject is too long/);
    expect(checkTemplate('invoice', { subject: 'x', body: 'x'.repeat(10_001) })[0]!.message).toMatch(/message is too long/);
  });
});

describe('renderMail', () => {
  const values: MailValues = {
    family: { name: 'Lee family', contactName: 'Jo Lee' },
    students: ['Amy', 'Ben', 'Cal'],
    invoice: { number: 'INV-1', total: 123456, dueDate: '2026-03-15' },
    overdue: { amount: 4550, days: 1 },
    period: { from: '2026-01-01', to: '2026-03-31' },
  };

  it('formats money, dates, names and day counts the practice way', () => {
    const f = formatMailValues(values, practice);
    expect(f['invoice.total']).toBe('£1,234.56');
    expect(f['invoice.dueDate']).toBe('15 Mar 2026');
    expect(f['students']).toBe('Amy, Ben and Cal');
    expect(f['student.firstName']).toBe('Amy');
    expect(f['days.overdue']).toBe('1 day');
    expect(formatMailValues({ overdue: { amount: 1, days: 12 } }, practice)['days.overdue']).toBe('12 days');
    const de = formatMailValues(values, { ...practice, locale: 'de-DE', currency: 'EUR' });
    expect(de['invoice.total']).toMatch(/1\.234,56\s?€/);
    expect(de['students']).toBe('Amy, Ben und Cal');
  });

  it('uses the family name when there is no contact name', () => {
    expect(formatMailValues({ family: { name: 'Lee family', contactName: ' ' } }, practice)['family.contactName']).toBe('Lee family');
  });

  it('shows lesson days and times in the practice time zone (BST in summer)', () => {
    const f = formatMailValues(
      {
        lessons: [
          { start: '2026-06-02T15:00:00.000Z', subject: 'Maths', tutor: 'Sam Khan', students: ['Amy'] },
          { start: '2026-06-02T16:30:00.000Z', subject: '', tutor: '', students: [] },
        ],
      },
      practice,
    );
    expect(f['lesson.date']).toMatch(/^Tuesday,? 2 June 2026$/);
    expect(f['lesson.time']).toBe('16:00 and 17:30');
    expect(f['lesson.tutor']).toBe('Sam Khan');
    expect(f['lessons']).toBe('16:00 – Maths with Sam Khan (Amy)\n17:30 – Lesson');
  });

  it('makes paragraphs from blank lines and keeps single line breaks', () => {
    const mail = renderMail('statement', { subject: 'S', body: 'One\nstill one\n\n\nTwo' }, values, practice);
    expect(mail.html).toContain('>One<br>still one</p>');
    expect(mail.html).toContain('>Two</p>');
    expect(mail.text.startsWith('One\nstill one\n\nTwo\n\n--\nBrightside Tutoring\n')).toBe(true);
    expect(mail.text).toContain('hello@brightside.example · 020 7946 0321');
    expect(mail.html).toContain('href="mailto:hello@brightside.example"');
  });

  it('removes line breaks from the subject', () => {
    const mail = renderMail(
      'statement',
      { subject: 'From {{family.name}}', body: 'x' },
      { family: { name: 'A\r\nBcc: x@y.z', contactName: '' } },
      practice,
    );
    expect(mail.subject).toBe('From A Bcc: x@y.z');
  });

  it('escapes names with <, &, quotes in HTML and leaves them unchanged in text', () => {
    const mail = renderMail(
      'invoice',
      DEFAULT_TEMPLATES.invoice,
      {
        ...values,
        family: { name: EVIL, contactName: EVIL },
        students: [`<b>Amy</b>`],
        invoice: { number: `"1'&<`, total: 1, dueDate: '2026-01-01' },
      },
      { ...practice, name: `A&B <Tutors> "Ltd"` },
    );
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<b>Amy');
    expect(mail.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; O&#39;Brien');
    expect(mail.html).toContain('A&amp;B &lt;Tutors&gt; &quot;Ltd&quot;');
    expect(mail.html).toContain('&quot;1&#39;&amp;&lt;');
    expect(mail.html.replace(OWN_TAGS, '')).not.toContain('<');
    expect(mail.text).toContain(`Dear ${EVIL},`);
    expect(mail.text).toContain(`invoice "1'&<`);
    expect(mail.text).toContain('<b>Amy</b>');
    expect(mail.subject).toBe(`Invoice "1'&< from A&B <Tutors> "Ltd"`);
  });

  it("escapes the template's own text", () => {
    const mail = renderMail('statement', { subject: 'Hi', body: 'Use <b>bold</b> & "quotes"' }, values, practice);
    expect(mail.html).toContain('Use &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quotes&quot;');
    expect(mail.text).toContain('Use <b>bold</b> & "quotes"');
  });

  it('lists placeholders without a value', () => {
    const mail = renderMail('invoice', DEFAULT_TEMPLATES.invoice, { family: { name: 'Lee', contactName: '' } }, practice);
    expect(mail.missing).toEqual(expect.arrayContaining(['invoice.number', 'invoice.total', 'students']));
  });

  it('refuses a template with problems', () => {
    expect(() => renderMail('invoice', { subject: 'x', body: '{{nope}}' }, values, practice)).toThrow(TemplateError);
    expect(() => renderMail('invoice', { subject: 'x', body: '{{nope}}' }, values, practice)).toThrow(/Unknown placeholder \{\{nope\}\}/);
  });

  it('shows the logo only when asked and only a safe data: URL', () => {
    const logo = 'data:image/png;base64,iVBORw0KGgo=';
    expect(renderMail('statement', DEFAULT_TEMPLATES.statement, values, { ...practice, logo }).html).not.toContain('<img');
    expect(renderMail('statement', DEFAULT_TEMPLATES.statement, values, { ...practice, logo }, { logo: true }).html).toContain(
      `src="${logo}"`,
    );
    const bad = 'javascript:alert(1)';
    expect(renderMail('statement', DEFAULT_TEMPLATES.statement, values, { ...practice, logo: bad }, { logo: true }).html).not.toContain(
      '<img',
    );
  });

  it('property: a value never puts an unescaped < or a line break in the subject', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.array(fc.string(), { maxLength: 3 }), (name, contact, students) => {
        const mail = renderMail(
          'invoice',
          DEFAULT_TEMPLATES.invoice,
          { ...values, family: { name, contactName: contact }, students, invoice: { number: name, total: 100, dueDate: '2026-01-01' } },
          { ...practice, name: contact, phone: name },
        );
        expect(mail.html.replace(OWN_TAGS, '')).not.toContain('<');
        expect(mail.subject).not.toMatch(/[\r\n]/);
        expect(mail.text).toContain(`invoice ${name} for`);
      }),
    );
  });

  it('renders the example for every kind with the example values', () => {
    expect(previewMail('lesson-reminder', DEFAULT_TEMPLATES['lesson-reminder'], practice).text).toContain(
      '16:00 – Maths with Sam Khan (Amy)\n17:00 – English with Sam Khan (Ben)',
    );
    expect(EXAMPLE_VALUES.students).toEqual(['Amy', 'Ben']);
  });
});
