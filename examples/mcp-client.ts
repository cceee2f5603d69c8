// memOS over MCP with the official MCP TypeScript SDK client: connect to a running memOS's /mcp
// (streamable HTTP) with an API key, list the tools, remember something, then recall it.
//
//   npx tsx examples/mcp-client.ts [URL]
//
// URL defaults to $MCP_URL, else $MEMOS_URL/mcp (as examples/chat-with-memory.ts takes it), else
// http://127.0.0.1:7420/mcp; the key comes from $MEMOS_API_KEY
// (leave it unset for a memOS on loopback that has no keys yet).

import { pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

export interface ExampleOptions {
  url?: string;
  key?: string | undefined;
  /** Where the example writes what it does (default: stdout). */
  print?: (line: string) => void;
}

/** The text a tool answered, for a person (or a model) to read. */
const textOf = (result: CallToolResult) => result.content.map((part) => (part.type === 'text' ? part.text : `[${part.type}]`)).join('\n');

export async function main({ url = 'http://127.0.0.1:7420/mcp', key, print = (line) => console.log(line) }: ExampleOptions = {}): Promise<void> {
  const transport = new StreamableHTTPClientTransport(new URL(url), key === undefined ? undefined : { requestInit: { headers: { Authorization: `Bearer ${key}` } } });
  const client = new Client({ name: 'memos-example', version: '1.0.0' });
  await client.connect(transport);
  try {
    const { tools } = await client.listTools();
    print(`memOS offers ${tools.length} tools: ${tools.map((tool) => tool.name).join(', ')}`);

    const remembered = (await client.callTool({
      name: 'remember',
      arguments: { memories: [{ content: 'Ana prefers a window seat on long flights', kind: 'preference', importance: 0.8 }] },
    })) as CallToolResult;
    if (remembered.isError) throw new Error(`remember failed: ${textOf(remembered)}`);
    print(`remember → ${textOf(remembered)}`);

    const recalled = (await client.callTool({ name: 'recall', arguments: { query: 'Where does Ana like to sit on a plane?', limit: 3 } })) as CallToolResult;
    if (recalled.isError) throw new Error(`recall failed: ${textOf(recalled)}`);
    print(`recall → ${textOf(recalled)}`);
  } finally {
    await client.close();
  }
}

// Run directly (not imported by a test): the URL from the command line, MCP_URL or MEMOS_URL.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main({ url: process.argv[2] ?? process.env.MCP_URL ?? `${process.env.MEMOS_URL ?? 'http://127.0.0.1:7420'}/mcp`, key: process.env.MEMOS_API_KEY || undefined }).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
