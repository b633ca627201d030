/**
 * The family statement of account as ONE self-contained HTML document (same rules as the invoice
 * template in html.ts: inline CSS, logo only as a safe data: URL, no scripts, every piece of
 * user text escaped), printed to PDF by the host (`savePdf`) or headless Chromium in tests.
 */
import type { Address, Family, PracticeSettings } from '../model/types';
import { formatDate } from './dates';
import { escapeHtml, printBaseCss, safeLogo, type PageSize } from './html';
import { formatMoney } from '../money';
import { LEDGER_KIND_LABELS, type Statement } from './payments';

function addressLines(a: Address): string[] {
  const cityLine = [a.city, a.region, a.postalCode].filter((x) => x.trim()).join(', ');
  return [a.line1, a.line2, cityLine, a.country].map((x) => x.trim()).filter(Boolean);
}

const CSS = (pageSize: PageSize) => `
${printBaseCss(pageSize)}
.title h1 { margin: 0 0 3mm 0; font-size: 20pt; font-weight: 300; letter-spacing: 0.04em; text-transform: uppercase; color: #243b53; }
h2 { font-size: 8.5pt; text-transform: uppercase; letter-spacing: 0.08em; color: #52606d; margin: 0 0 1.5mm 0; font-weight: 600; }
table.entries { width: 100%; border-collapse: collapse; }
table.entries thead { display: table-header-group; }
table.entries th { font-size: 8.5pt; text-transform: uppercase; letter-spacing: 0.05em; color: #52606d; text-align: left; border-bottom: 1.5pt solid #243b53; padding: 2mm 1.5mm; }
table.entries td { padding: 1.8mm 1.5mm; border-bottom: 0.5pt solid #d9e2ec; vertical-align: top; }
table.entries tr { break-inside: avoid; page-break-inside: avoid; }
table.entries tr.edge td { font-weight: 700; background: #f0f4f8; }
.num { text-align: right !important; white-space: nowrap; font-variant-numeric: tabular-nums; }
.summary { width: 90mm; margin: 6mm 0 0 auto; border-collapse: collapse; break-inside: avoid; }
.summary th { text-align: left; font-weight: 400; padding: 1.2mm 1.5mm; color: #3e4c59; }
.summary td { padding: 1.2mm 1.5mm; }
.summary tr.due th, .summary tr.due td { border-top: 1.5pt solid #243b53; background: #f0f4f8; font-weight: 700; font-size: 12pt; color: #102a43; }
.section { margin-top: 8mm; break-inside: avoid; }
.open { border-collapse: collapse; }
.open th { text-align: left; font-weight: 600; color: #52606d; padding: 0.8mm 5mm 0.8mm 0; font-size: 8.5pt; }
.open td { padding: 0.8mm 5mm 0.8mm 0; }
.footer { margin-top: 10mm; font-size: 8.5pt; color: #7b8794; border-top: 0.5pt solid #d9e2ec; padding-top: 2mm; }
`;

export interface StatementDocumentInput {
  statement: Statement;
  family: Family;
  settings: PracticeSettings;
  pageSize: PageSize;
  /** Date the statement is produced (YYYY-MM-DD). */
  generatedOn: string;
}

