// Reads the module references of TypeScript sources with TypeScript's own parser,
// for the layering rules of test/structure.test.ts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

/** One reference from a source file to another module. */
export interface ModuleReference {
  /** The specifier as written, e.g. `../profiles/cluster-profile`. */
  readonly specifier: string;
  /** Whether it is erased at compile time: `import type ...` or `export type ... from`. */
  readonly typeOnly: boolean;
  /** 1-based line of the reference. */
  readonly line: number;
  /** The statement or call, as written. */
  readonly text: string;
}

/**
 * Every module a source refers to: imports, re-exports, `import x = require()`,
 * `require()` and `import()` calls. Only `import type` and `export type` count as
 * type-only: `import { type A }` still loads the module under `verbatimModuleSyntax`.
 */
export function moduleReferences(fileName: string, source: string): ModuleReference[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const references: ModuleReference[] = [];
  const add = (node: ts.Node, specifier: ts.Expression | undefined, typeOnly: boolean) => {
    if (specifier && ts.isStringLiteralLike(specifier)) {
      references.push({
        specifier: specifier.text,
        typeOnly,
        line: file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1,
        text: node.getText(file),
      });
    }
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) {
      add(node, node.moduleSpecifier, node.importClause?.isTypeOnly ?? false);
    } else if (ts.isExportDeclaration(node)) {
      add(node, node.moduleSpecifier, node.isTypeOnly);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, node.moduleReference.expression, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && (node.expression.kind === ts.SyntaxKind.ImportKeyword
      || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))) {
      add(node, node.arguments[0], false);
    } else if (ts.isImportTypeNode(node)) {
      // `import('x').T` in a type position: erased.
      const argument = node.argument;
      if (ts.isLiteralTypeNode(argument)) { add(node, argument.literal, true); }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return references;
}

/** A reference that breaks a layering rule: where it is, and what it reaches. */
export interface LayerViolation {
  /** The source file, relative to the root given to {@link layerViolations}, with `/`. */
  readonly file: string;
  readonly line: number;
  /** The module it reaches, relative to the root, e.g. `profiles/cluster-profile`. */
  readonly target: string;
  readonly text: string;
}

/**
 * The references of a source at `root/<file>` that reach a forbidden folder of `root`
 * at run time (type-only references are allowed). Package imports are never violations.
 */
export function layerViolations(root: string, file: string, source: string, forbidden: readonly string[]): LayerViolation[] {
  return moduleReferences(file, source)
    .filter(reference => !reference.typeOnly && reference.specifier.startsWith('.'))
    .map(reference => ({
      file: file.split(path.sep).join('/'),
      line: reference.line,
      // `..` up to the root is its barrel, index.ts.
      target: path.relative(root, path.resolve(root, path.dirname(file), reference.specifier)).split(path.sep).join('/') || 'index',
      text: reference.text,
    }))
    .filter(violation => forbidden.some(folder => violation.target === folder || violation.target.startsWith(`${folder}/`)));
}

/** Every `.ts` file below `root/<folder>`, relative to `root`, sorted. */
export function sourcesUnder(root: string, folder: string): string[] {
  return (fs.readdirSync(path.join(root, folder), { recursive: true, withFileTypes: false }) as string[])
    .filter(name => name.endsWith('.ts'))
    .map(name => path.join(folder, name))
    .sort();
}
