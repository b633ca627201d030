import { useEffect } from 'react';
import { useApp } from './AppContext';
import { FEATURES, TOPBAR } from './features';
import { navigate, useRoute } from './router';
import { Icon } from '../ui/Icon';
import { Welcome } from '../features/onboarding/Welcome';
import { getBridge } from '../platform/bridge';
import { appMounted } from './startup';

const SECTIONS: { id: 'practice' | 'money' | 'admin'; label: string }[] = [
  { id: 'practice', label: 'Practice' },
  { id: 'money', label: 'Money' },
  { id: 'admin', label: 'Admin' },
];

const MENU_ROUTES: Record<string, string> = {
  'new-student': '/students?new=1',
  'new-family': '/families?new=1',
  settings: '/settings',
};

export function App() {
  const { settings, me } = useApp();
  const route = useRoute();

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

  if (!settings) return <Welcome />;

  const active = FEATURES.find((f) => route.path === f.path || route.path.startsWith(`${f.path}/`)) ?? FEATURES[0]!;
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
        {SECTIONS.map((section) => {
          const items = FEATURES.filter((f) => f.section === section.id);
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
        {TOPBAR.length > 0 && (
          <header className="topbar">
            {[...TOPBAR]
              .filter((i) => i.order < 50)
              .sort((a, b) => a.order - b.order)
              .map((item) => (
                <item.component key={item.id} />
              ))}
            <span className="spacer" />
            {[...TOPBAR]
              .filter((i) => i.order >= 50)
              .sort((a, b) => a.order - b.order)
              .map((item) => (
                <item.component key={item.id} />
              ))}
          </header>
        )}
        <main className="content" id="main">
          <Screen />
        </main>
      </div>
    </div>
  );
}
