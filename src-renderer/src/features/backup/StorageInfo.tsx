/**
 * Settings → Backups → "Storage on this computer": how much the practice's storage uses of what
 * the browser allows, and whether it is persistent (docs/backup.md "Storage").
 */
import { useEffect, useState } from 'react';
import { useApp } from '../../app/AppContext';
import { formatBytes, requestPersistentStorage, storageFacts, type StorageFacts } from './storage';

export function StorageInfo() {
  const app = useApp();
  const [facts, setFacts] = useState<StorageFacts | null>(null);
  useEffect(() => {
    let live = true;
    void requestPersistentStorage()
      .then(() => storageFacts())
      .then((f) => {
        if (live) setFacts(f);
      });
    return () => {
      live = false;
    };
  }, []);
  const bytes = (n: number) => formatBytes(n, app.format.number);
  const share = facts?.usage != null && facts.quota ? (facts.usage / facts.quota) * 100 : null;
  return (
    <section className="stack card-part" aria-labelledby="storage-title">
      <h3 id="storage-title">Storage on this computer</h3>
      {facts === null ? (
        <p className="muted">Reading the storage figures…</p>
      ) : (
        <>
          <p role="status" aria-label="Storage used">
            {facts.usage != null && facts.quota != null ? (
              <>
                TutorDesk uses <strong>{bytes(facts.usage)}</strong> of the <strong>{bytes(facts.quota)}</strong> it may use on this
                computer
                {share === null
                  ? ''
                  : share < 0.1
                    ? ` (less than ${app.format.number(0.1, 1)} %)`
                    : ` (${app.format.number(share, share < 1 ? 1 : 0)} %)`}
                .
              </>
            ) : (
              'This browser does not tell how much storage TutorDesk uses.'
            )}
          </p>
          <p role="status" aria-label="Persistent storage">
            {facts.persisted === true
              ? 'Storage is persistent: the browser will not clear the practice to make room when the disk runs low.'
              : facts.persisted === false
                ? 'Storage is not persistent: when the disk runs low, the browser may clear the practice to make room. Keep a recent backup elsewhere; the desktop app’s storage is kept.'
                : 'This browser does not say whether the practice’s storage is persistent. Keep a recent backup elsewhere.'}
          </p>
        </>
      )}
    </section>
  );
}
