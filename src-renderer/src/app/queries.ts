/**
 * Read hooks over the practice's core records that several features share (beside
 * `useLiveQuery` in AppContext.tsx).
 */
import { useEffect, useState } from 'react';
import { useApp } from './AppContext';
import type { Student } from '../../../src-shared/model/types';

/** Display names of a few students, by id (live; primary-key lookups only). */
export function useStudentNames(ids: readonly string[]): Map<string, string> {
  const { db } = useApp();
  const [names, setNames] = useState<Map<string, string>>(new Map());
  const key = ids.join(',');
  useEffect(() => {
    const sub = db.students.findByIds([...ids]).$.subscribe((m) => {
      const out = new Map<string, string>();
      for (const [id, d] of m) {
        const s = d.toJSON() as Student;
        out.set(id, `${s.firstName} ${s.lastName}`.trim());
      }
      setNames(out);
    });
    return () => sub.unsubscribe();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [db, key]);
  return names;
}
