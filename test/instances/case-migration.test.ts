// Moving running cases to another version, as Camunda's migration API, on SQLite: a dry run reports every case, the
// migration moves each passing case in its own transaction (engine state, task rows with the new standard, an audit
// event), each moved case finishes on the new version, and a case that cannot move stays where it was.
import t from 'tap';
import { hundredCases } from '../helpers/migration-scenario.js';

// About 700 requests: more than the suite's 120 s per file on a loaded machine (the runner is told, see @tapjs/core).
t.setTimeout(400_000);

t.test('sqlite: 100 cases at mixed steps move to a version that renamed a task', (t) => hundredCases(t, 'sqlite'));
