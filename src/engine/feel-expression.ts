// FEEL (Camunda 8's `=…` expressions) through feelin, sandboxed: an expression sees the case's variables as plain
// data and FEEL's built-in functions, nothing else, and the constructs that could run without bound are refused.
import { FeelDate, FeelDateTime, FeelDuration, FeelTime, date, evaluate as feelEvaluate, parseExpression as feelParse, toFeel } from 'feelin';
import { ExpressionSyntaxError } from './safe-expression.js';

/** A comparison of a variable with a literal, as the deploy-time analysis checks it (`amount > 1000`). */
export interface LiteralComparison {
  variable: string;
  op: string;
  literal: string | number | boolean | null;
}

/** What deploy needs to know of a FEEL expression: the variables it reads and its comparisons with literals. */
export interface FeelAnalysis {
  reads: string[];
  comparisons: LiteralComparison[];
}

/** The built-ins whose pattern is a regular expression: the pattern must be a literal without nested quantifiers. */
const REGEX_FUNCTIONS = new Set(['matches', 'replace', 'split']);
/** Constructs that loop: a `for`, `some`/`every`, or a filter that is not a plain index. */
const ITERATIONS = new Set(['ForExpression', 'QuantifiedExpression', 'FilterExpression']);
const LITERALS = new Set(['StringLiteral', 'NumericLiteral', 'BooleanLiteral', 'null']);

interface Node {
  name: string;
  from: number;
  to: number;
  parent: Node | null;
  firstChild: Node | null;
  nextSibling: Node | null;
  type: { isError: boolean };
}

const children = (node: Node): Node[] => {
  const list: Node[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) list.push(c);
  return list;
};

/** Whether two nodes are the same: lezer makes a new object each time a node is reached, so identity does not tell. */
const same = (a: Node | null | undefined, b: Node): boolean => !!a && a.from === b.from && a.to === b.to && a.name === b.name;

function ancestors(node: Node): Node[] {
  const list: Node[] = [];
  for (let p = node.parent; p; p = p.parent) list.push(p);
  return list;
}

/**
 * A regular expression that cannot backtrack without bound: no back-references, and no quantified group holding (at
 * any depth) a quantifier or an alternation (`(a+)+`, `((a|aa))*`: the shapes of catastrophic backtracking).
 */
