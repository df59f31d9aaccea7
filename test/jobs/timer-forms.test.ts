// Timer forms read and counted without the app; deploy refusals through it (400 naming the element).
import t from 'tap';
import { readTimerForm, timerDueAt, timerRepeat, TimerFormError, wallClockTimerDue } from '../../src/jobs/timer-forms.js';
import { defaultCalendar } from '../../src/sop/working-calendar.js';
import { ADMIN_TOKEN, startApp, tempDir } from '../helpers/app.js';

const wita = defaultCalendar('wita');
const at = (iso: string) => new Date(iso);

t.test('each form is read, or refused with its reason', async (t) => {
  t.same(readTimerForm('timeDate', '2026-03-10T09:00:00+08:00'), { kind: 'date', text: '2026-03-10T09:00:00+08:00' });
  t.same(readTimerForm('timeDuration', ' PT4H '), { kind: 'duration', iso: 'PT4H' });
  t.same(readTimerForm('timeCycle', 'R3/PT1H'), { kind: 'cycle', repeat: 3, iso: 'PT1H' });
  t.same(readTimerForm('timeCycle', 'R/P1D'), { kind: 'cycle', repeat: -1, iso: 'P1D' });
  t.same(readTimerForm('timeCycle', 'R2/2026-03-10T09:00:00Z/PT1H'), { kind: 'cycle', repeat: 2, iso: 'PT1H', start: '2026-03-10T09:00:00Z' });
  t.same(readTimerForm('timeCycle', '0 0 8 * * MON-FRI'), { kind: 'cron', expression: '0 0 8 * * MON-FRI' });
  const refused: Array<[Parameters<typeof readTimerForm>[0], string, RegExp]> = [
    ['timeDate', '', /empty/],
    ['timeDate', 'besok', /not an ISO 8601 date-time/],
    ['timeDate', '2026-02-30T09:00:00', /not a valid/],
    ['timeDuration', 'P1M', /ISO 8601 duration/],
    ['timeDuration', 'P400D', /longer than one year/],
    ['timeCycle', 'R0/PT1H', /zero times/],
    ['timeCycle', '*/30 * * * * *', /more than once a minute/],
    ['timeCycle', 'setiap hari', /neither R<n>\/<duration> nor a cron/],
  ];
  for (const [type, value, message] of refused) t.throws(() => readTimerForm(type, value), { constructor: TimerFormError, message }, `${type} '${value}'`);
});

t.test('due times: wall and working time, local dates in the calendar zone, cycles and cron', async (t) => {
  const from = at('2026-03-06T07:30:00Z'); // Friday 15:30 WITA
  t.equal(timerDueAt(readTimerForm('timeDuration', 'P1D'), { from, calendar: wita, workingTime: true }).toISOString(), '2026-03-09T07:30:00.000Z');
  t.equal(timerDueAt(readTimerForm('timeDuration', 'P1D'), { from, calendar: wita, workingTime: false }).toISOString(), '2026-03-07T07:30:00.000Z');
  t.equal(timerDueAt(readTimerForm('timeDuration', 'PT4H'), { from, calendar: wita, workingTime: true }).toISOString(), '2026-03-09T02:30:00.000Z', 'one hour Friday, three Monday');
  t.equal(timerDueAt(readTimerForm('timeDate', '2026-03-10T09:00'), { from, calendar: wita, workingTime: false }).toISOString(), '2026-03-10T01:00:00.000Z');
  const cycle = readTimerForm('timeCycle', 'R2/2026-03-10T09:00:00+08:00/PT1H');
  t.equal(timerDueAt(cycle, { from, calendar: wita, workingTime: false }).toISOString(), '2026-03-10T01:00:00.000Z', 'a cycle starts at its start date');
  t.equal(timerDueAt(cycle, { from: at('2026-03-10T01:00:00Z'), calendar: wita, workingTime: false }).toISOString(), '2026-03-10T02:00:00.000Z', 'then repeats');
  t.equal(timerDueAt(readTimerForm('timeCycle', '0 8 * * 1-5'), { from, calendar: wita, workingTime: false }).toISOString(), '2026-03-09T00:00:00.000Z', 'cron in WITA');
  t.throws(() => timerDueAt(readTimerForm('timeDate', '2300-01-01T00:00:00Z'), { from, calendar: wita, workingTime: false }), /outside 1900–2199/);
  t.same([timerRepeat(readTimerForm('timeDuration', 'PT1H')), timerRepeat(readTimerForm('timeCycle', 'R3/PT1H')), timerRepeat(readTimerForm('timeCycle', '0 8 * * *'))], [1, 3, -1]);
  const due = wallClockTimerDue()({ timerType: 'timeDuration', value: 'PT1H', now: from });
  t.same(due, { expireAt: at('2026-03-06T08:30:00Z'), repeat: 1 });
});

