/**
 * The double-billing findings of `detectDoubleBilling` (a lesson on two live invoices after two
 * laptops billed it offline), each with the domain's proposed fix: drop it from the draft that
 * should not bill it, or void the issued invoice that billed it second with a credit note.
 */
import { useState } from 'react';
import { useApp } from '../../app/AppContext';
import { navigate } from '../../app/router';
import { Dialog } from '../../ui/Dialog';
import { useToast } from '../../ui/Toast';
import { Alert } from '../../ui/Alert';
import type { DoubleBillingFinding } from '../../../../src-shared/billing/claims';
import { resolveDoubleBilling } from './actions';
import { useMoney, type BillingData } from './data';
import { countOf } from '../../../../src-shared/locale/count';
import { NOUNS } from '../../../../src-shared/locale/wording';

export function DoubleBillingDialog({
  data,
  findings,
  onClose,
}: {
  data: BillingData;
  findings: DoubleBillingFinding[];
  onClose: () => void;
}) {
  const app = useApp();
  const toast = useToast();
  const money = useMoney();
  const [busy, setBusy] = useState('');
  const [error, setError] = useState('');

  const fix = async (f: DoubleBillingFinding) => {
    setBusy(f.claimId);
    setError('');
    try {
      const { toVoid } = await resolveDoubleBilling(app, f);
      if (toVoid.length) {
        onClose();
        navigate(`/invoices?id=${toVoid[0]}`);
        toast('Void this invoice with a credit note, then re-issue it without the lesson');
      } else toast('Fixed: the item stays on one invoice only');
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy('');
    }
  };

  const fixable = findings.filter((f) => !f.invoices.some((r) => r.action === 'void_with_credit_note'));
  const fixAll = async () => {
    setBusy('*');
    setError('');
    try {
      for (const f of fixable) await resolveDoubleBilling(app, f);
      toast(`${countOf(fixable.length, NOUNS.item)} fixed`);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy('');
    }
  };

  return (
    <Dialog
      title="Double billing"
      description="Items that more than one invoice charges for, and billing records to repair, found after syncing."
      onClose={onClose}
      wide
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Close
          </button>
          {fixable.length > 1 && (
            <button type="button" className="btn btn-primary" disabled={busy !== ''} onClick={() => void fixAll()}>
              Fix all {fixable.length} in drafts
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
      {findings.length === 0 ? (
        <p>Nothing is billed twice.</p>
      ) : (
        <ul className="list" aria-label="Double billing findings">
          {findings.map((f) => (
            <li key={f.claimId} className="inv-finding">
              <div className="stack">
                <span>{f.message}</span>
                <span className="muted">
                  {f.invoices
                    .map(
                      (r) =>
                        `${r.number || 'draft'} (${money(r.lineAmount)}): ${r.action === 'keep' ? 'keep' : r.action === 'remove_line_from_draft' ? 'remove from draft' : 'void with credit note'}`,
                    )
                    .join(' · ')}
                </span>
              </div>
              <button type="button" className="btn btn-sm" disabled={busy === f.claimId} onClick={() => void fix(f)}>
                {f.invoices.some((r) => r.action === 'void_with_credit_note')
                  ? 'Open the invoice to void'
                  : f.kind === 'claim_mismatch'
                    ? 'Repair'
                    : 'Fix'}
              </button>
            </li>
          ))}
        </ul>
      )}
      <p className="muted">
        Invoices involved:{' '}
        {[
          ...new Set(findings.flatMap((f) => f.invoices.map((r) => data.familyName(data.invoiceById.get(r.invoiceId)?.familyId ?? '')))),
        ].join(', ')}
      </p>
    </Dialog>
  );
}
