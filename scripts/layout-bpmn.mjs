#!/usr/bin/env node
// Lays out a BPMN process as one horizontal pool whose lanes are stacked bands, and writes fresh BPMN DI.
//
// Usage: node scripts/layout-bpmn.mjs <file.bpmn> [--write | --check]
//   (no flag)  print the laid-out XML on stdout
//   --write    rewrite the file in place (only when it changes)
//   --check    exit 1 when the file's DI differs from what this tool would write
//
// The semantic part is kept; any existing BPMNDiagram is discarded. The process is wrapped in a
// bpmn:collaboration with one participant (bpmn-js draws lanes only inside a pool). Nodes are placed
// in columns by their longest path from the start (back edges ignored), each in its lane's band;
// several nodes of one lane in one column stack in sub-rows, the longest continuation on top.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BpmnModdle } from 'bpmn-moddle';

const DESCRIPTOR_URL = new URL('../src/sop/sop-moddle.json', import.meta.url);

const POOL_X = 160;
const POOL_Y = 80;
/** Width of the participant's and of each lane's name header (bpmn-js draws 30). */
const HEADER = 30;
/** Space between the lane header and the first column. */
const CONTENT_PAD = 40;
const COLUMN_GAP = 50;
const ROW_PAD = 20;
const MIN_LANE_HEIGHT = 120;
/** Vertical room reserved in a lane for each flow that goes back to an earlier column. */
const CHANNEL_STEP = 12;

const TASK = { width: 100, height: 80, maxWidth: 240, widthStep: 20, heightStep: 20 };
const GATEWAY_SIZE = 50;
const EVENT_SIZE = 36;
/** bpmn-js renders external labels (events, gateways, flows) 90 wide in 11px text. */
const LABEL = { width: 90, font: 11, lineHeight: 14, gap: 5 };
/** bpmn-js renders task names in 12px text with 7px padding; `margin` keeps the first line off the task icon. */
const TASK_TEXT = { font: 12, lineHeight: 14.4, padding: 7, margin: 18 };

/** Approximate advance of one character in em, close enough to Arial to size boxes. */
function charEm(ch) {
  if (ch === ' ') return 0.28;
  if ('iljI.,:;|!\'()[]/'.includes(ch)) return 0.28;
  if ('frt-'.includes(ch)) return 0.35;
  if ('mwMW'.includes(ch)) return 0.85;
  if (ch >= 'A' && ch <= 'Z') return 0.68;
  return 0.56;
}

function textWidth(text, font) {
  let em = 0;
  for (const ch of text) em += charEm(ch);
  return em * font;
}

/** Number of lines greedy word wrapping gives for `text` in a box `width` wide. */
function lineCount(text, width, font) {
  const words = String(text).trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return 0;
  const space = textWidth(' ', font);
  let lines = 1;
  let used = 0;
  for (const word of words) {
    const w = textWidth(word, font);
    if (used > 0 && used + space + w <= width) {
      used += space + w;
      continue;
    }
    if (used > 0) lines += 1;
    // A word wider than the box breaks over several lines.
    lines += Math.max(0, Math.ceil(w / width) - 1);
    used = w > width ? w % width : w;
  }
  return lines;
}

function labelSize(text) {
  const width = Math.min(LABEL.width, Math.ceil(textWidth(String(text).trim(), LABEL.font)) + 2);
  const lines = lineCount(text, LABEL.width, LABEL.font);
  return { width: Math.max(width, 10), height: Math.max(lines, 1) * LABEL.lineHeight };
}

function kindOf(node) {
  if (node.$instanceOf('bpmn:Gateway')) return 'gateway';
  if (node.$instanceOf('bpmn:Event')) return 'event';
  return 'activity';
}

/**
 * Tasks are 100x80. A name that would not fit (bpmn-js does not shrink text, and the task icon
 * takes the top-left corner) makes the box wider, up to TASK.maxWidth, then taller.
 */
function activitySize(name) {
  const text = String(name ?? '').trim();
  // bpmn-js breaks a word that is wider than the box in the middle: the longest word must fit
  // (unless it is wider than the widest box, which then only grows taller).
  const longestWord = Math.max(0, ...text.split(/\s+/).map((w) => textWidth(w, TASK_TEXT.font)));
  const fits = (width, height) =>
    (longestWord <= width - 2 * TASK_TEXT.padding || width === TASK.maxWidth) &&
    lineCount(text, width - 2 * TASK_TEXT.padding, TASK_TEXT.font) * TASK_TEXT.lineHeight + 2 * TASK_TEXT.margin <= height;
  for (let height = TASK.height; ; height += TASK.heightStep) {
    for (let width = TASK.width; width <= TASK.maxWidth; width += TASK.widthStep) {
      if (fits(width, height)) return { width, height };
    }
  }
}

