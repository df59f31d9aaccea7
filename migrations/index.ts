// The ordered list of migrations; a static list works the same from sources (tests) and from dist/.
import type { Knex } from 'knex';
import * as initial from './001_initial.js';
import * as stepDurations from './002_step_durations.js';
import * as calendars from './003_calendars.js';
import * as attachments from './004_attachments.js';
import * as delegations from './005_delegations.js';
import * as confidentialContent from './006_confidential_content.js';
import * as listAndReportIndexes from './007_list_and_report_indexes.js';
import * as engineMoves from './008_engine_moves.js';
import * as loopIterations from './009_loop_iterations.js';
import * as callActivities from './010_call_activities.js';
import * as keyOwnersAndDelegationEnds from './011_key_owners_and_delegation_ends.js';
import * as tokenProvenance from './012_token_provenance.js';
import * as uploadQuotaIndex from './013_upload_quota_index.js';
import * as instantWindow from './014_instant_window.js';
import * as calendarOverrides from './015_calendar_overrides.js';
import * as definitionSources from './016_definition_sources.js';
import * as instanceBusinessKeyIndex from './017_instance_business_key_index.js';
import * as jobsAndIncidents from './018_jobs_and_incidents.js';
import * as camundaAssignmentAndForms from './019_camunda_assignment_and_forms.js';
import * as versionLifecycle from './020_version_lifecycle.js';
import * as eventSubscriptions from './022_event_subscriptions.js';
import * as notificationsOutbox from './023_notifications_outbox.js';
import * as externalTasks from './024_external_tasks.js';
import * as auditTypeSeqIndex from './025_audit_type_seq_index.js';

export interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

export const migrations: ReadonlyArray<readonly [string, Migration]> = [
  ['001_initial', initial],
  ['002_step_durations', stepDurations],
  ['003_calendars', calendars],
  ['004_attachments', attachments],
  ['005_delegations', delegations],
  ['006_confidential_content', confidentialContent],
  ['007_list_and_report_indexes', listAndReportIndexes],
  ['008_engine_moves', engineMoves],
  ['009_loop_iterations', loopIterations],
  ['010_call_activities', callActivities],
  ['011_key_owners_and_delegation_ends', keyOwnersAndDelegationEnds],
  ['012_token_provenance', tokenProvenance],
  ['013_upload_quota_index', uploadQuotaIndex],
  ['014_instant_window', instantWindow],
  ['015_calendar_overrides', calendarOverrides],
  ['016_definition_sources', definitionSources],
  ['017_instance_business_key_index', instanceBusinessKeyIndex],
  ['018_jobs_and_incidents', jobsAndIncidents],
  ['019_camunda_assignment_and_forms', camundaAssignmentAndForms],
  ['020_version_lifecycle', versionLifecycle],
  ['022_event_subscriptions', eventSubscriptions],
  ['023_notifications_outbox', notificationsOutbox],
  ['024_external_tasks', externalTasks],
  ['025_audit_type_seq_index', auditTypeSeqIndex],
];
