package tlc

import (
	"context"
	"reflect"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func TestBindingsMatchSchema(t *testing.T) {
	check := func(k Kind, names []string, nFields int) {
		want := ColumnNames(k)
		if !reflect.DeepEqual(names, want) {
			t.Errorf("%s bindings %v\nwant canonical %v", k, names, want)
		}
		if nFields != len(want) {
			t.Errorf("%s struct has %d fields for %d columns", k, nFields, len(want))
		}
	}
	check(Yellow, bindingNames(yellowBindings()), reflect.TypeFor[YellowTrip]().NumField())
	check(Green, bindingNames(greenBindings()), reflect.TypeFor[GreenTrip]().NumField())
	check(FHV, bindingNames(fhvBindings()), reflect.TypeFor[FHVTrip]().NumField())
	check(FHVHV, bindingNames(fhvhvBindings()), reflect.TypeFor[FHVHVTrip]().NumField())
}

func bindingNames[T any](b []binding[T]) []string {
	out := make([]string, len(b))
	for i, x := range b {
		out[i] = x.column
	}
	return out
}

// Typed rows and Arrow batches carry the same values: decoding a real file's
// batches to structs and encoding them back gives the batches again, and the
// Rows iterator yields the same structs.
func TestTypedRowsRoundTrip(t *testing.T) {
	t.Run("yellow", func(t *testing.T) { roundTrip[YellowTrip](t, "yellow_tripdata_sample.narendar.parquet") })
	t.Run("yellow-2020-csv", func(t *testing.T) { roundTrip[YellowTrip](t, "yellow_tripdatasample_2020-04.csv") })
	t.Run("green", func(t *testing.T) { roundTrip[GreenTrip](t, "green_tripdata_2020-04.parquet") })
	t.Run("fhv", func(t *testing.T) { roundTrip[FHVTrip](t, "fhv_tripdatasample_2020-04.csv") })
	t.Run("fhvhv", func(t *testing.T) { roundTrip[FHVHVTrip](t, "fhvhv_tripdatasample_2020-04.csv") })
}

func roundTrip[T Trip](t *testing.T, file string) {
	path := fixture(t, file)
	_, recs, _ := readAll(t, path, ReadOptions{BatchSize: 3000})
	var decoded []T
	for _, rec := range recs {
		before := len(decoded)
		var err error
		if decoded, err = DecodeRecordBatch(decoded, rec); err != nil {
			t.Fatal(err)
		}
		again := NewRecordBatch(memory.DefaultAllocator, decoded[before:])
		if !array.RecordEqual(rec, again) {
			t.Fatalf("re-encoded batch differs from the read one")
		}
		again.Release()
	}
	r, err := Open(context.Background(), path, ReadOptions{BatchSize: 777})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	i := 0
	for row, err := range Rows[T](r) {
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(row, decoded[i]) && !sameWithNaN(row, decoded[i]) {
			t.Fatalf("row %d from Rows differs:\n%+v\n%+v", i, row, decoded[i])
		}
		i++
	}
	if i != len(decoded) {
		t.Errorf("Rows yielded %d rows, batches hold %d", i, len(decoded))
	}
}

// sameWithNaN compares structs whose float fields may hold NaN (null).
func sameWithNaN[T any](a, b T) bool {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	for i := 0; i < va.NumField(); i++ {
		fa, fb := va.Field(i), vb.Field(i)
		if fa.Kind() == reflect.Float64 {
			x, y := fa.Float(), fb.Float()
			if x != y && !(x != x && y != y) {
				return false
			}
			continue
		}
		if !reflect.DeepEqual(fa.Interface(), fb.Interface()) {
			return false
		}
	}
	return true
}

func TestRowsWrongKind(t *testing.T) {
	r, err := Open(context.Background(), fixture(t, "fhv_tripdatasample_2020-04.csv"), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, err := range Rows[YellowTrip](r) {
		if err == nil {
			t.Fatal("reading fhv trips as yellow succeeded")
		}
	}
}
