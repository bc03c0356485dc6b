import { parse } from '@bufbuild/cel';
import * as fc from 'fast-check';
import { celSyntaxProblem } from '../../src/validation/cel-syntax';

// The CEL syntax check behind Istio's access-log filter rule (validateTelemetryFilter: cel-go's
// Parse with the standard macros and default limits). Each row says which part of cel-go
// (CEL.g4's lexer and grammar, or the parser's visitor) decides it.

const ACCEPTED: Array<[string, string]> = [
  ['grammar: comparison', 'response.code >= 400'],
  ['grammar: logic, calls, lists, maps, ternary', "request.headers['x-env'] in ['dev', 'qa'] && (size(request.path) > 3 ? true : {'a': 1}.a == 1)"],
  ['grammar: negation runs and arithmetic', '!!connection.mtls || --response.size * 2 % 3 - 1 == 0'],
  ['grammar: a leading dot and message construction', '.google.protobuf.Duration{seconds: 5} == x && .y'],
  ['grammar: trailing commas in lists, maps and messages', '[1, 2,] == [,] && {1: 2,} != {} && T{a: 1,} == T{,}'],
  ['grammar: member calls on literals and indexes', "'abc'.startsWith('a') && [1][0].foo(1, 2)"],
  ['lexer: the number forms', '1 + 0x1F + 2u + 0xFFu + 1.5 + .5 + 1e3 + 1.5E-3 + 1.e5'],
  ['lexer: string forms and escapes', String.raw`"a\n\t\"" + 'b\x41\101\u00e9\U0001F600' + r"\d+" + '''multi
line''' + b"\xff\377" + bR'\q'`],
  ['lexer: comments and whitespace', 'a // a comment\n\t+ b\f'],
  ['lexer: escaped identifiers after a dot', 'request.headers.`x-request-id` != "" && m.`a.b/c d`'],
  ['lexer: keywords are whole tokens', 'inner + true1 + nullable + falsey'],
  ['visitor: int64 limits, the minimum with its sign', '-9223372036854775808 < 9223372036854775807'],
  ['visitor: uint64 maximum', '18446744073709551615u > 0u'],
  ['visitor: reserved words are fine as fields and methods', 'a.if && a.while() && a.package.return'],
  ['visitor: macros with their argument forms', 'has(a.b) && l.all(x, x > 0) && l.exists(x, x) && l.exists_one(x, x) && l.map(x, x + 1).filter(y, y) == l.map(x, x > 1, x)'],
  ['visitor: an even run of ! keeps the selection has() needs', 'has(!!a.b)'],
  ['visitor: macro names with other arities are plain calls', 'has(a, b) && l.all(x) && existsOne(x) && l.existsOne(1, 2)'],
  ['visitor: has() is not a macro with a receiver or a leading dot', 'x.has(y) && .has(y)'],
];

