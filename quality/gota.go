// The gota adapter: gota DataFrames validated by the same engine.

package quality

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/go-gota/gota/dataframe"
	"github.com/go-gota/gota/series"
)

// TableFromGota converts a gota (v0.12) DataFrame to a Table of one batch:
// Int series become int64, Float float64, String utf8 and Bool bool
// columns. gota has one missing-value marker, NaN: an element gota reports
// as NaN (IsNA) becomes an Arrow null. That covers Float NaN (gota cannot
// tell a NaN from a missing float), Int and Bool elements that failed to
// parse, and the String "NaN", which gota itself reads as missing. The
// caller releases the table; a nil mem uses the default allocator.
func TableFromGota(df dataframe.DataFrame, mem memory.Allocator) (*Table, error) {
	if err := df.Error(); err != nil {
		return nil, fmt.Errorf("quality: gota dataframe: %w", err)
	}
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	names := df.Names()
	fields := make([]arrow.Field, len(names))
	arrs := make([]arrow.Array, len(names))
	defer func() {
		for _, a := range arrs {
			if a != nil {
				a.Release()
			}
		}
	}()
	for i, name := range names {
		s := df.Col(name)
		a, err := gotaSeriesArray(s, mem)
		if err != nil {
			return nil, fmt.Errorf("quality: gota column %q: %w", name, err)
		}
		arrs[i] = a
		fields[i] = arrow.Field{Name: name, Type: a.DataType(), Nullable: true}
	}
	rec := array.NewRecordBatch(arrow.NewSchema(fields, nil), arrs, int64(df.Nrow()))
	defer rec.Release()
	return NewTable(rec)
}

// gotaSeriesArray converts one gota series to an Arrow array.
func gotaSeriesArray(s series.Series, mem memory.Allocator) (arrow.Array, error) {
	n := s.Len()
	na := s.IsNaN()
	switch s.Type() {
	case series.Int:
		b := array.NewInt64Builder(mem)
		defer b.Release()
		b.Reserve(n)
		for i := 0; i < n; i++ {
			if na[i] {
				b.AppendNull()
				continue
			}
			v, err := s.Elem(i).Int()
			if err != nil {
				return nil, err
			}
			b.Append(int64(v))
		}
		return b.NewArray(), nil
	case series.Float:
		b := array.NewFloat64Builder(mem)
		defer b.Release()
		vals := s.Float()
		b.AppendValues(vals, gotaValid(na))
		return b.NewArray(), nil
	case series.String:
		b := array.NewStringBuilder(mem)
		defer b.Release()
		b.AppendValues(s.Records(), gotaValid(na))
		return b.NewArray(), nil
	case series.Bool:
		b := array.NewBooleanBuilder(mem)
		defer b.Release()
		b.Reserve(n)
		for i := 0; i < n; i++ {
			if na[i] {
				b.AppendNull()
				continue
			}
			v, err := s.Elem(i).Bool()
			if err != nil {
				return nil, err
			}
			b.Append(v)
		}
		return b.NewArray(), nil
	}
	return nil, fmt.Errorf("unsupported gota series type %s", s.Type())
}

func gotaValid(na []bool) []bool {
	valid := make([]bool, len(na))
	for i, x := range na {
		valid[i] = !x
	}
	return valid
}

// ValidateGota validates a gota DataFrame through the same engine as
// Validate, after TableFromGota. Release the report to free the converted
// table; RowFailures index the DataFrame's rows.
func (s *Schema) ValidateGota(df dataframe.DataFrame, opts SchemaOptions) (*SchemaReport, error) {
	t, err := TableFromGota(df, nil)
	if err != nil {
		return nil, err
	}
	rep, verr := s.Validate(t, opts)
	if rep == nil {
		t.Release()
		return nil, verr
	}
	if rep.Table != t {
		t.Release() // validation made and owns a coerced copy
	} else {
		rep.ownTable = true
	}
	return rep, verr
}
