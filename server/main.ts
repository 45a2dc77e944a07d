/**
 * Language server entry (dist/server.js). The transport comes from the command line:
 * --stdio, --node-ipc or --socket=N (vscode-languageserver reads process.argv).
 */
import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import { startServer } from './lsp/server';

// stdout may be the protocol channel: route stray console output to stderr.
console.log = console.error;
console.info = console.error;

startServer(createConnection(ProposedFeatures.all));
