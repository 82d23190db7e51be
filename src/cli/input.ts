import { readFile } from 'node:fs/promises';
import { usageError } from './errors.js';

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** `--input JSON`, `--input @file` or `--input @-` (stdin); bad JSON is a usage error naming where it came from. */
export async function readJsonInput(spec: string | undefined, stdin: NodeJS.ReadableStream = process.stdin): Promise<unknown> {
  if (spec === undefined) return undefined;
  let text = spec;
  let source = '--input';
  if (spec === '@-') {
    text = await readAll(stdin);
    source = 'stdin';
  } else if (spec.startsWith('@')) {
    const file = spec.slice(1);
    text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw usageError(`cannot read --input file ${file}: ${error.code ?? error.message}`);
    });
    source = file;
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw usageError(`${source} is not valid JSON: ${(error as Error).message}`);
  }
}

/** `--priority`: a number stays a number ("2" → 2); the API refuses anything but 1-5 or high/normal/low. */
export function priorityOption(text: string): number | string {
  return /^\d+$/.test(text) ? Number(text) : text;
}
