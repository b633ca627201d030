/** A sync failure as the Sync screen and the top bar's panel show it: what went wrong, the server's words, what to do, and when to try again (a locked account). */
import { useApp } from '../../app/AppContext';
import { Alert } from '../../ui/Alert';
import type { SyncErrorKind } from '../../data';
import { errorTitle, retryAfterText } from './describe';
import { useNow } from './hooks';
import { SyncIcon } from './SyncIcon';

interface ShownSyncError {
  kind: SyncErrorKind;
  message: string;
  action: string;
  retryAfter?: string;
}

export function SyncErrorAlert({ error, role }: { error: ShownSyncError; role?: 'alert' }) {
  const app = useApp();
  const now = useNow();
  return (
    <Alert tone="error" className="sync-alert" {...(role ? { role } : {})} icon={<SyncIcon name="alert" />} title={errorTitle(error.kind)}>
      <p>{error.message}</p>
      <p>{error.action}</p>
      {error.retryAfter && <p>{retryAfterText(error.retryAfter, now, app.settings?.locale, app.settings?.timeZone)}</p>}
    </Alert>
  );
}
