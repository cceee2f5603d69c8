// Facts that change, end or repeat (docs/truth.md): moves, diet and job changes with and without
// slots, retractions, questions about the past (asOf), one fact told in several sessions, negations,
// and failed attempts at a task that should steer the next one.
import { noise } from '../noise.js';
import { daysAgo, user, type Scenario } from '../scenario.js';

export const truthScenarios: Scenario[] = [
  // ── Moves ──────────────────────────────────────────────────────────────────
  {
    name: 'a move with a home_city slot leaves only the new city',
    category: 'truth',
    steps: [
      { do: 'remember', userId: 'aisha', memories: [{ content: 'Aisha lives in Lagos, near Yaba market', key: 'home_city' }] },
      ...noise({ userId: 'aisha' }, { memories: 12, episodes: 6 }, 41),
      { do: 'wait', days: 200 },
      { do: 'remember', userId: 'aisha', memories: [{ content: 'Aisha moved to Nairobi for a job at the UN office', key: 'home_city' }] },
    ],
    ask: { userId: 'aisha', query: 'Which city does Aisha live in?' },
    expect: { contains: ['Aisha moved to Nairobi'], excludes: ['near Yaba market'] },
  },
  {
    name: 'asOf before a keyed move answers with the old city',
    category: 'truth',
    steps: [
      { do: 'remember', userId: 'kemi', memories: [{ content: 'Kemi lives in Ibadan with her aunt', key: 'home_city' }] },
      ...noise({ userId: 'kemi' }, { memories: 12, episodes: 6 }, 42),
      { do: 'wait', days: 100 },
      { do: 'remember', userId: 'kemi', memories: [{ content: 'Kemi moved to Abuja to start at the ministry', key: 'home_city' }] },
      { do: 'wait', days: 10 },
    ],
    ask: { userId: 'kemi', query: 'Where was Kemi living?', asOf: daysAgo(50) },
    expect: { contains: ['Kemi lives in Ibadan'], excludes: ['Kemi moved to Abuja'] },
  },
  {
    name: 'moving back to a former city makes it current again',
    category: 'truth',
    steps: [
      { do: 'remember', userId: 'kofi', memories: [{ content: 'Kofi lives in Accra in Osu', key: 'home_city' }] },
      { do: 'wait', days: 90 },
      { do: 'remember', userId: 'kofi', memories: [{ content: 'Kofi moved to Kumasi for a teaching post', key: 'home_city' }] },
      ...noise({ userId: 'kofi' }, { memories: 12, episodes: 6 }, 43),
      { do: 'wait', days: 90 },
      { do: 'remember', userId: 'kofi', memories: [{ content: 'Kofi moved back to Accra and rents a flat in Labone', key: 'home_city' }] },
    ],
    ask: { userId: 'kofi', query: 'Which city is Kofi in these days?' },
    expect: { contains: ['Kofi moved back to Accra'], excludes: ['Kofi moved to Kumasi', 'Kofi lives in Accra in Osu'] },
  },
  {
    name: 'a move without a slot ranks the later city first and flags both',
    category: 'truth',
    steps: [
      { do: 'remember', userId: 'ines', memories: [{ content: 'Ines lives in Porto' }] },
      ...noise({ userId: 'ines' }, { memories: 12, episodes: 6 }, 44),
      { do: 'wait', days: 250 },
      { do: 'remember', userId: 'ines', memories: [{ content: 'Ines moved to Lisbon last month' }] },
      { do: 'session', sessionId: 'ines-chat', userId: 'ines', messages: [user('I want to send Ines a postcard. Where does she live?')] },
    ],
    ask: { sessionId: 'ines-chat', userId: 'ines' },
    expect: { contains: ['Ines moved to Lisbon'], order: ['Ines moved to Lisbon', 'Ines lives in Porto'] },
  },
  {
    name: 'a move that names the memory it supersedes leaves only the new address',
    category: 'truth',
    steps: [
      { do: 'remember', userId: 'tariq', memories: [{ content: 'Tariq lives at 5 Mill Lane, Leeds', ref: 'old' }] },
      ...noise({ userId: 'tariq' }, { memories: 12, episodes: 6 }, 45),
      { do: 'wait', days: 60 },
      { do: 'remember', userId: 'tariq', memories: [{ content: 'Tariq now lives at 22 Walmgate, York', supersedes: ['old'] }] },
    ],
    ask: { userId: 'tariq', query: "What is Tariq's address?" },
    expect: { contains: ['22 Walmgate, York'], excludes: ['5 Mill Lane'] },
  },
  // ── Diet ───────────────────────────────────────────────────────────────────
  {
    name: 'a diet slot update replaces vegan with pescatarian in a cooking question',
    category: 'truth',
    steps: [
      { do: 'remember', userId: 'mara', memories: [{ content: 'Mara is vegan', kind: 'preference', key: 'diet', importance: 0.8 }] },
      ...noise({ userId: 'mara' }, { memories: 12, episodes: 6 }, 46),
      { do: 'wait', days: 120 },
      { do: 'remember', userId: 'mara', memories: [{ content: 'Mara eats fish again: pescatarian since spring', kind: 'preference', key: 'diet', importance: 0.8 }] },
      { do: 'session', sessionId: 'mara-cook', userId: 'mara', messages: [user('Suggest a dinner I can cook for Mara on Friday')] },
    ],
    ask: { sessionId: 'mara-cook', userId: 'mara' },
    expect: { contains: ['pescatarian since spring'], excludes: ['Mara is vegan'] },
  },
  {
    name: 'a negated diet without a slot ranks the later statement first',
    category: 'truth',
    steps: [
      { do: 'remember', userId: 'jonas', memories: [{ content: 'Jonas eats meat every day', kind: 'preference' }] },
      ...noise({ userId: 'jonas' }, { memories: 12, episodes: 6 }, 47),
      { do: 'wait', days: 150 },
      { do: 'remember', userId: 'jonas', memories: [{ content: 'Jonas no longer eats meat', kind: 'preference' }] },
    ],
    ask: { userId: 'jonas', query: 'Does Jonas eat meat? Planning a barbecue.' },
    expect: { contains: ['Jonas no longer eats meat'], order: ['Jonas no longer eats meat', 'Jonas eats meat every day'] },
  },
  {
    name: 'asOf before a diet change answers with the old diet',
    category: 'truth',
    steps: [
      { do: 'remember', userId: 'oskar', memories: [{ content: 'Oskar follows a keto diet', kind: 'preference', key: 'diet' }] },
      { do: 'wait', days: 80 },
      { do: 'remember', userId: 'oskar', memories: [{ content: 'Oskar eats everything again, no diet', kind: 'preference', key: 'diet' }] },
      ...noise({ userId: 'oskar' }, { memories: 12, episodes: 6 }, 48),
    ],
    ask: { userId: 'oskar', query: "What was Oskar's diet?", asOf: daysAgo(40) },
    expect: { contains: ['Oskar follows a keto diet'], excludes: ['Oskar eats everything again'] },
  },
  // ── Jobs ───────────────────────────────────────────────────────────────────
  {
    name: 'an employer slot update replaces the old employer',
    category: 'truth',
    steps: [
      { do: 'remember', userId: 'lena', memories: [{ content: 'Lena works at Siemens in Munich', key: 'employer' }] },
      ...noise({ userId: 'lena' }, { memories: 12, episodes: 6 }, 49),
      { do: 'wait', days: 300 },
      { do: 'remember', userId: 'lena', memories: [{ content: 'Lena joined Bosch as a team lead', key: 'employer' }] },
    ],
    ask: { userId: 'lena', query: 'Where does Lena work?' },
    expect: { contains: ['Lena joined Bosch'], excludes: ['Lena works at Siemens'] },
  },
  {
    name: 'a job change without a slot ranks the later employer first',
    category: 'truth',
    steps: [
      { do: 'remember', userId: 'lars', memories: [{ content: 'Lars works at Spotify' }] },
      ...noise({ userId: 'lars' }, { memories: 12, episodes: 6 }, 50),
      { do: 'wait', days: 180 },
      { do: 'remember', userId: 'lars', memories: [{ content: 'Lars works at Klarna' }] },
    ],
    ask: { userId: 'lars', query: 'Which company does Lars work for?' },
    expect: { contains: ['Lars works at Klarna'], order: ['Lars works at Klarna', 'Lars works at Spotify'] },
  },
  {
    name: 'includeSuperseded shows a job history with the old job marked superseded',
    category: 'truth',
    steps: [
      { do: 'remember', userId: 'wren', memories: [{ content: 'Wren is a nurse at St Thomas hospital', key: 'job' }] },
      { do: 'wait', days: 400 },
      { do: 'remember', userId: 'wren', memories: [{ content: 'Wren retrained as a paramedic', key: 'job' }] },
      ...noise({ userId: 'wren' }, { memories: 10, episodes: 4 }, 51),
    ],
    ask: { userId: 'wren', query: 'What jobs has Wren had?', includeSuperseded: true },
    expect: { contains: ['Wren retrained as a paramedic', 'superseded', 'Wren is a nurse at St Thomas'] },
  },
  {
    name: 'an earlier job learned late does not displace the current one',
    category: 'truth',
    steps: [
      { do: 'remember', userId: 'omar', memories: [{ content: 'Omar works at Shell as a geologist', key: 'employer' }] },
      ...noise({ userId: 'omar' }, { memories: 12, episodes: 6 }, 52),
      { do: 'wait', days: 30 },
      { do: 'remember', userId: 'omar', memories: [{ content: 'Omar worked at BP for six years', key: 'employer', validFrom: daysAgo(3000) }] },
    ],
    ask: { userId: 'omar', query: 'Where does Omar work?' },
    expect: { contains: ['Omar works at Shell'], excludes: ['Omar worked at BP'] },
  },
  {
    name: 'asOf inside a learned-late window answers with the earlier job',
    category: 'truth',
    steps: [
      { do: 'remember', userId: 'sven', memories: [{ content: 'Sven works at Volvo in Gothenburg', key: 'employer', validFrom: daysAgo(200) }] },
      { do: 'remember', userId: 'sven', memories: [{ content: 'Sven worked at Saab before Volvo', key: 'employer', validFrom: daysAgo(900) }] },
      ...noise({ userId: 'sven' }, { memories: 12, episodes: 6 }, 53),
    ],
    ask: { userId: 'sven', query: 'Where did Sven work?', asOf: daysAgo(400) },
    expect: { contains: ['Sven worked at Saab'], excludes: ['Sven works at Volvo'] },
  },
  // ── Retractions ────────────────────────────────────────────────────────────
  {
    name: 'a retracted allergy leaves the context',
    category: 'truth',
    steps: [
      { do: 'remember', userId: 'noor', memories: [{ content: 'Noor is allergic to penicillin', importance: 1, ref: 'allergy' }, { content: 'Noor is allergic to cats' }] },
      ...noise({ userId: 'noor' }, { memories: 12, episodes: 6 }, 54),
      { do: 'wait', days: 20 },
      { do: 'retract', ref: 'allergy', reason: 'The GP confirmed it was a rash from something else' },
    ],
    ask: { userId: 'noor', query: 'What allergies does Noor have?' },
    expect: { contains: ['Noor is allergic to cats'], excludes: ['allergic to penicillin'] },
  },
  {
    name: 'asOf before a retraction still shows the retracted fact',
    category: 'truth',
    steps: [
      { do: 'remember', userId: 'bea', memories: [{ content: 'Bea is training for the Berlin marathon', ref: 'marathon' }] },
      ...noise({ userId: 'bea' }, { memories: 12, episodes: 6 }, 55),
      { do: 'wait', days: 60 },
      { do: 'retract', ref: 'marathon', reason: 'injured, withdrew' },
    ],
    ask: { userId: 'bea', query: 'Which marathon is Bea training for?', asOf: daysAgo(30) },
    expect: { contains: ['Bea is training for the Berlin marathon'] },
  },
  {
    name: 'a fact retracted as never true is gone from every past moment',
    category: 'truth',
    steps: [
      { do: 'remember', userId: 'ugo', memories: [{ content: 'Ugo has a twin brother called Ike', ref: 'twin' }, { content: 'Ugo has an older sister called Ada' }] },
      ...noise({ userId: 'ugo' }, { memories: 12, episodes: 6 }, 56),
      { do: 'wait', days: 40 },
      { do: 'retract', ref: 'twin', reason: 'misheard: Ike is a cousin', at: daysAgo(400) },
    ],
    ask: { userId: 'ugo', query: 'Does Ugo have a twin brother?', asOf: daysAgo(20) },
    expect: { contains: ['older sister called Ada'], excludes: ['twin brother called Ike'] },
  },
  {
    name: 'retracting one pet leaves the other',
    category: 'truth',
    steps: [
      { do: 'remember', userId: 'hugo', memories: [{ content: 'Hugo has a cat named Pip' }, { content: 'Hugo has a dog named Rex', ref: 'dog' }] },
      ...noise({ userId: 'hugo' }, { memories: 12, episodes: 6 }, 57),
      { do: 'wait', days: 5 },
      { do: 'retract', ref: 'dog', reason: 'Rex was rehomed' },
    ],
    ask: { userId: 'hugo', query: 'What pets does Hugo have?' },
    expect: { contains: ['Hugo has a cat named Pip'], excludes: ['dog named Rex'] },
  },
  // ── Questions about the past ───────────────────────────────────────────────
  {
    name: 'asOf picks the middle value of a slot that changed twice',
    category: 'truth',
    steps: [
      { do: 'remember', userId: 'yuki', memories: [{ content: 'Yuki drives a Honda Jazz', key: 'car' }] },
      { do: 'wait', days: 100 },
      { do: 'remember', userId: 'yuki', memories: [{ content: 'Yuki drives a Toyota Prius', key: 'car' }] },
      { do: 'wait', days: 100 },
      { do: 'remember', userId: 'yuki', memories: [{ content: 'Yuki drives a Nissan Leaf', key: 'car' }] },
      ...noise({ userId: 'yuki' }, { memories: 12, episodes: 6 }, 58),
    ],
    ask: { userId: 'yuki', query: 'What car did Yuki drive?', asOf: daysAgo(50) },
    expect: { contains: ['Yuki drives a Toyota Prius'], excludes: ['Honda Jazz', 'Nissan Leaf'] },
  },
  {
    name: 'asOf before a fact was learned leaves it out',
    category: 'truth',
    steps: [
      { do: 'remember', userId: 'pia', memories: [{ content: 'Pia has a season ticket for Bayern' }] },
      { do: 'wait', days: 60 },
      { do: 'remember', userId: 'pia', memories: [{ content: 'Pia started learning the cello' }] },
      ...noise({ userId: 'pia' }, { memories: 10, episodes: 6 }, 59),
    ],
    ask: { userId: 'pia', query: 'What hobbies did Pia have?', asOf: daysAgo(30) },
    expect: { contains: ['season ticket for Bayern'], excludes: ['learning the cello'] },
  },
  {
    name: 'the current answer after three slot values is the last one',
    category: 'truth',
    steps: [
      { do: 'remember', userId: 'remy', memories: [{ content: 'Remy supports Lyon', key: 'team' }] },
      { do: 'wait', days: 30 },
      { do: 'remember', userId: 'remy', memories: [{ content: 'Remy supports Marseille now', key: 'team' }] },
      { do: 'wait', days: 30 },
      { do: 'remember', userId: 'remy', memories: [{ content: 'Remy supports Nantes after moving west', key: 'team' }] },
      ...noise({ userId: 'remy' }, { memories: 12, episodes: 6 }, 60),
    ],
    ask: { userId: 'remy', query: 'Which football team does Remy support?' },
    expect: { contains: ['Remy supports Nantes'], excludes: ['Remy supports Lyon', 'Remy supports Marseille'] },
  },
  // ── One fact, several sessions ─────────────────────────────────────────────
  {
    name: 'the same fact told in three sessions is one memory listing all three',
    category: 'truth',
    steps: [
      { do: 'remember', userId: 'zara', sessionId: 'zara-1', memories: [{ content: 'Zara prefers aisle seats on trains', kind: 'preference' }] },
      { do: 'wait', days: 3 },
      { do: 'remember', userId: 'zara', sessionId: 'zara-2', memories: [{ content: 'zara prefers aisle seats on trains.', kind: 'preference' }] },
      { do: 'wait', days: 3 },
      { do: 'remember', userId: 'zara', sessionId: 'zara-3', memories: [{ content: 'Zara prefers aisle seats on trains', kind: 'preference' }] },
      ...noise({ userId: 'zara' }, { memories: 12, episodes: 6 }, 61),
    ],
    ask: { userId: 'zara', query: 'Book Zara a train seat' },
    expect: { contains: ['Zara prefers aisle seats on trains'], sessionsOf: { content: 'Zara prefers aisle seats', sessions: ['zara-1', 'zara-2', 'zara-3'] } },
  },
  {
    name: 'a fact told in two sessions, then updated through its slot, leaves only the update',
    category: 'truth',
    steps: [
      { do: 'remember', userId: 'ali', sessionId: 'ali-1', memories: [{ content: 'Ali takes his coffee black', kind: 'preference', key: 'coffee' }] },
      { do: 'remember', userId: 'ali', sessionId: 'ali-2', memories: [{ content: 'Ali takes his coffee black', kind: 'preference', key: 'coffee' }] },
      ...noise({ userId: 'ali' }, { memories: 12, episodes: 6 }, 62),
      { do: 'wait', days: 40 },
      { do: 'remember', userId: 'ali', sessionId: 'ali-3', memories: [{ content: 'Ali switched to oat flat whites', kind: 'preference', key: 'coffee' }] },
    ],
    ask: { userId: 'ali', query: 'How does Ali take his coffee?' },
    expect: { contains: ['Ali switched to oat flat whites'], excludes: ['coffee black'] },
  },
  {
    name: 'a preference restated in another session and another agent’s words stays one line per agent',
    category: 'truth',
    steps: [
      { do: 'remember', userId: 'eva', sessionId: 'eva-a', memories: [{ content: 'Eva wants invoices sent as PDF', kind: 'preference' }] },
      { do: 'wait', days: 10 },
      { do: 'remember', userId: 'eva', sessionId: 'eva-b', memories: [{ content: 'Eva wants invoices sent as PDF', kind: 'preference' }] },
      ...noise({ userId: 'eva' }, { memories: 12, episodes: 6 }, 63),
    ],
    ask: { userId: 'eva', query: 'How should Eva get her invoices?' },
    expect: { contains: ['Eva wants invoices sent as PDF'], sessionsOf: { content: 'Eva wants invoices sent as PDF', sessions: ['eva-a', 'eva-b'] } },
  },
  // ── Negations ──────────────────────────────────────────────────────────────
  {
    name: 'quitting smoking ranks above smoking',
    category: 'truth',
    steps: [
      { do: 'remember', userId: 'felix', memories: [{ content: 'Felix smokes a pack a day' }] },
      ...noise({ userId: 'felix' }, { memories: 12, episodes: 6 }, 64),
      { do: 'wait', days: 200 },
      { do: 'remember', userId: 'felix', memories: [{ content: 'Felix quit smoking in March' }] },
    ],
    ask: { userId: 'felix', query: 'Does Felix smoke?' },
    expect: { contains: ['Felix quit smoking'], order: ['Felix quit smoking', 'Felix smokes a pack a day'] },
  },
  {
    name: 'a negated language ranks above the plain statement',
    category: 'truth',
    steps: [
      { do: 'remember', userId: 'grace', memories: [{ content: 'Grace speaks French' }] },
      ...noise({ userId: 'grace' }, { memories: 12, episodes: 6 }, 65),
      { do: 'wait', days: 90 },
      { do: 'remember', userId: 'grace', memories: [{ content: "Grace doesn't speak French, only a little Spanish" }] },
    ],
    ask: { userId: 'grace', query: 'Can Grace read a letter in French?' },
    expect: { contains: ["Grace doesn't speak French"], order: ["Grace doesn't speak French", 'Grace speaks French'] },
  },
  {
    name: 'a negation through a slot replaces the plain statement',
    category: 'truth',
    steps: [
      { do: 'remember', userId: 'ravi', memories: [{ content: 'Ravi drinks wine with dinner', key: 'alcohol' }] },
      ...noise({ userId: 'ravi' }, { memories: 12, episodes: 6 }, 66),
      { do: 'wait', days: 60 },
      { do: 'remember', userId: 'ravi', memories: [{ content: "Ravi doesn't drink alcohol any more", key: 'alcohol' }] },
    ],
    ask: { userId: 'ravi', query: 'Should I bring wine for Ravi?' },
    expect: { contains: ["Ravi doesn't drink alcohol"], excludes: ['Ravi drinks wine with dinner'] },
  },
  // ── Identity ───────────────────────────────────────────────────────────────
  {
    name: 'a slot update by one agent leaves another agent’s slot alone',
    category: 'truth',
    steps: [
      { do: 'remember', userId: 'dina', agentId: 'travel-bot', memories: [{ content: 'Dina flies from Gatwick', key: 'home_airport' }] },
      ...noise({ userId: 'dina', agentId: 'travel-bot' }, { memories: 10, episodes: 4 }, 67),
      { do: 'wait', days: 20 },
      { do: 'remember', userId: 'dina', agentId: 'other-bot', memories: [{ content: 'Dina flies from Stansted', key: 'home_airport' }] },
    ],
    ask: { userId: 'dina', agentId: 'travel-bot', query: 'Which airport does Dina fly from?' },
    expect: { contains: ['Dina flies from Gatwick'], excludes: ['Stansted'] },
  },
  {
    name: 'a slot update for one user leaves another user’s slot alone',
    category: 'truth',
    steps: [
      { do: 'remember', userId: 'nils', memories: [{ content: 'Nils lives in Oslo', key: 'home_city' }] },
      ...noise({ userId: 'nils' }, { memories: 12, episodes: 6 }, 68),
      { do: 'wait', days: 20 },
      { do: 'remember', userId: 'frida', memories: [{ content: 'Frida lives in Bergen', key: 'home_city' }] },
    ],
    ask: { userId: 'nils', query: 'Where does Nils live?' },
    expect: { contains: ['Nils lives in Oslo'], excludes: ['Bergen'] },
  },
  // ── Failed attempts steer the next one ─────────────────────────────────────
  {
    name: 'a task’s reflection counts its attempts when the next question names the task',
    category: 'truth',
    steps: [
      {
        do: 'record',
        userId: 'mo',
        episodes: [
          { kind: 'intervention', content: 'Told Mo to power-cycle the router', task: 'reset router', outcome: 'task_failed', at: daysAgo(20) },
          { kind: 'intervention', content: 'Walked Mo through a factory reset of the router', task: 'reset router', context: 'lights blinking orange', outcome: 'task_failed', at: daysAgo(12) },
          { kind: 'intervention', content: 'Had Mo replace the router power adapter', task: 'reset router', outcome: 'task_completed', at: daysAgo(5) },
        ],
      },
      ...noise({ userId: 'mo' }, { memories: 12, episodes: 6 }, 69),
    ],
    ask: { userId: 'mo', query: 'The wifi dropped again. Should I reset the router?' },
    expect: { contains: ["Task 'reset router': 3 attempts, 1 completed, 2 failed"] },
  },
  {
    name: 'the latest failure and its context steer the next attempt',
    category: 'truth',
    steps: [
      {
        do: 'record',
        userId: 'liv',
        episodes: [
          { kind: 'intervention', content: 'Booked Liv an aisle seat on the 07:10 flight', task: 'book flight', context: 'Liv wanted to sleep by the window', outcome: 'task_failed', at: daysAgo(9) },
        ],
      },
      ...noise({ userId: 'liv' }, { memories: 12, episodes: 6 }, 70),
      { do: 'session', sessionId: 'liv-trip', userId: 'liv', messages: [user('Please book a flight to Rome for me next Friday')] },
    ],
    ask: { sessionId: 'liv-trip', userId: 'liv' },
    expect: { contains: ["Latest failure: 'Booked Liv an aisle seat on the 07:10 flight' when 'Liv wanted to sleep by the window'"] },
  },
  {
    name: 'what completed and what failed are both listed for a task',
    category: 'truth',
    steps: [
      {
        do: 'record',
        userId: 'tom',
        episodes: [
          { kind: 'intervention', content: 'Sent Tom the invoice by post', task: 'send invoice', outcome: 'task_failed', at: daysAgo(30) },
          { kind: 'intervention', content: 'Emailed Tom the invoice as a PDF', task: 'send invoice', outcome: 'task_completed', at: daysAgo(2) },
        ],
      },
      ...noise({ userId: 'tom' }, { memories: 12, episodes: 6 }, 71),
    ],
    ask: { userId: 'tom', query: 'How do I send the invoice to Tom this month?' },
    expect: { contains: ["'Sent Tom the invoice by post' (failed)", "'Emailed Tom the invoice as a PDF' (completed)"] },
  },
  {
    name: 'a question about one task brings its reflection above another task’s',
    category: 'truth',
    steps: [
      {
        do: 'record',
        userId: 'ana',
        episodes: [
          { kind: 'intervention', content: 'Ordered Ana a vegetarian pizza', task: 'order dinner', outcome: 'task_failed', at: daysAgo(4) },
          { kind: 'intervention', content: 'Renewed Ana’s library books online', task: 'renew books', outcome: 'task_completed', at: daysAgo(3) },
        ],
      },
      ...noise({ userId: 'ana' }, { memories: 12, episodes: 6 }, 72),
    ],
    ask: { userId: 'ana', query: 'Can you renew my library books again?' },
    expect: { contains: ["Task 'renew books'"], order: ["Task 'renew books'", "Task 'order dinner'"] },
  },
];
