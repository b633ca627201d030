import { Alert } from './Alert';
import { Icon } from './Icon';
import { countOf } from '../../../src-shared/locale/count';

/** Records a screen leaves out because it cannot show them, each with its id and the reason. */
export function SkippedRecords({
  records,
  noun,
  where,
}: {
  records: readonly { id: string; reason: string }[];
  noun: [string, string];
  where: string;
}) {
  if (records.length === 0) return null;
  const shown = records.slice(0, 5);
  return (
    <Alert
      tone="warning"
      role="status"
      icon={<Icon name="alert" />}
      title={`${countOf(records.length, { one: noun[0], other: noun[1] })} could not be shown ${where}.`}
    >
      <ul className="skipped-list">
        {shown.map((r) => (
          <li key={r.id}>
            <code>{r.id}</code>: {r.reason}.
          </li>
        ))}
        {records.length > shown.length && <li>…and {records.length - shown.length} more.</li>}
      </ul>
      Everything else is shown. Correct or delete the record where it was written (another computer or the server).
    </Alert>
  );
}
