// Prints the plain closing line CI reads ("N passed, N failed") after Jest's own summary.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    process.stdout.write(`\njest: ${results.numPassedTests} passed, ${results.numFailedTests} failed\n`);
  }
}
module.exports = SummaryReporter;
