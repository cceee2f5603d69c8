// Loaded with `--import` into a `memos serve` child process: on SIGUSR2 it makes the failure that
// MEMOS_TEST_FAULT names happen with nothing to handle it, as a bug in memOS would.
// - `rejection`: a promise rejected with no handler;
// - `exception`: an error thrown from a timer callback.
process.on('SIGUSR2', () => {
  if (process.env.MEMOS_TEST_FAULT === 'exception') {
    setImmediate(() => {
      throw new TypeError('a test fault thrown from a timer');
    });
  } else {
    void Promise.reject(new RangeError('a test fault rejected with no handler'));
  }
});
