// Preferences stated in one session and needed in a later one.
import { noise } from '../noise.js';
import { assistant, user, type Scenario } from '../scenario.js';

export const preferenceScenarios: Scenario[] = [
  {
    name: 'vegetarian preference reaches dinner ideas three weeks later (last user message)',
    category: 'preferences',
    needsVectors: true,
    steps: [
      { do: 'session', sessionId: 'maya-s1', userId: 'maya', messages: [user("Just so you know, I'm vegetarian — no meat or fish for me."), assistant("Noted, I'll keep that in mind.")] },
      { do: 'remember', userId: 'maya', sessionId: 'maya-s1', memories: [{ content: 'Maya is vegetarian: she eats no meat or fish', kind: 'preference', importance: 0.8 }] },
      ...noise({ userId: 'maya' }, { memories: 14, episodes: 8 }, 1),
      { do: 'wait', days: 21 },
      { do: 'session', sessionId: 'maya-s2', userId: 'maya', messages: [user("Any ideas for dinner tonight? I've got about 30 minutes and some halloumi.")] },
    ],
    ask: { sessionId: 'maya-s2', userId: 'maya' },
    expect: { contains: ['Maya is vegetarian: she eats no meat or fish'] },
  },
  {
    name: "son's peanut allergy reaches party snack planning a month later",
    category: 'preferences',
    steps: [
      { do: 'session', sessionId: 'nina-s1', userId: 'nina', messages: [user('Leo has a severe peanut allergy, he carries an EpiPen.'), assistant("Thanks, I've noted Leo's peanut allergy.")] },
      {
        do: 'remember',
        userId: 'nina',
        sessionId: 'nina-s1',
        memories: [
          { content: "Nina's son Leo has a severe peanut allergy and carries an EpiPen", kind: 'fact', importance: 0.9 },
          { content: "Leo's football training is on Wednesdays at 5pm", kind: 'fact' },
          { content: 'Leo is in Year 3 at Oakfield Primary', kind: 'fact' },
        ],
      },
      ...noise({ userId: 'nina' }, { memories: 12, episodes: 6 }, 2),
      { do: 'wait', days: 33 },
      { do: 'session', sessionId: 'nina-s2', userId: 'nina', messages: [user("I'm making snacks for Leo's birthday party on Saturday, any ideas?")] },
    ],
    ask: { sessionId: 'nina-s2', userId: 'nina' },
    expect: { contains: ['severe peanut allergy'] },
  },
  {
    name: 'aisle seat preference reaches a flight booking two months later',
    category: 'preferences',
    steps: [
      { do: 'session', sessionId: 'raj-trip-1', userId: 'raj', agentId: 'travel-bot', messages: [user('For long flights please always get me an aisle seat, I get up a lot.')] },
      { do: 'remember', userId: 'raj', agentId: 'travel-bot', memories: [{ content: 'Raj prefers an aisle seat on flights longer than three hours', kind: 'preference', importance: 0.7 }] },
      {
        do: 'remember',
        userId: 'raj',
        agentId: 'travel-bot',
        memories: [
          { content: 'Raj has Star Alliance Gold status with Lufthansa Miles & More', kind: 'fact' },
          { content: 'Raj likes hotels within walking distance of the conference venue', kind: 'preference' },
        ],
      },
      ...noise({ userId: 'raj', agentId: 'travel-bot' }, { memories: 12, episodes: 8 }, 3),
      { do: 'wait', days: 62 },
      { do: 'session', sessionId: 'raj-trip-2', userId: 'raj', agentId: 'travel-bot', messages: [user('Book me a flight to Singapore for the summit next month, the Tuesday one.')] },
    ],
    ask: { sessionId: 'raj-trip-2', userId: 'raj', agentId: 'travel-bot' },
    expect: { contains: ['aisle seat'] },
  },
  {
    name: 'code review format preference applies to a later review (explicit query)',
    category: 'preferences',
    steps: [
      { do: 'session', sessionId: 'eli-cr-1', userId: 'eli', messages: [user('When you review my code, give me a numbered list with the most severe issue first.')] },
      { do: 'remember', userId: 'eli', memories: [{ content: 'Eli wants code review feedback as a numbered list, most severe issue first', kind: 'preference', importance: 0.6 }] },
      {
        do: 'remember',
        userId: 'eli',
        memories: [
          { content: 'Eli works on the payments service, written in Go', kind: 'fact' },
          { content: 'Eli uses conventional commit messages', kind: 'preference' },
        ],
      },
      ...noise({ userId: 'eli' }, { memories: 14, episodes: 6 }, 4),
      { do: 'wait', days: 10 },
      { do: 'session', sessionId: 'eli-cr-2', userId: 'eli', messages: [user('Here is the diff for the refund retry change.')] },
    ],
    ask: { sessionId: 'eli-cr-2', userId: 'eli', query: 'code review of the payments refund retry pull request' },
    expect: { contains: ['numbered list, most severe issue first'] },
  },
  {
    name: 'metric units preference applies to a hiking question',
    category: 'preferences',
    steps: [
      { do: 'remember', userId: 'gwen', memories: [{ content: 'Gwen wants temperatures in Celsius and distances in kilometres', kind: 'preference', importance: 0.6 }] },
      ...noise({ userId: 'gwen' }, { memories: 15, episodes: 8 }, 5),
      { do: 'wait', days: 45 },
      { do: 'session', sessionId: 'gwen-hike', userId: 'gwen', messages: [user('How far is the walk from Keswick to Buttermere, and what temperature should I expect on Saturday?')] },
    ],
    ask: { sessionId: 'gwen-hike', userId: 'gwen' },
    expect: { contains: ['temperatures in Celsius and distances in kilometres'] },
  },
  {
    name: 'alcohol-free preference reaches team social planning',
    category: 'preferences',
    steps: [
      { do: 'session', sessionId: 'jonas-1', userId: 'jonas', messages: [user("I don't drink alcohol, so skip the pub crawl ideas please.")] },
      { do: 'remember', userId: 'jonas', sessionId: 'jonas-1', memories: [{ content: "Jonas doesn't drink alcohol; suggest alcohol-free options for social events", kind: 'preference', importance: 0.7 }] },
      { do: 'remember', userId: 'jonas', memories: [{ content: "Jonas manages a team of six at the Leeds office", kind: 'fact' }, { content: 'The team budget for socials is £25 a head', kind: 'fact' }] },
      ...noise({ userId: 'jonas' }, { memories: 12, episodes: 8 }, 6),
      { do: 'wait', days: 40 },
      { do: 'session', sessionId: 'jonas-2', userId: 'jonas', messages: [user('Help me plan a team social for Friday evening.')] },
    ],
    ask: { sessionId: 'jonas-2', userId: 'jonas' },
    expect: { contains: ["Jonas doesn't drink alcohol"] },
  },
  {
    name: 'meeting time constraint reaches a scheduling request',
    category: 'preferences',
    steps: [
      { do: 'remember', userId: 'felix', agentId: 'calendar-bot', memories: [{ content: 'Never schedule meetings with Dana before 10:00 — she does the school drop-off', kind: 'preference', importance: 0.8 }] },
      {
        do: 'remember',
        userId: 'felix',
        agentId: 'calendar-bot',
        memories: [
          { content: 'Dana is the design lead on the onboarding project', kind: 'fact' },
          { content: 'Felix blocks Wednesday afternoons for deep work', kind: 'preference' },
          { content: 'Team retro is every other Friday at 15:00', kind: 'fact' },
        ],
      },
      ...noise({ userId: 'felix', agentId: 'calendar-bot' }, { memories: 12, episodes: 8 }, 7),
      { do: 'wait', days: 14 },
      { do: 'session', sessionId: 'felix-cal', userId: 'felix', agentId: 'calendar-bot', messages: [user('Set up a 30-minute sync with Dana and Omar this week about the onboarding flow.')] },
    ],
    ask: { sessionId: 'felix-cal', userId: 'felix', agentId: 'calendar-bot' },
    expect: { contains: ['Never schedule meetings with Dana before 10:00'] },
  },
  {
    name: 'reply-in-German preference reaches an unrelated English request',
    category: 'preferences',
    needsVectors: true,
    steps: [
      { do: 'session', sessionId: 'lukas-1', userId: 'lukas', messages: [user('Bitte antworte mir immer auf Deutsch.'), assistant('Alles klar, ich antworte ab jetzt auf Deutsch.')] },
      { do: 'remember', userId: 'lukas', sessionId: 'lukas-1', memories: [{ content: 'Lukas wants every reply written in German', kind: 'preference', importance: 0.9 }] },
      ...noise({ userId: 'lukas' }, { memories: 16, episodes: 8 }, 8),
      { do: 'wait', days: 5 },
      { do: 'session', sessionId: 'lukas-2', userId: 'lukas', messages: [user('Can you summarise the changes in the new tenancy contract for me?')] },
    ],
    ask: { sessionId: 'lukas-2', userId: 'lukas' },
    expect: { contains: ['Lukas wants every reply written in German'] },
  },
  {
    name: "greyhound's fear of fireworks reaches a Bonfire Night question",
    category: 'preferences',
    steps: [
      { do: 'remember', userId: 'ruth', memories: [{ content: 'Ruth has a rescue greyhound called Pickle who is terrified of fireworks', kind: 'fact', importance: 0.7 }] },
      { do: 'remember', userId: 'ruth', memories: [{ content: 'Pickle eats grain-free kibble twice a day', kind: 'fact' }, { content: 'Pickle goes to the vet at Abbey Road Vets', kind: 'fact' }] },
      ...noise({ userId: 'ruth' }, { memories: 12, episodes: 8 }, 9),
      { do: 'wait', days: 90 },
      { do: 'session', sessionId: 'ruth-nov', userId: 'ruth', messages: [user("We're thinking of going to the Bonfire Night fireworks display in the park — any tips?")] },
    ],
    ask: { sessionId: 'ruth-nov', userId: 'ruth' },
    expect: { contains: ['terrified of fireworks'] },
  },
  {
    name: 'package manager preference reaches a new project setup (session id only)',
    category: 'preferences',
    steps: [
      { do: 'session', sessionId: 'ines-dev-1', userId: 'ines', messages: [user('Use pnpm, not npm, in all my JavaScript projects.')] },
      { do: 'remember', userId: 'ines', sessionId: 'ines-dev-1', memories: [{ content: 'Ines prefers pnpm over npm for JavaScript projects', kind: 'preference', importance: 0.6 }] },
      {
        do: 'remember',
        userId: 'ines',
        memories: [
          { content: 'Ines deploys side projects to Fly.io', kind: 'fact' },
          { content: 'Ines formats code with Prettier, 100-character lines', kind: 'preference' },
        ],
      },
      ...noise({ userId: 'ines' }, { memories: 12, episodes: 8 }, 10),
      { do: 'wait', days: 20 },
      { do: 'session', sessionId: 'ines-dev-2', userId: 'ines', messages: [user('Set up a new JavaScript project with TypeScript and vitest for the invoice parser.')] },
    ],
    ask: { sessionId: 'ines-dev-2' },
    expect: { contains: ['Ines prefers pnpm over npm'] },
  },
];
