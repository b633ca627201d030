/**
 * The invoice / credit note document: ONE self-contained HTML template (inline CSS, the logo as a
 * data: URL, no scripts, no external requests) that the host turns into a PDF: Electron's
 * `webContents.printToPDF({ preferCSSPageSize: true })` in the app, headless Chromium's
 * `page.pdf({ preferCSSPageSize: true })` in tests. `@page` sets A4 or Letter.
 *
 * Every piece of user text goes through `escapeHtml`; multi-line text keeps its line breaks with
 * CSS (white-space: pre-line), never by injecting markup. The logo is used only if it is a
 * base64 data: URL of a PNG, JPEG, GIF, WebP or SVG image (an <img> never runs SVG scripts).
 */
import type { Address, Family, Invoice, Payment, PracticeSettings, Student } from '../model/types';
import { formatDate } from './dates';
import { formatMoney } from '../money';
import { paymentMethodLabel } from './payments';
import { lineBase } from './totals';
import { splitLineDescription } from './line-reasons';
import { taxRateLabel } from '../locale/practice-locale';

export type PageSize = 'A4' | 'Letter';

export interface InvoiceLabels {
  invoice: string;
  draftInvoice: string;
  creditNote: string;
  number: string;
  issueDate: string;
  dueDate: string;
  period: string;
  billTo: string;
  description: string;
  quantity: string;
  unitPrice: string;
  discount: string;
  amount: string;
  subtotal: string;
  invoiceDiscount: string;
  total: string;
  includesTax: string;
  paymentsApplied: string;
  balanceDue: string;
  credited: string;
  paymentInstructions: string;
  notes: string;
  taxId: string;
  credits: string;
  voidedBy: string;
  /** Status stamps shown under the title. */
  draftStamp: string;
  voidStamp: string;
  paidStamp: string;
  hours: string;
}

export const DEFAULT_LABELS: InvoiceLabels = {
  invoice: 'Invoice',
  draftInvoice: 'Draft invoice',
  creditNote: 'Credit note',
  number: 'Number',
  issueDate: 'Issue date',
  dueDate: 'Due date',
  period: 'Period',
  billTo: 'Bill to',
  description: 'Description',
  quantity: 'Qty',
  unitPrice: 'Unit price',
  discount: 'Discount',
  amount: 'Amount',
  subtotal: 'Subtotal',
  invoiceDiscount: 'Discount',
  total: 'Total',
  includesTax: 'Includes',
  paymentsApplied: 'Payments received',
  balanceDue: 'Balance due',
  credited: 'Credited by',
  paymentInstructions: 'How to pay',
  notes: 'Notes',
  taxId: 'Tax ID',
  credits: 'Credits invoice',
  voidedBy: 'Voided by credit note',
  draftStamp: 'DRAFT',
  voidStamp: 'VOID',
  paidStamp: 'PAID',
  hours: 'h',
};

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return String(text).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const SAFE_LOGO = /^data:image\/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=\s]+$/;

/** The logo data: URL if it is a safe base64 image, '' otherwise. */
export function safeLogo(dataUrl: string): string {
  return SAFE_LOGO.test(dataUrl) ? dataUrl.replace(/\s+/g, '') : '';
}

function addressLines(a: Address): string[] {
  const cityLine = [a.city, a.region, a.postalCode].filter((x) => x.trim()).join(', ');
  return [a.line1, a.line2, cityLine, a.country].map((x) => x.trim()).filter(Boolean);
}

const quantityFormatters = new Map<string, Intl.NumberFormat>();
function formatQuantity(quantityMilli: number, locale: string): string {
  let f = quantityFormatters.get(locale);
  if (!f) {
    f = new Intl.NumberFormat(locale, { maximumFractionDigits: 3 });
    quantityFormatters.set(locale, f);
  }
  const neg = quantityMilli < 0;
  const abs = String(Math.abs(quantityMilli)).padStart(4, '0');
  // Decimal string → Intl (exact; no float arithmetic).
  return f.format(`${neg ? '-' : ''}${abs.slice(0, -3)}.${abs.slice(-3)}` as unknown as number);
}

export interface InvoiceDocumentInput {
  invoice: Invoice;
  family: Family;
  settings: PracticeSettings;
  /** The family's payments; allocations to this invoice are listed as "payments received". */
  payments?: readonly Payment[];
  /** To name students (not needed: line descriptions already do). */
  students?: readonly Student[];
  /** For a credit note: the invoice it credits; for a void invoice: its credit note. */
  related?: Invoice | null;
  /** For an issued invoice: its partial credit notes (they lower the balance due). */
  creditNotes?: readonly Invoice[];
  pageSize: PageSize;
  labels?: Partial<InvoiceLabels>;
}

