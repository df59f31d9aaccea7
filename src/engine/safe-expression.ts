// The only expression language a diagram may use: variable reads, literals, comparisons and boolean logic.
// Nothing is ever called or evaluated as code, so an uploaded diagram cannot run anything.

export type Expr =
  | { kind: 'literal'; value: string | number | boolean | null }
  | { kind: 'path'; path: string[] }
  | { kind: 'not'; operand: Expr }
  | { kind: 'logical'; op: 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'compare'; op: CompareOp; left: Expr; right: Expr };

type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

export class ExpressionSyntaxError extends Error {}

const FORBIDDEN_NAMES = new Set(['constructor', '__proto__', 'prototype', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__']);
/** Prefixes that bpmn-engine diagrams commonly use for variables; they read the same variables. */
const VARIABLE_PREFIXES: ReadonlyArray<readonly string[]> = [['environment', 'variables'], ['variables']];
const EXPRESSION = /\$\{([^}]*)\}/g;
const WHOLE_EXPRESSION = /^\$\{([^}]*)\}$/;

type Token = { type: 'num'; value: number } | { type: 'str'; value: string } | { type: 'id'; value: string } | { type: 'op'; value: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const rest = source.slice(i);
    const num = /^\d+(\.\d+)?/.exec(rest);
    if (num) {
      tokens.push({ type: 'num', value: Number(num[0]) });
      i += num[0].length;
      continue;
    }
    if (c === "'" || c === '"') {
      const end = source.indexOf(c, i + 1);
      if (end < 0) throw new ExpressionSyntaxError('unterminated string');
      tokens.push({ type: 'str', value: source.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    const id = /^[A-Za-z_$][\w$]*/.exec(rest);
    if (id) {
      tokens.push({ type: 'id', value: id[0] });
      i += id[0].length;
      continue;
    }
    const op = /^(===|!==|==|!=|<=|>=|&&|\|\||[<>!().])/.exec(rest);
    if (op) {
      tokens.push({ type: 'op', value: op[0] });
      i += op[0].length;
      continue;
    }
    throw new ExpressionSyntaxError(`unexpected character '${c}'`);
  }
  return tokens;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Expr {
    const expr = this.or();
    const extra = this.tokens[this.pos];
    if (extra) throw new ExpressionSyntaxError(extra.value === '(' ? 'function calls are not allowed' : `unexpected '${String(extra.value)}'`);
    return expr;
  }

  private peekOp(...values: string[]): string | undefined {
    const t = this.tokens[this.pos];
    if (!t) return undefined;
    if (t.type === 'op' && values.includes(t.value)) return t.value;
    if (t.type === 'id' && values.includes(t.value)) return t.value;
    return undefined;
  }

  private or(): Expr {
    let left = this.and();
    while (this.peekOp('||', 'or')) {
      this.pos++;
      left = { kind: 'logical', op: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): Expr {
    let left = this.not();
    while (this.peekOp('&&', 'and')) {
      this.pos++;
      left = { kind: 'logical', op: 'and', left, right: this.not() };
    }
    return left;
  }

  private not(): Expr {
    if (this.peekOp('!', 'not')) {
      this.pos++;
      return { kind: 'not', operand: this.not() };
    }
    return this.compare();
  }

  private compare(): Expr {
    const left = this.primary();
    const op = this.peekOp('===', '!==', '==', '!=', '<=', '>=', '<', '>');
    if (!op) return left;
    this.pos++;
    const normalized = (op === '===' ? '==' : op === '!==' ? '!=' : op) as CompareOp;
    return { kind: 'compare', op: normalized, left, right: this.primary() };
  }

  private primary(): Expr {
    const t = this.tokens[this.pos++];
    if (!t) throw new ExpressionSyntaxError('unexpected end of expression');
    if (t.type === 'num' || t.type === 'str') return { kind: 'literal', value: t.value };
    if (t.type === 'op' && t.value === '(') {
      const inner = this.or();
      if (!this.peekOp(')')) throw new ExpressionSyntaxError("missing ')'");
      this.pos++;
      return inner;
    }
    if (t.type === 'id') {
      if (t.value === 'true' || t.value === 'false') return { kind: 'literal', value: t.value === 'true' };
      if (t.value === 'null' || t.value === 'undefined') return { kind: 'literal', value: null };
      const path = [t.value];
      while (this.peekOp('.')) {
        this.pos++;
        const next = this.tokens[this.pos++];
        if (!next || next.type !== 'id') throw new ExpressionSyntaxError('a property name must follow "."');
        path.push(next.value);
      }
      for (const name of path) {
        if (FORBIDDEN_NAMES.has(name)) throw new ExpressionSyntaxError(`'${name}' may not be read`);
      }
      if (this.peekOp('(')) throw new ExpressionSyntaxError('function calls are not allowed');
      return { kind: 'path', path: stripPrefix(path) };
    }
    throw new ExpressionSyntaxError(`unexpected '${String(t.value)}'`);
  }
}

function stripPrefix(path: string[]): string[] {
  for (const prefix of VARIABLE_PREFIXES) {
    if (path.length > prefix.length && prefix.every((p, i) => path[i] === p)) return path.slice(prefix.length);
  }
  return path;
}

const cache = new Map<string, Expr>();

/** Parses the inside of one `${…}`; throws ExpressionSyntaxError for anything but reads and comparisons. */
export function parseExpression(source: string): Expr {
  const cached = cache.get(source);
  if (cached) return cached;
  const expr = new Parser(tokenize(source)).parse();
  if (cache.size > 5000) cache.clear();
  cache.set(source, expr);
  return expr;
}

/** Checks every `${…}` in a text; returns the first problem, or undefined when all are safe. */
export function checkTemplate(text: string): string | undefined {
  for (const match of text.matchAll(EXPRESSION)) {
    try {
      parseExpression(match[1] as string);
    } catch (err) {
      return `expression ${match[0]} refused: ${(err as Error).message}`;
    }
  }
  return undefined;
}

export type VariableReader = (name: string) => unknown;

/** Reads a variables object's own properties only (never its prototype's). */
export function readerOf(variables: Record<string, unknown>): VariableReader {
  return (name) => (Object.hasOwn(variables, name) ? variables[name] : undefined);
}

/** The text inside a condition that is one whole `${…}` (blanks around it ignored), or undefined. */
export function expressionBody(text: string): string | undefined {
  return /^\$\{([\s\S]*)\}$/.exec(text.trim())?.[1];
}

function readPath(read: VariableReader, path: string[]): unknown {
  let value: unknown = read(path[0] as string);
  for (const name of path.slice(1)) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, name)) return undefined;
    value = (value as Record<string, unknown>)[name];
  }
  return value;
}

/** EL's coercion of a value to a number (Jakarta EL 4.0 §1.23.3): '' is 0, a numeric string its number; else undefined (an EL error). */
function toElNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (value === '') return 0;
  if (typeof value === 'string' && /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
}

/** EL's coercion of a value to a boolean (Jakarta EL 4.0 §1.23.5): null and '' are false, a string is true only as "true" in any case. */
function toElBoolean(value: unknown): boolean | undefined {
  if (value === null || value === undefined || value === '') return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') return value.toLowerCase() === 'true';
  return undefined;
}

/**
 * `A == B` as Jakarta EL 4.0 §1.8.2 (JSR-341 EL 3.0 §1.8.2, which Camunda 7's JUEL implements) defines it: equal
 * when identical; false when one is null; both coerced to numbers when one is a number, to booleans when one is a
 * boolean, to strings when one is a string. So `${approved == 'true'}` holds for the boolean true and
 * `${amount == '1000'}` for the number 1000. Where EL raises an error (a string that is no number), the values are
 * unequal here: a condition never throws.
 */
function elEquals(a: unknown, b: unknown): boolean {
  const x = a === undefined ? null : a;
  const y = b === undefined ? null : b;
  if (x === y) return true;
  if (x === null || y === null) return false;
  if (typeof x === 'number' || typeof y === 'number') {
    const [m, n] = [toElNumber(x), toElNumber(y)];
    return m !== undefined && m === n;
  }
  if (typeof x === 'boolean' || typeof y === 'boolean') {
    const [m, n] = [toElBoolean(x), toElBoolean(y)];
    return m !== undefined && m === n;
  }
  return false;
}

/**
 * `A < B` and the other relations as Jakarta EL 4.0 §1.8.1 defines them: false when either is null; numbers when
 * one is a number (the other coerced, false when it cannot be); strings compared lexically. Anything else is false.
 */
function elRelation(op: '<' | '<=' | '>' | '>=', a: unknown, b: unknown): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return false;
  let x: number | string;
  let y: number | string;
  if (typeof a === 'number' || typeof b === 'number') {
    const [m, n] = [toElNumber(a), toElNumber(b)];
    if (m === undefined || n === undefined) return false;
    [x, y] = [m, n];
  } else if (typeof a === 'string' && typeof b === 'string') {
    [x, y] = [a, b];
  } else {
    return false;
  }
  return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
}

