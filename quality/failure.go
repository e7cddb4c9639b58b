package quality

import "strings"

// RowFailure names the rows of a table that failed one check or
// expectation. Schemas and suites both report their row-level outcomes this
// way, and Quarantine combines them.
type RowFailure struct {
	// Check identifies what failed, as users name it: a Pandera check such
	// as "in_range(1, 265)" or "not_nullable", or a GX expectation type
	// with its column such as "expect_column_values_to_be_between(fare_amount)".
	Check string
	// Column is the column checked, "" for table-wide checks.
	Column string
	// Rows are the failing rows.
	Rows *RowSet
}

// label names the failure in quarantine output: the check, prefixed by its
// column when the check's name does not say it ("passenger_count:
// not_nullable"), so that one check on two columns stays two reasons.
func (f RowFailure) label() string {
	if f.Column == "" || strings.Contains(f.Check, "("+f.Column+")") ||
		strings.Contains(f.Check, "("+f.Column+",") || strings.Contains(f.Check, ", "+f.Column+")") {
		return f.Check // a GX-style name that lists the column already
	}
	return f.Column + ": " + f.Check
}
