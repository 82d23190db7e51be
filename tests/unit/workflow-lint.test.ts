import assert from 'node:assert/strict';
import { ESLint } from 'eslint';

// The determinism rules must actually fire on workflow code, not just be configured.
describe('workflow determinism lint', function () {
  this.timeout(60_000);
  const eslint = new ESLint();
  const lint = async (code: string) => {
    const [result] = await eslint.lintText(code, { filePath: 'src/workflows/task-run.ts' });
    return result.messages.map((m) => m.ruleId);
  };

  it('rejects Node built-ins, value imports of activities and I/O modules', async () => {
    assert.ok((await lint(`import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n`)).includes('@typescript-eslint/no-restricted-imports'));
    assert.ok((await lint(`import { createActivities } from '../activities/index.js';\nexport const x = createActivities;\n`)).includes('@typescript-eslint/no-restricted-imports'));
    assert.ok((await lint(`import pg from 'pg';\nexport const x = pg;\n`)).includes('@typescript-eslint/no-restricted-imports'));
    assert.ok((await lint(`export const x = () => setTimeout(() => undefined, 1);\n`)).includes('no-restricted-globals'));
  });

  it('allows `import type` from activities', async () => {
    assert.deepEqual(await lint(`import type { Activities } from '../activities/index.js';\nexport type X = Activities;\n`), []);
  });

  it('rejects floating promises', async () => {
    assert.ok((await lint(`async function f(): Promise<void> {}\nexport function g(): void {\n  f();\n}\n`)).includes('@typescript-eslint/no-floating-promises'));
  });
});
