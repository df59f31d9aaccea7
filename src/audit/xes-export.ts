// The audit export as an IEEE 1849-2016 XES event log (a trace per instance), streamed trace by trace.
import type { Knex } from 'knex';
import { readExportRows, type ExportFilter, type ExportOptions, type ExportRow } from './csv-export.js';

export interface XesExportOptions extends ExportOptions {
  /** When the log was written (ISO 8601 UTC), stored as `sop:exportedAt`; default now. */
  exportedAt?: string;
}

/**
 * The attribute keys this log writes besides the standard extensions' ones. The `sop:` prefix names our own
 * vocabulary; it is not a declared XES extension, so tools keep the attributes as plain ones.
 * Every key is an xs:Name, as the schema requires.
 */
export const XES_SOP_KEYS = {
  /** log: when the export was made (date); the filter it used: definitionKey (string), version (int), from / to (date). */
  exportedAt: 'sop:exportedAt',
  definitionKey: 'sop:definitionKey',
  version: 'sop:version',
  from: 'sop:from',
  to: 'sop:to',
  /** trace: the instance's business key and status (string). */
  businessKey: 'sop:businessKey',
  instanceStatus: 'sop:instanceStatus',
  /** event: the task row's id, the BPMN element id and the step number as printed on the SOP sheet (string). */
  taskId: 'sop:taskId',
  elementId: 'sop:elementId',
  step: 'sop:step',
  /** event: working time allowed by the mutu baku (int, ms) and the due time (date). */
  standardMs: 'sop:standardMs',
  dueAt: 'sop:dueAt',
  /** complete event: working time and wall time from the clock start to completion (int, ms), over the standard (boolean). */
  workingMs: 'sop:workingMs',
  wallMs: 'sop:wallMs',
  breached: 'sop:breached',
  /** event that is no step: the audit event's type (`timer.fired`). */
  eventType: 'sop:eventType',
} as const;

