// Time-bounded questions: the agent turns "last week" into filters.from/to on the context request.
import { noise } from '../noise.js';
import { daysAgo, type Scenario } from '../scenario.js';

const today = daysAgo(0, '00:00');

export const timeBoundScenarios: Scenario[] = [
  {
    name: '"what did I do last week" shows last week\'s climbing session, not the earlier one',
    category: 'time-bounds',
    needsVectors: true,
    steps: [
      {
        do: 'record',
        userId: 'marco',
        episodes: [
          { kind: 'observation', content: 'Went bouldering at The Depot with Jess', at: daysAgo(3, '18:30') },
          { kind: 'observation', content: 'Went bouldering at Awesome Walls with Theo', at: daysAgo(20, '18:30') },
          { kind: 'observation', content: 'Cooked paella for Theo and Jess', at: daysAgo(5, '19:00') },
        ],
      },
      ...noise({ userId: 'marco' }, { memories: 8, episodes: 16 }, 31),
    ],
    ask: { userId: 'marco', query: 'What did I do last week?', filters: { from: daysAgo(7, '00:00'), to: today } },
    expect: { contains: ['bouldering at The Depot'], excludes: ['Awesome Walls'] },
  },
  {
    name: 'restaurants tried this month, not the ones before',
    category: 'time-bounds',
    steps: [
      {
        do: 'record',
        userId: 'sam',
        episodes: [
          { kind: 'observation', content: "Dinner at Dishoom restaurant with Sam's parents", at: daysAgo(9, '19:30') },
          { kind: 'observation', content: 'Tried the new ramen restaurant Hakata on Oxford Road', at: daysAgo(50, '20:00') },
          { kind: 'observation', content: 'Lunch at the Mackie Mayor food hall restaurant stalls', at: daysAgo(16, '12:30') },
          { kind: 'observation', content: 'Birthday meal at Tast Catalan restaurant', at: daysAgo(75, '19:00') },
        ],
      },
      ...noise({ userId: 'sam' }, { memories: 8, episodes: 16 }, 32),
    ],
    ask: { userId: 'sam', query: 'Which restaurants did we try in the last month?', filters: { from: daysAgo(30, '00:00'), to: today } },
    expect: { contains: ['Dishoom', 'Mackie Mayor'], excludes: ['Hakata', 'Tast Catalan'] },
  },
  {
    name: "yesterday's CI failure, not last week's",
    category: 'time-bounds',
    steps: [
      {
        do: 'record',
        agentId: 'ci-agent',
        episodes: [
          { kind: 'tool_result', content: "CI run 4812 failed: test 'billing rounding' timed out", at: daysAgo(1, '16:20') },
          { kind: 'tool_result', content: 'CI run 4790 failed: lint error in src/api/users.ts', at: daysAgo(5, '10:05') },
          { kind: 'tool_result', content: 'CI run 4811 passed in 6 min 12 s', at: daysAgo(1, '11:00') },
          { kind: 'tool_result', content: 'CI run 4750 failed: out of disk space on the runner', at: daysAgo(12, '09:00') },
        ],
      },
      ...noise({ agentId: 'ci-agent' }, { memories: 8, episodes: 14 }, 33),
    ],
    ask: { agentId: 'ci-agent', query: 'Which CI runs failed yesterday?', filters: { from: daysAgo(1, '00:00'), to: today } },
    expect: { contains: ['CI run 4812 failed'], excludes: ['CI run 4790', 'CI run 4750'] },
  },
  {
    name: "last month's GP appointment, not the one from last year",
    category: 'time-bounds',
    steps: [
      {
        do: 'record',
        userId: 'ivy',
        episodes: [
          { kind: 'observation', content: 'GP appointment: Dr Okafor said blood pressure is 128/82, recheck in six months', at: daysAgo(25, '09:40') },
          { kind: 'observation', content: 'GP appointment: Dr Okafor prescribed amoxicillin for a chest infection', at: daysAgo(200, '11:10') },
          { kind: 'observation', content: 'Dental check-up: no fillings needed', at: daysAgo(60, '14:00') },
        ],
      },
      ...noise({ userId: 'ivy' }, { memories: 10, episodes: 14 }, 34),
    ],
    ask: { userId: 'ivy', query: 'What did Dr Okafor say at my GP appointment last month?', filters: { from: daysAgo(31, '00:00'), to: today } },
    expect: { contains: ['blood pressure is 128/82'], excludes: ['amoxicillin'] },
  },
  {
    name: "this week's grocery spend, not last week's",
    category: 'time-bounds',
    steps: [
      {
        do: 'record',
        userId: 'femi',
        episodes: [
          { kind: 'tool_result', content: 'Bank: spent £46.20 at Tesco on groceries', at: daysAgo(2, '17:45') },
          { kind: 'tool_result', content: 'Bank: spent £61.05 at Tesco on groceries', at: daysAgo(10, '18:10') },
          { kind: 'tool_result', content: 'Bank: spent £12.80 at Lidl on groceries', at: daysAgo(4, '12:00') },
          { kind: 'tool_result', content: 'Bank: spent £38.00 at Aldi on groceries', at: daysAgo(15, '10:00') },
        ],
      },
      ...noise({ userId: 'femi' }, { memories: 8, episodes: 16 }, 35),
    ],
    ask: { userId: 'femi', query: 'How much did I spend on groceries this week?', filters: { from: daysAgo(6, '00:00') } },
    expect: { contains: ['£46.20', '£12.80'], excludes: ['£61.05', '£38.00'] },
  },
  {
    name: "this morning's interventions on the build server, by kind and time",
    category: 'time-bounds',
    steps: [
      {
        do: 'record',
        agentId: 'ops-agent',
        episodes: [
          { kind: 'intervention', task: 'Build server failing to resolve hosts', content: 'Cleared the DNS cache on the build server', outcome: 'task_completed', at: daysAgo(0, '07:30') },
          { kind: 'intervention', task: 'Build server TLS errors', content: 'Rotated the expired TLS certificate on the build server', outcome: 'task_completed', at: daysAgo(3, '08:00') },
          { kind: 'observation', content: 'Build server disk at 91%', at: daysAgo(0, '07:10') },
        ],
      },
      ...noise({ agentId: 'ops-agent' }, { memories: 8, episodes: 14 }, 36),
    ],
    ask: { agentId: 'ops-agent', query: 'What did we try on the build server this morning?', types: ['episodes'], filters: { kind: 'intervention', from: today } },
    expect: { contains: ['Cleared the DNS cache on the build server'], excludes: ['Rotated the expired TLS certificate', 'disk at 91%'] },
  },
  {
    name: 'garden notes from the last two weeks, not from spring (memories by createdAt)',
    category: 'time-bounds',
    steps: [
      { do: 'remember', userId: 'olive', memories: [{ content: 'Garden: planted three rows of broad beans along the south fence', kind: 'fact' }] },
      ...noise({ userId: 'olive' }, { memories: 12, episodes: 8 }, 37),
      { do: 'wait', days: 60 },
      { do: 'remember', userId: 'olive', memories: [{ content: 'Garden: the broad beans have blackfly; sprayed them with soapy water', kind: 'fact' }] },
      { do: 'wait', days: 3 },
    ],
    ask: { userId: 'olive', query: 'garden notes', types: ['memories'], filters: { from: daysAgo(14, '00:00') } },
    expect: { contains: ['broad beans have blackfly'], excludes: ['planted three rows of broad beans'] },
  },
  {
    name: '"what did I ask you yesterday" shows yesterday\'s question only',
    category: 'time-bounds',
    needsVectors: true,
    steps: [
      {
        do: 'record',
        userId: 'paul',
        episodes: [
          { kind: 'message', role: 'user', content: 'How do I renew my passport online?', at: daysAgo(1, '20:15') },
          { kind: 'message', role: 'assistant', content: 'You can renew it on the GOV.UK passport service; it costs £88.50', at: daysAgo(1, '20:16') },
          { kind: 'message', role: 'user', content: 'How long should I boil an egg for a runny yolk?', at: daysAgo(4, '08:00') },
        ],
      },
      ...noise({ userId: 'paul' }, { memories: 8, episodes: 14 }, 38),
    ],
    ask: { userId: 'paul', query: 'What did I ask you about yesterday?', filters: { from: daysAgo(1, '00:00'), to: today } },
    expect: { contains: ['renew my passport online'], excludes: ['boil an egg'] },
  },
  {
    name: "last summer's stay in Portugal, not the one two summers ago",
    category: 'time-bounds',
    steps: [
      {
        do: 'record',
        userId: 'zoe',
        episodes: [
          { kind: 'observation', content: 'Stayed at Casa Azul guesthouse in Lagos, Portugal for a week', at: daysAgo(250) },
          { kind: 'observation', content: 'Stayed at Hotel Infante in Sagres, Portugal for five nights', at: daysAgo(610) },
          { kind: 'observation', content: 'Weekend in Porto at a riverside Airbnb', at: daysAgo(400) },
        ],
      },
      ...noise({ userId: 'zoe' }, { memories: 8, episodes: 14 }, 39),
    ],
    ask: { userId: 'zoe', query: 'Where did we stay in Portugal last summer?', filters: { from: daysAgo(300), to: daysAgo(200) } },
    expect: { contains: ['Casa Azul guesthouse'], excludes: ['Hotel Infante', 'riverside Airbnb'] },
  },
  {
    name: 'support tickets from the last 24 hours, not the older duplicate',
    category: 'time-bounds',
    steps: [
      {
        do: 'record',
        agentId: 'support-bot',
        episodes: [
          { kind: 'message', role: 'user', content: 'Ticket #8812: Hana Sato cannot reset her password', at: { hoursAgo: 5 } },
          { kind: 'message', role: 'user', content: 'Ticket #8701: Hana Sato cannot reset her password', at: daysAgo(9) },
          { kind: 'message', role: 'user', content: 'Ticket #8815: Ben Ortiz asks for an invoice copy', at: { hoursAgo: 3 } },
        ],
      },
      ...noise({ agentId: 'support-bot' }, { memories: 8, episodes: 14 }, 40),
    ],
    ask: { agentId: 'support-bot', query: 'Hana Sato password reset tickets', filters: { from: { hoursAgo: 24 } } },
    expect: { contains: ['Ticket #8812'], excludes: ['Ticket #8701'] },
  },
];
