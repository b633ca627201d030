/**
 * The lists a person must look at: conflicts the sync policy resolved but cannot judge (an
 * invoice issued on two computers, a lesson billed twice, draft edits after issue, notes with
 * several versions) and local changes the server refused, with the server's reason.
 */
import { useEffect, useState } from 'react';
import { useApp } from '../../app/AppContext';
import { navigate } from '../../app/router';
import { EmptyState } from '../../ui/EmptyState';
import { useToast } from '../../ui/Toast';
import { dismissQuarantined, dismissSyncConflict } from '../../data';
import type { CollectionName } from '../../../../src-shared/model/schemas';
import type { QuarantineRecord, SyncConflictRecord } from '../../../../src-shared/sync/conflicts';
import type { Note } from '../../../../src-shared/model/types';
import { collectionLabel, conflictFields, conflictTitle, formatSyncTime, recordRoute, recordTitle } from './describe';
import { useNotesWithVersions, useNow, useQuarantine, useSyncConflicts, useSyncController, useSyncSnapshot } from './hooks';
import { SyncIcon } from './SyncIcon';
import { countOf, formOf } from '../../../../src-shared/locale/count';
import { NOUNS } from '../../../../src-shared/locale/wording';

function When({ iso }: { iso: string }) {
  const app = useApp();
  const now = useNow();
  return <time dateTime={iso}>{formatSyncTime(iso, now, app.settings?.locale ?? 'en-GB', app.settings?.timeZone)}</time>;
}

