'use strict';
// Starts `scalec lsp` for `.scale` documents through vscode-languageclient:
// diagnostics as you type, formatting, hover, navigation, rename, completion,
// quick fixes and semantic highlighting. Without the server (the setting
// `scale.languageServer.enable` off, or no `scalec` to run), the grammar,
// snippets and the `$scalec` problem matcher still work.

const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');
const { serverOptions, initializationOptions } = require('./server');

let client;

async function activate(context) {
  const config = vscode.workspace.getConfiguration('scale');
  if (!config.get('languageServer.enable', true)) {
    return;
  }
  client = new LanguageClient(
    'scalec',
    'scalec',
    serverOptions(config),
    {
      documentSelector: [
        { scheme: 'file', language: 'scale' },
        { scheme: 'untitled', language: 'scale' },
      ],
      initializationOptions: initializationOptions(config),
    },
  );
  context.subscriptions.push(client);
  try {
    await client.start();
  } catch (error) {
    vscode.window.showWarningMessage(
      `scalec: cannot start \`${serverOptions(config).command} lsp\` (${error.message}); ` +
        'set scale.languageServer.path, or use the $scalec problem matcher',
    );
  }
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
