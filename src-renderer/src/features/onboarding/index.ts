/** Onboarding: the first-run screen (set up a practice or load the sample one). */
import type { FeatureManifest } from '../../app/registry';
import { Welcome } from './Welcome';

export const onboardingFeature: FeatureManifest = { id: 'onboarding', firstRun: Welcome };

export { loadSamplePractice } from './load-sample';
