// The ktape tool for gradbench: reads the eval's messages from stdin, one JSON
// object a line, and answers each on stdout. `define` loads the eval's module
// (evals/<name>.ts), `evaluate` runs one of its functions on the input.
// Every module is written with ktape's public K API only, in float64.
//   node --import tsx gradbench/tool.ts     (scripts/gradbench.ts starts it)
import { createInterface } from 'node:readline';
import type { Message, Module, Response } from './protocol.js';

const modules = new Map<string, Module>();

async function load(name: string): Promise<Module> {
  if (!/^[a-z]+$/.test(name)) throw new Error(`no module ${JSON.stringify(name)}`);
  let m = modules.get(name);
  if (m === undefined) {
    m = (await import(`./evals/${name}.ts`)) as Module;
    modules.set(name, m);
  }
  return m;
}

const failure = (e: unknown) => ({ success: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });

async function respond(message: Message): Promise<Response> {
  const response: Response = { id: message.id };
  switch (message.kind) {
    case 'start':
      response.tool = 'ktape';
      break;
    case 'define':
      try {
        await load(message.module);
        response.success = true;
      } catch (e) {
        Object.assign(response, failure(e));
      }
      break;
    case 'evaluate':
      try {
        const f = (await load(message.module))[message.function];
        if (f === undefined) throw new Error(`module ${message.module} has no function ${message.function}`);
        Object.assign(response, { success: true }, f(message.input as never));
      } catch (e) {
        Object.assign(response, failure(e));
      }
      break;
  }
  return response;
}

for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() === '') continue;
  process.stdout.write(`${JSON.stringify(await respond(JSON.parse(line) as Message))}\n`);
}
