package tlc

import "slices"

// sortProblems orders a batch's problems by row, then by canonical column
// position as found, keeping the converters' per-column order stable.
func sortProblems(p []Problem) {
	slices.SortStableFunc(p, func(a, b Problem) int {
		switch {
		case a.Row < b.Row:
			return -1
		case a.Row > b.Row:
			return 1
		}
		return 0
	})
}
