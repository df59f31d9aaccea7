// A call activity's called key, version binding and variable passing are read from Camunda 7 attributes and Camunda 8
// extension elements by their namespace, whatever the prefix; the defaults follow the diagram's flavour.
import t from 'tap';
import type { ModdleElement } from 'bpmn-moddle';
import { parseBpmn } from '../../src/engine/bpmn-parser.js';
import { readCallActivities, readVersionTag } from '../../src/engine/call-activity-declarations.js';

const C7 = 'xmlns:c="http://camunda.org/schema/1.0/bpmn"';
const C8 = 'xmlns:z="http://camunda.org/schema/zeebe/1.0"';

async function read(body: string, ns: string, processAttrs = '') {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" ${ns} id="d" targetNamespace="urn:x">
  <bpmn:process id="p" isExecutable="true" ${processAttrs}>${body}</bpmn:process>
</bpmn:definitions>`;
  const { definitions } = await parseBpmn(xml);
  const process = (definitions.rootElements as ModdleElement[])[0] as ModdleElement;
  return { ...readCallActivities(definitions, process), versionTag: readVersionTag(process) };
}

t.test('Camunda 7: nothing passes undeclared; in/out mappings and bindings by any prefix', async (t) => {
  const plain = await read('<bpmn:callActivity id="a" calledElement="anak"/>', C7);
  t.same(plain.calls, [{ elementId: 'a', calledElement: 'anak', binding: { type: 'latest' }, inputs: { all: false, mappings: [] }, outputs: { all: false, mappings: [] } }]);
  const declared = await read(
    `<bpmn:callActivity id="a" calledElement="\${jenis}" c:calledElementBinding="version" c:calledElementVersion="3">
       <bpmn:extensionElements><c:in source="x" target="y"/><c:out variables="all"/></bpmn:extensionElements>
     </bpmn:callActivity>`,
    C7,
    'c:versionTag="2026.1"',
  );
  t.match(declared.calls[0], { calledElement: '${jenis}', binding: { type: 'version', version: 3 }, inputs: { all: false, mappings: [{ source: 'x', target: 'y' }] }, outputs: { all: true } });
  t.equal(declared.versionTag, '2026.1');
  const tagged = await read('<bpmn:callActivity id="a" calledElement="anak" c:calledElementBinding="versionTag" c:calledElementVersionTag="v1"/>', C7);
  t.same(tagged.calls[0]?.binding, { type: 'versionTag', versionTag: 'v1' });
  const deployment = await read('<bpmn:callActivity id="a" calledElement="anak" c:calledElementBinding="deployment"/>', C7);
  t.same(deployment.calls[0]?.binding, { type: 'deployment', version: null }, 'resolved when the caller is stored');
  const key = await read('<bpmn:callActivity id="a" calledElement="anak"><bpmn:extensionElements><c:in businessKey="${k}"/></bpmn:extensionElements></bpmn:callActivity>', C7);
  t.match(key.warnings, [{ elementId: 'a', message: /businessKey is ignored/ }]);
});

t.test('an attribute of another namespace with the camunda name is not read', async (t) => {
  const other = await read('<bpmn:callActivity id="a" calledElement="anak" c:calledElementBinding="version"/>', 'xmlns:c="urn:not-camunda"');
  t.same(other.calls[0]?.binding, { type: 'latest' });
  t.same(other.problems, []);
});

t.test('Camunda 8: every variable passes both ways unless mapped or switched off', async (t) => {
  const plain = await read('<bpmn:callActivity id="a"><bpmn:extensionElements><z:calledElement processId="anak"/></bpmn:extensionElements></bpmn:callActivity>', C8);
  t.same(plain.calls, [{ elementId: 'a', calledElement: 'anak', binding: { type: 'latest' }, inputs: { all: true, mappings: [] }, outputs: { all: true, mappings: [] } }]);
  const mapped = await read(
    `<bpmn:callActivity id="a"><bpmn:extensionElements>
       <z:calledElement processId="=jenis" bindingType="versionTag" versionTag="v2" propagateAllParentVariables="false"/>
       <z:ioMapping><z:input source="=a" target="b"/><z:output source="= hasil" target="hasilAnak"/></z:ioMapping>
     </bpmn:extensionElements></bpmn:callActivity>`,
    C8,
  );
  t.same(mapped.problems, []);
  t.same(mapped.calls[0], {
    elementId: 'a',
    calledElement: '${jenis}',
    binding: { type: 'versionTag', versionTag: 'v2' },
    inputs: { all: false, mappings: [{ source: 'a', target: 'b' }] },
    outputs: { all: false, mappings: [{ source: 'hasil', target: 'hasilAnak' }] },
  });
  const tag = await read('<bpmn:extensionElements><z:versionTag value="v9"/></bpmn:extensionElements>', C8);
  t.equal(tag.versionTag, 'v9');
});

t.test('refuses what it cannot run, naming the call activity', async (t) => {
  const cases: Array<[string, string, RegExp]> = [
    ['<bpmn:callActivity id="a"/>', C7, /needs calledElement/],
    ['<bpmn:callActivity id="a" calledElement="x y"/>', C7, /must be a process key/],
    ['<bpmn:callActivity id="a" calledElement="anak" c:calledElementBinding="sometimes"/>', C7, /must be latest, deployment, version or versionTag/],
    ['<bpmn:callActivity id="a" calledElement="anak"><bpmn:extensionElements><c:out source="a.b" target="c"/></bpmn:extensionElements></bpmn:callActivity>', C7, /camunda:out must name variables/],
    ['<bpmn:callActivity id="a"><bpmn:extensionElements><z:calledElement processId="=f(x)"/></bpmn:extensionElements></bpmn:callActivity>', C8, /processId must be a key or one variable name/],
    ['<bpmn:callActivity id="a"><bpmn:extensionElements><z:calledElement processId="anak" bindingType="version"/></bpmn:extensionElements></bpmn:callActivity>', C8, /bindingType 'version'/],
    ['<bpmn:callActivity id="a"><bpmn:extensionElements><z:calledElement processId="anak"/><z:ioMapping><z:output source="=x" target="a.b"/></z:ioMapping></bpmn:extensionElements></bpmn:callActivity>', C8, /zeebe:output must map/],
  ];
  for (const [body, ns, message] of cases) {
    const { problems } = await read(body, ns);
    t.match(problems, [{ elementId: 'a', message }], String(message));
  }
});
