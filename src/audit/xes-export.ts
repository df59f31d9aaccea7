// The audit export as an IEEE 1849-2016 XES event log (a trace per instance), streamed trace by trace.
import type { Knex } from 'knex';
import { readExportRows, type ExportFilter, type ExportOptions, type ExportRow } from './csv-export.js';
import { readCaseEvents, type CaseEvent } from './xes-case-events.js';

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
  /** case event (a message delivered, a signal received): the audit event's type and the message's or signal's name. */
  eventType: 'sop:eventType',
  name: 'sop:name',
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

/** A case event as one `complete` event named by the message or signal, at the element that caught it. */
function caseEventXml(e: CaseEvent): XesEvent {
  return {
    at: e.at,
    xml: `    <event>\n${attrs(
      [
        ['string', 'concept:name', e.name ?? e.elementId ?? e.type],
        ['string', 'lifecycle:transition', 'complete'],
        ['date', 'time:timestamp', e.at],
        ['string', 'org:resource', e.userId],
        ['string', XES_SOP_KEYS.elementId, e.elementId],
        ['string', XES_SOP_KEYS.eventType, e.type],
        ['string', XES_SOP_KEYS.name, e.name],
      ],
      '      ',
    )}    </event>\n`,
  };
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
  for await (const page of readExportRows(knex, filter, options)) {
    let chunk = '';
    // A trace may span pages: its case events join it once, with its first page.
    const fresh = [...new Set(page.map((r) => r.instanceId))].filter((id) => id !== first?.instanceId);
    const caseEvents = await readCaseEvents(knex, fresh);
    for (const row of page) {
      if (first && first.instanceId !== row.instanceId) {
        chunk += traceXml(first, events);
        events = [];
        first = undefined;
      }
      if (!first) events.push(...(caseEvents.get(row.instanceId) ?? []).map(caseEventXml));
      first ??= row;
      events.push(...stepEvents(row));
    }
    if (chunk) yield chunk;
  }
  yield `${first ? traceXml(first, events) : ''}</log>\n`;
}
