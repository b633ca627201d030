import { useEffect } from 'react';
import { useApp } from './AppContext';
import { NAV_SECTIONS, useFeatureRegistry, type TopbarContribution } from './registry';
import { answerLeaveQuestion, navigate, useLeaveQuestion, useRoute } from './router';
import { ErrorBoundary, PartFailure } from '../ui/ErrorBoundary';
import { Icon } from '../ui/Icon';
import { UnsavedChangesDialog } from '../ui/UnsavedChangesDialog';
import { getBridge } from '../platform/bridge';
import { appMounted } from './startup';

const MENU_ROUTES: Record<string, string> = {
  'new-student': '/students?new=1',
  'new-family': '/families?new=1',
  settings: '/settings',
};

export function App() {
  const { settings, me } = useApp();
  const { screens, topbar, firstRun: FirstRun, firstRunStays: useFirstRunStays } = useFeatureRegistry();
  const route = useRoute();
  // "Discard unsaved changes?", asked by the router before leaving a changed form.
  const leaving = useLeaveQuestion();
  // A hook given by the feature of the first-run screen (called on every render, as hooks must be).
  const stay = useFirstRunStays();

  // After the first commit: the opened screen's live queries have started (app/startup.ts).
  useEffect(() => appMounted(), []);

  useEffect(
    () =>
      getBridge().onEvent((e) => {
        if (e.type === 'navigate') navigate(e.route);
        if (e.type === 'menu' && MENU_ROUTES[e.command]) navigate(MENU_ROUTES[e.command]!);
      }),
    [],
  );

  if (!settings || (stay && FirstRun)) return FirstRun ? <FirstRun /> : null;

  const active = screens.find((f) => route.path === f.path || route.path.startsWith(`${f.path}/`)) ?? screens[0]!;
  const Screen = active.component;

  return (
    <div className="app">
      <nav className="sidebar" aria-label="Main">
        <div className="brand">
          <div className="brand-mark" aria-hidden="true">
            T
          </div>
          <div>
            <div className="brand-name">TutorDesk</div>
            <div className="brand-sub" title={settings.name}>
              {settings.name}
            </div>
          </div>
        </div>
        {NAV_SECTIONS.map((section) => {
          const items = screens.filter((f) => f.section === section.id);
          if (items.length === 0) return null;
          return (
            <div key={section.id} role="group" aria-label={section.label}>
              <div className="nav-section" aria-hidden="true">
                {section.label}
              </div>
              {items.map((f) => (
                <a key={f.path} className="nav-link" href={`#${f.path}`} aria-current={f === active ? 'page' : undefined}>
                  <Icon name={f.icon} />
                  {f.label}
                </a>
              ))}
            </div>
          );
        })}
        <div className="sidebar-footer">
          <span>
            Signed in as <strong>{me?.name ?? 'nobody yet'}</strong>
          </span>
        </div>
      </nav>
      <div className="main">
        {topbar.start.length + topbar.end.length > 0 && (
          <header className="topbar">
            {topbar.start.map((item) => (
              <TopbarSlot key={item.id} item={item} />
            ))}
            <span className="spacer" />
            {topbar.end.map((item) => (
              <TopbarSlot key={item.id} item={item} />
            ))}
          </header>
        )}
        <main className="content" id="main">
          {/* A screen that cannot be drawn (e.g. a record it cannot show) says so; the rest of the app stays. */}
          <ErrorBoundary
            resetKeys={[active.path, route.path, route.query.toString()]}
            fallback={(error, retry) => (
              <div className="page">
                <PartFailure what={`The ${active.label} screen`} error={error} retry={retry} />
              </div>
            )}
          >
            <Screen />
          </ErrorBoundary>
        </main>
      </div>
      {leaving && (
        <UnsavedChangesDialog
          labels={leaving.labels}
          onKeep={() => answerLeaveQuestion(false)}
          onDiscard={() => answerLeaveQuestion(true)}
        />
      )}
    </div>
  );
}

/** One item of the top bar; if it cannot be drawn, a small notice takes its place. */
function TopbarSlot({ item }: { item: TopbarContribution }) {
  return (
    <ErrorBoundary
      fallback={(error) => (
        <span className="topbar-failure" role="status" title={error.message}>
          <Icon name="alert" size={14} /> {item.label} could not be shown
        </span>
      )}
    >
      <item.component />
    </ErrorBoundary>
  );
}