function sizeOf(node) {
  const kind = kindOf(node);
  if (kind === 'gateway') return { width: GATEWAY_SIZE, height: GATEWAY_SIZE };
  if (kind === 'event') return { width: EVENT_SIZE, height: EVENT_SIZE };
  return activitySize(node.name);
}

/** The one process to lay out: the only one, else the only one with lanes, else the only executable one. */
function pickProcess(definitions) {
  const processes = (definitions.rootElements ?? []).filter((e) => e.$type === 'bpmn:Process');
  if (processes.length === 1) return processes[0];
  const candidates = [processes.filter((p) => (p.laneSets ?? []).length > 0), processes.filter((p) => p.isExecutable)];
  for (const list of candidates) if (list.length === 1) return list[0];
  throw new Error(`expected one process, found ${processes.length}`);
}

function collectLanes(bpmnProcess) {
  const lanes = [];
  for (const set of bpmnProcess.laneSets ?? []) {
    for (const lane of set.lanes ?? []) {
      if ((lane.childLaneSet?.lanes ?? []).length > 0) throw new Error(`lane ${lane.id}: nested lanes are not supported`);
      lanes.push(lane);
    }
  }
  return lanes;
}

/**
 * Columns by longest path from the starts. A depth-first search from the start events marks the
 * flows that close a cycle (back edges); they are ignored for ranking and routed around the nodes.
 */
function rankNodes(nodes, edges) {
  const outgoing = new Map(nodes.map((n) => [n, []]));
  const hasIncoming = new Set();
  for (const edge of edges) {
    outgoing.get(edge.source).push(edge);
    hasIncoming.add(edge.target);
  }
  const state = new Map();
  const backEdges = new Set();
  const postOrder = [];
  const visit = (node) => {
    state.set(node, 'open');
    for (const edge of outgoing.get(node)) {
      const s = state.get(edge.target);
      if (s === 'open') backEdges.add(edge);
      else if (!s) visit(edge.target);
    }
    state.set(node, 'done');
    postOrder.push(node);
  };
  const roots = [
    ...nodes.filter((n) => n.$type === 'bpmn:StartEvent'),
    ...nodes.filter((n) => !hasIncoming.has(n)),
    ...nodes,
  ];
  for (const root of roots) if (!state.has(root)) visit(root);

  const order = postOrder.reverse();
  const rank = new Map(nodes.map((n) => [n, 0]));
  for (const node of order) {
    for (const edge of outgoing.get(node)) {
      if (!backEdges.has(edge)) rank.set(edge.target, Math.max(rank.get(edge.target), rank.get(node) + 1));
    }
  }
  // How far a node's continuation reaches: the main line keeps the first sub-row of its lane.
  const reach = new Map(nodes.map((n) => [n, 0]));
  for (const node of [...order].reverse()) {
    for (const edge of outgoing.get(node)) {
      if (!backEdges.has(edge)) reach.set(node, Math.max(reach.get(node), reach.get(edge.target) + 1));
    }
  }
  return { rank, reach, backEdges };
}

function point(moddle, x, y) {
  return moddle.create('dc:Point', { x: Math.round(x), y: Math.round(y) });
}

function bounds(moddle, box) {
  return moddle.create('dc:Bounds', {
    x: Math.round(box.x),
    y: Math.round(box.y),
    width: Math.round(box.width),
    height: Math.round(box.height),
  });
}

