import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { usageError } from './errors.js';

/** A workflow definition from a .json, .yaml or .yml file; unreadable or malformed is a usage error. */
export async function readDefinitionFile(file: string): Promise<Record<string, unknown>> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw usageError(`cannot read ${file}: ${error.code ?? error.message}`);
  });
  const yaml = ['.yaml', '.yml'].includes(path.extname(file).toLowerCase());
  let value: unknown;
  try {
    value = yaml ? loadYaml(text) : JSON.parse(text);
  } catch (error) {
    throw usageError(`${file} is not valid ${yaml ? 'YAML' : 'JSON'}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw usageError(`${file}: a workflow definition is an object with slug, nodes and edges`);
  return value as Record<string, unknown>;
}
