// SQL snapshot cases of health/queries.ts → api/queries/health.sql (docs/decisions/0019).
import { moduleSpec } from '../../queries/capture.ts';
import * as q from './queries.ts';

export default moduleSpec('health', 'api/modules/health/queries.ts', q, {
  healthFacts: [{ run: (db) => q.healthFacts(db) }],
});