/**
 * Print rules shared by the invoice and the statement templates: page size and margins, the
 * practice header, the meta table and the bill-to block.
 */
export const printBaseCss = (pageSize: PageSize): string => `
@page { size: ${pageSize === 'Letter' ? 'letter' : 'A4'}; margin: 16mm 15mm 18mm 15mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; font-family: "Helvetica Neue", Helvetica, Arial, "Liberation Sans", "DejaVu Sans", sans-serif; font-size: 10pt; line-height: 1.4; color: #1f2933; }
.top { display: flex; justify-content: space-between; align-items: flex-start; gap: 12mm; margin-bottom: 10mm; }
.practice { max-width: 55%; }
.practice img { max-height: 22mm; max-width: 60mm; display: block; margin-bottom: 3mm; }
.practice .name { font-size: 14pt; font-weight: 700; }
.muted { color: #52606d; }
.pre { white-space: pre-line; }
.title { text-align: right; }
.meta { border-collapse: collapse; margin-left: auto; }
.meta th { text-align: left; font-weight: 400; color: #52606d; padding: 0.5mm 4mm 0.5mm 0; }
.meta td { text-align: right; font-weight: 600; padding: 0.5mm 0; }
.billto { margin-bottom: 8mm; }
.billto .who { font-weight: 600; font-size: 11pt; }
`;

const CSS = (pageSize: PageSize) => `
${printBaseCss(pageSize)}
.doc { position: relative; }
.title h1 { margin: 0 0 3mm 0; font-size: 22pt; font-weight: 300; letter-spacing: 0.04em; text-transform: uppercase; color: #243b53; }
.billto h2, .section h2 { font-size: 8.5pt; text-transform: uppercase; letter-spacing: 0.08em; color: #52606d; margin: 0 0 1.5mm 0; font-weight: 600; }
table.lines { width: 100%; border-collapse: collapse; }
table.lines thead { display: table-header-group; }
table.lines th { font-size: 8.5pt; text-transform: uppercase; letter-spacing: 0.05em; color: #52606d; text-align: left; border-bottom: 1.5pt solid #243b53; padding: 2mm 1.5mm; }
table.lines td { padding: 2mm 1.5mm; border-bottom: 0.5pt solid #d9e2ec; vertical-align: top; }
table.lines tr { break-inside: avoid; page-break-inside: avoid; }
.num { text-align: right !important; white-space: nowrap; font-variant-numeric: tabular-nums; }
.totals { width: 80mm; margin: 5mm 0 0 auto; border-collapse: collapse; break-inside: avoid; }
.totals th { text-align: left; font-weight: 400; padding: 1.2mm 1.5mm; color: #3e4c59; }
.totals td { padding: 1.2mm 1.5mm; }
.totals tr.grand th, .totals tr.grand td { border-top: 1.5pt solid #243b53; font-weight: 700; font-size: 11pt; color: #102a43; }
.totals tr.due th, .totals tr.due td { background: #f0f4f8; font-weight: 700; font-size: 12pt; color: #102a43; }
.section { margin-top: 8mm; break-inside: avoid; }
.payments { border-collapse: collapse; }
.payments td { padding: 0.8mm 4mm 0.8mm 0; }
.stamp { display: inline-block; margin: 0 0 3mm 0; padding: 1mm 3mm; border: 1.5pt solid #be1e2d; color: #be1e2d; font-weight: 800; letter-spacing: 0.12em; font-size: 12pt; border-radius: 1.5mm; }
.stamp.paid { border-color: #2f8132; color: #2f8132; }
.why { margin-top: 0.6mm; font-size: 8.5pt; font-weight: 600; color: #3e4c59; }
.footer { margin-top: 10mm; font-size: 8.5pt; color: #7b8794; border-top: 0.5pt solid #d9e2ec; padding-top: 2mm; }
`;

