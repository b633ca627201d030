/** A period of local dates (from, to) with quick ranges, for the reports and payroll. */
import { TextField } from '../../ui/Field';
import { monthRange } from '../../../../src-shared/billing/dates';
import { previousMonth, useToday } from './data';

type Preset = 'this-month' | 'last-month' | 'this-year' | 'last-12';

export function presetRange(preset: Preset, today: string): { from: string; to: string } {
  const month = today.slice(0, 7);
  if (preset === 'this-month') return { from: monthRange(month).start, to: today };
  if (preset === 'last-month') {
    const r = monthRange(previousMonth(today));
    return { from: r.start, to: r.end };
  }
  if (preset === 'this-year') return { from: `${today.slice(0, 4)}-01-01`, to: today };
  // Last 12 months: the current month and the 11 before it.
  let y = Number(today.slice(0, 4));
  let m = Number(today.slice(5, 7)) - 11;
  if (m < 1) {
    m += 12;
    y -= 1;
  }
  return { from: `${y}-${String(m).padStart(2, '0')}-01`, to: today };
}

export function RangePicker({
  from,
  to,
  onChange,
  error,
}: {
  from: string;
  to: string;
  onChange: (r: { from: string; to: string }) => void;
  error?: string;
}) {
  const today = useToday();
  return (
    <div className="inv-filters">
      <TextField label="From" type="date" value={from} onChange={(f) => onChange({ from: f, to })} />
      <TextField label="To" type="date" value={to} onChange={(t) => onChange({ from, to: t })} error={error} />
      <div className="toolbar" role="group" aria-label="Quick ranges">
        {(
          [
            ['this-month', 'This month'],
            ['last-month', 'Last month'],
            ['this-year', 'This year'],
            ['last-12', 'Last 12 months'],
          ] as [Preset, string][]
        ).map(([p, label]) => (
          <button key={p} type="button" className="btn btn-sm" onClick={() => onChange(presetRange(p, today))}>
            {label}
          </button>
        ))}
      </div>
    </div>
  );
}
