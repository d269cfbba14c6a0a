#!/usr/bin/env node
// Runs the compiled CLI (npm run build:cli → dist/cli) when there is one, else its TypeScript sources through swc.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const compiled = join(__dirname, '..', '..', '..', 'dist', 'cli', 'apps', 'cli', 'src', 'main.js');
let entry = compiled;
if (!existsSync(compiled)) {
  require('@swc-node/register');
  entry = join(__dirname, '..', 'src', 'main.ts');
}
require(entry)
  .main(process.argv.slice(2))
  .then((status) => process.exit(status))
  .catch((error) => {
    process.stderr.write(`hoplab: ${error.stack || error}\n`);
    process.exit(1);
  });
