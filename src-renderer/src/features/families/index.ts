/** Families: the payers of lessons. */
import type { FeatureManifest } from '../../app/registry';
import { FamiliesScreen } from './FamiliesScreen';

export { MergeDialog } from './MergeDialog';
export { mergeDecision } from './merge-action';

export const familiesFeature: FeatureManifest = {
  id: 'families',
  screens: [{ path: '/families', label: 'Families', icon: 'family', section: 'practice', component: FamiliesScreen }],
};