// Characters XML 1.0 cannot carry at all (C0 controls but tab, LF, CR; U+FFFE/U+FFFF; lone surrogates) become U+FFFD.
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes a text for an XML attribute value; tab and line breaks as character references so they survive normalisation. */
export function xmlAttr(value: string): string {
  return value.replace(NOT_XML, '\ufffd').replace(/[&<>"'\t\n\r]/g, (c) => ENTITIES[c] ?? `&#${c.charCodeAt(0)};`);
}

type Attr = ['string' | 'date', string, string | null] | ['int', string, number | null] | ['boolean', string, boolean | null];

function attrs(list: Attr[], indent: string): string {
  return list
    .filter((a) => a[2] !== null)
    .map(([type, key, value]) => `${indent}<${type} key="${xmlAttr(key)}" value="${xmlAttr(String(value))}"/>\n`)
    .join('');
}

const HEADER = `<?xml version="1.0" encoding="UTF-8"?>
<!-- IEEE 1849-2016 XES; <log> is in no namespace so that it validates against the published xes.xsd. -->
<log xes.version="1.0">
  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
  <extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
  <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
  <extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
  <global scope="trace">
    <string key="concept:name" value="__INVALID__"/>
  </global>
  <global scope="event">
    <string key="concept:name" value="__INVALID__"/>
    <string key="lifecycle:transition" value="complete"/>
    <date key="time:timestamp" value="1970-01-01T00:00:00.000Z"/>
  </global>
  <classifier name="Activity" scope="event" keys="concept:name"/>
  <classifier name="ActivityLifecycle" scope="event" keys="concept:name lifecycle:transition"/>
  <classifier name="Resource" scope="event" keys="org:resource"/>
  <classifier name="Role" scope="event" keys="org:role"/>
`;

interface XesEvent {
  at: string;
  xml: string;
}

/** A step's events: `start` at its clock start, then `complete` (or `ate_abort` when cancelled) at its end. */
function stepEvents(r: ExportRow): XesEvent[] {
  const activity = r.activity ?? r.elementId;
  const resource = r.completedBy ?? r.assignee;
  const common: Attr[] = [
    ['string', XES_SOP_KEYS.taskId, r.taskId],
    ['string', XES_SOP_KEYS.elementId, r.elementId],
    ['string', XES_SOP_KEYS.step, r.step],
    ['int', XES_SOP_KEYS.standardMs, r.standardMs],
    ['date', XES_SOP_KEYS.dueAt, r.dueAt],
  ];
  const event = (transition: string, at: string, resourceId: string | null, extra: Attr[]): XesEvent => ({
    at,
    xml: `    <event>\n${attrs(
      [
        ['string', 'concept:name', activity],
        ['string', 'lifecycle:transition', transition],
        ['date', 'time:timestamp', at],
        ['string', 'org:role', r.role],
        ['string', 'org:resource', resourceId],
        ...common,
        ...extra,
      ],
      '      ',
    )}    </event>\n`,
  });
  const events = [event('start', r.clockStart, resource, [])];
  if (r.status === 'completed' && r.completedAt) {
    events.push(
      event('complete', r.completedAt, resource, [
        ['int', XES_SOP_KEYS.workingMs, r.workingMs],
        ['int', XES_SOP_KEYS.wallMs, r.wallMs],
        ['boolean', XES_SOP_KEYS.breached, r.breached],
      ]),
    );
  } else if (r.status === 'cancelled' && r.completedAt) {
    // The step was withdrawn with its instance; whoever cancelled it is in the audit trail, not on the task.
    events.push(event('ate_abort', r.completedAt, null, []));
  }
  return events;
}

/** The engine's own events a trace carries beside its steps: a timer fired (by the built-in `system`). */
const ENGINE_EVENT_TYPES = ['timer.fired'] as const;

/** The engine events of `instanceIds`, as XES events by instance: `concept:name` is the event's BPMN element id. */
async function engineEvents(knex: Knex, instanceIds: string[]): Promise<Map<string, XesEvent[]>> {
  const byInstance = new Map<string, XesEvent[]>(instanceIds.map((id) => [id, []]));
  if (instanceIds.length === 0) return byInstance;
  const rows = (await knex('audit_events')
    .select('instance_id', 'type', 'at', 'element_id', 'user_id')
    .whereIn('type', [...ENGINE_EVENT_TYPES])
    .whereIn('instance_id', instanceIds)
    .orderBy('seq')) as Array<{ instance_id: string; type: string; at: string; element_id: string | null; user_id: string | null }>;
  for (const r of rows) {
    const xml = `    <event>\n${attrs(
      [
        ['string', 'concept:name', r.element_id ?? r.type],
        ['string', 'lifecycle:transition', 'complete'],
        ['date', 'time:timestamp', r.at],
        ['string', 'org:resource', r.user_id],
        ['string', XES_SOP_KEYS.elementId, r.element_id],
        ['string', XES_SOP_KEYS.eventType, r.type],
      ],
      '      ',
    )}    </event>\n`;
    byInstance.get(r.instance_id)?.push({ at: r.at, xml });
  }
  return byInstance;
}

function traceXml(first: ExportRow, events: XesEvent[]): string {
  // Events in time order; a scheduled step's clock may start after a later-created step's.
  const ordered = events.map((e, i) => ({ e, i })).sort((a, b) => (a.e.at < b.e.at ? -1 : a.e.at > b.e.at ? 1 : a.i - b.i));
  return `  <trace>\n${attrs(
    [
      ['string', 'concept:name', first.instanceId],
      ['string', XES_SOP_KEYS.definitionKey, first.definitionKey],
      ['int', XES_SOP_KEYS.version, first.version],
      ['string', XES_SOP_KEYS.businessKey, first.businessKey],
      ['string', XES_SOP_KEYS.instanceStatus, first.instanceStatus],
    ],
    '    ',
  )}${ordered.map((o) => o.e.xml).join('')}  </trace>\n`;
}

/**
 * The XES export as text chunks. Rows arrive ordered by instance, so a trace is complete before the next one
 * starts: at most one page of rows and one instance's events are held at a time.
 */
export async function* xesExport(knex: Knex, filter: ExportFilter, options: XesExportOptions = {}): AsyncGenerator<string> {
  yield HEADER +
    attrs(
      [
        ['string', 'concept:name', 'SOP audit export'],
        ['string', 'lifecycle:model', 'standard'],
        ['date', XES_SOP_KEYS.exportedAt, options.exportedAt ?? new Date().toISOString()],
        ['string', XES_SOP_KEYS.definitionKey, filter.definitionKey ?? null],
        ['int', XES_SOP_KEYS.version, filter.version ?? null],
        ['date', XES_SOP_KEYS.from, filter.from ?? null],
        ['date', XES_SOP_KEYS.to, filter.to ?? null],
      ],
      '  ',
    );
  let first: ExportRow | undefined;
  let events: XesEvent[] = [];
  let engine = new Map<string, XesEvent[]>();
  for await (const page of readExportRows(knex, filter, options)) {
    let chunk = '';
    // Rows come by instance: an instance's engine events are read with the page its first row is in.
    engine = new Map([...engine, ...(await engineEvents(knex, [...new Set(page.map((r) => r.instanceId))].filter((id) => id !== first?.instanceId)))]);
    for (const row of page) {
      if (first && first.instanceId !== row.instanceId) {
        chunk += traceXml(first, events);
        engine.delete(first.instanceId);
        events = [];
        first = undefined;
      }
      if (!first) events.push(...(engine.get(row.instanceId) ?? []));
      first ??= row;
      events.push(...stepEvents(row));
    }
    if (chunk) yield chunk;
  }
  yield `${first ? traceXml(first, events) : ''}</log>\n`;
}