/** Reuses the collaboration whose single participant is this process, or creates one. */
function ensureParticipant(moddle, definitions, bpmnProcess, elementsById) {
  const roots = definitions.rootElements;
  for (const collaboration of roots.filter((e) => e.$type === 'bpmn:Collaboration')) {
    const participant = (collaboration.participants ?? []).find((p) => p.processRef === bpmnProcess);
    if (!participant) continue;
    if (collaboration.participants.length > 1) throw new Error(`collaboration ${collaboration.id}: only one participant is supported`);
    return { collaboration, participant };
  }
  const uniqueId = (base) => {
    let id = base;
    for (let i = 2; elementsById[id]; i++) id = `${base}-${i}`;
    elementsById[id] = true;
    return id;
  };
  const participant = moddle.create('bpmn:Participant', { id: uniqueId(`pool-${bpmnProcess.id}`), name: bpmnProcess.name, processRef: bpmnProcess });
  const collaboration = moddle.create('bpmn:Collaboration', { id: uniqueId(`collaboration-${bpmnProcess.id}`), participants: [participant] });
  participant.$parent = collaboration;
  collaboration.$parent = definitions;
  roots.unshift(collaboration);
  return { collaboration, participant };
}

function orthogonalRoute(src, tgt, ctx) {
  const right = (b) => b.x + b.width;
  const bottom = (b) => b.y + b.height;
  const cx = (b) => b.x + b.width / 2;
  const cy = (b) => b.y + b.height / 2;
  if (ctx.back) {
    const { channelY, above } = ctx;
    if (src === tgt) {
      const outX = right(src) + COLUMN_GAP / 2;
      return [[right(src), cy(src)], [outX, cy(src)], [outX, channelY], [cx(src), channelY], [cx(src), above ? src.y : bottom(src)]];
    }
    const from = above ? src.y : bottom(src);
    const to = above ? tgt.y : bottom(tgt);
    ctx.useCorner(src, above ? 'top' : 'bottom');
    ctx.useCorner(tgt, above ? 'top' : 'bottom');
    return [[cx(src), from], [cx(src), channelY], [cx(tgt), channelY], [cx(tgt), to]];
  }
  const y1 = cy(src);
  const y2 = cy(tgt);
  if (Math.abs(y1 - y2) < 1) return [[right(src), y1], [tgt.x, y1]];
  const down = y2 > y1;
  const srcCorner = down ? 'bottom' : 'top';
  if (src.kind === 'gateway' && ctx.cornerFree(src, srcCorner) && ctx.free(tgt, src.column, tgt.column)) {
    // A decision branches from its top or bottom corner straight into the target's row.
    ctx.useCorner(src, srcCorner);
    return [[cx(src), down ? bottom(src) : src.y], [cx(src), y2], [tgt.x, y2]];
  }
  const tgtCorner = down ? 'top' : 'bottom';
  if (tgt.kind === 'gateway' && ctx.cornerFree(tgt, tgtCorner) && ctx.free(src, src.column + 1, tgt.column + 1)) {
    // A merge is entered from its top or bottom corner.
    ctx.useCorner(tgt, tgtCorner);
    return [[right(src), y1], [cx(tgt), y1], [cx(tgt), down ? tgt.y : bottom(tgt)]];
  }
  // Bend in the gap next to the side whose row has nothing in between.
  const sourceRowFree = ctx.free(src, src.column + 1, tgt.column);
  const x = sourceRowFree || !ctx.free(tgt, src.column + 1, tgt.column) ? ctx.gapBeforeTarget : ctx.gapAfterSource;
  return [[right(src), y1], [x, y1], [x, y2], [tgt.x, y2]];
}

function edgeLabelBounds(points, name) {
  const size = labelSize(name);
  const [[x0, y0], [_x1, y1]] = points;
  if (Math.abs(y0 - y1) < 1) return { x: x0 + LABEL.gap, y: y0 - size.height - 3, ...size };
  return { x: x0 + LABEL.gap, y: y1 > y0 ? y0 + LABEL.gap : y0 - LABEL.gap - size.height, ...size };
}

/**
 * Lays out the diagram of `xml` and returns the new XML.
 * @param {string} xml a BPMN 2.0 document with one process (lanes optional)
 * @param {object} [options]
 * @param {object} [options.packages] moddle packages; defaults to the `sop` extension of this repository
 * @returns {Promise<{xml: string, warnings: string[]}>}
 */
