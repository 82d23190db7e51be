// Node module-resolution hooks (module.register) for task files that live
// outside the project with no node_modules of their own: `import ... from
// 'conveyor'` always resolves to this Conveyor (one registry, one zod), and
// 'zod' falls back to Conveyor's copy when the task's folder has none.
// Plain .mjs because hooks run on a loader thread before TypeScript support.
let always = {};
let fallback = {};

export async function initialize(data) {
  always = data.always;
  fallback = data.fallback;
}

export async function resolve(specifier, context, nextResolve) {
  // Resolved through the rest of the chain so the TypeScript loader sees the target too.
  if (Object.hasOwn(always, specifier)) return nextResolve(always[specifier], context);
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if (Object.hasOwn(fallback, specifier)) return nextResolve(fallback[specifier], context);
    throw error;
  }
}
