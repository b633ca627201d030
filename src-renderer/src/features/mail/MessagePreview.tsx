/** A message as its recipient will see it: recipients, subject, attachments and the HTML part (sandboxed). */
import { useState } from 'react';
import type { RenderedMail } from '../../../../src-shared/mail/templates';
import './mail.css';

export function MessagePreview(props: {
  to: readonly { name: string; address: string }[];
  mail: Pick<RenderedMail, 'subject' | 'html' | 'text'>;
  attachments: readonly string[];
}) {
  const [plain, setPlain] = useState(false);
  return (
    <div className="mail-preview">
      <dl className="mail-headers">
        <dt>To</dt>
        <dd>{props.to.map((t) => (t.name ? `${t.name} <${t.address}>` : t.address)).join(', ')}</dd>
        <dt>Subject</dt>
        <dd>{props.mail.subject}</dd>
        {props.attachments.length > 0 && (
          <>
            <dt>Attached</dt>
            <dd>{props.attachments.join(', ')}</dd>
          </>
        )}
      </dl>
      <div className="mail-preview-tabs" role="group" aria-label="Show the message as">
        <button type="button" className="btn btn-sm" aria-pressed={!plain} onClick={() => setPlain(false)}>
          Formatted
        </button>
        <button type="button" className="btn btn-sm" aria-pressed={plain} onClick={() => setPlain(true)}>
          Plain text
        </button>
      </div>
      {plain ? (
        <pre className="mail-plain" aria-label="Plain text of the message">
          {props.mail.text}
        </pre>
      ) : (
        <iframe className="mail-frame" title="Message preview" sandbox="" srcDoc={props.mail.html} />
      )}
    </div>
  );
}
