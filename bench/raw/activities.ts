export async function noop(): Promise<{ ok: boolean }> {
  return { ok: true };
}
