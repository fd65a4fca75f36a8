'use strict';
// How the extension starts `scalec lsp`, apart from the `vscode` module so
// that tests can run it with Node.js alone. `config` reads the `scale.*`
// settings: `config.get(key, fallback)`.

/** `scalec lsp` over stdio. */
function serverOptions(config) {
  return {
    command: config.get('languageServer.path', 'scalec'),
    args: ['lsp'],
  };
}

/** The lint settings `scalec lsp` takes as initialization options. */
function initializationOptions(config) {
  return {
    deny: config.get('lint.deny', []),
    allow: config.get('lint.allow', []),
    verbose: config.get('lint.verbose', false),
  };
}

module.exports = { serverOptions, initializationOptions };
