/**
 * The invoice HTML template rendered to a real PDF by headless Chromium (Debian's, via
 * Playwright) and read back with pdftotext/pdfinfo (poppler-utils).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { buildBillingState, generateDraftInvoice } from '../../../src-shared/billing/generate';
import { escapeHtml, invoicePdfFileName, renderInvoiceHtml, safeLogo, type PageSize } from '../../../src-shared/billing/html';
import { issueInvoice, voidInvoice } from '../../../src-shared/billing/lifecycle';
import { formatMoney } from '../../../src-shared/money';
import { allocatePayment, createPayment } from '../../../src-shared/billing/payments';
import { ctxAt, idGen, lesson, makeFamily, makeSettings, makeStudent } from './fixtures';

// A 2×2 red PNG.
const PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==';
const EVIL = '<script>alert(1)</script> & Co';

const settings = makeSettings({
  name: 'Brightside Tutoring',
  logo: PNG,
  taxId: 'GB 123 4567 89',
  billing: {
    taxMode: 'exclusive',
    taxRateBp: 2000,
    paymentInstructions: 'Bank transfer: sort code 12-34-56\nAccount 12345678 <ref = invoice number>',
  },
});
const newId = idGen('pdf');

function documents() {
  const family = makeFamily('f1', {
    name: EVIL,
    contactName: 'Pat "Quotes" O\'Brien',
    address: { line1: '1 <b>Bold</b> Street', line2: '', city: 'Leeds', region: '', postalCode: 'LS1 1AA', country: 'United Kingdom' },
  });
  const students = [makeStudent('s1', 'f1', { firstName: 'Zoë' })];
  const draft = generateDraftInvoice(
    {
      family,
      students,
      lessons: [
        lesson('L@1', 's1', 'f1', '2026-03-03T16:00:00Z'),
        lesson('L@2', 's1', 'f1', '2026-03-10T16:00:00Z', { subject: 'Physics <i>' }),
      ],
    },
    {
      periodStart: '2026-03-01',
      periodEnd: '2026-03-31',
      manualLines: [{ kind: 'manual', description: 'Workbook "Algebra 1" & <answers>', unitAmount: 1250, discountAmount: 250 }],
      notes: 'Thanks & see you soon',
    },
    buildBillingState([], []),
    { settings, ctx: ctxAt('2026-04-01T08:00:00Z'), newId },
  ).invoice!;
  const invoice = issueInvoice(draft, {
    issueDate: '2026-04-01',
    deviceCode: 'K7Q',
    invoices: [],
    settings,
    ctx: ctxAt('2026-04-01T09:00:00Z'),
  });
  const payment = allocatePayment(
    createPayment(
      { familyId: 'f1', date: '2026-04-05', amount: 5000, method: 'bank_transfer', reference: '=cmd|x' },
      'GBP',
      ctxAt('2026-04-05T10:00:00Z'),
      newId,
    ),
    { invoices: [invoice], payments: [] },
  );
  return { family, invoice, payment };
}

describe('invoice HTML (no browser)', () => {
  it('escapes every piece of user text and contains no script', () => {
    const { family, invoice, payment } = documents();
    const html = renderInvoiceHtml({ invoice, family, settings, payments: [payment], pageSize: 'A4' });
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain('<b>Bold');
    expect(html).not.toContain('<i>');
    expect(html).toContain(escapeHtml(EVIL));
    expect(escapeHtml(EVIL)).toBe('&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co');
    expect(html).toContain('Pat &quot;Quotes&quot; O&#39;Brien');
    expect(html).toContain('@page { size: A4;');
    expect(renderInvoiceHtml({ invoice, family, settings, pageSize: 'Letter' })).toContain('@page { size: letter;');
    expect(html).toContain(`<img src="${PNG}"`);
  });

  it('accepts only base64 image data: URLs as the logo', () => {
    expect(safeLogo(PNG)).toBe(PNG);
    expect(safeLogo('javascript:alert(1)')).toBe('');
    expect(safeLogo('data:text/html;base64,PHNjcmlwdD4=')).toBe('');
    expect(safeLogo('data:image/png;base64,AAA" onerror="alert(1)')).toBe('');
    expect(safeLogo('https://example.com/logo.png')).toBe('');
  });

  it('makes safe file names', () => {
    expect(invoicePdfFileName({ number: 'INV-2026-K7Q-0042', id: 'x', kind: 'invoice' }, { name: 'Smith / Jones: <b>' })).toBe(
      'INV-2026-K7Q-0042 Smith Jones b.pdf',
    );
    expect(invoicePdfFileName({ number: '', id: 'abcdef123456', kind: 'invoice' }, { name: '..' })).toBe('draft-abcdef12 ...pdf');
  });
});

describe('invoice PDF via headless Chromium', () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    dir = mkdtempSync(join(tmpdir(), 'tutordesk-pdf-'));
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function toPdf(html: string, name: string): Promise<{ text: string; info: string }> {
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const requests: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith('data:')) requests.push(r.url());
    });
    await page.setContent(html, { waitUntil: 'load' });
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    await page.close();
    expect(dialogs).toEqual([]); // no script ran
    expect(requests).toEqual([]); // self-contained
    const file = join(dir, `${name}.pdf`);
    writeFileSync(file, pdf);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    return {
      text: execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }),
      info: execFileSync('pdfinfo', [file], { encoding: 'utf8' }),
    };
  }

  const gbp = (amount: number) => formatMoney({ amount, currency: 'GBP' }, 'en-GB');

  it.each<[PageSize, RegExp]>([
    ['A4', /Page size:\s+59[45]\.\d+ x 84[12]\.\d+ pts \(A4\)/],
    ['Letter', /Page size:\s+612 x 792 pts \(letter\)/],
  ])('renders an issued invoice on %s with every part readable in the PDF text', async (pageSize, sizeRe) => {
    const { family, invoice, payment } = documents();
    const { text, info } = await toPdf(
      renderInvoiceHtml({ invoice, family, settings, payments: [payment], pageSize }),
      `invoice-${pageSize}`,
    );
    expect(info).toMatch(sizeRe);
    expect(text).toContain(EVIL); // literally, as text
    expect(text).toContain('Brightside Tutoring');
    expect(text).toContain('GB 123 4567 89');
    expect(text).toContain('14 Elm Court');
    expect(text).toContain('1 <b>Bold</b> Street');
    expect(text).toContain('INV-2026-K7Q-0001');
    expect(text).toContain('1 Apr 2026'); // issue date
    expect(text).toContain('15 Apr 2026'); // due date (14 days)
    expect(text).toContain('Physics <i>');
    expect(text).toContain('Workbook "Algebra 1" & <answers>');
    // 40 + 40 + (12.50 − 2.50) = 90.00; VAT 20% = 18.00; total 108.00; paid 50.00; due 58.00
    expect(invoice.total).toBe(10800);
    expect(text).toMatch(new RegExp(`Subtotal\\s+${gbp(9000).replace('.', '\\.')}`));
    expect(text).toMatch(/VAT 20%\s+£18\.00/);
    expect(text).toMatch(/Total\s+£108\.00/);
    expect(text).toMatch(/Payments received\s+-£50\.00/);
    expect(text).toMatch(/Balance due\s+£58\.00/);
    expect(text).toContain('=cmd|x'); // the payment reference, as text
    expect(text).toContain('Bank transfer: sort code 12-34-56');
    expect(text).toContain('Account 12345678 <ref = invoice number>');
    expect(text).toContain('Thanks & see you soon');
  });

  it('renders the credit-note variant', async () => {
    const { family, invoice, payment } = documents();
    const v = voidInvoice(invoice, {
      issueDate: '2026-04-20',
      deviceCode: 'K7Q',
      invoices: [invoice],
      settings,
      ctx: ctxAt('2026-04-20T09:00:00Z'),
      newId,
      reason: 'Billed twice <oops>',
      payments: [payment],
      claims: [],
    });
    const { text } = await toPdf(
      renderInvoiceHtml({ invoice: v.creditNote, family, settings, related: invoice, pageSize: 'A4' }),
      'credit-note',
    );
    expect(text).toMatch(/CREDIT NOTE/i);
    expect(text).toContain('CN-2026-K7Q-0001');
    expect(text).toMatch(/Credits invoice\s+INV-2026-K7Q-0001/);
    expect(text).toMatch(/Total\s+-£108\.00/);
    expect(text).toContain('Billed twice <oops>');
    expect(text).toContain(EVIL);
    expect(text).not.toContain('Balance due');
    expect(text).not.toContain('sort code');

    const voided = await toPdf(
      renderInvoiceHtml({ invoice: v.invoice, family, settings, related: v.creditNote, pageSize: 'A4' }),
      'voided',
    );
    expect(voided.text).toMatch(/\bVOID\b/);
    expect(text).not.toMatch(/\bVOID\b/); // the credit note itself is not void
    expect(voided.text).toMatch(/Voided by credit note\s+CN-2026-K7Q-0001/);
  });
});
