/**
 * One invoice or credit note. A draft is editable (items, credits, line and invoice discounts,
 * notes, removing lines); issuing numbers it and freezes it (the screen then offers no edits);
 * an issued invoice takes payments and is voided only through a credit note.
 * The lines and totals are InvoiceLines.tsx, the side column InvoiceFacts.tsx.
 */
import { useMemo, useState } from 'react';
import { useApp, usePermissions } from '../../app/AppContext';
import { PermissionButton } from '../../ui/Permission';
import { navigate } from '../../app/router';
import { Alert } from '../../ui/Alert';
import { EmptyState } from '../../ui/EmptyState';
import { Icon } from '../../ui/Icon';
import { useToast } from '../../ui/Toast';
import { detectDoubleBilling, type DoubleBillingFinding } from '../../../../src-shared/billing/claims';
import { applyTaxSettings } from '../../../../src-shared/billing/drafts';
import type { InvoiceLine } from '../../../../src-shared/model/types';
import { applyCredit, deleteDraft, editDraft, issueDrafts, voidWithCreditNote } from './actions';
import { useMoney, useToday, type BillingData } from './data';
import { familyOf, saveInvoicePdf } from './documents';
import { EmailInvoiceDialog } from '../mail';
import { DoubleBillingDialog } from './DoubleBillingDialog';
import { InvoiceFacts } from './InvoiceFacts';
import { InvoiceLines } from './InvoiceLines';
import { invoiceView, type InvoiceView } from './invoice-view';
import { periodLabel, StatusBadge } from './labels';
import { ConfirmDialog, InvoiceDiscountDialog, LineDialog, VoidDialog } from './LineDialogs';
import { PaymentDialog } from './PaymentDialog';
import { CreditNoteDialog } from './CreditNoteDialog';
import { countOf, formOf } from '../../../../src-shared/locale/count';
import { NOUNS, VERBS } from '../../../../src-shared/locale/wording';

type DialogState =
  | { kind: 'line'; lineKind: 'manual' | 'credit'; line?: InvoiceLine }
  | { kind: 'discount' }
  | { kind: 'issue' }
  | { kind: 'delete' }
  | { kind: 'void' }
  | { kind: 'credit' }
  | { kind: 'pay' }
  | { kind: 'double' }
  | { kind: 'email' }
  | null;

/** Runs an action of the screen: its error is shown on the screen, its success as a toast. */
type Run = (what: () => Promise<unknown>, done?: string) => Promise<void>;

