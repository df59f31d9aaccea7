// Replays a run over the diagram's graph to learn which sequence flows it took, the way the engine chooses them:
// an exclusive gateway takes its first flow whose condition holds, else its default; parallel takes all.
import type { ModdleElement } from 'bpmn-moddle';
import { evaluate, parseExpression } from '../../src/engine/safe-expression.js';

export class FlowWalker {
  private readonly flows: ModdleElement[];
  readonly taken = new Set<string>();

  constructor(private readonly process: ModdleElement) {
    this.flows = ((process.flowElements as ModdleElement[]) ?? []).filter((e) => e.$type === 'bpmn:SequenceFlow');
  }

  get allFlows(): string[] {
    return this.flows.map((f) => String(f.id));
  }

  private holds(flow: ModdleElement, vars: Record<string, unknown>): boolean {
    const body = String((flow.conditionExpression as ModdleElement | undefined)?.body ?? '').trim();
    const inner = /^\$\{([\s\S]*)\}$/.exec(body);
    if (!inner) return true;
    return Boolean(evaluate(parseExpression(inner[1] as string), (n) => (Object.hasOwn(vars, n) ? vars[n] : undefined)));
  }

  /** Leaves `node` with the given variables; returns the user tasks and end events reached. */
  leave(node: ModdleElement, vars: Record<string, unknown>): string[] {
    const reached: string[] = [];
    const visit = (from: ModdleElement, depth: number): void => {
      if (depth > 100) throw new Error('flow walk did not settle');
      const out = this.flows.filter((f) => f.sourceRef === from);
      let chosen = out;
      if (from.$type === 'bpmn:ExclusiveGateway') {
        const conditional = out.filter((f) => f !== from.default && this.holds(f, vars));
        chosen = conditional.length ? [conditional[0] as ModdleElement] : out.filter((f) => f === from.default);
      } else if (from.$type === 'bpmn:InclusiveGateway') {
        const conditional = out.filter((f) => f !== from.default && this.holds(f, vars));
        chosen = conditional.length ? conditional : out.filter((f) => f === from.default);
      }
      for (const flow of chosen) {
        this.taken.add(String(flow.id));
        const target = flow.targetRef as ModdleElement;
        if (target.$type === 'bpmn:UserTask' || target.$type === 'bpmn:ManualTask' || target.$type === 'bpmn:EndEvent') reached.push(String(target.id));
        else visit(target, depth + 1);
      }
    };
    visit(node, 0);
    return reached;
  }
}