const REFUSED: Array<[string, string, string]> = [
  ['grammar: empty', '', 'unexpected end of the expression (at column 1)'],
  ['grammar: a dangling operator', 'response.code >=', 'unexpected end of the expression (at column 17)'],
  ['grammar: a closing parenthesis first', ')(', "unexpected ')' (at column 1)"],
  ['grammar: a trailing comma in call arguments', 'f(a,)', "unexpected ')' (at column 5)"],
  ['grammar: a ternary in the middle of a ternary', 'a ? b ? c : d : e', "unexpected '?', expected ':' (at column 7)"],
  ['grammar: ! before a negation', '!-x', "unexpected '-' (at column 2)"],
  ['grammar: a keyword after a dot', 'a.in', "unexpected 'in', expected a field name (at column 3)"],
  ['grammar: a member call by escaped name', 'a.`b`()', "unexpected '(' (at column 6)"],
  ['grammar: two literals in a row', "'abc' 'd'", "unexpected ''d'' (at column 7)"],
  ['lexer: = alone', 'response.code = 404', 'unexpected character "=" (at column 15)'],
  ['lexer: & alone', 'a & b', 'unexpected character "&" (at column 3)'],
  ['lexer: a character outside the language', 'a ∧ b', 'unexpected character "∧" (at column 3)'],
  ['lexer: an unknown escape', String.raw`"\q"`, 'invalid escape sequence "\\\\q" in a string literal (at column 2)'],
  ['lexer: a newline in a single-quoted string', "'a\nb'", 'string literal is not closed on its line (use triple quotes for several lines) (at column 1)'],
  ['lexer: an unclosed triple-quoted string', "'''abc''", "string literal opened with ''' is not closed (at column 1)"],
  ['lexer: empty backticks', 'a.``', 'an escaped identifier must be letters, digits and _ . - / or spaces between backticks (at column 3)'],
  ['lexer: a vertical tab is not whitespace', 'a\vb', 'unexpected character "\\u000b" (at column 2)'],
  ['visitor: int64 overflow', '9223372036854775808', 'int literal 9223372036854775808 is out of the int64 range (at column 1)'],
  ['visitor: a double negation takes the sign from the literal', '--9223372036854775808', 'int literal 9223372036854775808 is out of the int64 range (at column 3)'],
  ['visitor: uint64 overflow', '0x10000000000000000u', 'uint literal 0x10000000000000000u is out of the uint64 range (at column 1)'],
  ['visitor: double overflow', '2e308', 'double literal 2e308 is out of the double range (at column 1)'],
  ['visitor: a surrogate code point', String.raw`'\ud834'`, '\\ud834 is not a valid Unicode code point (at column 1)'],
  ['visitor: a code point past Unicode', String.raw`'\U00110000'`, '\\U00110000 is not a valid Unicode code point (at column 1)'],
  ['visitor: \\u in bytes', String.raw`b'\u0041'`, 'bytes literals cannot hold \\u escapes (at column 1)'],
  ['visitor: a reserved identifier', 'if', "'if' is a reserved identifier (at column 1)"],
  ['visitor: a reserved function name', 'while(x)', "'while' is a reserved identifier (at column 1)"],
  ['visitor: the optional select', 'a.?b', "the optional syntax '.?' is not enabled in Istio's CEL environment (at column 3)"],
  ['visitor: the optional index', 'a[?0]', "the optional syntax '[?' is not enabled in Istio's CEL environment (at column 3)"],
  ['visitor: an optional list element', '[?a]', "the optional syntax '?' is not enabled in Istio's CEL environment (at column 2)"],
  ['visitor: has() of an identifier', 'has(a)', 'the argument of has() must be a field selection, e.g. has(request.headers.x) (at column 1)'],
  ['visitor: has() of an index', "has(a['b'])", 'the argument of has() must be a field selection, e.g. has(request.headers.x) (at column 1)'],
  ['visitor: a quantifier over an expression', 'l.all(x.y, true)', 'the first argument of all() must be a simple variable name (at column 16)'],
  ['visitor: map over a literal', 'l.map(1, 2)', 'the first argument of map() must be a simple variable name (at column 11)'],
  ['visitor: the accumulator as variable', 'l.filter(__result__, true)', 'the iteration variable of filter() must not be named __result__ (at column 26)'],
];

describe.each(ACCEPTED)('accepted: %s', (_rule, expression) => {
  test(JSON.stringify(expression).slice(0, 60), () => {
    expect(celSyntaxProblem(expression)).toBeUndefined();
  });
});

describe.each(REFUSED)('refused: %s', (_rule, expression, message) => {
  test(JSON.stringify(expression).slice(0, 60), () => {
    expect(celSyntaxProblem(expression)).toBe(message);
  });
});

