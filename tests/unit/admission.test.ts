import assert from 'node:assert/strict';
import { createAdmission } from '../../src/api/admission.js';
import { ApiError } from '../../src/services/errors.js';

describe('trigger admission', () => {
  it('admits up to the limit, answers 429 beyond it, and frees what is released (once)', () => {
    const admit = createAdmission(3);
    const batch = admit(2);
    const single = admit(1);
    assert.throws(() => admit(1), (error: unknown) => error instanceof ApiError && error.status === 429 && error.code === 'too_many_triggers');
    single();
    single(); // a second release changes nothing
    const again = admit(1);
    assert.throws(() => admit(1), ApiError);
    batch();
    assert.doesNotThrow(() => admit(2));
    again();
  });

  it('refuses a batch larger than the limit at once', () => {
    assert.throws(() => createAdmission(10)(11), ApiError);
  });
});
