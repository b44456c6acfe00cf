/**
 * Ends every run with one plain line, "tests: N passed, N failed", that CI systems can read
 * without knowing Jest's own summary format.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.stdout.write(`\ntests: ${results.numPassedTests} passed, ${failed} failed\n`);
  }
}

module.exports = SummaryReporter;
