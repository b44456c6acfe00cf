import type { Viewer } from '../../auth/token';

export interface SubgraphContext<TServices> {
  viewer: Viewer | undefined;
  services: TServices;
}
