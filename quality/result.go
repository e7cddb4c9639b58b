package quality

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
)

// ResultKey names one key of an expectation's "result" object. GX puts a
// different set of keys in each result depending on the expectation's kind
// and the result format; Has says which are present.
type ResultKey uint32

// The keys of a result, as GX names them.
const (
	KeyElementCount ResultKey = 1 << iota
	KeyUnexpectedCount
	KeyUnexpectedPercent
	KeyMissingCount
	KeyMissingPercent
	KeyUnexpectedPercentTotal
	KeyUnexpectedPercentNonmissing
	KeyPartialUnexpectedList
	KeyPartialUnexpectedIndexList
	KeyPartialUnexpectedCounts
	KeyUnexpectedList
	KeyUnexpectedIndexList
	KeyUnexpectedRows
	KeyUnexpectedIndexColumnNames
	KeyObservedValue
	KeyDetails
)

var resultKeyNames = []struct {
	key  ResultKey
	name string
}{
	{KeyElementCount, "element_count"},
	{KeyUnexpectedCount, "unexpected_count"},
	{KeyUnexpectedPercent, "unexpected_percent"},
	{KeyMissingCount, "missing_count"},
	{KeyMissingPercent, "missing_percent"},
	{KeyUnexpectedPercentTotal, "unexpected_percent_total"},
	{KeyUnexpectedPercentNonmissing, "unexpected_percent_nonmissing"},
	{KeyPartialUnexpectedList, "partial_unexpected_list"},
	{KeyPartialUnexpectedIndexList, "partial_unexpected_index_list"},
	{KeyPartialUnexpectedCounts, "partial_unexpected_counts"},
	{KeyUnexpectedList, "unexpected_list"},
	{KeyUnexpectedIndexList, "unexpected_index_list"},
	{KeyUnexpectedRows, "unexpected_rows"},
	{KeyUnexpectedIndexColumnNames, "unexpected_index_column_names"},
	{KeyObservedValue, "observed_value"},
	{KeyDetails, "details"},
}

// String returns the key's GX name.
func (k ResultKey) String() string {
	for _, n := range resultKeyNames {
		if n.key == k {
			return n.name
		}
	}
	return "?"
}

// ExpectationResult is the "result" object of one expectation's
// validation result, with GX's keys. Map expectations (column values,
// column pairs, compound columns) fill the counts, percents and lists;
// aggregate and table expectations fill ObservedValue and Details. Which
// keys are present (a present key may hold null) follows GX's
// _format_map_output for the result format; see Has.
type ExpectationResult struct {
	ElementCount    int64
	UnexpectedCount int64
	MissingCount    int64
	// Percents are nil where GX reports null (no rows, or no non-missing
	// rows). UnexpectedPercent equals UnexpectedPercentNonmissing for
	// expectations that ignore nulls and UnexpectedPercentTotal for
	// not_be_null / be_null.
	UnexpectedPercent           *float64
	MissingPercent              *float64
	UnexpectedPercentTotal      *float64
	UnexpectedPercentNonmissing *float64
	// PartialUnexpectedList holds the first unexpected values (row order);
	// for column pairs each is [A, B], for multicolumn expectations an
	// object of column to value.
	PartialUnexpectedList []any
	// PartialUnexpectedIndexList holds their row positions (int64), or
	// objects when unexpected_index_column_names is set.
	PartialUnexpectedIndexList []any
	// PartialUnexpectedCounts counts the values of the unexpected list
	// (the partial one below COMPLETE), most frequent first.
	PartialUnexpectedCounts []UnexpectedValueCount
	// UnexpectedList and UnexpectedIndexList (COMPLETE) hold every
	// unexpected value and row, up to MaxResultRecords.
	UnexpectedList             []any
	UnexpectedIndexList        []any
	UnexpectedRows             []map[string]any
	UnexpectedIndexColumnNames []string
	// ObservedValue is the aggregate or table fact observed (a number, a
	// date-time text, a list of columns, quantiles...).
	ObservedValue any
	// Details are expectation-specific (mismatched columns, quantile
	// success_details, KL partitions...).
	Details map[string]any

	// Keys is the set of keys present.
	Keys ResultKey
}

// UnexpectedValueCount is one entry of partial_unexpected_counts.
type UnexpectedValueCount struct {
	Value any   `json:"value"`
	Count int64 `json:"count"`
}

// Has reports whether key k is present in the result.
func (r *ExpectationResult) Has(k ResultKey) bool { return r.Keys&k != 0 }

