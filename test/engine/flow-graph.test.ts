// The flow graph a migration looks ahead on: sequence flows, into and out of sub-processes, onto boundary events,
// and the variables conditions read.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { reachableFrom, readFlowGraph } from '../../src/engine/flow-graph.js';

const xml = fs.readFileSync(path.resolve(import.meta.dirname, '..', 'processes', 'features', 'error-boundary.bpmn'), 'utf8');

t.test('edges of a diagram with a sub-process and an error boundary event', async (t) => {
  const graph = await readFlowGraph(xml);
  t.equal(graph.types.get('periksa'), 'bpmn:UserTask');
  t.equal(graph.types.get('verifikasi'), 'bpmn:SubProcess');
  t.notOk(graph.types.has('f1'), 'flows are edges, not nodes');
  t.ok(graph.next.get('verifikasi')?.includes('v-mulai'), 'into the sub-process through its start');
  t.ok(graph.next.get('verifikasi')?.includes('berkas-ditolak'), 'onto its boundary event');
  t.ok(graph.next.get('v-selesai')?.includes('terbitkan'), "out of the sub-process's end to where it leads");
  t.ok(graph.reads.get('lengkap-gw')?.length, 'the decision reads a variable');
  const ahead = reachableFrom(graph, 'periksa');
  t.ok(ahead.has('periksa') && ahead.has('terbitkan') && ahead.has('kembalikan'));
  t.notOk(ahead.has('mulai'));
});
