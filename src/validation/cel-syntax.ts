// Whether cel-go (v0.29, as Istio 1.30.3's webhook runs it: `cel.NewEnv()` then `Parse`) parses a
// CEL expression. Only the parser's verdict is reproduced, not its AST: the lexer of CEL.g4, the
// grammar with ANTLR's choices where it is ambiguous (a `-` before a number is the number's sign;
// `a.b{` starts a message), and what the parser's visitor refuses afterwards: reserved
// identifiers, int / uint / double literals out of range, bad escapes in string and bytes
// literals, the optional syntax (`a.?b`, `[?x]`, `{?k: v}`, off by default), the arguments of the
// standard macros (`has`, `all`, `exists`, `exists_one`, `map`, `filter`), and the parser's
// limits (100,000 code points; 250 levels of nesting per grammar rule and of compound nodes).
// Written from the grammar and the parser's source; nothing here evaluates or type-checks.

/** The parser's limits, as cel-go's defaults. */
const MAX_CODE_POINTS = 100_000;
const MAX_DEPTH = 250;

const RESERVED = new Set([
  'as', 'break', 'const', 'continue', 'else', 'false', 'for', 'function', 'if', 'import', 'in', 'let', 'loop', 'package',
  'namespace', 'null', 'return', 'true', 'var', 'void', 'while',
]);

const KEYWORDS: Record<string, string> = { in: 'in', true: 'true', false: 'false', null: 'null' };
const RELATION_OPS = new Set(['<', '<=', '>=', '>', '==', '!=', 'in']);
const TWO_CHAR_OPS = new Set(['==', '!=', '<=', '>=', '&&', '||']);
const ONE_CHAR_OPS = new Set(['<', '>', '[', ']', '{', '}', '(', ')', '.', ',', '-', '!', '?', ':', '+', '*', '/', '%']);
/** The accumulator names a macro's iteration variable must not take. */
const ACCUMULATORS = new Set(['__result__', '@result']);

type TokenKind = 'int' | 'uint' | 'float' | 'string' | 'bytes' | 'ident' | 'escaped-ident' | 'true' | 'false' | 'null' | 'in' | 'eof' | string;

interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** Offset in the expression (UTF-16 units). */
  readonly at: number;
}

/** What the checks after parsing need to know of a subexpression. */
interface Node {
  /** `ident` and `select` for the macros' argument rules; everything else is `other`. */
  readonly kind: 'ident' | 'select' | 'other';
  /** The identifier, for `ident`. */
  readonly name?: string;
  /** The most compound nodes (ternary, relation, arithmetic, select, call, index) on a path down. */
  readonly height: number;
}

class SyntaxProblem extends Error {
  constructor(message: string, public readonly at: number) {
    super(message);
  }
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9a-fA-F]$/.test(c);
const isLetter = (c: string | undefined): boolean => c !== undefined && /^[A-Za-z_]$/.test(c);
const isIdentPart = (c: string | undefined): boolean => c !== undefined && /^[A-Za-z0-9_]$/.test(c);

/** Length of the escape sequence CEL.g4 accepts at `text[i]` (a backslash), or 0. */
function escapeLength(text: string, i: number): number {
  const c = text[i + 1];
  if (c === undefined) return 0;
  if ('abfnrtv"\'\\?`'.includes(c)) return 2;
  const hexRun = (n: number): boolean => [...Array(n).keys()].every((k) => isHex(text[i + 2 + k]));
  if ((c === 'x' || c === 'X') && hexRun(2)) return 4;
  if (c === 'u' && hexRun(4)) return 6;
  if (c === 'U' && hexRun(8)) return 10;
  if (c >= '0' && c <= '3' && /^[0-7]{2}$/.test(text.slice(i + 2, i + 4))) return 4;
  return 0;
}

/**
 * The unescaping of a quoted (not raw) literal's body, as the parser's `unescape`: in bytes,
 * `\u` and `\U` are refused; in strings, a code point must be a valid Unicode scalar value.
 */
