// Past interventions and their outcomes that should steer the next attempt at the same problem.
import { noise } from '../noise.js';
import { daysAgo, user, type Scenario } from '../scenario.js';

export const interventionScenarios: Scenario[] = [
  {
    name: 'failed router restart resurfaces when the Wi-Fi drops again',
    category: 'interventions',
    steps: [
      {
        do: 'record',
        userId: 'omar',
        agentId: 'helpdesk',
        episodes: [
          { kind: 'message', role: 'user', content: 'The Wi-Fi in my home office keeps dropping every few minutes', at: daysAgo(30, '10:00') },
          { kind: 'intervention', task: 'Fix Wi-Fi dropouts in the home office', content: 'Suggested restarting the router to fix the Wi-Fi dropouts', outcome: 'task_failed', at: daysAgo(30, '10:05') },
          { kind: 'outcome', task: 'Fix Wi-Fi dropouts in the home office', outcome: 'task_failed', content: 'Router restart did not help: the Wi-Fi dropped again 20 minutes later', at: daysAgo(30, '10:40') },
          { kind: 'intervention', task: 'Connect the printer to the network', content: 'Walked the user through WPS pairing for the Brother printer', outcome: 'task_completed', at: daysAgo(25, '15:00') },
        ],
      },
      ...noise({ userId: 'omar', agentId: 'helpdesk' }, { memories: 12, episodes: 14 }, 11),
      { do: 'session', sessionId: 'omar-hd-2', userId: 'omar', agentId: 'helpdesk', messages: [user('My Wi-Fi keeps dropping out again in the office, what should I try?')] },
    ],
    ask: { sessionId: 'omar-hd-2', userId: 'omar', agentId: 'helpdesk' },
    expect: { contains: ['restarting the router', 'Router restart did not help'] },
  },
  {
    name: 'driver reinstall that fixed an offline printer is offered again',
    category: 'interventions',
    steps: [
      {
        do: 'record',
        userId: 'bea',
        episodes: [
          { kind: 'intervention', task: 'Printer shows offline', content: 'Reinstalled the HP LaserJet driver after the printer showed offline', outcome: 'task_completed', at: daysAgo(60) },
          { kind: 'intervention', task: 'Scanner too slow', content: 'Lowered the scan resolution to 300 dpi', outcome: 'task_completed', at: daysAgo(45) },
          { kind: 'observation', content: 'Printer toner at 15%', at: daysAgo(20) },
        ],
      },
      ...noise({ userId: 'bea' }, { memories: 10, episodes: 14 }, 12),
      { do: 'session', sessionId: 'bea-it', userId: 'bea', messages: [user('The printer says it is offline again. Can you help?')] },
    ],
    ask: { sessionId: 'bea-it', userId: 'bea' },
    expect: { contains: ['Reinstalled the HP LaserJet driver'] },
  },
  {
    name: 'failed and successful CI fixes for a native build both come back',
    category: 'interventions',
    steps: [
      {
        do: 'record',
        agentId: 'ci-agent',
        episodes: [
          { kind: 'tool_result', content: 'CI: better-sqlite3 install failed: gyp ERR! build error', at: daysAgo(12, '09:00') },
          { kind: 'intervention', task: 'Fix the better-sqlite3 build on CI', content: 'Pinned node-gyp to 9.4 to fix the better-sqlite3 build on CI', outcome: 'task_failed', at: daysAgo(12, '09:30') },
          { kind: 'intervention', task: 'Fix the better-sqlite3 build on CI', content: 'Switched the CI image to node:20-bookworm so better-sqlite3 uses its prebuilt binary', outcome: 'task_completed', at: daysAgo(12, '11:00') },
          { kind: 'intervention', task: 'Speed up CI', content: 'Cached the npm download folder between CI runs', outcome: 'task_completed', at: daysAgo(8) },
          { kind: 'tool_result', content: 'CI: lint passed in 41 s', at: daysAgo(3) },
        ],
      },
      ...noise({ agentId: 'ci-agent' }, { memories: 8, episodes: 12 }, 13),
    ],
    ask: { agentId: 'ci-agent', query: 'better-sqlite3 build fails on CI with gyp ERR' },
    expect: { contains: ['Pinned node-gyp to 9.4', 'Switched the CI image to node:20-bookworm'] },
  },
  {
    name: 'an unanswered discount offer is known before replying to a repeat complaint',
    category: 'interventions',
    steps: [
      {
        do: 'record',
        agentId: 'support-bot',
        episodes: [
          { kind: 'message', role: 'user', content: 'Ravi Patel: order 5521 arrived nine days late', metadata: { customer: 'ravi-patel' }, at: daysAgo(14) },
          { kind: 'intervention', task: 'Resolve late delivery complaint for order 5521', content: 'Offered Ravi Patel a 10% discount code for the late delivery of order 5521', outcome: 'abandoned', metadata: { customer: 'ravi-patel' }, at: daysAgo(14) },
          { kind: 'intervention', task: 'Resolve damaged item complaint', content: 'Sent Carla Mendes a replacement mug for the chipped one', outcome: 'task_completed', metadata: { customer: 'carla-mendes' }, at: daysAgo(10) },
          { kind: 'intervention', task: 'Refund request', content: 'Refunded Tom Hughes £18.50 for a missing item', outcome: 'task_completed', metadata: { customer: 'tom-hughes' }, at: daysAgo(6) },
        ],
      },
      ...noise({ agentId: 'support-bot' }, { memories: 8, episodes: 12 }, 14),
    ],
    ask: { agentId: 'support-bot', query: 'Ravi Patel complains again about the late delivery of order 5521' },
    expect: { contains: ['10% discount code'] },
  },
  {
    name: 'melatonin that did not help with sleep is known before new advice',
    category: 'interventions',
    steps: [
      {
        do: 'record',
        userId: 'hana',
        agentId: 'health-coach',
        episodes: [
          { kind: 'intervention', task: 'Help Hana fall asleep faster', content: 'Recommended 1 mg melatonin an hour before bed to help with falling asleep', at: daysAgo(40) },
          { kind: 'outcome', task: 'Help Hana fall asleep faster', outcome: 'task_failed', content: 'After two weeks of melatonin Hana still takes over an hour to fall asleep and feels groggy in the mornings', at: daysAgo(26) },
          { kind: 'intervention', task: 'Reduce afternoon energy dip', content: 'Suggested a 10-minute walk after lunch', outcome: 'task_completed', at: daysAgo(20) },
        ],
      },
      ...noise({ userId: 'hana', agentId: 'health-coach' }, { memories: 12, episodes: 12 }, 15),
      { do: 'session', sessionId: 'hana-coach', userId: 'hana', agentId: 'health-coach', messages: [user("I still can't fall asleep at night, any ideas?")] },
    ],
    ask: { sessionId: 'hana-coach', userId: 'hana', agentId: 'health-coach' },
    expect: { contains: ['melatonin'] },
  },
  {
    name: 'watering advice that saved the fig tree is remembered when brown spots return',
    category: 'interventions',
    steps: [
      {
        do: 'record',
        userId: 'cora',
        episodes: [
          { kind: 'message', role: 'user', content: 'My fiddle-leaf fig has brown spots on the lower leaves', at: daysAgo(70) },
          { kind: 'intervention', task: 'Fiddle-leaf fig brown spots', content: 'Suggested watering the fiddle-leaf fig less often, every 10 days', at: daysAgo(70) },
          { kind: 'outcome', task: 'Fiddle-leaf fig brown spots', outcome: 'task_completed', content: 'Two new leaves on the fig and no new brown spots', at: daysAgo(40) },
          { kind: 'intervention', task: 'Basil wilting', content: 'Moved the basil to the south-facing windowsill', outcome: 'task_failed', at: daysAgo(30) },
        ],
      },
      ...noise({ userId: 'cora' }, { memories: 12, episodes: 12 }, 16),
      { do: 'session', sessionId: 'cora-plants', userId: 'cora', messages: [user('The fiddle-leaf fig has brown spots again, what do I do?')] },
    ],
    ask: { sessionId: 'cora-plants', userId: 'cora' },
    expect: { contains: ['watering the fiddle-leaf fig less often'] },
  },
  {
    name: 'raising max_connections did not fix Postgres errors; the leak did',
    category: 'interventions',
    steps: [
      {
        do: 'record',
        agentId: 'sre-agent',
        episodes: [
          { kind: 'tool_result', content: 'Postgres: FATAL: sorry, too many clients already', at: daysAgo(21, '02:10') },
          { kind: 'intervention', task: 'Stop too many connections errors', content: 'Increased Postgres max_connections from 100 to 300', outcome: 'task_failed', at: daysAgo(21, '02:30') },
          { kind: 'outcome', task: 'Stop too many connections errors', outcome: 'task_completed', content: 'Real cause was a connection leak in the invoice worker; fixed by releasing clients in a finally block', at: daysAgo(20, '11:00') },
          { kind: 'intervention', task: 'Disk filling up', content: 'Rotated nginx logs daily and kept 7 days', outcome: 'task_completed', at: daysAgo(15) },
          { kind: 'intervention', task: 'Slow dashboard', content: 'Added an index on orders(created_at)', outcome: 'task_completed', at: daysAgo(9) },
        ],
      },
      ...noise({ agentId: 'sre-agent' }, { memories: 8, episodes: 12 }, 17),
    ],
    ask: { agentId: 'sre-agent', query: 'Postgres too many connections errors again' },
    expect: { contains: ['max_connections from 100 to 300', 'connection leak in the invoice worker'] },
  },
  {
    name: 'abandoned flashcards and working songs steer times-table practice',
    category: 'interventions',
    steps: [
      {
        do: 'record',
        userId: 'noah-parent',
        agentId: 'tutor',
        episodes: [
          { kind: 'intervention', task: "Noah's 7 times table", content: 'Tried flashcards for the 7 times table with Noah', outcome: 'abandoned', context: 'Noah lost interest after two days', at: daysAgo(35) },
          { kind: 'intervention', task: "Noah's 6 times table", content: 'A skip-counting song worked for the 6 times table with Noah', outcome: 'task_completed', at: daysAgo(20) },
          { kind: 'observation', content: 'Noah read two chapters of The Worst Witch aloud', at: daysAgo(10) },
        ],
      },
      ...noise({ userId: 'noah-parent', agentId: 'tutor' }, { memories: 12, episodes: 12 }, 18),
      { do: 'session', sessionId: 'tutor-3', userId: 'noah-parent', agentId: 'tutor', messages: [user('Noah is struggling with the 8 times table, how should we practise it?')] },
    ],
    ask: { sessionId: 'tutor-3', userId: 'noah-parent', agentId: 'tutor' },
    expect: { contains: ['flashcards for the 7 times table', 'skip-counting song'] },
  },
  {
    name: 'bleeding the radiators failed; low boiler pressure was the cause',
    category: 'interventions',
    steps: [
      {
        do: 'record',
        userId: 'dev',
        episodes: [
          { kind: 'intervention', task: 'Cold bedroom radiator', content: 'Advised bleeding the radiators to fix the cold bedroom radiator', outcome: 'task_failed', at: daysAgo(50) },
          { kind: 'outcome', task: 'Cold bedroom radiator', outcome: 'task_completed', content: 'Bedroom radiator warm again after topping the boiler pressure up from 0.5 to 1.5 bar', at: daysAgo(49) },
          { kind: 'intervention', task: 'Dripping kitchen tap', content: 'Replaced the kitchen tap washer', outcome: 'task_completed', at: daysAgo(30) },
        ],
      },
      ...noise({ userId: 'dev' }, { memories: 12, episodes: 12 }, 19),
      { do: 'session', sessionId: 'dev-home', userId: 'dev', messages: [user('The bedroom radiator is cold again this morning.')] },
    ],
    ask: { sessionId: 'dev-home', userId: 'dev' },
    expect: { contains: ['bleeding the radiators', 'boiler pressure up from 0.5 to 1.5 bar'] },
  },
  {
    name: 'SPF record fix is offered again when invoices land in spam',
    category: 'interventions',
    steps: [
      {
        do: 'record',
        agentId: 'it-agent',
        episodes: [
          { kind: 'intervention', task: 'Invoice emails landing in spam', content: 'Added an SPF record for mail.brightsparks.example to stop invoice emails landing in spam', outcome: 'task_completed', at: daysAgo(80) },
          { kind: 'intervention', task: 'Shared drive full', content: 'Archived 2023 project folders to cold storage', outcome: 'task_completed', at: daysAgo(40) },
          { kind: 'intervention', task: 'New starter laptop', content: 'Enrolled the new starter laptop in device management', outcome: 'task_completed', at: daysAgo(12) },
        ],
      },
      ...noise({ agentId: 'it-agent' }, { memories: 8, episodes: 14 }, 20),
      { do: 'session', sessionId: 'it-ticket-77', agentId: 'it-agent', messages: [user('Customers say our invoice emails are going to spam again.')] },
    ],
    ask: { sessionId: 'it-ticket-77', agentId: 'it-agent' },
    expect: { contains: ['Added an SPF record'] },
  },
];