// MarshalJSON writes the present keys (sorted, as GX's stores write them).
func (r ExpectationResult) MarshalJSON() ([]byte, error) {
	m := map[string]any{}
	for _, n := range resultKeyNames {
		if r.Keys&n.key == 0 {
			continue
		}
		m[n.name] = r.field(n.key)
	}
	return gxMarshal(m, false)
}

func (r *ExpectationResult) field(k ResultKey) any {
	switch k {
	case KeyElementCount:
		return r.ElementCount
	case KeyUnexpectedCount:
		return r.UnexpectedCount
	case KeyUnexpectedPercent:
		return r.UnexpectedPercent
	case KeyMissingCount:
		return r.MissingCount
	case KeyMissingPercent:
		return r.MissingPercent
	case KeyUnexpectedPercentTotal:
		return r.UnexpectedPercentTotal
	case KeyUnexpectedPercentNonmissing:
		return r.UnexpectedPercentNonmissing
	case KeyPartialUnexpectedList:
		return gxJSONList(r.PartialUnexpectedList)
	case KeyPartialUnexpectedIndexList:
		return gxJSONList(r.PartialUnexpectedIndexList)
	case KeyPartialUnexpectedCounts:
		if r.PartialUnexpectedCounts == nil {
			return []UnexpectedValueCount{}
		}
		return r.PartialUnexpectedCounts
	case KeyUnexpectedList:
		return gxJSONList(r.UnexpectedList)
	case KeyUnexpectedIndexList:
		return gxJSONList(r.UnexpectedIndexList)
	case KeyUnexpectedRows:
		if r.UnexpectedRows == nil {
			return nil // GX collects no rows for BASIC and reports null
		}
		out := make([]any, len(r.UnexpectedRows))
		for i, row := range r.UnexpectedRows {
			out[i] = gxJSONSafe(row)
		}
		return out
	case KeyUnexpectedIndexColumnNames:
		return r.UnexpectedIndexColumnNames
	case KeyObservedValue:
		return gxJSONSafe(r.ObservedValue)
	case KeyDetails:
		if r.Details == nil {
			return nil
		}
		return gxJSONSafe(r.Details)
	}
	return nil
}

// UnmarshalJSON reads a result written by GX or by MarshalJSON.
func (r *ExpectationResult) UnmarshalJSON(data []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	*r = ExpectationResult{}
	for _, n := range resultKeyNames {
		raw, ok := m[n.name]
		if !ok {
			continue
		}
		r.Keys |= n.key
		var dst any
		switch n.key {
		case KeyElementCount:
			dst = &r.ElementCount
		case KeyUnexpectedCount:
			dst = &r.UnexpectedCount
		case KeyMissingCount:
			dst = &r.MissingCount
		case KeyUnexpectedPercent:
			dst = &r.UnexpectedPercent
		case KeyMissingPercent:
			dst = &r.MissingPercent
		case KeyUnexpectedPercentTotal:
			dst = &r.UnexpectedPercentTotal
		case KeyUnexpectedPercentNonmissing:
			dst = &r.UnexpectedPercentNonmissing
		case KeyPartialUnexpectedList:
			dst = &r.PartialUnexpectedList
		case KeyPartialUnexpectedIndexList:
			dst = &r.PartialUnexpectedIndexList
		case KeyPartialUnexpectedCounts:
			dst = &r.PartialUnexpectedCounts
		case KeyUnexpectedList:
			dst = &r.UnexpectedList
		case KeyUnexpectedIndexList:
			dst = &r.UnexpectedIndexList
		case KeyUnexpectedRows:
			dst = &r.UnexpectedRows
		case KeyUnexpectedIndexColumnNames:
			dst = &r.UnexpectedIndexColumnNames
		case KeyObservedValue:
			dst = &r.ObservedValue
		case KeyDetails:
			dst = &r.Details
		}
		if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
			continue
		}
		if err := json.Unmarshal(raw, dst); err != nil {
			return err
		}
	}
	return nil
}

func gxJSONList(l []any) []any {
	if l == nil {
		return []any{}
	}
	out := make([]any, len(l))
	for i, v := range l {
		out[i] = gxJSONSafe(v)
	}
	return out
}

// gxJSONSafe replaces NaN and infinities (which JSON cannot hold) by nil,
// recursively through lists and objects.
func gxJSONSafe(v any) any {
	switch v := v.(type) {
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil
		}
	case []any:
		return gxJSONList(v)
	case []float64:
		out := make([]any, len(v))
		for i, f := range v {
			out[i] = gxJSONSafe(f)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = gxJSONSafe(x)
		}
		return out
	}
	return v
}

func gxPtr(f float64) *float64 { return &f }

// gxSortedKeys returns a map's keys in order.
func gxSortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
