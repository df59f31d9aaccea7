// Preloaded into a benchmarked server (node --import): answers the bench's IPC question with process.memoryUsage(),
// after a full collection when asked (`collect`) and the server runs with --expose-gc, and with WORKERS > 1 tells
// the bench when every cluster worker listens. It only reports; the service itself does not know it is there.
import cluster from 'node:cluster';

if (typeof process.send === 'function' && cluster.isPrimary) {
  process.on('message', (m) => {
    if (m?.type !== 'mem') return;
    if (m.collect !== true || typeof globalThis.gc !== 'function') {
      process.send({ type: 'mem', id: m.id, usage: process.memoryUsage(), collected: false });
      return;
    }
    const before = process.memoryUsage();
    globalThis.gc();
    process.send({ type: 'mem', id: m.id, usage: process.memoryUsage(), before, collected: true });
  });
  const workers = Number(process.env.WORKERS ?? 1);
  if (workers > 1) {
    let listening = 0;
    cluster.on('listening', () => {
      listening += 1;
      if (listening === workers) process.send({ type: 'workers-listening' });
    });
  }
  // The IPC channel must not keep a closing server alive.
  process.channel?.unref();
}