export async function layoutBpmn(xml, options = {}) {
  const packages = options.packages ?? { sop: JSON.parse(await readFile(DESCRIPTOR_URL, 'utf8')) };
  const moddle = new BpmnModdle(packages);
  const { rootElement: definitions, elementsById, warnings: parseWarnings } = await moddle.fromXML(xml);
  const warnings = parseWarnings.map((w) => w.message);
  const bpmnProcess = pickProcess(definitions);
  const flowElements = bpmnProcess.flowElements ?? [];
  const nodes = flowElements.filter((e) => e.$instanceOf('bpmn:FlowNode'));
  const flows = flowElements.filter((e) => e.$type === 'bpmn:SequenceFlow' && nodes.includes(e.sourceRef) && nodes.includes(e.targetRef));
  const skipped = flowElements.filter((e) => !nodes.includes(e) && !flows.includes(e) && !e.$instanceOf('bpmn:DataObject'));
  if (skipped.length > 0) warnings.push(`not drawn: ${skipped.map((e) => e.id).join(', ')}`);
  if ((bpmnProcess.artifacts ?? []).length > 0) warnings.push(`artifacts not drawn: ${bpmnProcess.artifacts.map((e) => e.id).join(', ')}`);

  // Modelers and bpmnlint read a node's flows from <bpmn:incoming>/<bpmn:outgoing>; write them from the flows.
  for (const node of nodes) {
    node.incoming = flows.filter((f) => f.targetRef === node);
    node.outgoing = flows.filter((f) => f.sourceRef === node);
  }

  // Bands: one per lane, in laneSet order; a process without lanes has one unnamed band.
  const lanes = collectLanes(bpmnProcess);
  const bandCount = Math.max(lanes.length, 1);
  const bandOf = new Map();
  lanes.forEach((lane, i) => {
    for (const ref of lane.flowNodeRef ?? []) {
      if (bandOf.has(ref)) warnings.push(`${ref.id} is in more than one lane; drawn in the first`);
      else bandOf.set(ref, i);
    }
  });
  const boundaryEvents = nodes.filter((n) => n.$type === 'bpmn:BoundaryEvent' && nodes.includes(n.attachedToRef));
  for (const node of nodes) {
    if (bandOf.has(node)) continue;
    if (lanes.length > 0 && !boundaryEvents.includes(node)) warnings.push(`${node.id} is in no lane; drawn in the first`);
    bandOf.set(node, boundaryEvents.includes(node) ? (bandOf.get(node.attachedToRef) ?? 0) : 0);
  }

  // A boundary event ranks after its host so that its flows leave to the right of it.
  const edges = [
    ...flows.map((flow) => ({ flow, source: flow.sourceRef, target: flow.targetRef })),
    ...boundaryEvents.map((b) => ({ flow: null, source: b.attachedToRef, target: b })),
  ];
  const { rank, reach, backEdges } = rankNodes(nodes, edges);
  const placed = nodes.filter((n) => !boundaryEvents.includes(n));

  // Cells (band, column) hold sub-rows; the node with the longest continuation takes the top one.
  const cells = new Map();
  for (const node of placed) {
    const key = `${bandOf.get(node)}:${rank.get(node)}`;
    if (!cells.has(key)) cells.set(key, []);
    cells.get(key).push(node);
  }
  const rowOf = new Map();
  for (const list of cells.values()) {
    list.sort((a, b) => reach.get(b) - reach.get(a) || nodes.indexOf(a) - nodes.indexOf(b));
    list.forEach((node, i) => rowOf.set(node, i));
  }

  const size = new Map(nodes.map((n) => [n, sizeOf(n)]));
  const nodeLabel = new Map();
  for (const node of nodes) {
    if (kindOf(node) !== 'activity' && node.name && String(node.name).trim()) nodeLabel.set(node, labelSize(node.name));
  }

  // Column widths: the widest node, and at least a label's width so labels do not touch.
  const columnCount = Math.max(0, ...placed.map((n) => rank.get(n) + 1));
  const columnWidth = Array.from({ length: columnCount }, () => LABEL.width);
  for (const node of placed) columnWidth[rank.get(node)] = Math.max(columnWidth[rank.get(node)], size.get(node).width);
  const columnX = [];
  let x = POOL_X + HEADER + (lanes.length > 0 ? HEADER : 0) + CONTENT_PAD;
  for (const width of columnWidth) {
    columnX.push(x);
    x += width + COLUMN_GAP;
  }
  const contentRight = x - COLUMN_GAP + CONTENT_PAD;

  // Back edges run in a channel below the band of the later node, or above the band of an earlier lane.
  const channels = Array.from({ length: bandCount }, () => ({ above: [], below: [] }));
  const back = new Map();
  for (const edge of edges) {
    if (!edge.flow || !(backEdges.has(edge) || rank.get(edge.target) <= rank.get(edge.source))) continue;
    const sourceBand = bandOf.get(edge.source);
    const targetBand = bandOf.get(edge.target);
    const above = targetBand < sourceBand;
    const band = above ? targetBand : Math.max(sourceBand, targetBand);
    const list = above ? channels[band].above : channels[band].below;
    list.push(edge.flow);
    back.set(edge.flow, { band, above, index: list.length - 1 });
  }

  // Sub-row heights: room above and below the common centre line, labels included.
  const bands = [];
  let y = POOL_Y;
  for (let b = 0; b < bandCount; b++) {
    const members = placed.filter((n) => bandOf.get(n) === b);
    const rowCount = Math.max(1, ...members.map((n) => rowOf.get(n) + 1));
    const rows = [];
    let inner = channels[b].above.length * CHANNEL_STEP + (channels[b].above.length ? ROW_PAD / 2 : 0);
    for (let r = 0; r < rowCount; r++) {
      let above = TASK.height / 2;
      let below = TASK.height / 2;
      for (const node of members.filter((n) => rowOf.get(n) === r)) {
        const half = size.get(node).height / 2;
        const label = nodeLabel.get(node);
        const labelRoom = label ? LABEL.gap + label.height : 0;
        // A gateway's label goes above it, or below when a flow leaves or enters by the top corner.
        above = Math.max(above, half + (kindOf(node) === 'gateway' ? labelRoom : 0));
        below = Math.max(below, half + labelRoom);
      }
      rows.push({ offset: inner + ROW_PAD + above });
      inner += ROW_PAD + above + below;
    }
    inner += ROW_PAD + channels[b].below.length * CHANNEL_STEP;
    const name = lanes[b]?.name ? String(lanes[b].name) : '';
    let height = Math.max(inner, MIN_LANE_HEIGHT);
    // bpmn-js writes the lane name across the band's height in a 30px header: two lines fit.
    while (lineCount(name, height - 20, 12) > 2) height += 10;
    // Spare height is shared out so the content sits in the middle of the band.
    const slack = (height - inner) / 2;
    bands.push({ y, height, rows: rows.map((r) => y + slack + r.offset) });
    y += height;
  }
  const poolHeight = y - POOL_Y;
  const poolWidth = contentRight - POOL_X;

  const box = new Map();
  for (const node of placed) {
    const { width, height } = size.get(node);
    const column = rank.get(node);
    const centreX = columnX[column] + columnWidth[column] / 2;
    const centreY = bands[bandOf.get(node)].rows[rowOf.get(node)];
    box.set(node, { node, x: centreX - width / 2, y: centreY - height / 2, width, height, kind: kindOf(node), column, band: bandOf.get(node) });
  }
  boundaryEvents.forEach((event) => {
    const host = box.get(event.attachedToRef);
    const siblings = boundaryEvents.filter((e) => e.attachedToRef === event.attachedToRef);
    const slot = siblings.indexOf(event) + 1;
    const cx = host.x + (host.width * slot) / (siblings.length + 1);
    box.set(event, { node: event, x: cx - EVENT_SIZE / 2, y: host.y + host.height - EVENT_SIZE / 2, width: EVENT_SIZE, height: EVENT_SIZE, kind: 'event', column: host.column, band: host.band });
  });

  // Which (band, row, column) cells are taken, to keep straight segments off other nodes.
  const taken = new Set(placed.map((n) => `${bandOf.get(n)}:${rowOf.get(n)}:${rank.get(n)}`));
  /** True when no other node sits in `node`'s sub-row in columns [from, to). */
  const rowFree = (node, from, to) => {
    for (let c = from; c < to; c++) {
      if (c !== rank.get(node) && taken.has(`${bandOf.get(node)}:${rowOf.get(node) ?? 0}:${c}`)) return false;
    }
    return true;
  };

  // Route every flow first: which gateway corners the flows use decides where its label goes.
  const corners = new Map(nodes.map((n) => [n, new Set()]));
  const routes = flows.map((flow) => {
    const src = box.get(flow.sourceRef);
    const tgt = box.get(flow.targetRef);
    const backInfo = back.get(flow);
    const ctx = {
      back: Boolean(backInfo),
      free: (b, from, to) => rowFree(b.node, from, to),
      cornerFree: (b, side) => !corners.get(b.node).has(side),
      useCorner: (b, side) => {
        if (b.kind === 'gateway') corners.get(b.node).add(side);
      },
      gapBeforeTarget: columnX[tgt.column] - COLUMN_GAP / 2,
      gapAfterSource: columnX[src.column] + columnWidth[src.column] + COLUMN_GAP / 2,
    };
    if (backInfo) {
      const band = bands[backInfo.band];
      ctx.above = backInfo.above;
      ctx.channelY = backInfo.above
        ? band.y + ROW_PAD / 2 + backInfo.index * CHANNEL_STEP
        : band.y + band.height - ROW_PAD / 2 - backInfo.index * CHANNEL_STEP;
    }
    return { flow, points: orthogonalRoute(src, tgt, ctx) };
  });

  const { collaboration, participant } = ensureParticipant(moddle, definitions, bpmnProcess, elementsById);
  const planeElements = [];
  const shape = (element, b, extra = {}) => {
    const di = moddle.create('bpmndi:BPMNShape', { id: `${element.id}_di`, bpmnElement: element, ...extra, bounds: bounds(moddle, b) });
    planeElements.push(di);
    return di;
  };

  shape(participant, { x: POOL_X, y: POOL_Y, width: poolWidth, height: poolHeight }, { isHorizontal: true });
  lanes.forEach((lane, i) => {
    shape(lane, { x: POOL_X + HEADER, y: bands[i].y, width: poolWidth - HEADER, height: bands[i].height }, { isHorizontal: true });
  });
  for (const node of nodes) {
    const b = box.get(node);
    const extra = node.$type === 'bpmn:ExclusiveGateway' ? { isMarkerVisible: true } : {};
    if (node.$instanceOf('bpmn:SubProcess')) extra.isExpanded = false;
    const di = shape(node, b, extra);
    const label = nodeLabel.get(node);
    if (!label) continue;
    const used = corners.get(node);
    let labelBox = { x: b.x + b.width / 2 - label.width / 2, y: b.y + b.height + LABEL.gap, ...label };
    if (b.kind === 'gateway' && !used.has('top')) labelBox.y = b.y - LABEL.gap - label.height;
    else if (b.kind === 'gateway' && used.has('bottom')) labelBox = { x: b.x - label.width, y: b.y - label.height, ...label };
    di.label = moddle.create('bpmndi:BPMNLabel', { bounds: bounds(moddle, labelBox) });
  }
  for (const { flow, points } of routes) {
    const di = moddle.create('bpmndi:BPMNEdge', { id: `${flow.id}_di`, bpmnElement: flow, waypoint: points.map(([px, py]) => point(moddle, px, py)) });
    if (flow.name && String(flow.name).trim()) {
      di.label = moddle.create('bpmndi:BPMNLabel', { bounds: bounds(moddle, edgeLabelBounds(points, flow.name)) });
    }
    planeElements.push(di);
  }

  const plane = moddle.create('bpmndi:BPMNPlane', { id: `plane-${bpmnProcess.id}`, bpmnElement: collaboration, planeElement: planeElements });
  const diagram = moddle.create('bpmndi:BPMNDiagram', { id: `diagram-${bpmnProcess.id}`, plane });
  definitions.diagrams = [diagram];

  const { xml: out } = await moddle.toXML(definitions, { format: true });
  return { xml: out.endsWith('\n') ? out : `${out}\n`, warnings };
}

function usage() {
  console.error('usage: node scripts/layout-bpmn.mjs <file.bpmn> [--write | --check]');
  return 2;
}

async function main(args) {
  const flags = args.filter((a) => a.startsWith('--'));
  const files = args.filter((a) => !a.startsWith('--'));
  if (files.length !== 1 || flags.some((f) => f !== '--write' && f !== '--check') || flags.length > 1) return usage();
  const [file] = files;
  const input = await readFile(file, 'utf8');
  const { xml, warnings } = await layoutBpmn(input);
  for (const warning of warnings) console.error(`${file}: warning: ${warning}`);
  if (flags[0] === '--check') {
    if (xml === input) return 0;
    console.error(`${file}: layout is out of date; run node scripts/layout-bpmn.mjs ${file} --write`);
    return 1;
  }
  if (flags[0] === '--write') {
    if (xml !== input) await writeFile(file, xml, 'utf8');
    console.error(`${file}: ${xml === input ? 'unchanged' : 'written'}`);
    return 0;
  }
  process.stdout.write(xml);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      console.error(`layout-bpmn: ${err.message}`);
      process.exitCode = 1;
    },
  );
}
