/** Search: the top bar's search over students, families and notes, and the index behind it. */
import type { FeatureManifest } from '../../app/registry';
import { SearchBox } from './SearchBox';

export const searchFeature: FeatureManifest = {
  id: 'search',
  topbar: [{ id: 'search', label: 'Search', side: 'start', component: SearchBox }],
};

export { getSearchService, type SearchService } from './search-service';
