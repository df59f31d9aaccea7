// Preloaded into a benchmarked server (node --import): answers the bench's IPC question with process.memoryUsage().
// It only reports; the service itself does not know it is there.
if (typeof process.send === 'function') {
  process.on('message', (m) => {
    if (m && m.type === 'mem') process.send({ type: 'mem', id: m.id, usage: process.memoryUsage() });
  });
  // The IPC channel must not keep a closing server alive.
  process.channel?.unref();
}
