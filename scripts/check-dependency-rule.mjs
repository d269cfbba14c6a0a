#!/usr/bin/env node
// The dependency rule of DESIGN.md: libs/simulator imports nothing from apps or framework packages and stays
// deterministic; no lib imports an app.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const frameworkPackages = /^(@nestjs\/|typeorm|socket\.io|@socket\.io\/|express|fastify|@fastify\/|pg$|better-sqlite3|redis|nestjs-pino|pino)/;

function* sourceFiles(dir) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (path.endsWith('.ts')) yield path;
  }
}

function importsOf(source) {
  return [...source.matchAll(/(?:^|\s)(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (m) => m[1] ?? m[2] ?? m[3],
  );
}

const violations = [];
for (const lib of readdirSync(join(root, 'libs'))) {
  for (const file of sourceFiles(join(root, 'libs', lib))) {
    const name = relative(root, file);
    const source = readFileSync(file, 'utf8');
    for (const specifier of importsOf(source)) {
      if (/(^|\/)apps\//.test(specifier) || specifier.startsWith('@hoplab/server')) violations.push(`${name}: imports an app (${specifier})`);
      if (lib === 'simulator' && frameworkPackages.test(specifier)) violations.push(`${name}: the simulator imports ${specifier}`);
      if (lib === 'simulator' && specifier.startsWith('@hoplab/event-store')) violations.push(`${name}: the simulator imports the event store`);
    }
    if (lib === 'simulator' && !file.endsWith('.spec.ts') && /Date\.now\(|Math\.random\(|new Date\(\)/.test(source)) {
      violations.push(`${name}: the simulator reads the wall clock or unseeded randomness`);
    }
  }
}

if (violations.length) {
  console.error(`Dependency rule broken:\n${violations.map((v) => `- ${v}`).join('\n')}`);
  process.exit(1);
}
console.log('Dependency rule holds.');
