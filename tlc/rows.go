package tlc

import (
	"database/sql"
	"fmt"
	"iter"
	"math"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// binding ties one canonical column to one field of a typed row. load
// returns a getter bound to one batch's array, so that the per-row work is a
// type-asserted array access and a field store, with no reflection.
type binding[T any] struct {
	column string
	load   func(arr arrow.Array) func(row int, t *T)
	store  func(b array.Builder, t *T)
}

func bindFloat[T any](name string, f func(*T) *float64) binding[T] {
	return binding[T]{column: name,
		load: func(arr arrow.Array) func(int, *T) {
			a := arr.(*array.Float64)
			return func(i int, t *T) {
				if a.IsNull(i) {
					*f(t) = math.NaN()
				} else {
					*f(t) = a.Value(i)
				}
			}
		},
		store: func(b array.Builder, t *T) {
			v := *f(t)
			if math.IsNaN(v) {
				b.AppendNull()
			} else {
				b.(*array.Float64Builder).Append(v)
			}
		}}
}

func bindInt32[T any](name string, f func(*T) *sql.Null[int32]) binding[T] {
	return binding[T]{column: name,
		load: func(arr arrow.Array) func(int, *T) {
			a := arr.(*array.Int32)
			return func(i int, t *T) {
				if a.IsNull(i) {
					*f(t) = sql.Null[int32]{}
				} else {
					*f(t) = sql.Null[int32]{V: a.Value(i), Valid: true}
				}
			}
		},
		store: func(b array.Builder, t *T) {
			if v := *f(t); v.Valid {
				b.(*array.Int32Builder).Append(v.V)
			} else {
				b.AppendNull()
			}
		}}
}

func bindInt64[T any](name string, f func(*T) *sql.Null[int64]) binding[T] {
	return binding[T]{column: name,
		load: func(arr arrow.Array) func(int, *T) {
			a := arr.(*array.Int64)
			return func(i int, t *T) {
				if a.IsNull(i) {
					*f(t) = sql.Null[int64]{}
				} else {
					*f(t) = sql.Null[int64]{V: a.Value(i), Valid: true}
				}
			}
		},
		store: func(b array.Builder, t *T) {
			if v := *f(t); v.Valid {
				b.(*array.Int64Builder).Append(v.V)
			} else {
				b.AppendNull()
			}
		}}
}

func bindTime[T any](name string, f func(*T) *time.Time) binding[T] {
	return binding[T]{column: name,
		load: func(arr arrow.Array) func(int, *T) {
			a := arr.(*array.Timestamp)
			return func(i int, t *T) {
				if a.IsNull(i) {
					*f(t) = time.Time{}
				} else {
					*f(t) = time.UnixMicro(int64(a.Value(i))).UTC()
				}
			}
		},
		store: func(b array.Builder, t *T) {
			if v := *f(t); v.IsZero() {
				b.AppendNull()
			} else {
				b.(*array.TimestampBuilder).Append(arrow.Timestamp(WallClockMicros(v)))
			}
		}}
}

func bindString[T any](name string, f func(*T) *string) binding[T] {
	return binding[T]{column: name,
		load: func(arr arrow.Array) func(int, *T) {
			a := arr.(*array.String)
			return func(i int, t *T) {
				if a.IsNull(i) {
					*f(t) = ""
				} else {
					*f(t) = a.Value(i)
				}
			}
		},
		store: func(b array.Builder, t *T) {
			if v := *f(t); v == "" {
				b.AppendNull()
			} else {
				b.(*array.StringBuilder).Append(v)
			}
		}}
}

// WallClockMicros returns the microseconds since 1970-01-01 00:00 of t's
// wall-clock reading, ignoring t's location: the encoding of canonical
// timestamp columns.
func WallClockMicros(t time.Time) int64 {
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	return time.Date(y, mo, d, h, mi, s, t.Nanosecond(), time.UTC).UnixMicro()
}

func bindingsFor[T Trip]() []binding[T] {
	var out any
	switch KindOf[T]() {
	case Yellow:
		out = yellowBindings()
	case Green:
		out = greenBindings()
	case FHV:
		out = fhvBindings()
	case FHVHV:
		out = fhvhvBindings()
	}
	return out.([]binding[T])
}

// NewRecordBatch builds a canonical record batch of kind KindOf[T] from typed
// rows. The caller releases the batch.
func NewRecordBatch[T Trip](mem memory.Allocator, trips []T) arrow.RecordBatch {
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	b := array.NewRecordBuilder(mem, MustSchema(KindOf[T]()))
	defer b.Release()
	b.Reserve(len(trips))
	binds := bindingsFor[T]()
	for i := range trips {
		for c, bd := range binds {
			bd.store(b.Field(c), &trips[i])
		}
	}
	return b.NewRecordBatch()
}

// DecodeRecordBatch appends the rows of a canonical record batch of kind
// KindOf[T] to dst as typed rows. It fails when rec does not carry the
// canonical schema.
func DecodeRecordBatch[T Trip](dst []T, rec arrow.RecordBatch) ([]T, error) {
	binds := bindingsFor[T]()
	setters, err := loadSetters(binds, rec)
	if err != nil {
		return dst, err
	}
	n := int(rec.NumRows())
	dst = append(dst, make([]T, n)...)
	rows := dst[len(dst)-n:]
	for i := range rows {
		for _, set := range setters {
			set(i, &rows[i])
		}
	}
	return dst, nil
}

func loadSetters[T Trip](binds []binding[T], rec arrow.RecordBatch) ([]func(int, *T), error) {
	sc := rec.Schema()
	setters := make([]func(int, *T), len(binds))
	for c, bd := range binds {
		idx := sc.FieldIndices(bd.column)
		if len(idx) != 1 {
			return nil, fmt.Errorf("tlc: batch has no canonical column %q of kind %s", bd.column, KindOf[T]())
		}
		arr := rec.Column(idx[0])
		if want := canonical[KindOf[T]()][c].Type; !arrow.TypeEqual(arr.DataType(), want) {
			return nil, fmt.Errorf("tlc: column %q is %s, want canonical %s", bd.column, arr.DataType(), want)
		}
		setters[c] = bd.load(arr)
	}
	return setters, nil
}

// Rows iterates over the typed rows of a reader opened on a file of kind
// KindOf[T]. It stops at the first error, which it yields with a zero row.
// Each row is a fresh value the caller may keep.
func Rows[T Trip](r *Reader) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		if r.Kind() != KindOf[T]() {
			yield(zero, fmt.Errorf("tlc: %s holds %s trips, not %s", r.Name(), r.Kind(), KindOf[T]()))
			return
		}
		binds := bindingsFor[T]()
		for r.Next() {
			setters, err := loadSetters(binds, r.RecordBatch())
			if err != nil {
				yield(zero, err)
				return
			}
			n := int(r.RecordBatch().NumRows())
			for i := 0; i < n; i++ {
				var t T
				for _, set := range setters {
					set(i, &t)
				}
				if !yield(t, nil) {
					return
				}
			}
		}
		if err := r.Err(); err != nil {
			yield(zero, err)
		}
	}
}
