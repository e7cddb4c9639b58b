package quality

import (
	"math"
	"slices"
	"testing"
)

func TestInferSchema(t *testing.T) {
	tbl := stTable(t, []int{3},
		stc("vendor", stInt32, 1, 2, 2, 1, 2, 1),
		stc("fare", stFloat, 2.5, 10.0, math.NaN(), 7.25, 3.0, 52.0),
		stc("flag", stString, "N", "Y", "N", "N", nil, "N"),
		stc("note", stString, "a", "b", "c", "d", "e", "f"),
		stc("pickup", stTime, "2024-01-01 00:10:00", "2024-01-31 23:00:00", "2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"),
		stc("paid", stBool, true, false, true, true, true, true),
	)
	s := InferSchema(tbl)
	var got []string
	for _, c := range s.Columns {
		line := c.Name + " " + c.DType.String()
		if c.Nullable {
			line += " nullable"
		}
		for _, ch := range c.Checks {
			line += " " + ch.String()
		}
		got = append(got, line)
	}
	want := []string{
		"vendor int32 in_range(1, 2)",
		"fare float64 nullable in_range(2.5, 52.0)",
		"flag utf8 nullable isin(['N', 'Y'])",
		"note utf8",
		"pickup timestamp[us, tz=UTC] in_range(2024-01-01 00:10:00, 2024-01-31 23:00:00)",
		"paid bool",
	}
	if !slices.Equal(got, want) {
		t.Errorf("inferred\n%q\nwant\n%q", got, want)
	}
	if !s.Coerce {
		t.Error("pandera infers coerce=True")
	}
	// The data it was inferred from passes, and the schema serializes.
	if rep, err := s.Validate(tbl, SchemaOptions{Lazy: true}); err != nil {
		t.Errorf("inferred schema rejects its data: %v", stCases(rep.FailureCases))
	}
	data, err := s.ToYAML()
	if err != nil {
		t.Fatal(err)
	}
	back, err := SchemaFromYAML(data)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := back.Validate(tbl, SchemaOptions{Lazy: true}); err != nil {
		t.Errorf("round-tripped inferred schema rejects its data: %v", err)
	}
	if s2 := InferSchemaWith(tbl, InferOptions{MaxCategories: -1}); len(s2.Columns[2].Checks) != 0 {
		t.Errorf("isin not disabled: %v", s2.Columns[2].Checks)
	}
}
