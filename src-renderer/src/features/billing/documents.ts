/**
 * Exports of the billing screens: invoice/credit-note PDFs (the domain's HTML template printed by
 * the host), batch PDFs of a month, and CSV files (the domain's accountant CSVs).
 */
import { getBridge } from '../../platform/bridge';
import { invoicePdfFileName, renderInvoiceHtml } from '../../../../src-shared/billing/html';
import type { Family, Invoice, Payment, PracticeSettings, Student } from '../../../../src-shared/model/types';
import { pageSizeOf } from './data';

export interface InvoiceDocSources {
  invoiceById: ReadonlyMap<string, Invoice>;
  familyById: ReadonlyMap<string, Family>;
  payments: readonly Payment[];
  students?: readonly Student[];
}

const UNKNOWN_FAMILY: Omit<Family, 'id'> = {
  kind: 'family',
  name: 'Unknown family',
  contactName: '',
  email: '',
  phone: '',
  address: { line1: '', line2: '', city: '', region: '', postalCode: '', country: '' },
  preferredContact: 'email',
  notes: '',
  defaultRate: null,
  archived: false,
  createdAt: '',
  updatedAt: '',
  updatedBy: '',
  deviceId: '',
  fieldClock: {},
};

export function familyOf(invoice: Invoice, src: InvoiceDocSources): Family {
  return src.familyById.get(invoice.familyId) ?? { ...UNKNOWN_FAMILY, id: invoice.familyId };
}

/** The HTML document of an invoice or credit note (what the PDF is printed from). */
export function invoiceHtml(invoice: Invoice, src: InvoiceDocSources, settings: PracticeSettings): string {
  const relatedId = invoice.kind === 'credit_note' ? invoice.creditNoteFor : invoice.voidedBy;
  return renderInvoiceHtml({
    invoice,
    family: familyOf(invoice, src),
    settings,
    payments: src.payments.filter((p) => p.familyId === invoice.familyId),
    ...(src.students ? { students: src.students } : {}),
    related: relatedId ? (src.invoiceById.get(relatedId) ?? null) : null,
    creditNotes: invoice.kind === 'invoice' ? [...src.invoiceById.values()].filter((c) => c.creditNoteFor === invoice.id) : [],
    pageSize: pageSizeOf(settings),
  });
}

export async function saveInvoicePdf(invoice: Invoice, src: InvoiceDocSources, settings: PracticeSettings) {
  return getBridge().savePdf({
    html: invoiceHtml(invoice, src, settings),
    pageSize: pageSizeOf(settings),
    landscape: false,
    suggestedName: invoicePdfFileName(invoice, familyOf(invoice, src)),
  });
}

/** One PDF per invoice into a folder the user chooses. */
export async function saveInvoicePdfBatch(invoices: readonly Invoice[], src: InvoiceDocSources, settings: PracticeSettings) {
  const used = new Set<string>();
  const files = invoices.map((inv) => {
    let name = invoicePdfFileName(inv, familyOf(inv, src));
    for (let n = 2; used.has(name); n++) name = name.replace(/( \(\d+\))?\.pdf$/, ` (${n}).pdf`);
    used.add(name);
    return { name, html: invoiceHtml(inv, src, settings) };
  });
  return getBridge().savePdfBatch({ pageSize: pageSizeOf(settings), files });
}

export async function saveCsv(suggestedName: string, content: string) {
  return getBridge().saveFile({
    suggestedName,
    filters: [{ name: 'CSV', extensions: ['csv'] }],
    content,
    encoding: 'utf8',
    mimeType: 'text/csv',
  });
}

/** A file-name-safe slug. */
export function slug(text: string): string {
  return (
    text
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .toLowerCase()
      .slice(0, 60) || 'export'
  );
}
