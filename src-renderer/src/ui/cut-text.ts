/**
 * On hovering a header or a cell, the text it cuts (with an ellipsis) becomes its tooltip, so
 * the whole text is one pointer away; text that fits has none. Screen readers read the whole
 * text anyway: only the drawing is cut. Used by ui/DataTable.tsx and ui/ReportTable.tsx on their <table>.
 */
export function titleCutText(event: { target: EventTarget | null }): void {
  const target = event.target instanceof Element ? event.target : null;
  const cell = target?.closest<HTMLElement>('th, td');
  if (!cell) return;
  const cut: string[] = [];
  for (const el of [cell, ...cell.querySelectorAll<HTMLElement>('*')]) {
    if (el.scrollWidth <= el.clientWidth + 1 || getComputedStyle(el).overflowX === 'visible') continue;
    const text = (el.textContent ?? '').trim();
    if (text && !cut.includes(text)) cut.push(text);
  }
  if (cut.length > 0) cell.title = cut.join(' · ');
  else cell.removeAttribute('title');
}
