import { useEffect, useState } from 'react';
import { getBridge } from '../../platform/bridge';

/** Whether this host can send e-mail (the desktop app); null while asking. */
export function useMailAvailable(): boolean | null {
  const [available, setAvailable] = useState<boolean | null>(null);
  useEffect(() => {
    let live = true;
    void Promise.resolve()
      .then(() => getBridge().mail.available())
      .then((a) => live && setAvailable(a))
      .catch(() => live && setAvailable(false));
    return () => {
      live = false;
    };
  }, []);
  return available;
}

/** A mailto: link with the message's recipients, subject and plain text (the browser's fallback). */
export function mailtoHref(to: readonly { address: string }[], subject: string, text: string): string {
  const q = new URLSearchParams({ subject, body: text }).toString().replace(/\+/g, '%20');
  return `mailto:${to.map((t) => encodeURIComponent(t.address)).join(',')}?${q}`;
}