/** The complete HTML document of an invoice or credit note. */
export function renderInvoiceHtml(input: InvoiceDocumentInput): string {
  const { invoice: inv, family, settings } = input;
  const L = { ...DEFAULT_LABELS, ...input.labels };
  const e = escapeHtml;
  const money = (amount: number) => e(formatMoney({ amount, currency: inv.currency }, settings.locale));
  const date = (d: string) => e(formatDate(d, settings.locale));
  const isCredit = inv.kind === 'credit_note';
  const title = isCredit ? L.creditNote : inv.status === 'draft' ? L.draftInvoice : L.invoice;

  const paymentsApplied = (input.payments ?? [])
    .flatMap((p) => p.allocations.filter((a) => a.invoiceId === inv.id).map((a) => ({ p, amount: a.amount })))
    .sort((a, b) => (a.p.date < b.p.date ? -1 : a.p.date > b.p.date ? 1 : 0));
  const paid = paymentsApplied.reduce((s, x) => s + x.amount, 0);
  const partials = isCredit
    ? []
    : (input.creditNotes ?? []).filter((c) => c.kind === 'credit_note' && c.creditNoteFor === inv.id && c.id !== inv.voidedBy);
  const credited = partials.reduce((s, c) => s - c.total, 0);
  const balance = inv.total - paid - credited;

  const stamp =
    inv.status === 'draft'
      ? L.draftStamp
      : inv.status === 'void'
        ? L.voidStamp
        : !isCredit && balance <= 0 && inv.total > 0
          ? L.paidStamp
          : '';

  const logo = safeLogo(settings.logo);
  const practiceAddress = addressLines(settings.address);
  const familyAddress = addressLines(family.address);
  const taxRate = taxRateLabel(inv.taxRateBp, settings.locale);
  const hasTax = inv.taxMode !== 'none' && inv.taxRateBp > 0;
  const hasDiscount = inv.lines.some((l) => l.discountAmount !== 0);

  const meta: [string, string][] = [];
  if (inv.number) meta.push([L.number, e(inv.number)]);
  if (inv.issueDate) meta.push([L.issueDate, date(inv.issueDate)]);
  if (!isCredit && inv.dueDate) meta.push([L.dueDate, date(inv.dueDate)]);
  if (inv.periodStart && inv.periodEnd) meta.push([L.period, `${date(inv.periodStart)} – ${date(inv.periodEnd)}`]);
  if (isCredit && input.related) meta.push([L.credits, e(input.related.number)]);
  if (!isCredit && inv.status === 'void' && input.related) meta.push([L.voidedBy, e(input.related.number)]);

  const rows = inv.lines
    .map((l) => {
      const qty =
        l.durationMinutes > 0
          ? `${e(formatQuantity(l.quantityMilli, settings.locale))} ${e(L.hours)}`
          : e(formatQuantity(l.quantityMilli, settings.locale));
      const discount = l.discountAmount !== 0 ? money(-l.discountAmount) : '';
      // The line's amount before the invoice-level discount (that one is shown in the totals).
      const shown = lineBase(l) - l.discountAmount;
      // A lesson line's second line says why it is charged (late cancellation, no-show, make-up).
      const { main, reason } = l.kind === 'lesson' ? splitLineDescription(l.description) : { main: l.description, reason: '' };
      const description = `<div class="pre">${e(main)}</div>${reason ? `<div class="why">${e(reason)}</div>` : ''}`;
      return `<tr><td>${description}</td><td class="num">${qty}</td><td class="num">${money(l.unitAmount)}${l.durationMinutes > 0 ? ` / ${e(L.hours)}` : ''}</td>${hasDiscount ? `<td class="num">${discount}</td>` : ''}<td class="num">${money(shown)}</td></tr>`;
    })
    .join('\n');

  const beforeInvoiceDiscount = inv.lines.reduce((s, l) => s + lineBase(l) - l.discountAmount, 0);
  const totals: string[] = [];
  totals.push(`<tr><th>${e(L.subtotal)}</th><td class="num">${money(beforeInvoiceDiscount)}</td></tr>`);
  if (inv.invoiceDiscountAmount !== 0)
    totals.push(`<tr><th>${e(L.invoiceDiscount)}</th><td class="num">${money(-inv.invoiceDiscountAmount)}</td></tr>`);
  if (hasTax && inv.taxMode === 'exclusive')
    totals.push(`<tr><th>${e(inv.taxLabel)} ${e(taxRate)}</th><td class="num">${money(inv.taxTotal)}</td></tr>`);
  totals.push(`<tr class="grand"><th>${e(L.total)}</th><td class="num">${money(inv.total)}</td></tr>`);
  if (hasTax && inv.taxMode === 'inclusive')
    totals.push(`<tr><th>${e(L.includesTax)} ${e(inv.taxLabel)} ${e(taxRate)}</th><td class="num">${money(inv.taxTotal)}</td></tr>`);
  if (!isCredit && inv.status !== 'void') {
    for (const c of partials) totals.push(`<tr><th>${e(L.credited)} ${e(c.number)}</th><td class="num">${money(c.total)}</td></tr>`);
    if (paid !== 0) totals.push(`<tr><th>${e(L.paymentsApplied)}</th><td class="num">${money(-paid)}</td></tr>`);
    totals.push(`<tr class="due"><th>${e(L.balanceDue)}</th><td class="num">${money(balance)}</td></tr>`);
  }

  const paymentsSection =
    !isCredit && paymentsApplied.length > 0
      ? `<div class="section"><h2>${e(L.paymentsApplied)}</h2><table class="payments">${paymentsApplied
          .map(
            ({ p, amount }) =>
              `<tr><td>${date(p.date)}</td><td>${e(paymentMethodLabel(p.method))}</td><td>${e(p.reference)}</td><td class="num">${money(amount)}</td></tr>`,
          )
          .join('')}</table></div>`
      : '';
  const instructions =
    !isCredit && inv.status !== 'void' && settings.billing.paymentInstructions.trim()
      ? `<div class="section"><h2>${e(L.paymentInstructions)}</h2><div class="pre">${e(settings.billing.paymentInstructions)}</div></div>`
      : '';
  const notes = inv.notes.trim() ? `<div class="section"><h2>${e(L.notes)}</h2><div class="pre">${e(inv.notes)}</div></div>` : '';
  const contact = [settings.email, settings.phone]
    .filter((x) => x.trim())
    .map(e)
    .join(' · ');
  const docTitle = `${title}${inv.number ? ` ${inv.number}` : ''} — ${settings.name}`;

  return `<!DOCTYPE html>
<html lang="${e(settings.locale || 'en')}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<title>${e(docTitle)}</title>
<style>${CSS(input.pageSize)}</style>
</head>
<body>
<div class="doc">
<div class="top">
  <div class="practice">
    ${logo ? `<img src="${e(logo)}" alt="${e(settings.name)}">` : ''}
    <div class="name">${e(settings.name)}</div>
    <div class="muted">${practiceAddress.map(e).join('<br>')}</div>
    ${contact ? `<div class="muted">${contact}</div>` : ''}
    ${settings.taxId.trim() ? `<div class="muted">${e(L.taxId)}: ${e(settings.taxId)}</div>` : ''}
  </div>
  <div class="title">
    <h1>${e(title)}</h1>
    ${stamp ? `<div class="stamp${stamp === L.paidStamp ? ' paid' : ''}">${e(stamp)}</div>` : ''}
    <table class="meta">${meta.map(([k, v]) => `<tr><th>${e(k)}</th><td>${v}</td></tr>`).join('')}</table>
  </div>
</div>
<div class="billto">
  <h2>${e(L.billTo)}</h2>
  <div class="who">${e(family.name)}</div>
  ${family.contactName.trim() && family.contactName.trim() !== family.name.trim() ? `<div>${e(family.contactName)}</div>` : ''}
  <div>${familyAddress.map(e).join('<br>')}</div>
  ${family.email.trim() ? `<div class="muted">${e(family.email)}</div>` : ''}
</div>
<table class="lines">
  <thead><tr><th>${e(L.description)}</th><th class="num">${e(L.quantity)}</th><th class="num">${e(L.unitPrice)}</th>${hasDiscount ? `<th class="num">${e(L.discount)}</th>` : ''}<th class="num">${e(L.amount)}</th></tr></thead>
  <tbody>
${rows}
  </tbody>
</table>
<table class="totals">${totals.join('')}</table>
${paymentsSection}
${instructions}
${notes}
<div class="footer">${e(settings.name)}${inv.number ? ` · ${e(inv.number)}` : ''}${settings.taxId.trim() ? ` · ${e(L.taxId)} ${e(settings.taxId)}` : ''}</div>
</div>
</body>
</html>
`;
}

/** A safe file name for the PDF: "INV-2026-K7Q-0042 Smith.pdf". */
export function invoicePdfFileName(invoice: Pick<Invoice, 'number' | 'id' | 'kind'>, family: Pick<Family, 'name'>): string {
  const base = `${invoice.number || `draft-${invoice.id.slice(0, 8)}`} ${family.name}`;
  const clean = base
    .normalize('NFC')
    .replace(/[\\/:*?"<>|\u0000-\u001f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '')
    .slice(0, 120);
  return `${clean || 'invoice'}.pdf`;
}
