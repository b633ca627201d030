/**
 * What is typed into an autosaving form (ui/autosave.ts) is saved at once when the window hides,
 * is closed or reloaded, and when the form goes away: the lesson note editor and the invoice's
 * notes use it. Returns the cleanup for a React effect, which saves once more as it runs.
 */
export function flushOnLeave(saver: { flush(): Promise<void> }): () => void {
  const flushNow = () => void saver.flush().catch(() => {});
  const onVisibility = () => document.visibilityState === 'hidden' && flushNow();
  document.addEventListener('visibilitychange', onVisibility);
  window.addEventListener('pagehide', flushNow);
  window.addEventListener('beforeunload', flushNow);
  return () => {
    document.removeEventListener('visibilitychange', onVisibility);
    window.removeEventListener('pagehide', flushNow);
    window.removeEventListener('beforeunload', flushNow);
    flushNow();
  };
}