function ConflictItem({ c }: { c: SyncConflictRecord }) {
  const app = useApp();
  const toast = useToast();
  const f = { locale: app.settings?.locale, timeZone: app.settings?.timeZone };
  const title = recordTitle(c.collection, c.kept, f);
  const fields = conflictFields(c.collection, c.kept, c.setAside, f);
  const headingId = `conflict-${c.key.replace(/[^a-z0-9]/gi, '-')}`;
  // A double billing involves two invoices: offer both.
  const invoices =
    c.collection === 'billingclaims' ? [String(c.kept.invoiceId ?? ''), String(c.setAside.invoiceId ?? '')].filter(Boolean) : [];
  const route = recordRoute(c.collection, c.kept, c.docId);
  return (
    <li className="card sync-item" aria-labelledby={headingId}>
      <div className="sync-item-icon tone-warning" aria-hidden="true">
        <SyncIcon name="merge" />
      </div>
      <div className="sync-item-body">
        <div className="sync-item-head">
          <h3 id={headingId}>{conflictTitle(c.kind)}</h3>
          <span className="muted sync-small">
            {title} · found <When iso={c.detectedAt} />
          </span>
        </div>
        <p>{c.message}</p>
        <details className="sync-details">
          <summary>Compare the kept and the set-aside versions</summary>
          <table className="sync-compare">
            <caption className="sr-only">Kept and set-aside versions of {title}</caption>
            <thead>
              <tr>
                <th scope="col">Field</th>
                <th scope="col">Kept (in use)</th>
                <th scope="col">Set aside</th>
              </tr>
            </thead>
            <tbody>
              {fields.map((f) => (
                <tr key={f.field} className={f.kept !== f.setAside ? 'diff' : undefined}>
                  <th scope="row">{f.field}</th>
                  <td>{f.kept}</td>
                  <td>{f.setAside}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
        <div className="toolbar">
          {invoices.length > 0
            ? invoices.map((id, i) => (
                <button key={id} type="button" className="btn btn-sm" onClick={() => navigate(`/invoices?id=${encodeURIComponent(id)}`)}>
                  <SyncIcon name="external" size={15} />
                  {i === 0 ? 'Open the kept invoice' : 'Open the other invoice'}
                </button>
              ))
            : route && (
                <button type="button" className="btn btn-sm" onClick={() => navigate(route)}>
                  <SyncIcon name="external" size={15} />
                  Open {collectionLabel(c.collection).toLowerCase()}
                </button>
              )}
          <button
            type="button"
            className="btn btn-sm"
            aria-label={`Mark as dealt with: ${conflictTitle(c.kind)}, ${title}`}
            onClick={async () => {
              await dismissSyncConflict(app.db, c.key);
              toast('Removed from the list');
            }}
          >
            Mark as dealt with
          </button>
        </div>
      </div>
    </li>
  );
}

function NoteVersionsItem({ note, studentName }: { note: Note; studentName: string }) {
  const route = recordRoute('notes', note as unknown as Record<string, unknown>);
  const headingId = `note-versions-${note.id}`;
  const n = note.conflicts.length;
  return (
    <li className="card sync-item" aria-labelledby={headingId}>
      <div className="sync-item-icon tone-busy" aria-hidden="true">
        <SyncIcon name="merge" />
      </div>
      <div className="sync-item-body">
        <div className="sync-item-head">
          <h3 id={headingId}>Note edited on two computers{note.title ? `: ${note.title}` : ''}</h3>
          <span className="muted sync-small">
            {studentName ? `${studentName} · ` : ''}changed <When iso={note.updatedAt} />
          </span>
        </div>
        <p>
          The same text was changed on two computers. Nothing was lost: the note keeps{' '}
          {formOf(n, { one: 'the other version', other: countOf(n, NOUNS.otherVersion) })} next to the current text. Open the note to choose
          or combine them.
        </p>
        {route && (
          <div className="toolbar">
            <button
              type="button"
              className="btn btn-sm"
              aria-label={`Open note${studentName ? ` for ${studentName}` : ''}`}
              onClick={() => navigate(route)}
            >
              <SyncIcon name="external" size={15} />
              Open note
            </button>
          </div>
        )}
      </div>
    </li>
  );
}

export function ConflictsTab() {
  const conflicts = useSyncConflicts();
  const notes = useNotesWithVersions();
  const names = useStudentNames(notes);
  if (conflicts.length === 0 && notes.length === 0) {
    return (
      <div className="card">
        <EmptyState icon="check" title="No conflicts">
          When the same record is changed on two computers, TutorDesk merges the changes field by field. Only the cases a person must judge
          (such as an invoice issued twice) are listed here.
        </EmptyState>
      </div>
    );
  }
  return (
    <div className="stack sync-tab">
      <p className="muted">
        These were changed on two computers at once. TutorDesk kept one version in use and set the other aside, so nothing is lost; check
        them and mark them as dealt with.
      </p>
      <ul className="list stack" aria-label="Conflicts to review">
        {conflicts.map((c) => (
          <ConflictItem key={c.key} c={c} />
        ))}
        {notes.map((n) => (
          <NoteVersionsItem key={n.id} note={n} studentName={names.get(n.studentIds[0] ?? '') ?? ''} />
        ))}
      </ul>
    </div>
  );
}

function useStudentNames(notes: Note[]): Map<string, string> {
  const ids = [...new Set(notes.flatMap((n) => n.studentIds.slice(0, 1)))];
  const { db } = useApp();
  const [map, setMap] = useState<Map<string, string>>(new Map());
  const key = ids.join('\n');
  useEffect(() => {
    if (ids.length === 0) return undefined;
    const sub = db.students.findByIds(ids).$.subscribe((m) => {
      const next = new Map<string, string>();
      for (const [id, d] of m) next.set(id, `${d.firstName} ${d.lastName}`.trim());
      setMap(next);
    });
    return () => sub.unsubscribe();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [db, key]);
  return map;
}

function RefusedItem({ q, canRetry }: { q: QuarantineRecord; canRetry: boolean }) {
  const app = useApp();
  const controller = useSyncController();
  const toast = useToast();
  const title = recordTitle(q.collection, q.doc, { locale: app.settings?.locale, timeZone: app.settings?.timeZone });
  const route = recordRoute(q.collection, q.doc, q.docId);
  const headingId = `refused-${q.collection}-${q.docId}`.replace(/[^a-z0-9-]/gi, '-');
  const [busy, setBusy] = useState(false);
  // A record from the server the local schema refuses: not on this computer, nothing to open or send.
  const fromServer = q.origin === 'server' || q.origin === 'update';
  return (
    <li className="card sync-item" aria-labelledby={headingId}>
      <div className="sync-item-icon tone-danger" aria-hidden="true">
        <SyncIcon name="ban" />
      </div>
      <div className="sync-item-body">
        <div className="sync-item-head">
          <h3 id={headingId}>{title}</h3>
          <span className="muted sync-small">
            {fromServer ? (
              <>
                {q.origin === 'update' ? 'Set aside when TutorDesk was updated' : 'Received from the server'}, not stored · id {q.docId} ·{' '}
                <When iso={q.quarantinedAt} />
              </>
            ) : (
              <>
                Refused <When iso={q.quarantinedAt} />
              </>
            )}
          </span>
        </div>
        <blockquote className="sync-reason">
          <span className="sr-only">{fromServer ? 'Why it was not stored: ' : "The server's reason: "}</span>
          {q.reason}
        </blockquote>
        <div className="toolbar">
          {route && !fromServer && (
            <button type="button" className="btn btn-sm" aria-label={`Open ${title}`} onClick={() => navigate(route)}>
              <SyncIcon name="external" size={15} />
              Open record
            </button>
          )}
          {!fromServer && (
            <button
              type="button"
              className="btn btn-sm btn-primary"
              disabled={!canRetry || busy}
              title={canRetry ? undefined : 'Connect to the server to retry'}
              aria-label={`Retry sending ${title}`}
              onClick={async () => {
                setBusy(true);
                try {
                  const ok = await controller.retryQuarantined(q.collection as CollectionName, q.docId);
                  toast(ok ? 'Sending it again' : 'Not connected: connect to the server first');
                } finally {
                  setBusy(false);
                }
              }}
            >
              Retry
            </button>
          )}
          <button
            type="button"
            className="btn btn-sm"
            aria-label={`Dismiss ${title}`}
            onClick={async () => {
              await dismissQuarantined(app.db, q.collection as CollectionName, q.docId);
              toast(fromServer ? 'Dismissed' : 'Dismissed: the change stays on this computer only');
            }}
          >
            Dismiss
          </button>
        </div>
      </div>
    </li>
  );
}

export function RefusedTab() {
  const list = useQuarantine();
  const snapshot = useSyncSnapshot();
  const canRetry = snapshot.phase === 'on' && snapshot.status !== null && snapshot.status.state !== 'error';
  if (list.length === 0) {
    return (
      <div className="card">
        <EmptyState icon="check" title="No refused changes">
          The server checks every change (for example, a tutor may only change their own lessons). Changes it refuses are listed here with
          its reason, and kept on this computer.
        </EmptyState>
      </div>
    );
  }
  return (
    <div className="stack sync-tab">
      <p className="muted">
        The server refused these changes. They are kept on this computer but not sent again until you retry them; everything else keeps
        syncing. Correct the record (or ask an admin for permission), then choose Retry. Dismiss removes the entry from this list and leaves
        the change on this computer only. Records received from the server that this version of TutorDesk cannot store are listed here too,
        with the reason; the rest of the sync goes on.
      </p>
      <ul className="list stack" aria-label="Refused changes">
        {list.map((q) => (
          <RefusedItem key={`${q.collection}/${q.docId}`} q={q} canRetry={canRetry} />
        ))}
      </ul>
    </div>
  );
}
