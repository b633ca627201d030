/**
 * IPC channel names: one per TutorBridge method (re-exported by bridge.ts). Kept in a module of
 * its own, free of zod, so the sandboxed preload can import it without bundling the schemas.
 */
export const IPC = {
  appInfo: 'td:app-info',
  saveFile: 'td:save-file',
  openFile: 'td:open-file',
  renderPdf: 'td:render-pdf',
  savePdf: 'td:save-pdf',
  savePdfBatch: 'td:save-pdf-batch',
  notify: 'td:notify',
  openExternal: 'td:open-external',
  isOnline: 'td:is-online',
  syncGetAccount: 'td:sync-get-account',
  syncSaveCredentials: 'td:sync-save-credentials',
  syncClearCredentials: 'td:sync-clear-credentials',
  syncFetch: 'td:sync-fetch',
  syncKeepPracticeKey: 'td:sync-keep-practice-key',
  syncLoadPracticeKey: 'td:sync-load-practice-key',
  syncForgetPracticeKey: 'td:sync-forget-practice-key',
  backupsSaveAutomatic: 'td:backups-save-automatic',
  backupsListAutomatic: 'td:backups-list-automatic',
  backupsReadAutomatic: 'td:backups-read-automatic',
  mailAvailable: 'td:mail-available',
  mailGetAccount: 'td:mail-get-account',
  mailSaveAccount: 'td:mail-save-account',
  mailClearAccount: 'td:mail-clear-account',
  mailSendTest: 'td:mail-send-test',
  mailSend: 'td:mail-send',
  event: 'td:event',
} as const;
