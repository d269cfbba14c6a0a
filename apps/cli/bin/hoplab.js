#!/usr/bin/env node
// Runs the compiled CLI (npm run build:cli → dist/cli) when it is at least as new as the sources,
// else the TypeScript sources through swc (a checkout without a build, or sources edited since).
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const sources = join(__dirname, '..', 'src');
const compiled = join(__dirname, '..', '..', '..', 'dist', 'cli', 'apps', 'cli', 'src', 'main.js');

function compiledIsCurrent() {
  if (!existsSync(compiled)) return false;
  if (!existsSync(sources)) return true;
  const built = statSync(compiled).mtimeMs;
  return readdirSync(sources).every((file) => !file.endsWith('.ts') || statSync(join(sources, file)).mtimeMs <= built);
}

let entry = compiled;
if (!compiledIsCurrent()) {
  require('@swc-node/register');
  entry = join(sources, 'main.ts');
}
require(entry)
  .main(process.argv.slice(2))
  .then((status) => process.exit(status))
  .catch((error) => {
    process.stderr.write(`hoplab: ${error.stack || error}\n`);
    process.exit(1);
  });
