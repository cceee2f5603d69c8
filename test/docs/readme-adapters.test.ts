// The README's framework-adapter set-ups type-check against the packages as built, with the real
// frameworks' types: each snippet as printed, with only the reader's own model (or graph builder)
// declared after it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const readme = readFileSync(`${ROOT}README.md`, 'utf8');
const section = readme.slice(readme.indexOf('### Framework adapters'), readme.indexOf('### MCP'));
const snippets = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);

/** What the reader brings: declared, never defined, after the snippet whose first line names the framework. */
const READER: Record<string, string> = {
  'AI SDK': "declare const yourModel: Parameters<typeof import('ai').wrapLanguageModel>[0]['model'];",
  'LangGraph.js': "declare const builder: { compile(options: { store: import('@langchain/langgraph-checkpoint').BaseStore }): unknown };",
  'OpenAI Agents SDK': '',
  Mastra: "declare const yourModel: ConstructorParameters<typeof import('@mastra/core/agent').Agent>[0]['model'];",
};

describe('the README framework adapters', () => {
  it('links each package, its example, and shows a set-up for each that type-checks', () => {
    for (const name of ['ai-sdk', 'langgraph', 'openai-agents', 'mastra']) expect(section).toContain(`(packages/${name}/README.md)`);
    expect([...section.matchAll(/\(examples\/([\w-]+\.ts)\)/g)].map((match) => readFileSync(`${ROOT}examples/${match[1]}`, 'utf8').length > 0)).toEqual([true, true, true, true]);
    expect(snippets.map((snippet) => Object.keys(READER).find((name) => snippet.startsWith(`// ${name}:`)))).toEqual(Object.keys(READER));

    const files = new Map(snippets.map((snippet, i) => [`${ROOT}readme-adapter-snippet-${i}.ts`, `${snippet}\n${READER[Object.keys(READER)[i]!]}\nexport {};\n`]));
    const options: ts.CompilerOptions = {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
      types: ['node'],
      strict: true,
      skipLibCheck: true,
      noEmit: true,
    };
    const host = ts.createCompilerHost(options);
    const { getSourceFile, fileExists, readFile } = host;
    host.fileExists = (name) => files.has(name) || fileExists(name);
    host.readFile = (name) => files.get(name) ?? readFile(name);
    host.getSourceFile = (name, language, ...rest) =>
      files.has(name) ? ts.createSourceFile(name, files.get(name)!, language) : getSourceFile(name, language, ...rest);
    const program = ts.createProgram([...files.keys()], options, host);
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map((d) => `${d.file ? d.file.fileName.slice(ROOT.length) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(problems).toEqual([]);
  }, 120_000);
});
