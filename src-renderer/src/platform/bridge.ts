/**
 * The renderer's only way to its host: the preload's `window.tutordesk` in Electron, or the
 * browser implementation otherwise. Both implement TutorBridge from src-shared/bridge.ts.
 */
import type { TutorBridge } from '../../../src-shared/bridge';
import { createBrowserBridge } from './browser-bridge';

/** What the browser says about e-mail (features may not import the browser bridge itself). */
export { MAIL_NEEDS_DESKTOP } from './browser-bridge';

declare global {
  interface Window {
    tutordesk?: TutorBridge;
  }
  const __APP_VERSION__: string;
}

let bridge: TutorBridge | null = null;

export function getBridge(): TutorBridge {
  if (!bridge) bridge = window.tutordesk ?? createBrowserBridge();
  return bridge;
}

export const isDesktop = (): boolean => Boolean(window.tutordesk);
