/**
 * Sample lesson notes and progress notes for the demo practice: a lesson note on most attended
 * lessons (with the subject's topics, homework and next steps), and a progress note or two per
 * student. Deterministic for a seed.
 */
import { stampChange } from '../model/meta';
import type { Lesson, Note, Occurrence } from '../model/types';
import { seededRandom } from '../random';

const TOPICS: Record<string, string[]> = {
  Maths: [
    'equivalent fractions',
    'long division',
    'simultaneous equations',
    'the quadratic formula',
    'Pythagoras’ theorem',
    'probability trees',
    'circle theorems',
    'percentages and ratio',
  ],
  English: ['persuasive writing', 'Macbeth act 2', 'poetry analysis', 'comprehension', 'spelling patterns', 'creative writing openings'],
  Physics: ['Newton’s laws', 'electric circuits', 'waves and the electromagnetic spectrum', 'energy transfers'],
  Chemistry: ['balancing equations', 'moles and molar mass', 'electrolysis', 'rates of reaction'],
  Biology: ['photosynthesis', 'cell division', 'the heart and circulation', 'enzymes'],
  French: ['the passé composé', 'describing your town', 'past tense verbs', 'listening practice'],
  Spanish: ['the preterite', 'ordering in a restaurant', 'the subjunctive', 'speaking exam practice'],
  Piano: ['the C major scale', 'sight reading', 'a Clementi sonatina', 'pedalling'],
  'Computer Science': ['Python loops', 'binary and hexadecimal', 'sorting algorithms', 'functions and parameters'],
  History: ['the Tudors', 'the causes of World War I', 'source analysis', 'the Industrial Revolution'],
  Geography: ['volcanoes', 'river landforms', 'map skills', 'urbanisation'],
  '11+ prep': ['verbal reasoning', 'non-verbal reasoning', 'timed comprehension', 'mental arithmetic'],
};
const GENERAL = ['revision', 'exam technique', 'past paper questions', 'key vocabulary'];
const HOW = [
  'Good progress today.',
  'Confident with the basics now.',
  'Struggled a little with the harder questions, so we slowed down.',
  'Excellent focus throughout.',
  'Asked great questions.',
  'Tired today, kept it light.',
  'Much quicker than last week.',
];
const HOMEWORK = [
  'Worksheet on {t}',
  'Ten practice questions on {t}',
  'Read the notes on {t} and make flashcards',
  'Past paper section on {t}',
  '15 minutes of practice on {t}, three times',
];
const NEXT = ['Move on to {t}', 'Recap {t}, then a short test', 'Start {t}', 'Timed practice on {t}'];
const PROGRESS = [
  [
    'Half-term review',
    'Steady progress this half term. {name} is much more confident with {t} and asks for help sooner. Next: build speed under timed conditions.',
  ],
  ['Goals for next term', 'Agreed goals with {name}: secure {t}, complete homework every week, and one past paper a fortnight.'],
  ['Note for the family', 'Spoke with the family about {t}. {name} would benefit from short daily practice rather than one long session.'],
];

const fill = (s: string, t: string, name = '') => s.replaceAll('{t}', t).replaceAll('{name}', name);

export function generateSampleLessonNotes(opts: {
  lessons: readonly Lesson[];
  occurrences: readonly Occurrence[];
  studentFirstName: (id: string) => string;
  noteId: (occurrenceId: string) => string;
  deviceId: string;
  /** Share of attended lessons that get a lesson note (0..1). */
  share?: number;
  seed?: number;
}): Note[] {
  const rand = seededRandom(opts.seed ?? 5);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const lessons = new Map(opts.lessons.map((l) => [l.id, l]));
  const out: Note[] = [];
  const studentsSeen = new Map<string, { tutorId: string; subject: string; at: string }>();
  for (const occ of [...opts.occurrences].sort((a, b) => a.originalStart.localeCompare(b.originalStart))) {
    const lesson = lessons.get(occ.lessonId);
    if (!lesson || occ.status !== 'attended') continue;
    const start = occ.start || occ.originalStart;
    for (const s of lesson.studentIds) studentsSeen.set(s, { tutorId: occ.tutorId || lesson.tutorId, subject: lesson.subject, at: start });
    if (rand() > (opts.share ?? 0.7)) continue;
    const topics = TOPICS[lesson.subject] ?? GENERAL;
    const topic = pick(topics);
    const after = new Date(Date.parse(start) + lesson.durationMinutes * 60_000 + 10 * 60_000);
    const ctx = { staffId: occ.tutorId || lesson.tutorId, deviceId: opts.deviceId, now: after };
    const name = opts.studentFirstName(lesson.studentIds[0] ?? '');
    out.push(
      stampChange<Note>(
        undefined,
        {
          kind: 'lesson',
          studentIds: [...lesson.studentIds],
          lessonId: lesson.id,
          occurrenceId: occ.id,
          authorId: ctx.staffId,
          title: lesson.subject,
          covered: `${topic[0]!.toUpperCase()}${topic.slice(1)}`,
          homework: rand() < 0.75 ? fill(pick(HOMEWORK), topic) : '',
          nextSteps: rand() < 0.6 ? fill(pick(NEXT), pick(topics)) : '',
          body: `${pick(HOW)}${name && rand() < 0.4 ? ` ${name} explained the method back to me in their own words.` : ''}`,
          conflicts: [],
        },
        ctx,
        () => opts.noteId(occ.id),
      ),
    );
  }
  let n = 0;
  for (const [studentId, last] of studentsSeen) {
    if (rand() < 0.35) continue;
    const [title, body] = pick(PROGRESS);
    const topic = pick(TOPICS[last.subject] ?? GENERAL);
    const ctx = { staffId: last.tutorId, deviceId: opts.deviceId, now: new Date(Date.parse(last.at) + 2 * 3_600_000) };
    out.push(
      stampChange<Note>(
        undefined,
        {
          kind: 'progress',
          studentIds: [studentId],
          lessonId: '',
          occurrenceId: '',
          authorId: last.tutorId,
          title: title!,
          body: fill(body!, topic, opts.studentFirstName(studentId)),
          covered: '',
          homework: '',
          nextSteps: '',
          conflicts: [],
        },
        ctx,
        () => `note-sample-progress-${(opts.seed ?? 5).toString(36)}-${(n++).toString(36)}`,
      ),
    );
  }
  return out;
}