export function isSafePattern(pattern: string): boolean {
  if (/\\[1-9k]/.test(pattern)) return false;
  try {
    new RegExp(pattern, 'u');
  } catch {
    return false;
  }
  // Per open group: whether it holds a quantifier or an alternation so far.
  const groups: boolean[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\') i++;
    else if (c === '[') i = classEnd(pattern, i);
    else if (c === '(') groups.push(false);
    else if (c === ')') {
      const inner = groups.pop() ?? false;
      if (inner && /^[*+?{]/.test(pattern.slice(i + 1))) return false;
      if (groups.length > 0) groups[groups.length - 1] ||= inner;
    } else if ('*+?{|'.includes(c) && groups.length > 0) groups[groups.length - 1] = true;
  }
  return true;
}

/** The index of the `]` that closes the character class opening at `start`. */
function classEnd(pattern: string, start: number): number {
  let i = start + 1;
  for (; i < pattern.length && pattern[i] !== ']'; i++) if (pattern[i] === '\\') i++;
  return i;
}

function literalValue(node: Node, source: string): string | number | boolean | null {
  const text = source.slice(node.from, node.to);
  if (node.name === 'StringLiteral') return text.slice(1, -1);
  if (node.name === 'NumericLiteral') return Number(text.replace(/\s+/g, ''));
  if (node.name === 'BooleanLiteral') return text === 'true';
  return null;
}

/** Checks one node against the sandbox's rules; throws ExpressionSyntaxError naming what is refused. */
function checkNode(node: Node, source: string): void {
  const text = source.slice(node.from, node.to);
  if (node.type.isError) throw new ExpressionSyntaxError(`FEEL syntax error at position ${node.from + 1}${text ? ` ('${text}')` : ''}`);
  if (node.name === 'FunctionDefinition') throw new ExpressionSyntaxError('FEEL function definitions are not allowed: only built-in functions may be called');
  if (ITERATIONS.has(node.name)) {
    const iteration = children(node).find((c) => c.name === 'InExpressions');
    if (iteration && /\.\./.test(source.slice(iteration.from, iteration.to))) throw new ExpressionSyntaxError('FEEL iteration over a range is not allowed: iterate over a list variable');
    if (ancestors(node).some((a) => ITERATIONS.has(a.name) && isLoop(a))) throw new ExpressionSyntaxError('nested FEEL iterations are not allowed');
  }
  if (node.name === 'VariableName' && REGEX_FUNCTIONS.has(text)) {
    const call = node.parent;
    const args = call?.name === 'FunctionInvocation' && same(call.firstChild, node) ? children(call).find((c) => c.name === 'PositionalParameters') : undefined;
    const pattern = args ? children(args)[1] : undefined;
    if (!pattern || pattern.name !== 'StringLiteral' || !isSafePattern(String(literalValue(pattern, source)))) {
      throw new ExpressionSyntaxError(`${text}() needs a literal pattern without nested quantifiers or back-references`);
    }
  }
}

/** Whether an iteration node really loops: a filter by a numeric index (`list[1]`) does not. */
function isLoop(node: Node): boolean {
  if (node.name !== 'FilterExpression') return true;
  const filter = children(node)[2];
  return !(filter && filter.name === 'NumericLiteral');
}

/** Names an expression binds itself (iteration variables, context keys, a filter's `item`), which are no case variables. */
function boundNames(root: Node, source: string): Set<string> {
  const names = new Set<string>(['item']);
  const visit = (node: Node) => {
    if (node.name === 'Name' && (node.parent?.name === 'InExpression' || node.parent?.name === 'Key')) names.add(source.slice(node.from, node.to));
    for (const c of children(node)) visit(c);
  };
  visit(root);
  return names;
}

/** Whether a variable name is read as data: not a called function, not a type name, not inside a filter's condition. */
function isRead(node: Node): boolean {
  const parent = node.parent;
  if (parent?.name === 'FunctionInvocation' && same(parent.firstChild, node)) return false;
  if (parent?.name === 'QualifiedName') return false;
  for (let child = node, up = node.parent; up; child = up, up = up.parent) {
    if (up.name === 'FilterExpression' && !same(up.firstChild, child)) return false;
  }
  return true;
}

function comparisonOf(node: Node, source: string): LiteralComparison | undefined {
  const [left, op, right] = children(node);
  if (!left || !op || !right || op.name !== 'CompareOp') return undefined;
  const variable = left.name === 'VariableName' ? left : right.name === 'VariableName' ? right : undefined;
  const literal = LITERALS.has(right.name) ? right : LITERALS.has(left.name) ? left : undefined;
  if (!variable || !literal) return undefined;
  return { variable: source.slice(variable.from, variable.to), op: source.slice(op.from, op.to), literal: literalValue(literal, source) };
}

const analysed = new Map<string, FeelAnalysis>();

/**
 * Parses a FEEL expression (the text after `=`) and checks it against the sandbox: no function definitions, no
 * iteration over a range or inside another iteration, regular expressions only as safe literal patterns. Returns
 * the variables it reads and its comparisons with literals. Throws ExpressionSyntaxError.
 */
export function analyseFeel(source: string): FeelAnalysis {
  const cached = analysed.get(source);
  if (cached) return cached;
  if (source.trim() === '') throw new ExpressionSyntaxError('an empty FEEL expression');
  const root = (feelParse(source, {}, undefined).topNode as unknown) as Node;
  const reads = new Set<string>();
  const comparisons: LiteralComparison[] = [];
  const bound = boundNames(root, source);
  const visit = (node: Node) => {
    checkNode(node, source);
    if (node.name === 'VariableName' && isRead(node)) {
      const name = source.slice(node.from, node.to);
      if (!bound.has(name)) reads.add(name);
    }
    if (node.name === 'Comparison') {
      const comparison = comparisonOf(node, source);
      if (comparison) comparisons.push(comparison);
    }
    for (const c of children(node)) visit(c);
  };
  visit(root);
  const analysis = { reads: [...reads], comparisons };
  if (analysed.size > 5000) analysed.clear();
  analysed.set(source, analysis);
  return analysis;
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_DEPTH = 32;

/**
 * A case value as FEEL may see it: null, booleans, finite numbers, strings, lists and contexts of those (own
 * enumerable properties only, none named like a prototype's), dates as ISO text. Anything else (a function, a class
 * instance) becomes null, so nothing reachable from an expression is more than data.
 */
export function plainData(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined || depth > MAX_DEPTH) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Array.isArray(value)) return value.map((v) => plainData(v, depth + 1));
  const proto = typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
  if (proto !== Object.prototype && proto !== null) return null;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) if (!FORBIDDEN_KEYS.has(key)) out[key] = plainData(v, depth + 1);
  return out;
}

/** A FEEL result as the engine stores it: temporal values as ISO 8601 text, lists and contexts as plain data. */
function fromFeel(value: unknown, depth = 0): unknown {
  if (value instanceof FeelDate || value instanceof FeelTime || value instanceof FeelDateTime || value instanceof FeelDuration) return String(value);
  if (Array.isArray(value)) return value.map((v) => fromFeel(v, depth + 1));
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype && depth < MAX_DEPTH) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromFeel(v, depth + 1)]));
  }
  return plainData(value, depth);
}

/** Options of a FEEL evaluation. */
export interface FeelOptions {
  /** The clock `now()` and `today()` read (default the wall clock), so that tests and timers can move time. */
  now?: () => Date;
}

/**
 * Evaluates a FEEL expression (the text after `=`) over `variables`, which it sees as plainData. An expression the
 * sandbox refuses (analyseFeel) or one that fails evaluates to null, FEEL's value for an error. Temporal results come
 * back as ISO 8601 text.
 */
export function evaluateFeel(source: string, variables: Record<string, unknown>, options: FeelOptions = {}): unknown {
  try {
    analyseFeel(source);
    const context = plainData(variables) as Record<string, unknown>;
    if (options.now) {
      const now = options.now;
      Object.assign(context, {
        now: () => toFeel(now()),
        today: () => date(now().toISOString().slice(0, 10)),
      });
    }
    return fromFeel(feelEvaluate(source, context).value);
  } catch {
    return null;
  }
}
