/** The "Sync" screen (admin section): connection settings, conflicts to review, refused changes. */
import { useRef, type KeyboardEvent } from 'react';
import { navigate, useRoute } from '../../app/router';
import { ConnectionTab } from './ConnectionTab';
import { ConflictsTab, RefusedTab } from './ReviewTabs';
import { useNotesWithVersions, useSyncConflicts, useQuarantine } from './hooks';

const TABS = [
  { id: 'connection', label: 'Connection' },
  { id: 'conflicts', label: 'Conflicts' },
  { id: 'refused', label: 'Refused changes' },
] as const;
type TabId = (typeof TABS)[number]['id'];

export function SyncScreen() {
  const route = useRoute();
  const raw = route.query.get('tab');
  const tab: TabId = raw === 'conflicts' || raw === 'refused' ? raw : 'connection';
  const conflicts = useSyncConflicts().length + useNotesWithVersions().length;
  const refused = useQuarantine().length;
  const counts: Record<TabId, number> = { connection: 0, conflicts, refused };
  const refs = useRef<Record<string, HTMLButtonElement | null>>({});

  const select = (id: TabId, focus = false) => {
    navigate(id === 'connection' ? '/sync' : `/sync?tab=${id}`);
    if (focus) refs.current[id]?.focus();
  };
  const onKey = (e: KeyboardEvent) => {
    const i = TABS.findIndex((t) => t.id === tab);
    let next = -1;
    if (e.key === 'ArrowRight') next = (i + 1) % TABS.length;
    if (e.key === 'ArrowLeft') next = (i - 1 + TABS.length) % TABS.length;
    if (e.key === 'Home') next = 0;
    if (e.key === 'End') next = TABS.length - 1;
    if (next >= 0) {
      e.preventDefault();
      select(TABS[next]!.id, true);
    }
  };

  return (
    <div className="page sync-page">
      <div className="page-header">
        <div>
          <h1>Sync</h1>
          <p>Share this practice between computers through a sync server. Everything keeps working offline.</p>
        </div>
      </div>
      <div className="sync-tabs" role="tablist" aria-label="Sync" onKeyDown={onKey}>
        {TABS.map((t) => (
          <button
            key={t.id}
            ref={(el) => {
              refs.current[t.id] = el;
            }}
            type="button"
            role="tab"
            id={`sync-tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`sync-panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            className="sync-tab-btn"
            onClick={() => select(t.id)}
          >
            {t.label}
            {counts[t.id] > 0 && <span className="sync-tab-count">{counts[t.id]}</span>}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`sync-panel-${tab}`} aria-labelledby={`sync-tab-${tab}`}>
        {tab === 'connection' && <ConnectionTab />}
        {tab === 'conflicts' && <ConflictsTab />}
        {tab === 'refused' && <RefusedTab />}
      </div>
    </div>
  );
}
