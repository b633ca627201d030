/**
 * The statement of account template: escaping, the numbers a family reads (opening balance,
 * entries, closing balance, invoices still to pay) and a real PDF through headless Chromium +
 * pdftotext.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { buildBillingState, generateDraftInvoice } from '../../../src-shared/billing/generate';
import { issueInvoice } from '../../../src-shared/billing/lifecycle';
import { allocatePayment, createPayment, familyStatement } from '../../../src-shared/billing/payments';
import { renderStatementHtml, statementFileName } from '../../../src-shared/billing/statement-html';
import { ctxAt, idGen, lesson, makeFamily, makeSettings, makeStudent } from './fixtures';

const EVIL = '<script>alert(1)</script> & Co';
const settings = makeSettings({ billing: { paymentInstructions: 'Sort code 12-34-56 <ref>' } });
const newId = idGen('st');

function data() {
  const family = makeFamily('f1', { name: EVIL, contactName: 'Pat "Q" Parent' });
  const students = [makeStudent('s1', 'f1')];
  const g = { settings, newId };
  const feb = generateDraftInvoice(
    { family, students, lessons: [lesson('L@1', 's1', 'f1', '2026-02-03T16:00:00Z'), lesson('L@2', 's1', 'f1', '2026-02-10T16:00:00Z')] },
    { periodStart: '2026-02-01', periodEnd: '2026-02-28' },
    buildBillingState([], []),
    { ...g, ctx: ctxAt('2026-03-01T08:00:00Z') },
  ).invoice!;
  const inv1 = issueInvoice(feb, {
    issueDate: '2026-03-01',
    deviceCode: 'K7Q',
    invoices: [],
    settings,
    ctx: ctxAt('2026-03-01T09:00:00Z'),
  });
  const mar = generateDraftInvoice(
    { family, students, lessons: [lesson('L@3', 's1', 'f1', '2026-03-03T16:00:00Z')] },
    { periodStart: '2026-03-01', periodEnd: '2026-03-31' },
    buildBillingState([], [inv1]),
    { ...g, ctx: ctxAt('2026-04-01T08:00:00Z') },
  ).invoice!;
  const inv2 = issueInvoice(mar, {
    issueDate: '2026-04-01',
    deviceCode: 'K7Q',
    invoices: [inv1],
    settings,
    ctx: ctxAt('2026-04-01T09:00:00Z'),
  });
  const pay = allocatePayment(
    createPayment(
      { familyId: 'f1', date: '2026-03-10', amount: 5000, method: 'cash', reference: '=SUM(A1)' },
      'GBP',
      ctxAt('2026-03-10T10:00:00Z'),
      newId,
    ),
    {
      invoices: [inv1, inv2],
      payments: [],
    },
  );
  return { family, invoices: [inv1, inv2], payments: [pay] };
}

describe('statement HTML', () => {
  it('escapes user text and shows the balances of the period', () => {
    const { family, invoices, payments } = data();
    const st = familyStatement('f1', '2026-03-05', '2026-04-30', invoices, payments);
    // Opening: invoice of 1 March (£80). Entries: payment £50, invoice £40. Closing £70.
    expect([st.openingBalance, st.totalPaid, st.totalInvoiced, st.closingBalance]).toEqual([8000, 5000, 4000, 7000]);
    const html = renderStatementHtml({ statement: st, family, settings, pageSize: 'Letter', generatedOn: '2026-05-01' });
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co');
    expect(html).toContain('Pat &quot;Q&quot; Parent');
    expect(html).toContain('@page { size: letter;');
    expect(html).toContain('Sort code 12-34-56 &lt;ref&gt;');
  });

  it('leaves out payment instructions when nothing is owed', () => {
    const { family, invoices, payments } = data();
    const st = familyStatement('f1', '2026-01-01', '2026-02-28', invoices, payments);
    expect(st.closingBalance).toBe(0);
    const html = renderStatementHtml({ statement: st, family, settings, pageSize: 'A4', generatedOn: '2026-05-01' });
    expect(html).not.toContain('How to pay');
  });

  it('makes safe file names', () => {
    expect(statementFileName({ name: 'Smith / Jones: <b>' }, '2026-01-01', '2026-03-31')).toBe(
      'Statement Smith Jones b 2026-01-01 to 2026-03-31.pdf',
    );
    expect(statementFileName({ name: 'A' }, '2026-01-01', '2026-03-31', 'csv')).toBe('Statement A 2026-01-01 to 2026-03-31.csv');
  });
});

describe('statement PDF via headless Chromium', () => {
  let browser: Browser;
  let dir: string;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
    });
    dir = mkdtempSync(join(tmpdir(), 'tutordesk-statement-'));
  });
  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('prints every part of the statement as text', async () => {
    const { family, invoices, payments } = data();
    const st = familyStatement('f1', '2026-03-05', '2026-04-30', invoices, payments);
    const page = await browser.newPage();
    await page.setContent(renderStatementHtml({ statement: st, family, settings, pageSize: 'A4', generatedOn: '2026-05-01' }), {
      waitUntil: 'load',
    });
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    await page.close();
    const file = join(dir, 'statement.pdf');
    writeFileSync(file, pdf);
    const text = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    expect(info).toMatch(/\(A4\)/);
    expect(text).toContain(EVIL);
    expect(text).toMatch(/STATEMENT/i);
    expect(text).toMatch(/Opening balance\s+£80\.00/);
    expect(text).toMatch(/Closing balance\s+£70\.00/);
    expect(text).toMatch(/Balance due\s+£70\.00/);
    expect(text).toContain('=SUM(A1)');
    expect(text).toContain('INV-2026-K7Q-0002');
    expect(text).toMatch(/Invoices still to pay/i);
    expect(text).toMatch(/INV-2026-K7Q-0001\s+1 Mar 2026\s+15 Mar 2026\s+£80\.00\s+£30\.00/);
    expect(text).toContain('Sort code 12-34-56 <ref>');
  });
});
