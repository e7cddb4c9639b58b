package quality

import (
	"math"
	"slices"
	"testing"

	"github.com/go-gota/gota/dataframe"
	"github.com/go-gota/gota/series"
)

func TestGotaAdapter(t *testing.T) {
	df := dataframe.New(
		series.New([]any{1, 2, "NaN", 300}, series.Int, "PULocationID"),
		series.New([]float64{2.5, math.NaN(), -1, 10}, series.Float, "fare"),
		series.New([]string{"N", "Y", "NaN", "X"}, series.String, "flag"),
		series.New([]bool{true, false, true, true}, series.Bool, "paid"),
	)
	tbl, err := TableFromGota(df, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	var types []string
	for _, c := range tbl.Columns() {
		types = append(types, c.Type.String())
	}
	if !slices.Equal(types, []string{"int64", "float64", "utf8", "bool"}) {
		t.Errorf("types %v", types)
	}
	s := &Schema{Name: "trips", Columns: []ColumnSchema{
		{Name: "PULocationID", DType: DTypeOf(tbl.Columns()[0].Type), Checks: []Check{InRange(1, 265)}},
		{Name: "fare", DType: AnyNumeric, Checks: []Check{Ge(0)}},
		{Name: "flag", Nullable: true, Checks: []Check{IsIn("Y", "N")}},
		{Name: "paid", Checks: []Check{Eq(true)}},
	}}
	rep, err := s.ValidateGota(df, SchemaOptions{Lazy: true})
	if err == nil {
		t.Fatal("want failures")
	}
	defer rep.Release()
	want := []string{
		"Column|PULocationID|not_nullable|-1|<null>|2",
		"Column|PULocationID|in_range(1, 265)|0|300|3",
		"Column|fare|not_nullable|-1|<null>|1",
		"Column|fare|greater_than_or_equal_to(0)|0|-1.0|2",
		"Column|flag|isin(['Y', 'N'])|0|X|3",
		"Column|paid|equal_to(True)|0|False|1",
	}
	if got := stCases(rep.FailureCases); !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if _, err := TableFromGota(dataframe.DataFrame{Err: errTest}, nil); err == nil {
		t.Error("gota error lost")
	}
}

var errTest = errorString("broken")

type errorString string

func (e errorString) Error() string { return string(e) }
