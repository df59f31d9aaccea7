// The elements that can still send a token to an inclusive join, computed once per join and definition.
import t from 'tap';
import { elementsReaching, type DefinitionGraph } from '../../../src/engine/elements/join-reach.js';

function graph(flows: Array<[string, string]>, attached: Array<[string, string]> = []): DefinitionGraph {
  return {
    getSequenceFlows: () => flows.map(([sourceId, targetId]) => ({ sourceId, targetId })),
    getActivities: () => attached.map(([id, host]) => ({ id, behaviour: { attachedTo: { id: host } } })),
  };
}

t.test('given a loop through the join, then elements after it reach it again, and the walk stops at the join', async (t) => {
  const g = graph([
    ['start', 'split'],
    ['split', 'a'],
    ['split', 'b'],
    ['a', 'join'],
    ['b', 'join'],
    ['join', 'after'],
    ['after', 'again'],
    ['again', 'a'],
    ['other', 'end'],
  ]);
  // 'after' reaches the join again through 'again' and 'a'; 'other' never does.
  t.same([...elementsReaching(g, 'join')].sort(), ['a', 'after', 'again', 'b', 'split', 'start']);
});

t.test('given a boundary event on a path to the join, then its host task can reach the join', async (t) => {
  const g = graph(
    [
      ['task', 'end'],
      ['late', 'join'],
      ['x', 'join'],
    ],
    [['late', 'task']],
  );
  t.same([...elementsReaching(g, 'join')].sort(), ['late', 'task', 'x']);
});

t.test('given one definition, then each join is computed once and cached', async (t) => {
  const g = graph([
    ['a', 'join'],
    ['b', 'join'],
    ['join', 'c'],
    ['c', 'join2'],
    ['d', 'join2'],
  ]);
  const first = elementsReaching(g, 'join');
  t.equal(elementsReaching(g, 'join'), first, 'the same set, not a new walk');
  t.same([...elementsReaching(g, 'join2')].sort(), ['a', 'b', 'c', 'd', 'join']);
});
