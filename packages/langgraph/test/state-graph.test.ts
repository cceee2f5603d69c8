// MemosStore as the store of a real LangGraph StateGraph: nodes write and read memories through
// `config.store`, the graph runs with `invoke`, and memOS then holds what the nodes wrote.
import { Annotation, END, MemorySaver, START, StateGraph, type LangGraphRunnableConfig } from '@langchain/langgraph';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveModel, startListeningMemos, unique, type ListeningMemos } from '../../client/test/listening-memos.js';
import { MemosStore, userIdAt } from '../src/index.js';

let server: ListeningMemos;
beforeAll(async () => {
  if (haveModel) server = await startListeningMemos();
});
afterAll(async () => {
  await server?.close();
});

const State = Annotation.Root({
  userId: Annotation<string>,
  message: Annotation<string>,
  recalled: Annotation<string[]>,
  reply: Annotation<string>,
});

/** A graph that learns "I like …" statements into the store and answers from what it recalls. */
function buildGraph() {
  const learn = async (state: typeof State.State, config: LangGraphRunnableConfig) => {
    const liked = state.message.match(/\bI (?:like|love) (.+?)[.!]?$/i)?.[1];
    if (liked !== undefined) {
      await config.store!.put(['memories', state.userId], `likes:${liked.toLowerCase()}`, { text: `The user likes ${liked}`, kind: 'preference' });
    }
    return {};
  };
  const recall = async (state: typeof State.State, config: LangGraphRunnableConfig) => {
    const found = await config.store!.search(['memories', state.userId], { query: state.message, limit: 3, filter: { kind: 'preference' } });
    const recalled = found.map((item) => String(item.value.text));
    return { recalled, reply: recalled.length === 0 ? 'I know nothing about you yet.' : `I remember: ${recalled.join('; ')}` };
  };
  return new StateGraph(State).addNode('learn', learn).addNode('recall', recall).addEdge(START, 'learn').addEdge('learn', 'recall').addEdge('recall', END);
}

describe.skipIf(!haveModel)('MemosStore in a StateGraph', () => {
  it('stores what a node learns in memOS, and a later run recalls it through memOS search', async () => {
    const memos = server.client({ namespace: unique('graph') });
    const store = new MemosStore({ client: memos, userIdFrom: userIdAt(1), index: { fields: ['text'] } });
    const graph = buildGraph().compile({ store, checkpointer: new MemorySaver() });

    const first = await graph.invoke({ userId: 'ana', message: 'What do I like?' }, { configurable: { thread_id: 't1' } });
    expect(first.reply).toBe('I know nothing about you yet.');
    await graph.invoke({ userId: 'ana', message: 'I love green tea' }, { configurable: { thread_id: 't1' } });
    await graph.invoke({ userId: 'bo', message: 'I like jazz' }, { configurable: { thread_id: 't2' } });

    // memOS holds one preference memory per user, in the user's slot for it, with the text it embeds.
    const ana = (await memos.memories.list({ userId: 'ana' })).items;
    expect(ana).toHaveLength(1);
    expect(ana[0]).toMatchObject({ userId: 'ana', key: 'lg:["memories","ana","likes:green tea"]', metadata: { lg_value: JSON.stringify({ text: 'The user likes green tea', kind: 'preference' }) } });
    expect(ana[0]!.content.split('\n')[0]).toBe('The user likes green tea');
    expect((await memos.memories.list({ userId: 'bo' })).items.map((memory) => memory.content.split('\n')[0])).toEqual(['The user likes jazz']);

    // A new thread recalls it: the store, not the thread's state, carries it; Bo's is not Ana's.
    const later = await graph.invoke({ userId: 'ana', message: 'Which tea should I drink?' }, { configurable: { thread_id: 't3' } });
    expect(later.recalled).toEqual(['The user likes green tea']);
    expect(later.reply).toBe('I remember: The user likes green tea');

    // memOS's own recall finds what the graph wrote, for any other client of the namespace.
    const { hits } = await memos.search({ query: 'green tea', userId: 'ana', types: ['memories'] });
    expect(hits[0]?.item.content).toMatch(/^The user likes green tea/);
  });
});
