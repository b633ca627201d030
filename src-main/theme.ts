/**
 * Window background colours, shown before the page paints (avoids a white flash in dark mode).
 * Keep them equal to the renderer's page background of each theme.
 */
export const BACKGROUND = { light: '#f6f7fb', dark: '#0f1220' } as const;

export const backgroundColor = (dark: boolean): string => (dark ? BACKGROUND.dark : BACKGROUND.light);
