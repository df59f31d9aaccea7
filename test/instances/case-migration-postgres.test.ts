// The 100-case migration of case-migration.test.ts on PostgreSQL (a file of its own: each takes most of a minute).
import t from 'tap';
import { postgresAvailable } from '../helpers/app.js';
import { hundredCases } from '../helpers/migration-scenario.js';

// About 700 requests: more than the suite's 120 s per file on a loaded machine (the runner is told, see @tapjs/core).
t.setTimeout(400_000);

t.test('postgres: 100 cases at mixed steps move to a version that renamed a task', { skip: !(await postgresAvailable()) && 'PostgreSQL is not reachable' }, (t) => hundredCases(t, 'postgres'));
