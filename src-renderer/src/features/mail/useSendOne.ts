/**
 * One message to a family from a dialog (an invoice, a statement, a progress report): what it
 * would be (`composed`, for the preview), and `submit`, which queues it in the outbox on the
 * desktop, or opens it in the person's mail app in the browser (which cannot send).
 */
import { useMemo, useState } from 'react';
import { useApp } from '../../app/AppContext';
import { useToast } from '../../ui/Toast';
import { getBridge } from '../../platform/bridge';
import { compose, queueMessage, type Composed, type Draft } from './compose';
import { mailtoHref, useMailAvailable } from './useMailAvailable';

export interface SendOne {
  available: boolean | null;
  composed: Composed;
  busy: boolean;
  /** The failure to show: the queue's, or why the message cannot be composed. */
  error: string;
  submitLabel: string;
  submit(): Promise<void>;
}

export function useSendOne(draft: Draft, onDone: () => void): SendOne {
  const app = useApp();
  const toast = useToast();
  const available = useMailAvailable();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const composed = useMemo(() => compose(draft, app.settings!), [draft, app.settings]);
  const submit = async () => {
    if (!composed.ok) return;
    if (available === false) {
      await getBridge().openExternal(mailtoHref(composed.to, composed.mail.subject, composed.mail.text));
      onDone();
      return;
    }
    setBusy(true);
    try {
      const r = await queueMessage(app.db, app.ctx(), draft, app.settings!);
      if ('skipped' in r) setError(r.skipped);
      else {
        toast('E-mail queued: it goes as soon as this computer is online');
        onDone();
      }
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return {
    available,
    composed,
    busy: busy || available === null || !composed.ok,
    error: error || (composed.ok ? '' : composed.reason),
    submitLabel: available === false ? 'Open in my mail app' : 'Send',
    submit,
  };
}
