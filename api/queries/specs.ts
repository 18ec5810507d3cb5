// Every module's SQL snapshot spec (api/modules/<m>/queries.sql-spec.ts); the test fails when a
// module's queries.ts has no spec here.
import areas from '../modules/areas/queries.sql-spec.ts';
import audit from '../modules/audit/queries.sql-spec.ts';
import auth from '../modules/auth/queries.sql-spec.ts';
import crosscheck from '../modules/crosscheck/queries.sql-spec.ts';
import datasets from '../modules/datasets/queries.sql-spec.ts';
import files from '../modules/files/queries.sql-spec.ts';
import funds from '../modules/funds/queries.sql-spec.ts';
import health from '../modules/health/queries.sql-spec.ts';
import households from '../modules/households/queries.sql-spec.ts';
import oversight from '../modules/oversight/queries.sql-spec.ts';
import sms from '../modules/sms/queries.sql-spec.ts';
import printing from '../modules/printing/queries.sql-spec.ts';
import procedures from '../modules/procedures/queries.sql-spec.ts';
import projects from '../modules/projects/queries.sql-spec.ts';
import registry from '../modules/registry/queries.sql-spec.ts';
import tiles from '../modules/tiles/queries.sql-spec.ts';
import lines from '../modules/lines/queries.sql-spec.ts';
import spatialQa from '../modules/spatial-qa/queries.sql-spec.ts';
import stats from '../modules/stats/queries.sql-spec.ts';
import type { ModuleSpec } from './capture.ts';

export const SPECS: readonly ModuleSpec[] = [
  areas,
  audit,
  auth,
  crosscheck,
  datasets,
  files,
  funds,
  health,
  households,
  oversight,
  sms,
  printing,
  procedures,
  projects,
  registry,
  tiles,
  lines,
  spatialQa,
  stats,
];