describe("cel-go's limits", () => {
  test('100,000 code points', () => {
    const long = `'${'é'.repeat(99_998)}'`;
    expect(celSyntaxProblem(long)).toBeUndefined();
    expect(celSyntaxProblem(long + ' ')).toBe("is 100001 code points long, over CEL's limit of 100000");
  });

  // The recursion listener counts the nesting of each grammar rule (parentheses, lists, calls and
  // ternaries nest; a flat chain of operators does not), the visitor the compound nodes on a path.
  test.each([
    ['parentheses', (n: number) => `${'('.repeat(n)}x${')'.repeat(n)}`, 249],
    ['lists', (n: number) => `${'['.repeat(n)}1${']'.repeat(n)}`, 249],
    ['ternaries', (n: number) => `x${' ? 1 : x'.repeat(n)}`, 249],
    ['selections', (n: number) => `a${'.b'.repeat(n)}`, 250],
    ['additions', (n: number) => `1${' + 1'.repeat(n)}`, 250],
    ['comparisons', (n: number) => `1${' < 1'.repeat(n)}`, 250],
  ])('nesting of %s: %d levels parse, one more does not', (_what, build, deepest) => {
    expect(celSyntaxProblem(build(deepest))).toBeUndefined();
    expect(celSyntaxProblem(build(deepest + 1))).toMatch(/nests (deeper|more) than 250/);
  });

  test('the limit is an option (cel-go tests it at 32)', () => {
    expect(celSyntaxProblem(`a${'.b'.repeat(32)}`, 32)).toBeUndefined();
    expect(celSyntaxProblem(`a${'.b'.repeat(33)}`, 32)).toBe('nests more than 32 operations, selections, calls or indexes inside each other');
  });

  test('a flat chain of || or && is not nesting', () => {
    expect(celSyntaxProblem(`x${' || x'.repeat(5000)}`)).toBeUndefined();
  });
});

// Expressions built from the grammar's productions parse, here and in an independent CEL parser.
const atom = fc.constantFrom('request.code', 'x', '1', '2u', '3.5', '"s"', "'t'", 'true', 'null', "b'y'", 'r"\\d"', '0x1F', '-1', '[]', '{}');
const expression: fc.Arbitrary<string> = fc.letrec((tie) => ({
  e: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    atom,
    fc.tuple(tie('e'), fc.constantFrom('+', '-', '*', '/', '%', '==', '!=', '<', '<=', '>', '>=', 'in', '&&', '||'), tie('e')).map(([a, op, b]) => `${a} ${op} ${b}`),
    fc.tuple(tie('e'), tie('e'), tie('e')).map(([a, b, c]) => `(${a} ? ${b} : ${c})`),
    tie('e').map((a) => `(${a})`),
    tie('e').map((a) => `!(${a})`),
    fc.tuple(tie('e'), fc.constantFrom('size', 'startsWith', 'matches')).map(([a, m]) => `(${a}).${m}(${a})`),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => `[${a}, ${b}][0]`),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => `{${a}: ${b}}`),
    tie('e').map((a) => `l.exists(v, ${a})`),
  ),
})).e;

test('expressions made from the grammar parse, as @bufbuild/cel agrees', () => {
  fc.assert(fc.property(expression, (e) => {
    expect(() => parse(e)).not.toThrow();
    expect(celSyntaxProblem(e)).toBeUndefined();
  }), { numRuns: 300 });
});

// Token soup: whatever @bufbuild/cel's grammar refuses, we refuse (it accepts more: it checks
// neither literal ranges, macros nor reserved words, and lexes `true1` as two tokens).
const token = fc.constantFrom('a', '.', '(', ')', '[', ']', '{', '}', ',', ':', '?', '!', '-', '+', '==', '&&', '1', '"s"', ' in ', 'b', '<');

test('what an independent CEL grammar refuses is refused, and nothing throws', () => {
  fc.assert(fc.property(fc.array(token, { minLength: 1, maxLength: 10 }), (tokens) => {
    const e = tokens.join('');
    let refusedThere = false;
    try {
      parse(e);
    } catch {
      refusedThere = true;
    }
    if (refusedThere) expect(celSyntaxProblem(e)).toBeDefined();
  }), { numRuns: 2000 });
});
