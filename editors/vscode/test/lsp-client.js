'use strict';
// Starts `scalec lsp` as the extension does (server.js, default settings but
// the binary) and speaks to it with vscode-jsonrpc, the JSON-RPC library under
// vscode-languageclient: initialize, open FILE, print the first diagnostics
// published for it, shut down. Prints {"diagnostics": [...], "exit": code}.
//
// Usage: node test/lsp-client.js SCALEC FILE

const { spawn } = require('child_process');
const fs = require('fs');
const { pathToFileURL } = require('url');
const rpc = require('vscode-jsonrpc/node');
const { serverOptions, initializationOptions } = require('../server');

const [scalec, file] = process.argv.slice(2);
const config = { get: (key, fallback) => (key === 'languageServer.path' ? scalec : fallback) };
const options = serverOptions(config);
const child = spawn(options.command, options.args, { stdio: ['pipe', 'pipe', 'inherit'] });
const connection = rpc.createMessageConnection(
  new rpc.StreamMessageReader(child.stdout),
  new rpc.StreamMessageWriter(child.stdin),
);
const uri = pathToFileURL(file).href;
const timer = setTimeout(() => {
  console.error('no diagnostics within 20 s');
  process.exit(1);
}, 20000);

const published = new Promise((resolve) => {
  connection.onNotification('textDocument/publishDiagnostics', (params) => {
    if (params.uri === uri) {
      resolve(params.diagnostics);
    }
  });
});
connection.listen();

(async () => {
  await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: null,
    capabilities: {},
    initializationOptions: initializationOptions(config),
  });
  await connection.sendNotification('initialized', {});
  await connection.sendNotification('textDocument/didOpen', {
    textDocument: { uri, languageId: 'scale', version: 1, text: fs.readFileSync(file, 'utf8') },
  });
  const diagnostics = await published;
  await connection.sendRequest('shutdown');
  await connection.sendNotification('exit');
  child.on('exit', (exit) => {
    clearTimeout(timer);
    console.log(JSON.stringify({ diagnostics, exit }));
    process.exit(0);
  });
})();
