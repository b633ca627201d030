/**
 * Window background colours, shown before the page paints (avoids a white flash in dark mode).
 * Keep them equal to the renderer's page background of each theme.
 */
export const BACKGROUND = { light: '#f6f7f9', dark: '#15171c' } as const;

export const backgroundColor = (dark: boolean): string => (dark ? BACKGROUND.dark : BACKGROUND.light);