function compare(op: CompareOp, a: unknown, b: unknown): boolean {
  if (op === '==') return elEquals(a, b);
  if (op === '!=') return !elEquals(a, b);
  return elRelation(op, a, b);
}

/** A value as `!`, `&&` and `||` read it: EL's boolean coercion for null and strings, else JavaScript's truthiness. */
function truth(value: unknown): boolean {
  return toElBoolean(value) ?? Boolean(value);
}

/** Evaluates a parsed expression against variables, comparing with EL's coercion (elEquals, elRelation). */
export function evaluate(expr: Expr, read: VariableReader): unknown {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'path':
      return readPath(read, expr.path);
    case 'not':
      return !truth(evaluate(expr.operand, read));
    case 'logical': {
      const left = truth(evaluate(expr.left, read));
      if (expr.op === 'and') return left && truth(evaluate(expr.right, read));
      return left || truth(evaluate(expr.right, read));
    }
    case 'compare':
      return compare(expr.op, evaluate(expr.left, read), evaluate(expr.right, read));
  }
}

/** Resolves a text with `${…}` parts: a whole expression (blanks around it ignored) gives its value, a template a string. */
export function resolveTemplate(text: string, read: VariableReader): unknown {
  const whole = WHOLE_EXPRESSION.exec(text.trim());
  if (whole) return evaluate(parseExpression(whole[1] as string), read);
  return text.replace(EXPRESSION, (_, inner: string) => {
    const value = evaluate(parseExpression(inner), read);
    return value === undefined || value === null ? '' : String(value);
  });
}

export function isExpression(text: unknown): boolean {
  return typeof text === 'string' && WHOLE_EXPRESSION.test(text);
}

export function hasExpression(text: unknown): boolean {
  return typeof text === 'string' && /\$\{[^}]*\}/.test(text);
}

function reads(expr: Expr, into: Set<string>): void {
  switch (expr.kind) {
    case 'path':
      into.add(expr.path[0] as string);
      return;
    case 'not':
      reads(expr.operand, into);
      return;
    case 'logical':
    case 'compare':
      reads(expr.left, into);
      reads(expr.right, into);
      return;
    default:
      return;
  }
}

/** The variable names a text's `${…}` parts read (unparsable parts read nothing: lockdown refuses them). */
export function templateReads(text: string): string[] {
  const into = new Set<string>();
  for (const match of text.matchAll(EXPRESSION)) {
    try {
      reads(parseExpression(match[1] as string), into);
    } catch {
      // refused elsewhere
    }
  }
  return [...into];
}