/** The complete HTML document of a family statement for [statement.from, statement.to]. */
export function renderStatementHtml(input: StatementDocumentInput): string {
  const { statement: st, family, settings } = input;
  const e = escapeHtml;
  const currency = settings.currency;
  const money = (amount: number) => e(formatMoney({ amount, currency }, settings.locale));
  const date = (d: string) => e(formatDate(d, settings.locale));
  const logo = safeLogo(settings.logo);
  const practiceAddress = addressLines(settings.address);
  const familyAddress = addressLines(family.address);
  const contact = [settings.email, settings.phone]
    .filter((x) => x.trim())
    .map(e)
    .join(' · ');
  const closing = st.closingBalance;

  const rows = st.entries
    .map(
      (x) =>
        `<tr><td>${date(x.date)}</td><td>${e(LEDGER_KIND_LABELS[x.kind])}</td><td>${e(x.reference)}</td><td class="pre">${e(x.description)}</td><td class="num">${x.debit ? money(x.debit) : ''}</td><td class="num">${x.credit ? money(x.credit) : ''}</td><td class="num">${money(x.balance)}</td></tr>`,
    )
    .join('\n');
  const open =
    st.openInvoices.length > 0
      ? `<div class="section"><h2>Invoices still to pay</h2><table class="open"><tr><th>Invoice</th><th>Issued</th><th>Due</th><th class="num">Total</th><th class="num">Still to pay</th></tr>${st.openInvoices
          .map(
            (o) =>
              `<tr><td>${e(o.number)}</td><td>${date(o.issueDate)}</td><td>${date(o.dueDate)}</td><td class="num">${money(o.total)}</td><td class="num">${money(o.balance)}</td></tr>`,
          )
          .join('')}</table></div>`
      : '';
  const instructions =
    closing > 0 && settings.billing.paymentInstructions.trim()
      ? `<div class="section"><h2>How to pay</h2><div class="pre">${e(settings.billing.paymentInstructions)}</div></div>`
      : '';

  return `<!DOCTYPE html>
<html lang="${e(settings.locale || 'en')}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<title>${e(`Statement — ${family.name} — ${settings.name}`)}</title>
<style>${CSS(input.pageSize)}</style>
</head>
<body>
<div class="top">
  <div class="practice">
    ${logo ? `<img src="${e(logo)}" alt="${e(settings.name)}">` : ''}
    <div class="name">${e(settings.name)}</div>
    <div class="muted">${practiceAddress.map(e).join('<br>')}</div>
    ${contact ? `<div class="muted">${contact}</div>` : ''}
    ${settings.taxId.trim() ? `<div class="muted">Tax ID: ${e(settings.taxId)}</div>` : ''}
  </div>
  <div class="title">
    <h1>Statement</h1>
    <table class="meta">
      <tr><th>Period</th><td>${date(st.from)} – ${date(st.to)}</td></tr>
      <tr><th>Date</th><td>${date(input.generatedOn)}</td></tr>
    </table>
  </div>
</div>
<div class="billto">
  <h2>Account</h2>
  <div class="who">${e(family.name)}</div>
  ${family.contactName.trim() && family.contactName.trim() !== family.name.trim() ? `<div>${e(family.contactName)}</div>` : ''}
  <div>${familyAddress.map(e).join('<br>')}</div>
</div>
<table class="entries">
  <thead><tr><th>Date</th><th>Type</th><th>Reference</th><th>Description</th><th class="num">Charges</th><th class="num">Payments &amp; credits</th><th class="num">Balance</th></tr></thead>
  <tbody>
<tr class="edge"><td>${date(st.from)}</td><td colspan="5">Opening balance</td><td class="num">${money(st.openingBalance)}</td></tr>
${rows}
<tr class="edge"><td>${date(st.to)}</td><td colspan="5">Closing balance</td><td class="num">${money(closing)}</td></tr>
  </tbody>
</table>
<table class="summary">
  <tr><th>Opening balance</th><td class="num">${money(st.openingBalance)}</td></tr>
  <tr><th>Invoiced</th><td class="num">${money(st.totalInvoiced)}</td></tr>
  ${st.totalCredited ? `<tr><th>Credit notes</th><td class="num">${money(-st.totalCredited)}</td></tr>` : ''}
  <tr><th>Payments received</th><td class="num">${money(-st.totalPaid)}</td></tr>
  ${st.totalRefunded ? `<tr><th>Refunded to you</th><td class="num">${money(st.totalRefunded)}</td></tr>` : ''}
  <tr class="due"><th>${closing < 0 ? 'In credit' : 'Balance due'}</th><td class="num">${money(closing < 0 ? -closing : closing)}</td></tr>
</table>
${open}
${instructions}
<div class="footer">${e(settings.name)} · Statement for ${e(family.name)}</div>
</body>
</html>
`;
}

/** A safe file name: "Statement Smith 2026-01-01 to 2026-03-31.pdf". */
export function statementFileName(family: Pick<Family, 'name'>, from: string, to: string, ext = 'pdf'): string {
  const base = `Statement ${family.name} ${from} to ${to}`
    .normalize('NFC')
    .replace(/[\\/:*?"<>|\u0000-\u001f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 150);
  return `${base}.${ext}`;
}
