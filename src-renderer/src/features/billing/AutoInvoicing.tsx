/**
 * Runs automatic invoicing (auto-invoicing-job.ts) once the app knows who uses it and the
 * practice's settings: a top-bar item that shows nothing. Once per start; again only if the
 * person using the laptop changes (a tutor's laptop never runs it).
 */
import { useEffect, useRef } from 'react';
import { useApp } from '../../app/AppContext';
import { getBridge } from '../../platform/bridge';
import { runAutoInvoicing } from './auto-invoicing-job';

export function AutoInvoicing() {
  const app = useApp();
  const appRef = useRef(app);
  appRef.current = app;
  const done = useRef(new Set<string>());
  const ready = app.settings !== null && app.me !== null;
  const who = app.me ? `${app.me.id}:${app.me.role}` : '';
  useEffect(() => {
    if (!ready || done.current.has(who)) return;
    done.current.add(who);
    runAutoInvoicing(appRef.current, getBridge()).catch((e: unknown) => console.warn('Automatic invoicing did not run', e));
  }, [ready, who]);
  return null;
}
