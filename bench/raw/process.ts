// Raw Temporal in a process of its own (bench:profile profiles it beside Conveyor): a worker and a
// client in this process, BENCH_PROFILE_RUNS one-activity workflows at BENCH_PROFILE_IN_FLIGHT.
import { writeFile } from 'node:fs/promises';
import { cleanUp } from '../infra.js';
import { monotonicUs } from '../profile-summary.js';

const cpuMs = ({ user, system }: NodeJS.CpuUsage) => (user + system) / 1000;
import { benchClient, closedLoop, rawPath } from '../runs-setup.js';

const address = process.env.TEMPORAL_ADDRESS!;
const client = await benchClient(address);
const raw = await rawPath(address, client);
const fromUs = monotonicUs();
const cpu = process.cpuUsage();
await closedLoop(Number(process.env.BENCH_PROFILE_RUNS ?? 2_000), Number(process.env.BENCH_PROFILE_IN_FLIGHT ?? 10), raw);
// The profile's load window (profile-summary.ts counts only it).
if (process.env.BENCH_WINDOW_FILE) await writeFile(process.env.BENCH_WINDOW_FILE, JSON.stringify({ fromUs, toUs: monotonicUs(), cpuMs: cpuMs(process.cpuUsage(cpu)) }));
await cleanUp();
