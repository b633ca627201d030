/** Settings: a sectioned page (the practice, this computer, then the sections other features contribute). */
import type { FeatureManifest } from '../../app/registry';
import { SettingsScreen } from './SettingsScreen';

export const settingsFeature: FeatureManifest = {
  id: 'settings',
  screens: [{ path: '/settings', label: 'Settings', icon: 'settings', section: 'admin', component: SettingsScreen }],
};

export { defaultPracticeSettings } from './defaults';
export { LocaleField, localeName, localeSample } from './LocaleField';
