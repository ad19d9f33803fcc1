// An empty program. `npm run bench` times `npx ts-node bench/empty.ts` beside the
// main command, `npx ts-node examples/default.ts`: the difference is what the
// library and the example cost on top of npx, Node.js and ts-node themselves.
export {};
