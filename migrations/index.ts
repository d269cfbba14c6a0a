import { InitialSchema1763800000000 } from './1763800000000-initial-schema';

/** Every migration, in order; listed explicitly so they load the same under jest and from dist/. */
export const migrations = [InitialSchema1763800000000];
