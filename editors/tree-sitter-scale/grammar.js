/**
 * @file tree-sitter grammar for `.scale` policy files (scalec)
 * @license Apache-2.0
 *
 * This grammar accepts exactly the files scalec's own grammar
 * (grammar/scale.pest) accepts; tests/tree_sitter.rs checks that the two agree
 * on every policy and fixture and on generated policies. Rule by rule:
 *
 *   file       = sep* (item (sep+ item)* sep*)?     -> source_file
 *   block      = ident label? { sep* (item ...)? }  -> block
 *   attribute  = (ident | string) = value           -> attribute
 *   value      = atom (range_tail | rate_tail)?     -> range, rate or an atom
 *   word       = ident call_args?                   -> word or call
 *   list, call_args                                 -> list, arguments
 *
 * Newlines end statements and `;` separates statements on one line, so a
 * newline is a token here, not an extra. Inside `[...]` and `(...)` newlines
 * are allowed where scale.pest allows them: around values and commas, never
 * inside a value (`1\n.. 2` is an error, as in scalec).
 *
 * One check of scalec outside scale.pest is mirrored too: a `\u{...}` escape
 * must name a Unicode scalar value (scalec reports E001 otherwise). Not
 * mirrored: scalec rejects nesting deeper than 64 levels, which this grammar
 * does not count, and tree-sitter cannot read a NUL character, which scalec
 * allows in comments and strings. A leading byte order mark is dropped before
 * parsing, by scalec and by editors alike.
 */

/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

const HEX = '[0-9a-fA-F]';
// Four hex digits that are not a surrogate (D800-DFFF).
const NOT_SURROGATE = `([0-9a-cA-Ce-fE-F]${HEX}{3}|[dD][0-7]${HEX}{2})`;
// 1 to 6 hex digits naming a Unicode scalar value: at most 10FFFF, no surrogate.
const SCALAR = `(${HEX}{1,3}|0{0,2}${NOT_SURROGATE}|0?[1-9a-fA-F]${HEX}{4}|10${HEX}{4})`;

/**
 * Statements separated by newlines or `;`, with any separators before, between
 * and after them: `sep* (item sep+)* item?`, the same language as scale.pest's
 * `sep* (item (sep+ item)* sep*)?`.
 *
 * @param {GrammarSymbols<string>} $
 */
function statements($) {
  return seq(
    repeat($._separator),
    repeat(seq($._item, repeat1($._separator))),
    optional($._item),
  );
}

/**
 * Comma-separated values with newlines around values and commas and an
 * optional trailing comma: `nl* (value nl* , nl*)* (value nl*)?`, the same
 * language as scale.pest's
 * `line_end* (value line_end* (comma line_end* value line_end*)* (comma line_end*)?)?`.
 *
 * @param {GrammarSymbols<string>} $
 */
function values($) {
  return seq(
    optional($._newlines),
    repeat(seq($._value, optional($._newlines), ',', optional($._newlines))),
    optional(seq($._value, optional($._newlines))),
  );
}

module.exports = grammar({
  name: 'scale',

  // Blanks and comments may appear between any two tokens; newlines may not.
  extras: $ => [/[ \t]/, $.comment],

  word: $ => $.identifier,

  // `per`, `true` and `false` are never names (scale.pest's `keyword`).
  reserved: {
    global: _ => ['per', 'true', 'false'],
  },

  rules: {
    source_file: $ => statements($),

    _item: $ => choice($.attribute, $.block),

    _separator: $ => choice($._newline, ';'),

    _newline: _ => /\r\n|\n|\r/,

    _newlines: $ => repeat1($._newline),

    block: $ => seq(
      field('kind', $.identifier),
      optional(field('label', choice($.identifier, $.string))),
      '{',
      statements($),
      '}',
    ),

    attribute: $ => seq(
      field('name', choice($.identifier, $.string)),
      '=',
      field('value', $._value),
    ),

    _value: $ => choice($._atom, $.range, $.rate),

    // `min .. max`
    range: $ => seq(field('start', $._atom), '..', field('end', $._atom)),

    // `amount per period`
    rate: $ => seq(field('amount', $._atom), 'per', field('period', $._atom)),

    // A name used as a value (`keda`, `zone`, `order_id`) is a `word`.
    _atom: $ => choice(
      $.list,
      $.quantity,
      $.string,
      $.boolean,
      alias($.identifier, $.word),
      $.call,
    ),

    list: $ => seq('[', values($), ']'),

    call: $ => seq(field('function', $.identifier), field('arguments', $.arguments)),

    arguments: $ => seq('(', values($), ')'),

    boolean: _ => choice('true', 'false'),

    // A number with an optional unit written right after it: 3, 1.5, -2, 70%,
    // 250m, 512Mi, 30s, 10k.
    quantity: $ => seq($.number, optional($.unit)),

    number: _ => /-?[0-9]+(\.[0-9]+)?/,

    // Right after the number, letters are a unit even when they spell a
    // keyword: `3per` is 3 with unit `per`, as in scalec.
    unit: _ => token.immediate(prec(1, /%|[a-zA-Z]+/)),

    identifier: _ => /[a-zA-Z_][a-zA-Z0-9_-]*/,

    // Double-quoted, one line, escapes \" \\ \n \t \u{...}.
    string: $ => seq(
      '"',
      repeat(choice($.string_content, $.escape_sequence)),
      token.immediate('"'),
    ),

    string_content: _ => token.immediate(prec(1, /[^"\\\r\n]+/)),

    escape_sequence: _ => token.immediate(
      new RegExp(`\\\\(["\\\\nt]|u\\{${SCALAR}\\})`),
    ),

    comment: _ => token(seq('#', /[^\r\n]*/)),
  },
});
