/** `npm run bench -- <server|sign|verify|extension>`: each prints a table of its figures and its peers'. */
export {};

const suites: Record<string, () => Promise<{ run: () => Promise<unknown> }>> = {
  server: async () => ({ run: (await import('./server.js')).benchServer }),
  sign: async () => ({ run: (await import('./sign.js')).benchSign }),
  verify: async () => ({ run: (await import('./verify.js')).benchVerify }),
  extension: async () => ({ run: (await import('./extension.js')).benchExtension }),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length ? wanted : Object.keys(suites);
for (const name of names) {
  const suite = suites[name];
  if (!suite) {
    console.error(`unknown benchmark "${name}"; choose from: ${Object.keys(suites).join(', ')}`);
    process.exit(2);
  }
  console.log(`\n== ${name} ==`);
  try {
    await (await suite()).run();
  } catch (err) {
    console.error(`benchmark ${name} failed: ${err instanceof Error ? err.message : err}`);
    process.exitCode = 1;
  }
}
