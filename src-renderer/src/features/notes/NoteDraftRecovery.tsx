import { useEffect } from 'react';
import { useApp } from '../../app/AppContext';
import { useToast } from '../../ui/Toast';
import { listNoteDrafts, recoverNoteDrafts } from './draft-journal';
import { countOf, formOf } from '../../../../src-shared/locale/count';
import { NOUNS } from '../../../../src-shared/locale/wording';

/**
 * Mounted once with the app shell (a top bar item that renders nothing): puts back note text that
 * was typed but not saved when the app last closed.
 */
export function NoteDraftRecovery() {
  const app = useApp();
  const toast = useToast();
  useEffect(() => {
    if (listNoteDrafts(app.db.name).length === 0) return;
    void recoverNoteDrafts(app.db, (id, values) => app.save('notes', id, values), app.ctx()).then((n) => {
      if (n > 0)
        toast(formOf(n, { one: 'Unsaved text of a note was recovered', other: `Unsaved text of ${countOf(n, NOUNS.note)} was recovered` }));
    });
    // Once per database.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [app.db]);
  return null;
}