export function InvoiceDetail({ id, data }: { id: string; data: BillingData }) {
  const app = useApp();
  const toast = useToast();
  const today = useToday();
  const settings = app.settings!;
  const [dialog, setDialog] = useState<DialogState>(null);
  const [error, setError] = useState('');
  const inv = data.invoiceById.get(id);
  const findings = useMemo(
    () =>
      inv && !data.loading
        ? detectDoubleBilling(data.claims, data.invoices).filter(
            (f) => f.kind === 'billed_twice' && f.invoices.some((r) => r.invoiceId === inv.id),
          )
        : [],
    [data.loading, data.claims, data.invoices, inv],
  );

  if (!inv) return <InvoiceMissing loading={data.loading} />;

  const view = invoiceView(inv, data, settings, today);
  const run: Run = async (what, done) => {
    setError('');
    try {
      await what();
      if (done) toast(done);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const close = () => setDialog(null);

  return (
    <div className="page inv-detail">
      <div className="page-header">
        <div className="stack inv-head">
          <button type="button" className="btn btn-ghost btn-sm inv-back" onClick={() => navigate('/invoices')}>
            ← All invoices
          </button>
          <div className="row">
            <h1>{view.title}</h1>
            <StatusBadge status={view.standing.status} />
          </div>
          <p>
            {view.family?.name ?? 'Unknown family'} · {periodLabel(inv.periodStart, inv.periodEnd, settings.locale)}
          </p>
        </div>
        <InvoiceActions view={view} data={data} run={run} onDialog={setDialog} />
      </div>

      <InvoiceNotices view={view} error={error} findings={findings} run={run} onReview={() => setDialog({ kind: 'double' })} />

      <div className="inv-detail-grid">
        <InvoiceLines
          view={view}
          run={run}
          onAddLine={(lineKind) => setDialog({ kind: 'line', lineKind })}
          onEditLine={(line) => setDialog({ kind: 'line', lineKind: line.kind === 'credit' ? 'credit' : 'manual', line })}
          onEditDiscount={() => setDialog({ kind: 'discount' })}
        />
        <InvoiceFacts view={view} onError={setError} />
      </div>

      {dialog?.kind === 'line' && (
        <LineDialog invoice={inv} kind={dialog.lineKind} {...(dialog.line ? { line: dialog.line } : {})} onClose={close} />
      )}
      {dialog?.kind === 'discount' && <InvoiceDiscountDialog invoice={inv} onClose={close} />}
      {dialog?.kind === 'email' && (
        <EmailInvoiceDialog invoice={inv} family={familyOf(inv, data)} students={data.students} onClose={close} />
      )}
      {dialog?.kind === 'pay' && <PaymentDialog data={data} familyId={inv.familyId} invoiceId={inv.id} onClose={close} />}
      {dialog?.kind === 'double' && <DoubleBillingDialog data={data} findings={findings} onClose={close} />}
      {dialog?.kind === 'delete' && (
        <ConfirmDialog
          title="Delete this draft?"
          confirm="Delete draft"
          danger
          onClose={close}
          onConfirm={async () => {
            await deleteDraft(app, inv);
            toast('Draft deleted; its lessons can be billed again');
            navigate('/invoices');
          }}
        >
          <p>The lessons on it go back to “not invoiced” and will be picked up by the next draft.</p>
        </ConfirmDialog>
      )}
      {dialog?.kind === 'issue' && <IssueDialog view={view} data={data} onClose={close} />}
      {dialog?.kind === 'credit' && <CreditNoteDialog data={data} invoice={inv} balance={view.standing.balance} onClose={close} />}
      {dialog?.kind === 'void' && (
        <VoidDialog
          invoice={inv}
          onClose={close}
          onVoid={async (reason) => {
            const cn = await voidWithCreditNote(app, inv.id, reason);
            close();
            toast(`${inv.number} voided by credit note ${cn.number}`);
          }}
        />
      )}
    </div>
  );
}

function InvoiceMissing({ loading }: { loading: boolean }) {
  return (
    <div className="page">
      <div className="card">
        <EmptyState
          icon="invoice"
          title={loading ? 'Loading…' : 'Invoice not found'}
          actions={
            <button type="button" className="btn" onClick={() => navigate('/invoices')}>
              Back to invoices
            </button>
          }
        >
          {loading ? '' : 'It may have been a draft that was deleted on another computer.'}
        </EmptyState>
      </div>
    </div>
  );
}

/** The toolbar: what can be done with the invoice in its state. */
function InvoiceActions({
  view,
  data,
  run,
  onDialog,
}: {
  view: InvoiceView;
  data: BillingData;
  run: Run;
  onDialog: (d: DialogState) => void;
}) {
  const app = useApp();
  const permissions = usePermissions();
  const mayVoid = permissions.decide('invoices', 'void', view.invoice);
  const mayCredit = permissions.decide('invoices', 'create', { kind: 'credit_note', status: 'issued' });
  const toast = useToast();
  const money = useMoney();
  const inv = view.invoice;
  const pdf = () =>
    run(async () => {
      const r = await saveInvoicePdf(inv, data, app.settings!);
      if (r.saved) toast(`PDF saved to ${r.location}`);
    });
  return (
    <div className="toolbar">
      {view.isDraft && (
        <>
          <button type="button" className="btn btn-ghost btn-danger" onClick={() => onDialog({ kind: 'delete' })}>
            Delete draft
          </button>
          <button type="button" className="btn" onClick={() => void pdf()}>
            <Icon name="invoice" size={16} />
            Preview PDF
          </button>
          <button type="button" className="btn btn-primary" onClick={() => onDialog({ kind: 'issue' })} disabled={inv.lines.length === 0}>
            <Icon name="check" size={16} />
            Issue invoice
          </button>
        </>
      )}
      {!view.isDraft && (
        <button type="button" className="btn" onClick={() => void pdf()}>
          <Icon name="download" size={16} />
          Download PDF
        </button>
      )}
      {!view.isDraft && (
        <button type="button" className="btn" onClick={() => onDialog({ kind: 'email' })}>
          <Icon name="mail" size={16} />
          E-mail…
        </button>
      )}
      {view.isOpen && (
        <>
          <PermissionButton className="btn" decision={mayCredit} onClick={() => onDialog({ kind: 'credit' })}>
            Credit note…
          </PermissionButton>
          <PermissionButton className="btn" decision={mayVoid} onClick={() => onDialog({ kind: 'void' })}>
            Void…
          </PermissionButton>
          {view.standing.balance > 0 && view.credit > 0 && (
            <button
              type="button"
              className="btn"
              onClick={() =>
                void run(async () => toast(`${money(await applyCredit(app, inv.familyId, [inv.id]))} of family credit applied`))
              }
            >
              Apply credit ({money(view.credit)})
            </button>
          )}
          {view.standing.balance > 0 && (
            <button type="button" className="btn btn-primary" onClick={() => onDialog({ kind: 'pay' })}>
              Record payment
            </button>
          )}
        </>
      )}
    </div>
  );
}

/** What the user should know about the invoice: a failed action, double billing, changed tax settings, its credit note. */
function InvoiceNotices(props: { view: InvoiceView; error: string; findings: DoubleBillingFinding[]; run: Run; onReview: () => void }) {
  const app = useApp();
  const money = useMoney();
  const { view, findings } = props;
  const inv = view.invoice;
  const related = view.related;
  const openRelated = related && (
    <button type="button" className="btn btn-sm" onClick={() => navigate(`/invoices?id=${related.id}`)}>
      Open {related.number}
    </button>
  );
  return (
    <>
      {props.error && (
        <Alert tone="error" role="alert">
          {props.error}
        </Alert>
      )}
      {findings.length > 0 && (
        <Alert
          tone="warning"
          role="alert"
          icon={<Icon name="alert" />}
          title="Billed twice:"
          action={
            <button type="button" className="btn btn-sm" onClick={props.onReview}>
              Review
            </button>
          }
        >
          {countOf(findings.length, NOUNS.item)} on this invoice {formOf(findings.length, VERBS.is)} also on another invoice.{' '}
          {findings[0]!.message}
        </Alert>
      )}
      {view.taxDiffers && (
        <Alert
          tone="info"
          action={
            <button
              type="button"
              className="btn btn-sm"
              onClick={() =>
                void props.run(
                  () => editDraft(app, inv.id, (d) => ({ next: applyTaxSettings(d, app.settings!) })),
                  'Current tax settings applied',
                )
              }
            >
              Apply current tax settings
            </button>
          }
        >
          The tax settings changed since this draft was made ({inv.taxMode === 'none' ? 'no tax' : `${inv.taxLabel} ${view.taxRate}`}).
        </Alert>
      )}
      {inv.status === 'void' && related && (
        <Alert tone="info" action={openRelated}>
          Voided by credit note <strong>{related.number}</strong>
          {related.notes ? `: ${related.notes}` : ''}.
        </Alert>
      )}
      {view.isCredit && related && (
        <Alert tone="info" action={openRelated}>
          Credits invoice <strong>{related.number}</strong> {related.voidedBy === inv.id ? 'in full' : 'in part'}
          {inv.notes ? `: ${inv.notes}` : ''}.
        </Alert>
      )}
      {!view.isCredit &&
        view.partialCredits.map((cn) => (
          <Alert
            key={cn.id}
            tone="info"
            action={
              <button type="button" className="btn btn-sm" onClick={() => navigate(`/invoices?id=${cn.id}`)}>
                Open {cn.number}
              </button>
            }
          >
            Credited {money(-cn.total, cn.currency)} by credit note <strong>{cn.number}</strong>
            {cn.notes ? `: ${cn.notes}` : ''}.
          </Alert>
        ))}
    </>
  );
}

function IssueDialog({ view, data, onClose }: { view: InvoiceView; data: BillingData; onClose: () => void }) {
  const app = useApp();
  const toast = useToast();
  const money = useMoney();
  const today = useToday();
  const inv = view.invoice;
  return (
    <ConfirmDialog
      title="Issue this invoice?"
      confirm="Issue invoice"
      onClose={onClose}
      onConfirm={async () => {
        const [issued] = await issueDrafts(app, [inv.id], data.invoices, today);
        onClose();
        toast(`Invoice ${issued?.number} issued`);
      }}
    >
      <p>
        It gets the next invoice number and today’s date, and is due in {app.settings?.billing.paymentTermsDays} days. After that its lines
        and amounts can no longer change: mistakes are corrected with a credit note.
      </p>
      <p>
        Total: <strong>{money(inv.total, inv.currency)}</strong>
      </p>
    </ConfirmDialog>
  );
}
