// Package quality validates tabular data held as Apache Arrow arrays, in the
// two styles data engineers know: Pandera-style schemas (columns with types,
// nullability, uniqueness and checks; lazy failure-case tables) and Great
// Expectations-style expectation suites (GX JSON in and out, GX result
// formats and semantics, Data Docs). Both run on one engine that reads each
// column once for the statistics all checks on it share, works column by
// column in parallel, and never boxes values except to report failures.
//
// Nothing is lost: Quarantine splits a table into the rows that pass and the
// rows that fail, each failing row carrying the checks it failed, and the
// two parts always add up to the input.
//
// The package is generic: it knows nothing of taxi trips. The tlc package
// ships the TLC schemas and suites built with it.
package quality
