// Serves the library's TypeScript (lib/**/*.ts) to ts-node as JavaScript compiled once and kept in
// node_modules/.cache/cdk-vagrant-kubernetes/, keyed by the file's path and content and by the
// compiler and its options: an edit under lib/ takes effect on the next run, with no build step,
// and a file is transpiled again only when it differs from the version last compiled for its path. ts-node loads this file through the "require"
// option of tsconfig.json; everything else (the examples, tests, scripts) is compiled by ts-node as usual.
//
// The cache keeps one entry per source file and compiler: lib/<slot>/<key>.js, where the slot is
// named after the file's path and the compiler, and holds the path in `source`. Compiling a file
// anew replaces its slot's entry, and the first compile of a process removes the slots of files
// that are gone (a deleted module, a removed checkout or worktree sharing node_modules, a copy in
// a temporary folder), so the cache holds what the checkouts hold, not every version ever compiled.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const LIB = path.join(ROOT, 'lib') + path.sep;
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'cdk-vagrant-kubernetes', 'lib');
/**
 * Bump to compile every file anew (e.g. after changing how they are made). The slots of another format, or of
 * another compiler or options, stay until their source files are gone, or node_modules is installed afresh.
 */
const FORMAT = 2;
/** The file of a slot that names its source file. */
const SOURCE = 'source';

const service = process[Symbol.for('ts-node.register.instance')];
const compileTs = require.extensions['.ts'];

const sha256 = (...parts) => {
  const hash = crypto.createHash('sha256');
  parts.forEach((part, i) => hash.update(i === 0 ? part : `\0${part}`));
  return hash.digest('hex');
};

/** Writes `content` to `file` through a temporary file, so that a reader never sees half of it. */
function writeWhole(file, content) {
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, content);
  fs.renameSync(temp, file);
}

/** Removes the slot's other entries: older versions of its file. */
function keepOnly(slot, entry) {
  for (const name of fs.readdirSync(slot)) {
    if (name !== SOURCE && name !== path.basename(entry)) {
      fs.rmSync(path.join(slot, name), { force: true });
    }
  }
}

/** Removes the slots of files that are gone, and the entries of the first format, which had no slots. */
function removeGoneSlots() {
  for (const name of fs.readdirSync(CACHE)) {
    const slot = path.join(CACHE, name);
    if (name.endsWith('.js') || name.endsWith('.tmp')) {
      fs.rmSync(slot, { force: true });
      continue;
    }
    let source;
    try {
      source = fs.readFileSync(path.join(slot, SOURCE), 'utf-8');
    } catch {
      continue; // not a slot, or one being made right now
    }
    if (!fs.existsSync(source)) {
      fs.rmSync(slot, { recursive: true, force: true });
    }
  }
}

if (service && compileTs) {
  // What the output depends on besides the source: the compiler, its version and its options.
  const compiler = sha256(JSON.stringify([FORMAT, service.ts.version, service.options, service.config.options]));
  let swept = false;

  require.extensions['.ts'] = function cachedLibrary(module, filename) {
    if (!filename.startsWith(LIB) || filename.endsWith('.d.ts')) {
      return compileTs(module, filename);
    }
    const source = fs.readFileSync(filename, 'utf-8');
    const slot = path.join(CACHE, sha256(compiler, filename).slice(0, 32));
    const entry = path.join(slot, `${sha256(compiler, filename, source)}.js`);
    let output;
    try {
      output = fs.readFileSync(entry, 'utf-8');
    } catch {
      output = service.compile(source, filename);
      try {
        fs.mkdirSync(slot, { recursive: true });
        writeWhole(path.join(slot, SOURCE), filename);
        writeWhole(entry, output);
        keepOnly(slot, entry);
        if (!swept) {
          swept = true;
          removeGoneSlots();
        }
      } catch {
        // A read-only tree still runs, only without the cache; another run's sweep may race this one.
      }
    }
    module._compile(output, filename);
  };
}
