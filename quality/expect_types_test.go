package quality

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

func TestTypeExpectations(t *testing.T) {
	tbl := gxTestTable(t, 0,
		gxc("i", gxI64, 1, 2, nil),
		gxc("s", gxStr, "a", nil, "b"),
		gxc("ts", gxTS, "2024-01-01 00:00:00", nil, nil),
		gxc("b", gxBool, true, false, nil),
	)
	of := func(col, typ string) map[string]any { return map[string]any{"column": col, "type_": typ} }
	gxRunCases(t, tbl, []gxCase{
		{"int64", "expect_column_values_to_be_of_type", of("i", "int64"), "", true, `{"observed_value":"int64"}`},
		{"Int64 nullable", "expect_column_values_to_be_of_type", of("i", "Int64"), "", true, `{"observed_value":"int64"}`},
		{"int64 not float", "expect_column_values_to_be_of_type", of("i", "float64"), "", false, `{"observed_value":"int64"}`},
		{"datetime", "expect_column_values_to_be_of_type", of("ts", "datetime64[ns]"), "", true, `{"observed_value":"datetime64"}`},
		{"bool", "expect_column_values_to_be_of_type", of("b", "bool"), "", true, `{"observed_value":"bool"}`},
		{"object", "expect_column_values_to_be_of_type", of("s", "object"), "", true, `{"observed_value":"object_"}`},
		// Text is an object column: GX checks each value's type.
		{"str values", "expect_column_values_to_be_of_type", of("s", "str"), Basic, true,
			`{"element_count":3,"unexpected_count":0,"unexpected_percent":0,"missing_count":1,"missing_percent":33.33333333333333,
			"unexpected_percent_total":0,"unexpected_percent_nonmissing":0,"partial_unexpected_list":[]}`},
		{"int values", "expect_column_values_to_be_of_type", of("s", "int"), Basic, false,
			`{"element_count":3,"unexpected_count":2,"unexpected_percent":100,"missing_count":1,"missing_percent":33.33333333333333,
			"unexpected_percent_total":66.66666666666666,"unexpected_percent_nonmissing":100,"partial_unexpected_list":["a","b"]}`},
		{"type list", "expect_column_values_to_be_in_type_list", map[string]any{"column": "i", "type_list": []any{"float64", "int64"}}, "", true,
			`{"observed_value":"int64"}`},
		{"type list miss", "expect_column_values_to_be_in_type_list", map[string]any{"column": "ts", "type_list": []any{"str"}}, "", false,
			`{"observed_value":"datetime64"}`},
	})
}

func TestKLDivergence(t *testing.T) {
	tbl := gxTestTable(t, 2,
		gxc("s", gxStr, "a", "a", "b", "c", nil),
		gxc("x", gxF64, 0.5, 1.5, 1.5, 2.5, 3.5),
	)
	cat := map[string]any{"values": []any{"a", "b"}, "weights": []any{0.5, 0.5}}
	gxRunCases(t, tbl, []gxCase{
		// c is not in the partition: it takes the tail holdout, the
		// expected weights shrink by 1 - holdout.
		{"categorical", "expect_column_kl_divergence_to_be_less_than",
			map[string]any{"column": "s", "partition_object": cat, "threshold": 0.2, "tail_weight_holdout": 0.1}, "", true,
			`{"observed_value":0.1348062745719222,"details":{
				"observed_partition":{"values":["a","b","c"],"weights":[0.5,0.25,0.25]},
				"expected_partition":{"values":["a","b","c"],"weights":[0.45,0.45,0.1]}}}`},
		// Without holdout the divergence is infinite: null, and failing.
		{"categorical infinite", "expect_column_kl_divergence_to_be_less_than",
			map[string]any{"column": "s", "partition_object": cat, "threshold": 0.2}, "", false,
			`{"observed_value":null,"details":{
				"observed_partition":{"values":["a","b","c"],"weights":[0.5,0.25,0.25]},
				"expected_partition":{"values":["a","b","c"],"weights":[0.5,0.5,0]}}}`},
		{"continuous", "expect_column_kl_divergence_to_be_less_than",
			map[string]any{"column": "x", "threshold": 0.1, "tail_weight_holdout": 0.2,
				"partition_object": map[string]any{"bins": []any{0, 1, 2, 3}, "weights": []any{0.25, 0.5, 0.25}}}, "", false,
			`{"observed_value":0.13862943611198927,"details":{
				"observed_partition":{"bins":[0,1,2,3],"weights":[0.2,0.4,0.2],"tail_weights":[0,0.2]},
				"expected_partition":{"bins":[0,1,2,3],"weights":[0.2,0.4,0.2],"tail_weights":[0.1,0.1]}}}`},
	})
	for _, bad := range []map[string]any{
		{"column": "s", "partition_object": map[string]any{"values": []any{"a"}, "weights": []any{0.5}}},
		{"column": "s", "partition_object": cat, "internal_weight_holdout": 0.1},
		{"column": "x", "partition_object": map[string]any{"bins": []any{0, 2, 1}, "weights": []any{0.5, 0.5}}},
		{"column": "x", "threshold": -1, "partition_object": cat},
	} {
		if _, err := NewSuite("s").Add("expect_column_kl_divergence_to_be_less_than", bad); err == nil {
			t.Errorf("kwargs %v accepted", bad)
		}
	}
}

// TestParallelRunIsDeterministic validates a wide random table with one
// worker and with many: the results must be identical.
func TestParallelRunIsDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 5000
	var cols []gxCol
	s := NewSuite("wide")
	for c := 0; c < 12; c++ {
		name := fmt.Sprintf("c%d", c)
		vals := make([]any, n)
		for i := range vals {
			if rng.IntN(20) == 0 {
				continue
			}
			vals[i] = float64(rng.IntN(1000))
		}
		cols = append(cols, gxc(name, gxF64, vals...))
		for _, e := range []struct {
			typ string
			kw  map[string]any
		}{
			{"expect_column_values_to_be_between", map[string]any{"min_value": 10, "max_value": 990, "mostly": 0.97}},
			{"expect_column_values_to_not_be_null", map[string]any{}},
			{"expect_column_values_to_be_unique", map[string]any{}},
			{"expect_column_mean_to_be_between", map[string]any{"min_value": 450, "max_value": 550}},
			{"expect_column_quantile_values_to_be_between", map[string]any{"quantile_ranges": map[string]any{
				"quantiles": []any{0.1, 0.5, 0.9}, "value_ranges": []any{[]any{50, 150}, []any{400, 600}, []any{850, 950}}}}},
		} {
			e.kw["column"] = name
			if _, err := s.Add(e.typ, e.kw); err != nil {
				t.Fatal(err)
			}
		}
		if c > 0 {
			s.Add("expect_column_pair_values_A_to_be_greater_than_B", map[string]any{"column_A": name, "column_B": "c0", "mostly": 0.4})
		}
	}
	run := func(par int) []byte {
		tbl := gxTestTable(t, 777, cols...)
		rf := ResultFormat{Format: Complete, PartialUnexpectedCount: 20}
		res, err := s.Validate(tbl, &ValidateOptions{Parallelism: par, ResultFormat: &rf, RunTime: time.Unix(0, 0)})
		if err != nil {
			t.Fatal(err)
		}
		data, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	one, many := run(1), run(16)
	if !reflect.DeepEqual(gxWant(t, string(one)), gxWant(t, string(many))) {
		t.Error("parallel results differ from sequential ones")
	}
}
