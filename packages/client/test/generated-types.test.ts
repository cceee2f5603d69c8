// The client's types come from the OpenAPI document memOS serves: the checked-in document and
// types are current, they name Memory and SearchHit, the client compiles against them with no
// `any`, and the package builds and packs as published.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { DOCUMENT_FILE, generatedFiles, TYPES_FILE } from '../../../scripts/generate-client-types.js';
import type { ContextBundle, Episode, Memory, Problem, SearchHit, SearchRequest, Session } from '../src/index.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLIENT = fileURLToPath(new URL('../', import.meta.url));
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const STALE = 'is out of date with the document memOS serves: a route schema changed; run `npm run generate:client` and commit packages/client/openapi.json and packages/client/src/openapi-types.ts';

describe('the generated client types', () => {
  it('are current with the document memOS serves', async () => {
    const { document, types } = await generatedFiles();
    expect(readFileSync(DOCUMENT_FILE, 'utf8') === document, `packages/client/openapi.json ${STALE}`).toBe(true);
    expect(readFileSync(TYPES_FILE, 'utf8') === types, `packages/client/src/openapi-types.ts ${STALE}`).toBe(true);
  });

  it('name Memory and SearchHit among components.schemas', () => {
    const source = ts.createSourceFile('openapi-types.ts', readFileSync(TYPES_FILE, 'utf8'), ts.ScriptTarget.Latest);
    const components = source.statements.find((statement): statement is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(statement) && statement.name.text === 'components');
    const schemas = components?.members.find((member): member is ts.PropertySignature => ts.isPropertySignature(member) && member.name.getText(source) === 'schemas');
    const names = schemas?.type !== undefined && ts.isTypeLiteralNode(schemas.type) ? schemas.type.members.map((member) => member.name?.getText(source)) : [];
    expect(names).toEqual(expect.arrayContaining(['Memory', 'SearchHit', 'Episode', 'Session', 'SearchRequest', 'ContextBundle']));
  });

  it('the client compiles against them, strict, with no `any` in its own sources', async () => {
    const config = ts.readConfigFile(join(CLIENT, 'tsconfig.json'), ts.sys.readFile);
    const options = ts.parseJsonConfigFileContent(config.config, ts.sys, CLIENT).options;
    expect(options.strict).toBe(true);
    expect(options.noImplicitAny).not.toBe(false);
    await run(process.execPath, [TSC, '-p', join(CLIENT, 'tsconfig.json'), '--noEmit'], { cwd: ROOT });
    // The named types hold their fields (not `unknown`): checked when the tests are type-checked (npm run typecheck).
    expectTypeOf<Memory>().toHaveProperty('content').toEqualTypeOf<string>();
    expectTypeOf<Episode>().toHaveProperty('occurredAt');
    expectTypeOf<Session>().toHaveProperty('messages');
    expectTypeOf<SearchHit>().toHaveProperty('score').toEqualTypeOf<number>();
    expectTypeOf<SearchRequest>().toHaveProperty('query').toEqualTypeOf<string>();
    expectTypeOf<ContextBundle>().toHaveProperty('text').toEqualTypeOf<string>();
    expectTypeOf<Problem>().toHaveProperty('code');

    const sources = sourceFiles(join(CLIENT, 'src')).filter((file) => !file.endsWith('openapi-types.ts'));
    expect(sources.length).toBeGreaterThan(5);
    const withAny = sources.filter((file) => anyTokens(readFileSync(file, 'utf8')) > 0).map((file) => file.slice(CLIENT.length));
    expect(withAny).toEqual([]);
  }, 120_000);

  it('builds to ESM with declarations and no import of any other package, and packs only dist, README, package.json and openapi.json', async () => {
    const out = mkdtempSync(join(tmpdir(), 'memos-client-build-'));
    try {
      await run(process.execPath, [TSC, '-p', join(CLIENT, 'tsconfig.build.json'), '--outDir', out], { cwd: ROOT });
      const built = readdirSync(out);
      expect(built).toEqual(expect.arrayContaining(['index.js', 'index.d.ts', 'openapi-types.d.ts']));
      const imports = sourceFiles(out)
        .filter((file) => file.endsWith('.js'))
        .flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/(?:^|\n)\s*(?:import|export)[^'"\n]*from\s*['"]([^'"]+)['"]/g)].map((match) => match[1]!));
      expect(imports.filter((specifier) => !specifier.startsWith('./') && !specifier.startsWith('../'))).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
    const manifest = JSON.parse(readFileSync(join(CLIENT, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest.dependencies).toBeUndefined();
    expect(manifest.type).toBe('module');

    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', '-w', '@memos/client'], { cwd: ROOT });
    const files = (JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((file) => file.path);
    expect(files.filter((path) => !path.startsWith('dist/') && !['README.md', 'package.json', 'openapi.json'].includes(path))).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'openapi.json']));
    // dist/ is there once the package is built, as `npm ci` does through the root prepare script.
    if (files.some((path) => path.startsWith('dist/'))) expect(files).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.d.ts']));
  }, 120_000);
});

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|js)$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** How many `any` keywords the TypeScript scanner finds in a source (comments and strings do not count). */
function anyTokens(text: string): number {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, text);
  let count = 0;
  for (let token = scanner.scan(); token !== ts.SyntaxKind.EndOfFileToken; token = scanner.scan()) if (token === ts.SyntaxKind.AnyKeyword) count += 1;
  return count;
}
