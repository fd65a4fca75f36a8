#!/usr/bin/env node
// Applies a regular expression from one of the extension's JSON files to lines
// of text, with JavaScript's RegExp, as VS Code does for problem matchers and
// language configuration.
//
// Reads JSON on standard input:
//   { "file": "package.json", "pointer": "/contributes/problemMatchers/0/pattern/regexp",
//     "lines": ["..."] }
// `file` is relative to the extension's directory; `pointer` is a JSON pointer
// (RFC 6901) to the pattern string. Prints a JSON array with, for each line,
// null when the pattern does not match, or the match: the whole text, then
// every group.

'use strict';

const fs = require('fs');
const path = require('path');

function resolvePointer(document, pointer) {
  if (pointer === '') {
    return document;
  }
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((node, key) => {
      if (node === null || typeof node !== 'object' || !(key in node)) {
        throw new Error(`no \`${key}\` in ${pointer}`);
      }
      return node[key];
    }, document);
}

const input = JSON.parse(fs.readFileSync(0, 'utf8'));
const file = path.join(__dirname, '..', input.file);
const source = resolvePointer(JSON.parse(fs.readFileSync(file, 'utf8')), input.pointer);
if (typeof source !== 'string') {
  throw new Error(`${input.pointer} in ${input.file} is not a string`);
}
const regexp = new RegExp(source);
const result = input.lines.map((line) => {
  const match = regexp.exec(line);
  return match === null ? null : Array.from(match, (group) => (group === undefined ? null : group));
});
process.stdout.write(JSON.stringify(result) + '\n');
