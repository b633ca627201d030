/** Onboarding: the first-run screen (set up a practice, load the sample one, join one from its server, restore a backup). */
import type { FeatureManifest } from '../../app/registry';
import { Welcome } from './Welcome';
import { useJoinRunning } from './join-state';

export const onboardingFeature: FeatureManifest = { id: 'onboarding', firstRun: Welcome, firstRunStays: useJoinRunning };

export { loadSamplePractice } from './load-sample';
