// What a lab model answers to one chat request: the task comes from the system
// prompt (prompts/index.ts SYSTEM), the behaviour from the model's role and file.
import { type ChatMessage, type PromptKind, SYSTEM } from '../prompts/index';
import { parseSections } from '../prompts/sections';
import { generate } from './generator';
import type { Knobs } from './knobs';
import type { LabModel } from './models';
import { Rng, sha256, uniform } from './rng';
import { solve } from './solver';
import { judge, referenceSolution, refine, selfVerify } from './teacher';

export interface ChatRequest {
  messages: ChatMessage[];
  n: number;
  temperature: number;
  seed: number;
}

/** The task a request asks for; anything without a known system prompt is a problem to solve. */
export function detectTask(messages: ChatMessage[]): PromptKind {
  const system = messages.find((m) => m.role === 'system')?.content.trim();
  const kinds = Object.keys(SYSTEM) as PromptKind[];
  return kinds.find((kind) => SYSTEM[kind] === system) ?? 'solve';
}

function lastUserMessage(messages: ChatMessage[]): string {
  return [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
}

/** JSON as models write it: usually bare, sometimes fenced after a sentence. */
function asModelJson(value: unknown, rng: Rng): string {
  const json = JSON.stringify(value);
  return rng.chance(0.2) ? `Here is my answer.\n\n\`\`\`json\n${json}\n\`\`\`` : json;
}

function jsonReply(
  task: PromptKind,
  model: LabModel,
  user: string,
  knobs: Knobs,
  rng: Rng,
): unknown {
  const sections = parseSections(user);
  switch (task) {
    case 'judge':
      return judge(sections, knobs, rng.fork('judge'));
    case 'refineTargeted':
      return refine('targeted', sections, knobs, rng.fork('refine'));
    case 'refineHarder':
      return refine('harder', sections, knobs, rng.fork('refine'));
    case 'selfVerify':
      return selfVerify(sections);
    default:
      return generate(model, sections, knobs, rng.fork('generate'));
  }
}

/**
 * The n contents of one request. Solver samples depend on the request seed (sample
 * i of seed s is draw (s, i)); JSON replies depend only on the content, except the
 * malformed-JSON coin, which also takes the request seed so that a retry with
 * another seed can succeed.
 */
export function respond(
  request: ChatRequest,
  model: LabModel,
  labSeed: number,
  knobs: Knobs,
): { task: PromptKind; contents: string[] } {
  const task = detectTask(request.messages);
  const user = lastUserMessage(request.messages);
  const contentKey = sha256(JSON.stringify(request.messages));
  const contents = Array.from({ length: request.n }, (_, i) => {
    if (task === 'solve') {
      return solve({
        labSeed,
        model: model.id,
        skills: model.skills,
        prompt: user,
        requestSeed: request.seed,
        sampleIndex: i,
        temperature: request.temperature,
      }).text;
    }
    if (task === 'referenceSolution') return referenceSolution(parseSections(user));
    const rng = new Rng(
      labSeed,
      task,
      model.role,
      model.role === 'generator' ? model.id : '',
      contentKey,
      i,
    );
    const text = asModelJson(jsonReply(task, model, user, knobs, rng), rng.fork('format'));
    const malformed =
      uniform(labSeed, 'malformed-json', contentKey, request.seed, i) < knobs.malformedJsonRate;
    return malformed ? text.slice(0, Math.max(1, Math.floor(text.length / 2))) : text;
  });
  return { task, contents };
}
