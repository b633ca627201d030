import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { tutorDexieStorage } from './data';
import './styles.css';
import { App } from './app/App';
import { AppProvider, loadDevice } from './app/AppContext';
import { createTutorDatabase } from './data';
import { ToastProvider } from './ui/Toast';
import { installTestHooks } from './app/test-hooks';

async function start() {
  const root = createRoot(document.getElementById('root')!);
  try {
    const db = await createTutorDatabase({ name: 'tutordesk', storage: tutorDexieStorage(), validate: 'precompiled' });
    const device = await loadDevice(db);
    if (new URLSearchParams(window.location.search).has('testHooks')) installTestHooks(db);
    root.render(
      <StrictMode>
        <ToastProvider>
          <AppProvider db={db} initialDevice={device}>
            <App />
          </AppProvider>
        </ToastProvider>
      </StrictMode>,
    );
  } catch (e) {
    console.error(e);
    root.render(
      <div className="empty" role="alert">
        <h2>TutorDesk could not open its database</h2>
        <p>{(e as Error).message}</p>
        <p>Your data has not been changed. Close other TutorDesk windows and start it again.</p>
      </div>,
    );
  }
}

void start();
