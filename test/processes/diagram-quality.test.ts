// Every diagram in processes/ passes bpmnlint's recommended rules and has DI for every element, so it
// opens readable in bpmn.io and Camunda Modeler.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import type { ModdleElement } from 'bpmn-moddle';
import { parseBpmn } from '../../src/engine/bpmn-parser.js';
import { REPO_PROCESSES } from '../helpers/app.js';

const files = fs.readdirSync(REPO_PROCESSES).filter((f) => f.endsWith('.bpmn'));
const root = path.resolve(REPO_PROCESSES, '..');

t.test('bpmnlint recommended rules report nothing', async (t) => {
  const bin = path.join(root, 'node_modules', 'bpmnlint', 'bin', 'bpmnlint.js');
  for (const f of files) {
    let output: string;
    let failed = false;
    try {
      output = execFileSync(process.execPath, [bin, path.join(REPO_PROCESSES, f)], { cwd: root, encoding: 'utf8' });
    } catch (err) {
      failed = true;
      output = String((err as { stdout?: string }).stdout ?? err);
    }
    t.notOk(failed, `${f}: ${output.trim() || 'clean'}`);
  }
});

t.test('every flow node, lane and flow has a DI shape or edge', async (t) => {
  for (const f of files) {
    const { definitions } = await parseBpmn(fs.readFileSync(path.join(REPO_PROCESSES, f), 'utf8'));
    const diagrams = (definitions.diagrams as ModdleElement[] | undefined) ?? [];
    const drawn = new Set<string>();
    for (const d of diagrams) for (const el of ((d.plane as ModdleElement).planeElement as ModdleElement[]) ?? []) drawn.add(String((el.bpmnElement as ModdleElement | undefined)?.id));
    const process = (definitions.rootElements as ModdleElement[]).find((e) => e.$type === 'bpmn:Process') as ModdleElement;
    const lanes = ((process.laneSets as ModdleElement[] | undefined) ?? []).flatMap((s) => (s.lanes as ModdleElement[]) ?? []);
    const elements = [...((process.flowElements as ModdleElement[]) ?? []), ...lanes].filter((e) => e.$type !== 'bpmn:DataObject');
    const missing = elements.filter((e) => !drawn.has(String(e.id))).map((e) => e.id);
    t.same(missing, [], `${f}: everything is drawn`);
  }
});
