package quality

import (
	"fmt"
	"strings"
)

// The result formats of GX, from least to most detailed.
const (
	BooleanOnly = "BOOLEAN_ONLY" // success only
	Basic       = "BASIC"        // counts, percents, partial_unexpected_list
	Summary     = "SUMMARY"      // + partial_unexpected_counts and _index_list
	Complete    = "COMPLETE"     // + unexpected_list and unexpected_index_list
)

// MaxResultRecords caps unexpected_list and unexpected_index_list in
// COMPLETE results, as GX's MAX_RESULT_RECORDS does. Row failures are
// never capped.
const MaxResultRecords = 200_000

// ResultFormat says how much of each expectation's result to report, as
// GX's result_format does (a name, or a dict with these keys).
type ResultFormat struct {
	// Format is BooleanOnly, Basic, Summary or Complete.
	Format string `json:"result_format"`
	// PartialUnexpectedCount is how many unexpected values the partial
	// lists and counts hold (GX default 20).
	PartialUnexpectedCount int `json:"partial_unexpected_count"`
	// IncludeUnexpectedRows adds "unexpected_rows": the whole rows of the
	// unexpected values (as many as the unexpected list holds).
	IncludeUnexpectedRows bool `json:"include_unexpected_rows"`
	// ExcludeUnexpectedValues leaves the unexpected values and their
	// counts out, keeping indices and counts.
	ExcludeUnexpectedValues bool `json:"exclude_unexpected_values,omitempty"`
	// UnexpectedIndexColumnNames, when set, makes the index lists hold
	// objects of these columns' values (and the checked column's) instead
	// of row positions.
	UnexpectedIndexColumnNames []string `json:"unexpected_index_column_names,omitempty"`
}

// DefaultResultFormat is SUMMARY, GX's default for validation runs.
func DefaultResultFormat() ResultFormat {
	return ResultFormat{Format: Summary, PartialUnexpectedCount: 20}
}

// ParseResultFormat reads a result_format kwarg: a name ("SUMMARY") or a
// dict ({"result_format": "COMPLETE", "partial_unexpected_count": 5}).
func ParseResultFormat(v any) (ResultFormat, error) {
	rf := DefaultResultFormat()
	switch v := v.(type) {
	case string:
		rf.Format = strings.ToUpper(v)
	case map[string]any:
		name, ok := v["result_format"].(string)
		if !ok {
			return rf, fmt.Errorf("result_format dict needs a \"result_format\" key")
		}
		rf.Format = strings.ToUpper(name)
		for k, x := range v {
			switch k {
			case "result_format":
			case "partial_unexpected_count":
				n, ok := gxInt(x)
				if !ok || n < 0 {
					return rf, fmt.Errorf("partial_unexpected_count must be a whole number >= 0, got %v", x)
				}
				rf.PartialUnexpectedCount = n
			case "include_unexpected_rows", "exclude_unexpected_values":
				b, ok := x.(bool)
				if !ok {
					return rf, fmt.Errorf("%s must be true or false, got %v", k, x)
				}
				if k == "include_unexpected_rows" {
					rf.IncludeUnexpectedRows = b
				} else {
					rf.ExcludeUnexpectedValues = b
				}
			case "unexpected_index_column_names":
				l, ok := x.([]any)
				if x != nil && !ok {
					return rf, fmt.Errorf("unexpected_index_column_names must be a list, got %v", x)
				}
				for _, c := range l {
					s, ok := c.(string)
					if !ok {
						return rf, fmt.Errorf("unexpected_index_column_names holds %v, want column names", c)
					}
					rf.UnexpectedIndexColumnNames = append(rf.UnexpectedIndexColumnNames, s)
				}
			case "return_unexpected_index_query":
				// SQL and Spark only; nothing to return for Arrow data.
			default:
				return rf, fmt.Errorf("unknown result_format key %q", k)
			}
		}
	case ResultFormat:
		rf = v
	default:
		return rf, fmt.Errorf("result_format must be a name or a dict, got %v", v)
	}
	switch rf.Format {
	case BooleanOnly, Basic, Summary, Complete:
	default:
		return rf, fmt.Errorf("unknown result_format %q (want BOOLEAN_ONLY, BASIC, SUMMARY or COMPLETE)", rf.Format)
	}
	return rf, nil
}

// level orders the formats.
func (rf ResultFormat) level() int {
	switch rf.Format {
	case BooleanOnly:
		return 0
	case Basic:
		return 1
	case Summary:
		return 2
	}
	return 3
}

// valueLimit is how many unexpected values and indices GX collects: all
// (up to MaxResultRecords) for COMPLETE, else the partial count.
func (rf ResultFormat) valueLimit() int {
	if rf.Format == Complete {
		return MaxResultRecords
	}
	return min(rf.PartialUnexpectedCount, MaxResultRecords)
}