function escapeProblem(body: string, bytes: boolean): string | undefined {
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== '\\') continue;
    const c = body[i + 1];
    if (c === 'u' || c === 'U') {
      if (bytes) return `bytes literals cannot hold \\${c} escapes`;
      const code = parseInt(body.slice(i + 2, i + (c === 'u' ? 6 : 10)), 16);
      if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return `\\${body.slice(i + 1, i + (c === 'u' ? 6 : 10))} is not a valid Unicode code point`;
    }
    i += escapeLength(body, i) - 1;
  }
  return undefined;
}

/** CEL.g4's lexer (longest match; ties to the rule defined first). Throws at the first character no token takes. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, end: number): void => {
    tokens.push({ kind, text: text.slice(i, end), at: i });
    i = end;
  };
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\f') {
      i++;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (isDigit(c) || (c === '.' && isDigit(text[i + 1]))) {
      push(...numberToken(text, i));
    } else if (c === '"' || c === '\'') {
      push('string', stringEnd(text, i, false));
    } else if ((c === 'r' || c === 'R') && (text[i + 1] === '"' || text[i + 1] === '\'')) {
      push('string', stringEnd(text, i + 1, true));
    } else if ((c === 'b' || c === 'B') && (text[i + 1] === '"' || text[i + 1] === '\'')) {
      push('bytes', stringEnd(text, i + 1, false));
    } else if ((c === 'b' || c === 'B') && (text[i + 1] === 'r' || text[i + 1] === 'R') && (text[i + 2] === '"' || text[i + 2] === '\'')) {
      push('bytes', stringEnd(text, i + 2, true));
    } else if (isLetter(c)) {
      let end = i + 1;
      while (isIdentPart(text[end])) end++;
      push(KEYWORDS[text.slice(i, end)] ?? 'ident', end);
    } else if (c === '`') {
      let end = i + 1;
      while (end < text.length && /^[A-Za-z0-9_.\-/ ]$/.test(text[end])) end++;
      if (end === i + 1 || text[end] !== '`') throw new SyntaxProblem('an escaped identifier must be letters, digits and _ . - / or spaces between backticks', i);
      push('escaped-ident', end + 1);
    } else if (TWO_CHAR_OPS.has(text.slice(i, i + 2))) {
      push(text.slice(i, i + 2), i + 2);
    } else if (ONE_CHAR_OPS.has(c)) {
      push(c, i + 1);
    } else {
      throw new SyntaxProblem(`unexpected character ${JSON.stringify(String.fromCodePoint(text.codePointAt(i)!))}`, i);
    }
  }
  tokens.push({ kind: 'eof', text: '', at: text.length });
  return tokens;
}

/** NUM_INT, NUM_UINT or NUM_FLOAT at `i`, by longest match. */
function numberToken(text: string, i: number): [TokenKind, number] {
  if (text[i] === '0' && text[i + 1] === 'x' && isHex(text[i + 2])) {
    let end = i + 2;
    while (isHex(text[end])) end++;
    return text[end] === 'u' || text[end] === 'U' ? ['uint', end + 1] : ['int', end];
  }
  let end = i;
  while (isDigit(text[end])) end++;
  let float = false;
  if (text[end] === '.' && isDigit(text[end + 1])) {
    float = true;
    end++;
    while (isDigit(text[end])) end++;
  }
  const exponent = /^[eE][+-]?[0-9]+/.exec(text.slice(end));
  if (exponent) return ['float', end + exponent[0].length];
  if (float) return ['float', end];
  return text[end] === 'u' || text[end] === 'U' ? ['uint', end + 1] : ['int', end];
}

