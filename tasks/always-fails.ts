// Seed style: a plain function as the default export, options in `config`; the slug is the file name.
import type { Ml } from 'conveyor';

export const config = { description: 'Fails permanently: never retried.' };

export default async function alwaysFails(ml: Ml): Promise<never> {
  ml.danger('this task cannot succeed');
  return ml.fail('permanent failure: nothing to retry');
}
