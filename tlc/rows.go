package tlc

import (
	"database/sql"
	"fmt"
	"iter"
	"math"
	"slices"
	"time"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// binding ties one canonical column to one field of a typed row. decode
// fills that field of dst from one batch's column, starting at row from:
// column by column, with no reflection and no per-row indirect call.
type binding[T any] struct {
	column string
	decode func(arr arrow.Array, from int, dst []T)
	store  func(b array.Builder, t *T)
}

// field addresses one field of every row of a []T: the accessor is called
// once, on a zero row, to learn the field's offset, so that decoding a
// column is a plain loop of stores instead of an indirect call per row.
type field[T, F any] struct{ offset uintptr }

func fieldOf[T, F any](f func(*T) *F) field[T, F] {
	var t T
	return field[T, F]{offset: uintptr(unsafe.Pointer(f(&t))) - uintptr(unsafe.Pointer(&t))}
}

// in returns the field of row i of rows.
func (fl field[T, F]) in(rows []T, i int) *F {
	return (*F)(unsafe.Add(unsafe.Pointer(&rows[i]), fl.offset))
}

func bindFloat[T any](name string, f func(*T) *float64) binding[T] {
	return binding[T]{column: name,
		decode: func(arr arrow.Array, from int, dst []T) {
			a, fl := arr.(*array.Float64), fieldOf(f)
			vals := a.Float64Values()[from:]
			for i := range dst {
				*fl.in(dst, i) = vals[i]
			}
			if a.NullN() > 0 {
				for i := range dst {
					if a.IsNull(from + i) {
						*fl.in(dst, i) = math.NaN()
					}
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
	return bindNullInt(name, f, func(a arrow.Array) []int32 { return a.(*array.Int32).Int32Values() },
		func(b array.Builder, v int32) { b.(*array.Int32Builder).Append(v) })
}

func bindInt64[T any](name string, f func(*T) *sql.Null[int64]) binding[T] {
	return bindNullInt(name, f, func(a arrow.Array) []int64 { return a.(*array.Int64).Int64Values() },
		func(b array.Builder, v int64) { b.(*array.Int64Builder).Append(v) })
}

// bindNullInt binds an integer column to a sql.Null field; values and
// appendTo reach the typed array and builder of the column's width.
func bindNullInt[T any, V int32 | int64](name string, f func(*T) *sql.Null[V],
	values func(arrow.Array) []V, appendTo func(array.Builder, V)) binding[T] {
	return binding[T]{column: name,
		decode: func(arr arrow.Array, from int, dst []T) {
			fl := fieldOf(f)
			vals := values(arr)[from:]
			for i := range dst {
				*fl.in(dst, i) = sql.Null[V]{V: vals[i], Valid: true}
			}
			if arr.NullN() > 0 {
				for i := range dst {
					if arr.IsNull(from + i) {
						*fl.in(dst, i) = sql.Null[V]{}
					}
				}
			}
		},
		store: func(b array.Builder, t *T) {
			if v := *f(t); v.Valid {
				appendTo(b, v.V)
			} else {
				b.AppendNull()
			}
		}}
}

func bindTime[T any](name string, f func(*T) *time.Time) binding[T] {
	return binding[T]{column: name,
		decode: func(arr arrow.Array, from int, dst []T) {
			a, fl := arr.(*array.Timestamp), fieldOf(f)
			vals := a.TimestampValues()[from:]
			nulls := a.NullN() > 0
			for i := range dst {
				if nulls && a.IsNull(from+i) {
					*fl.in(dst, i) = time.Time{}
				} else {
					*fl.in(dst, i) = time.UnixMicro(int64(vals[i])).UTC()
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
		decode: func(arr arrow.Array, from int, dst []T) {
			a, fl := arr.(*array.String), fieldOf(f)
			nulls := a.NullN() > 0
			for i := range dst {
				if nulls && a.IsNull(from+i) {
					*fl.in(dst, i) = ""
				} else {
					*fl.in(dst, i) = a.Value(from + i)
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
	cols, err := canonicalColumns[T](rec)
	if err != nil {
		return dst, err
	}
	n := int(rec.NumRows())
	dst = slices.Grow(dst, n)[:len(dst)+n]
	rows := dst[len(dst)-n:]
	binds := bindingsFor[T]()
	// Decode in chunks that stay in cache while every column is stored
	// into them; a whole batch of wide rows would not.
	const chunk = 512
	for from := 0; from < n; from += chunk {
		part := rows[from:min(from+chunk, n)]
		for c, bd := range binds {
			bd.decode(cols[c], from, part)
		}
	}
	return dst, nil
}

// canonicalColumns returns rec's columns in binding order, checking names
// and types against the canonical schema of KindOf[T].
func canonicalColumns[T Trip](rec arrow.RecordBatch) ([]arrow.Array, error) {
	sc := rec.Schema()
	canon := canonical[KindOf[T]()]
	cols := make([]arrow.Array, len(canon))
	for c, col := range canon {
		idx := sc.FieldIndices(col.Name)
		if len(idx) != 1 {
			return nil, fmt.Errorf("tlc: batch has no canonical column %q of kind %s", col.Name, KindOf[T]())
		}
		arr := rec.Column(idx[0])
		if !arrow.TypeEqual(arr.DataType(), col.Type) {
			return nil, fmt.Errorf("tlc: column %q is %s, want canonical %s", col.Name, arr.DataType(), col.Type)
		}
		cols[c] = arr
	}
	return cols, nil
}

// Rows iterates over the typed rows of a reader opened on a file of kind
// KindOf[T]. It stops at the first error, which it yields with a zero row.
// Rows are decoded a batch at a time into a reused buffer; each yielded row
// is a copy the caller may keep.
func Rows[T Trip](r *Reader) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		if r.Kind() != KindOf[T]() {
			yield(zero, fmt.Errorf("tlc: %s holds %s trips, not %s", r.Name(), r.Kind(), KindOf[T]()))
			return
		}
		var buf []T
		for r.Next() {
			var err error
			if buf, err = DecodeRecordBatch(buf[:0], r.RecordBatch()); err != nil {
				yield(zero, err)
				return
			}
			for i := range buf {
				if !yield(buf[i], nil) {
					return
				}
			}
		}
		if err := r.Err(); err != nil {
			yield(zero, err)
		}
	}
}