/** The end of the string literal whose quote is at `i` (single or triple quoted; raw or not). */
function stringEnd(text: string, i: number, raw: boolean): number {
  const quote = text[i];
  const triple = quote.repeat(3);
  if (text.startsWith(triple, i)) {
    // Triple quoted: the shortest run up to the next triple quote; newlines allowed.
    for (let j = i + 3; j < text.length;) {
      if (text.startsWith(triple, j)) return j + 3;
      if (text[j] === '\\' && !raw) {
        const n = escapeLength(text, j);
        if (n === 0) throw new SyntaxProblem(`invalid escape sequence ${JSON.stringify(text.slice(j, j + 2))} in a string literal`, j);
        j += n;
      } else {
        j++;
      }
    }
    throw new SyntaxProblem(`string literal opened with ${triple} is not closed`, i);
  }
  for (let j = i + 1; j < text.length;) {
    const c = text[j];
    if (c === quote) return j + 1;
    if (c === '\n' || c === '\r') break;
    if (c === '\\' && !raw) {
      const n = escapeLength(text, j);
      if (n === 0) throw new SyntaxProblem(`invalid escape sequence ${JSON.stringify(text.slice(j, j + 2))} in a string literal`, j);
      j += n;
    } else {
      j++;
    }
  }
  throw new SyntaxProblem('string literal is not closed on its line (use triple quotes for several lines)', i);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** The checks the parser's visitor makes on a literal token (`negative`: it carries a `-` sign). */
function literalProblem(token: Token, negative: boolean): string | undefined {
  const text = token.text;
  switch (token.kind) {
    case 'int': {
      const magnitude = text.startsWith('0x') ? BigInt(text) : BigInt(text.replace(/^0+(?=\d)/, ''));
      const value = negative ? -magnitude : magnitude;
      return value < INT64_MIN || value > INT64_MAX ? `int literal ${negative ? '-' : ''}${text} is out of the int64 range` : undefined;
    }
    case 'uint': {
      const digits = text.slice(0, -1);
      return BigInt(digits.startsWith('0x') ? digits : digits.replace(/^0+(?=\d)/, '')) > UINT64_MAX ? `uint literal ${text} is out of the uint64 range` : undefined;
    }
    case 'float':
      return Number.isFinite(Number(text)) ? undefined : `double literal ${negative ? '-' : ''}${text} is out of the double range`;
    case 'string':
    case 'bytes': {
      const bytes = token.kind === 'bytes';
      const quoted = bytes ? text.slice(1) : text;
      if (quoted[0] === 'r' || quoted[0] === 'R') return undefined;
      const q = quoted.startsWith('"""') || quoted.startsWith('\'\'\'') ? 3 : 1;
      return escapeProblem(quoted.slice(q, quoted.length - q), bytes);
    }
    default:
      return undefined;
  }
}

const OTHER: Node = { kind: 'other', height: 0 };

function heightOf(nodes: Node[]): number {
  return Math.max(0, ...nodes.map((n) => n.height));
}

/** A compound node (the visitor counts its depth) over `children`. */
function compound(children: Node[], kind: 'select' | 'other' = 'other'): Node {
  return { kind, height: heightOf(children) + 1 };
}

/** A node that is not counted, over `children`. */
function plain(children: Node[]): Node {
  return { kind: 'other', height: heightOf(children) };
}

/**
 * A recursive-descent parser for CEL.g4 that enters and leaves grammar rules as ANTLR's generated
 * parser reports them to cel-go's recursion listener, so that the per-rule nesting limit trips
 * where cel-go's does (a flat chain of operators does not nest; parentheses, lists and calls do).
 */
class CelParser {
  private index = 0;
  private readonly depth = new Map<string, number>();

  constructor(private readonly tokens: Token[], private readonly maxDepth: number) {}

  public parse(): Node {
    const node = this.expr();
    if (this.peek().kind !== 'eof') this.unexpected();
    return node;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)];
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.index++;
    return token;
  }

  private expect(kind: string): Token {
    if (this.peek().kind !== kind) this.unexpected(`'${kind}'`);
    return this.next();
  }

  private unexpected(wanted?: string): never {
    const token = this.peek();
    const found = token.kind === 'eof' ? 'end of the expression' : `'${token.text}'`;
    throw new SyntaxProblem(`unexpected ${found}${wanted ? `, expected ${wanted}` : ''}`, token.at);
  }

  private enter(rule: string): void {
    const depth = (this.depth.get(rule) ?? 0) + 1;
    this.depth.set(rule, depth);
    if (depth > this.maxDepth) throw new SyntaxProblem(`the expression nests deeper than ${this.maxDepth} levels`, this.peek().at);
  }

  /** Leaves `rule` `times` times; the count stops at 0, as cel-go's listener does. */
  private leave(rule: string, times = 1): void {
    this.depth.set(rule, Math.max(0, (this.depth.get(rule) ?? 0) - times));
  }

  /**
   * One more operator of a left-recursive rule: ANTLR's generated loop leaves the rule and enters
   * a new context of it, so the count stays; the rule's end leaves every context it made.
   */
  private nextContext(rule: string): void {
    this.leave(rule);
    this.enter(rule);
  }

  /** expr: conditionalOr ('?' conditionalOr ':' expr)? */
  private expr(): Node {
    this.enter('expr');
    const condition = this.conditionalOr();
    let node = condition;
    if (this.peek().kind === '?') {
      this.next();
      const whenTrue = this.conditionalOr();
      this.expect(':');
      node = compound([condition, whenTrue, this.expr()]);
    }
    this.leave('expr');
    return node;
  }

  /** conditionalOr: conditionalAnd ('||' conditionalAnd)* */
  private conditionalOr(): Node {
    this.enter('conditionalOr');
    const terms = [this.conditionalAnd()];
    while (this.peek().kind === '||') {
      this.next();
      terms.push(this.conditionalAnd());
    }
    this.leave('conditionalOr');
    return terms.length === 1 ? terms[0] : plain(terms);
  }

  /** conditionalAnd: relation ('&&' relation)* */
  private conditionalAnd(): Node {
    this.enter('conditionalAnd');
    const terms = [this.relation(0)];
    while (this.peek().kind === '&&') {
      this.next();
      terms.push(this.relation(0));
    }
    this.leave('conditionalAnd');
    return terms.length === 1 ? terms[0] : plain(terms);
  }

  /** relation: calc | relation op relation (left-recursive: one precedence level). */
  private relation(precedence: number): Node {
    this.enter('relation');
    let contexts = 1;
    let node = this.calc(0);
    while (RELATION_OPS.has(this.peek().kind) && precedence <= 1) {
      this.nextContext('relation');
      contexts++;
      this.next();
      node = compound([node, this.relation(2)]);
    }
    this.leave('relation', contexts);
    return node;
  }

  /** calc: unary | calc ('*'|'/'|'%') calc | calc ('+'|'-') calc (left-recursive: two levels). */
  private calc(precedence: number): Node {
    this.enter('calc');
    let contexts = 1;
    let node = this.unary();
    for (;;) {
      const op = this.peek().kind;
      let right: number;
      if ((op === '*' || op === '/' || op === '%') && precedence <= 2) right = 3;
      else if ((op === '+' || op === '-') && precedence <= 1) right = 2;
      else break;
      this.nextContext('calc');
      contexts++;
      this.next();
      node = compound([node, this.calc(right)]);
    }
    this.leave('calc', contexts);
    return node;
  }

  /** unary: member | '!'+ member | '-'+ member. An even run of operators gives back its operand. */
  private unary(): Node {
    this.enter('unary');
    let node: Node;
    const op = this.peek().kind;
    if (op === '!' || (op === '-' && !this.signedLiteralAhead())) {
      let run = 0;
      while (this.peek().kind === op) {
        this.next();
        run++;
      }
      const operand = this.member();
      node = run % 2 === 0 ? operand : plain([operand]);
    } else {
      node = this.member();
    }
    this.leave('unary');
    return node;
  }

  /** A single `-` before a number: the number's sign (ANTLR picks the literal over negation). */
  private signedLiteralAhead(): boolean {
    return this.peek().kind === '-' && (this.peek(1).kind === 'int' || this.peek(1).kind === 'float');
  }

  /** member: primary, then selects, member calls and indexes (left-recursive: one context each). */
  private member(): Node {
    this.enter('member');
    let contexts = 1;
    let node = this.primary();
    for (;;) {
      const op = this.peek().kind;
      if (op !== '.' && op !== '[') break;
      this.nextContext('member');
      contexts++;
      this.next();
      if (op === '[') {
        if (this.peek().kind === '?') this.optionalSyntax('[?');
        const index = this.expr();
        this.expect(']');
        node = compound([node, index]);
      } else if (this.peek().kind === 'ident' && this.peek(1).kind === '(') {
        const name = this.next().text;
        this.next();
        const args = this.peek().kind === ')' ? [] : this.exprList();
        this.expect(')');
        this.checkReceiverMacro(name, args);
        node = compound([node, ...args]);
      } else {
        if (this.peek().kind === '?') this.optionalSyntax('.?');
        this.escapeIdent();
        node = compound([node], 'select');
      }
    }
    this.leave('member', contexts);
    return node;
  }

  private primary(): Node {
    this.enter('primary');
    let node: Node;
    const token = this.peek();
    const leadingDot = token.kind === '.' && this.peek(1).kind === 'ident';
    if (leadingDot || token.kind === 'ident') {
      node = this.identOrCallOrMessage(leadingDot);
    } else if (token.kind === '(') {
      this.next();
      node = this.expr();
      this.expect(')');
    } else if (token.kind === '[') {
      this.next();
      const items = this.peek().kind === ']' || this.peek().kind === ',' ? [] : this.listInit();
      if (this.peek().kind === ',') this.next();
      this.expect(']');
      node = plain(items);
    } else if (token.kind === '{') {
      this.next();
      const entries = this.peek().kind === '}' || this.peek().kind === ',' ? [] : this.mapInitializerList();
      if (this.peek().kind === ',') this.next();
      this.expect('}');
      node = plain(entries);
    } else {
      this.literal();
      node = OTHER;
    }
    this.leave('primary');
    return node;
  }

  /** Ident, GlobalCall, or CreateMessage (`a.b.C{`), each with an optional leading dot. */
  private identOrCallOrMessage(leadingDot: boolean): Node {
    const start = leadingDot ? 1 : 0;
    let end = start;
    while (this.peek(end + 1).kind === '.' && this.peek(end + 2).kind === 'ident') end += 2;
    if (this.peek(end + 1).kind === '{') {
      for (let k = 0; k <= end; k++) this.next();
      this.next();
      const fields = this.peek().kind === '}' || this.peek().kind === ',' ? [] : this.fieldInitializerList();
      if (this.peek().kind === ',') this.next();
      this.expect('}');
      return plain(fields);
    }
    if (leadingDot) this.next();
    const id = this.next();
    if (RESERVED.has(id.text)) throw new SyntaxProblem(`'${id.text}' is a reserved identifier`, id.at);
    if (this.peek().kind !== '(') return { kind: 'ident', name: (leadingDot ? '.' : '') + id.text, height: 0 };
    this.next();
    const args = this.peek().kind === ')' ? [] : this.exprList();
    this.expect(')');
    if (id.text === 'has' && !leadingDot && args.length === 1 && args[0].kind !== 'select') {
      throw new SyntaxProblem('the argument of has() must be a field selection, e.g. has(request.headers.x)', id.at);
    }
    return plain(args);
  }

  /** The receiver macros of the standard library and what their first argument must be. */
  private checkReceiverMacro(name: string, args: Node[]): void {
    const quantifier = ['all', 'exists', 'exists_one'].includes(name) && args.length === 2;
    const transform = (name === 'map' && (args.length === 2 || args.length === 3)) || (name === 'filter' && args.length === 2);
    if (!quantifier && !transform) return;
    const variable = args[0];
    if (variable.kind !== 'ident') {
      throw new SyntaxProblem(`the first argument of ${name}() must be a simple variable name`, this.peek(-1).at);
    }
    if (ACCUMULATORS.has(variable.name!)) {
      throw new SyntaxProblem(`the iteration variable of ${name}() must not be named ${variable.name}`, this.peek(-1).at);
    }
  }

  private exprList(): Node[] {
    this.enter('exprList');
    const items = [this.expr()];
    while (this.peek().kind === ',') {
      this.next();
      items.push(this.expr());
    }
    this.leave('exprList');
    return items;
  }

  /** listInit: optExpr (',' optExpr)*; a trailing comma is the list's. */
  private listInit(): Node[] {
    this.enter('listInit');
    const items = [this.optExpr()];
    while (this.peek().kind === ',' && this.peek(1).kind !== ']') {
      this.next();
      items.push(this.optExpr());
    }
    this.leave('listInit');
    return items;
  }

  /** mapInitializerList: optExpr ':' expr (',' optExpr ':' expr)* */
  private mapInitializerList(): Node[] {
    this.enter('mapInitializerList');
    const entries: Node[] = [];
    for (;;) {
      entries.push(this.optExpr());
      this.expect(':');
      entries.push(this.expr());
      if (this.peek().kind !== ',' || this.peek(1).kind === '}') break;
      this.next();
    }
    this.leave('mapInitializerList');
    return entries;
  }

  /** fieldInitializerList: optField ':' expr (',' optField ':' expr)* */
  private fieldInitializerList(): Node[] {
    this.enter('fieldInitializerList');
    const values: Node[] = [];
    for (;;) {
      this.enter('optField');
      if (this.peek().kind === '?') this.optionalSyntax('?');
      this.escapeIdent();
      this.leave('optField');
      this.expect(':');
      values.push(this.expr());
      if (this.peek().kind !== ',' || this.peek(1).kind === '}') break;
      this.next();
    }
    this.leave('fieldInitializerList');
    return values;
  }

  /** optExpr: '?'? expr */
  private optExpr(): Node {
    this.enter('optExpr');
    if (this.peek().kind === '?') this.optionalSyntax('?');
    const node = this.expr();
    this.leave('optExpr');
    return node;
  }

  private escapeIdent(): void {
    this.enter('escapeIdent');
    const kind = this.peek().kind;
    if (kind !== 'ident' && kind !== 'escaped-ident') this.unexpected('a field name');
    this.next();
    this.leave('escapeIdent');
  }

  private literal(): void {
    this.enter('literal');
    const negative = this.signedLiteralAhead();
    if (negative) this.next();
    const token = this.peek();
    if (!['int', 'uint', 'float', 'string', 'bytes', 'true', 'false', 'null'].includes(token.kind)) this.unexpected();
    this.next();
    const problem = literalProblem(token, negative);
    if (problem) throw new SyntaxProblem(problem, token.at);
    this.leave('literal');
  }

  private optionalSyntax(syntax: string): never {
    throw new SyntaxProblem(`the optional syntax '${syntax}' is not enabled in Istio's CEL environment`, this.peek().at);
  }
}

/**
 * Why Istio's webhook refuses `expression` as a CEL expression (cel-go's parser, with the
 * standard macros and default limits), or undefined when it parses. The message names the
 * column (1-based) of the problem. `maxDepth` is cel-go's MaxRecursionDepth option (250 unless
 * set; tests lower it to reach the limit with short expressions).
 */
export function celSyntaxProblem(expression: string, maxDepth = MAX_DEPTH): string | undefined {
  const codePoints = [...expression].length;
  if (codePoints > MAX_CODE_POINTS) return `is ${codePoints} code points long, over CEL's limit of ${MAX_CODE_POINTS}`;
  try {
    const root = new CelParser(tokenize(expression), maxDepth).parse();
    if (root.height > maxDepth) return `nests more than ${maxDepth} operations, selections, calls or indexes inside each other`;
    return undefined;
  } catch (e) {
    if (!(e instanceof SyntaxProblem)) throw e;
    const line = expression.slice(0, e.at).split('\n');
    const where = line.length > 1 ? `line ${line.length}, column ${[...line[line.length - 1]].length + 1}` : `column ${[...line[0]].length + 1}`;
    return `${e.message} (at ${where})`;
  }
}