const diagram = (timer: string, extra = '') => `<?xml version="1.0"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:sop="urn:sop-bpmn:1.0" id="d" targetNamespace="x"><bpmn:process id="uji-timer-salah" name="Uji" isExecutable="true">
<bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="u"/>
<bpmn:userTask id="u" name="Tugas">${extra}</bpmn:userTask>
<bpmn:boundaryEvent id="batas" attachedToRef="u" cancelActivity="false">${timer}</bpmn:boundaryEvent>
<bpmn:sequenceFlow id="f3" sourceRef="batas" targetRef="e2"/><bpmn:endEvent id="e2"/>
<bpmn:sequenceFlow id="f2" sourceRef="u" targetRef="e"/><bpmn:endEvent id="e"/></bpmn:process></bpmn:definitions>`;

t.test('deploy refuses an unreadable timer, a too-frequent cron and a misplaced sop:at, naming the element', async (t) => {
  const app = await startApp(t, { processesDir: tempDir(t) });
  const deploy = (xml: string) => app.call('POST', '/definitions', ADMIN_TOKEN, xml, { 'content-type': 'application/xml' });
  const cases: Array<[string, RegExp]> = [
    [diagram('<bpmn:timerEventDefinition><bpmn:timeDuration>sehari</bpmn:timeDuration></bpmn:timerEventDefinition>'), /timeDuration refused/],
    [diagram('<bpmn:timerEventDefinition><bpmn:timeCycle>* * * * * *</bpmn:timeCycle></bpmn:timerEventDefinition>'), /more than once a minute/],
    [diagram('<bpmn:timerEventDefinition/>'), /exactly one of timeDate, timeDuration or timeCycle/],
    [diagram('<bpmn:timerEventDefinition sop:at="dueAt"/>'), /needs the task it is attached to \(u\) to have a time standard/],
    [diagram('<bpmn:timerEventDefinition sop:at="startsAt"/>'), /sop:at must be "dueAt"/],
    [diagram('<bpmn:timerEventDefinition><bpmn:timeDate>x${jadwal}</bpmn:timeDate></bpmn:timerEventDefinition>'), /a literal or one \$\{…\} expression/],
  ];
  for (const [xml, message] of cases) {
    const res = await deploy(xml);
    t.equal(res.statusCode, 400, String(message));
    t.match(res.json(), { code: 'SOP_ERR_INVALID_BPMN', details: { problems: [{ elementId: 'batas', message }] } });
  }
  const ok = await deploy(diagram('<bpmn:timerEventDefinition sop:at="dueAt"/>', '<bpmn:extensionElements><sop:mutuBaku step="1" waktu="1 Jam" duration="PT1H"/></bpmn:extensionElements>'));
  t.equal(ok.statusCode, 201, 'sop:at on a task with a time standard deploys');
  const startTimer = (await deploy(diagram('').replace('<bpmn:startEvent id="s"/>', '<bpmn:startEvent id="s"><bpmn:timerEventDefinition><bpmn:timeCycle>0 8 * * *</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>').replace(/<bpmn:boundaryEvent[\s\S]*?<\/bpmn:boundaryEvent>/, '').replace(/<bpmn:sequenceFlow id="f3"[^>]*\/><bpmn:endEvent id="e2"\/>/, ''))).json();
  t.equal(startTimer.key ?? startTimer.definitions?.[0]?.key, 'uji-timer-salah', 'a process-level timer start event deploys');
});
