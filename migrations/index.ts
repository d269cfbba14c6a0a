import { InitialSchema1763800000000 } from './1763800000000-initial-schema';
import { ClassroomRostersAndTraceActivity1795371233939 } from './1795371233939-classroom-rosters-and-trace-activity';

/** Every migration, in order; listed explicitly so they load the same under jest and from dist/. */
export const migrations = [InitialSchema1763800000000, ClassroomRostersAndTraceActivity1795371233939];
