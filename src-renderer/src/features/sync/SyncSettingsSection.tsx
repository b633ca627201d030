/** The Settings screen's pointer to the Sync screen, with the current state. */
import { useApp } from '../../app/AppContext';
import { navigate } from '../../app/router';
import { describeIndicator } from './describe';
import { useNow, useSyncSnapshot } from './hooks';
import { SyncIcon } from './SyncIcon';

export function SyncSettingsSection() {
  const app = useApp();
  const snapshot = useSyncSnapshot();
  const now = useNow();
  const tz = app.settings?.timeZone;
  const text = describeIndicator(snapshot.phase, snapshot.status, {
    now,
    locale: app.settings?.locale ?? 'en-GB',
    ...(tz ? { timeZone: tz } : {}),
  });
  const account = snapshot.account;
  return (
    <section className="card card-pad stack" aria-labelledby="settings-sync-title">
      <h2 id="settings-sync-title">Sync</h2>
      <div className="sync-settings-row">
        <div className={`sync-status-icon tone-${text.tone}`} aria-hidden="true">
          <SyncIcon name={snapshot.phase === 'on' ? 'cloud-check' : 'cloud-off'} size={20} />
        </div>
        <p>
          {snapshot.phase === 'on' && account
            ? `${text.label}. Connected to ${account.serverUrl} as ${account.username} (practice ${account.practice}).`
            : 'This computer does not sync yet. Connect it to your practice’s sync server to share students, lessons, notes and invoices with your other computers and colleagues.'}
        </p>
        <button type="button" className="btn" onClick={() => navigate('/sync')}>
          Open sync settings
        </button>
      </div>
    </section>
  );
}
