#!/usr/bin/env node
// Tokenizes policy text with the extension's grammar, using the same engine as
// VS Code (vscode-textmate on vscode-oniguruma), and checks expected scopes.
//
// Reads JSON on standard input:
//   { "text": "...", "expect": [{ "line": 0, "column": 2, "text": "image", "scope": "..." }] }
// Lines and columns count from 0, columns in UTF-16 code units. Each expected
// word must be exactly one token whose scopes include `scope`.
// Prints one line per failure and a summary; exits 1 when anything failed.
//
// `node test/scopes.js --dump FILE` prints every token of FILE instead.

'use strict';

const fs = require('fs');
const path = require('path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const root = path.join(__dirname, '..');

async function loadGrammar() {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const contribution = manifest.contributes.grammars.find((g) => g.language === 'scale');
  if (!contribution) {
    throw new Error('package.json contributes no grammar for the language `scale`');
  }
  const grammarPath = path.join(root, contribution.path);
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) => {
      if (scopeName !== contribution.scopeName) {
        return null;
      }
      return vsctm.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath);
    },
  });
  const grammar = await registry.loadGrammar(contribution.scopeName);
  if (!grammar) {
    throw new Error(`could not load ${grammarPath}`);
  }
  return grammar;
}

function tokenize(grammar, text) {
  const lines = text.split(/\r\n|\n|\r/);
  let ruleStack = vsctm.INITIAL;
  return lines.map((line) => {
    const result = grammar.tokenizeLine(line, ruleStack);
    ruleStack = result.ruleStack;
    return { line, tokens: result.tokens };
  });
}

function readStdin() {
  return fs.readFileSync(0, 'utf8');
}

async function main() {
  const grammar = await loadGrammar();
  const args = process.argv.slice(2);
  if (args[0] === '--dump') {
    for (const [n, { line, tokens }] of tokenize(grammar, fs.readFileSync(args[1], 'utf8')).entries()) {
      for (const t of tokens) {
        const text = line.substring(t.startIndex, t.endIndex);
        console.log(`${n}:${t.startIndex} ${JSON.stringify(text)} ${t.scopes.join(' ')}`);
      }
    }
    return 0;
  }

  const input = JSON.parse(readStdin());
  const lines = tokenize(grammar, input.text);
  const failures = [];
  for (const e of input.expect) {
    const where = `${e.line + 1}:${e.column + 1} \`${e.text}\``;
    const entry = lines[e.line];
    if (!entry || entry.line.substr(e.column, e.text.length) !== e.text) {
      failures.push(`${where}: the text has no such word there`);
      continue;
    }
    const end = e.column + e.text.length;
    const covering = entry.tokens.filter((t) => t.startIndex < end && t.endIndex > e.column);
    const exact = covering.length === 1 && covering[0].startIndex === e.column && covering[0].endIndex === end;
    if (!exact) {
      const seen = covering.map((t) => JSON.stringify(entry.line.substring(t.startIndex, t.endIndex))).join(', ');
      failures.push(`${where}: expected one token for the word, got ${seen}`);
      continue;
    }
    if (!covering[0].scopes.includes(e.scope)) {
      failures.push(`${where}: expected scope ${e.scope}, got ${covering[0].scopes.join(' ')}`);
    }
  }
  for (const f of failures) {
    console.log(f);
  }
  console.log(`checked ${input.expect.length} words: ${failures.length} failed`);
  return failures.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error && error.stack ? error.stack : String(error));
    process.exit(2);
  },
);
