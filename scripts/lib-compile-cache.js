// Serves the library's TypeScript (lib/**/*.ts) to ts-node as JavaScript compiled once and kept in
// node_modules/.cache/cdk-vagrant-kubernetes/, keyed by the file's path and content and by the
// compiler and its options: an edit under lib/ takes effect on the next run, with no build step,
// and an unchanged file is never transpiled again. ts-node loads this file through the "require"
// option of tsconfig.json; everything else (the examples, tests, scripts) is compiled by ts-node as usual.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const LIB = path.join(ROOT, 'lib') + path.sep;
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'cdk-vagrant-kubernetes', 'lib');
/** Bump to drop every cached file (e.g. after changing how they are made). */
const FORMAT = 1;

const service = process[Symbol.for('ts-node.register.instance')];
const compileTs = require.extensions['.ts'];

if (service && compileTs) {
  // What the output depends on besides the source: the compiler, its version and its options.
  const compiler = crypto.createHash('sha256')
    .update(JSON.stringify([FORMAT, service.ts.version, service.options, service.config.options]))
    .digest('hex');

  require.extensions['.ts'] = function cachedLibrary(module, filename) {
    if (!filename.startsWith(LIB) || filename.endsWith('.d.ts')) {
      return compileTs(module, filename);
    }
    const source = fs.readFileSync(filename, 'utf-8');
    const key = crypto.createHash('sha256').update(compiler).update('\0').update(filename).update('\0').update(source).digest('hex');
    const cached = path.join(CACHE, `${key}.js`);
    let output;
    try {
      output = fs.readFileSync(cached, 'utf-8');
    } catch {
      output = service.compile(source, filename);
      try {
        fs.mkdirSync(CACHE, { recursive: true });
        const temp = `${cached}.${process.pid}.tmp`;
        fs.writeFileSync(temp, output);
        fs.renameSync(temp, cached);
      } catch {
        // A read-only tree still runs, only without the cache.
      }
    }
    module._compile(output, filename);
  };
}
