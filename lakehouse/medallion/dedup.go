package medallion

import (
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// dedup remembers the rows seen in one silver build by a 128-bit hash of
// their business columns (every conformed column: service type and the
// canonical values, not the lineage), so that an exact copy of an earlier
// row is dropped. Two different rows are taken for copies only if both
// 64-bit halves collide, which for a month of trips (a few million rows)
// has a probability below 1e-25. Which copy survives is the first one
// scanned.
type dedup struct {
	seeds [2]maphash.Seed
	seen  map[[2]uint64]struct{}
	buf   []byte
}

func newDedup() *dedup {
	return &dedup{seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}, seen: map[[2]uint64]struct{}{}}
}

// firsts returns, for each row of rec, whether it is the first copy seen
// in this build, and records it.
func (d *dedup) firsts(rec arrow.RecordBatch) ([]bool, error) {
	enc := make([]func(i int), rec.NumCols())
	for c := range enc {
		e, err := d.encoder(rec.Column(c))
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", rec.Schema().Field(c).Name, err)
		}
		enc[c] = e
	}
	out := make([]bool, rec.NumRows())
	for i := range out {
		d.buf = d.buf[:0]
		for _, e := range enc {
			e(i)
		}
		key := [2]uint64{maphash.Bytes(d.seeds[0], d.buf), maphash.Bytes(d.seeds[1], d.buf)}
		if _, dup := d.seen[key]; !dup {
			d.seen[key] = struct{}{}
			out[i] = true
		}
	}
	return out, nil
}

// encoder returns a function appending row i of a to d.buf: a null flag,
// then the value in a fixed or length-prefixed form, so that distinct rows
// never encode alike.
func (d *dedup) encoder(a arrow.Array) (func(i int), error) {
	null := func(i int) bool {
		if a.IsNull(i) {
			d.buf = append(d.buf, 0)
			return true
		}
		d.buf = append(d.buf, 1)
		return false
	}
	switch v := a.(type) {
	case *array.Int32:
		return func(i int) {
			if !null(i) {
				d.buf = binary.LittleEndian.AppendUint32(d.buf, uint32(v.Value(i)))
			}
		}, nil
	case *array.Int64:
		return func(i int) {
			if !null(i) {
				d.buf = binary.LittleEndian.AppendUint64(d.buf, uint64(v.Value(i)))
			}
		}, nil
	case *array.Float64:
		return func(i int) {
			if !null(i) {
				d.buf = binary.LittleEndian.AppendUint64(d.buf, math.Float64bits(v.Value(i)))
			}
		}, nil
	case *array.Timestamp:
		return func(i int) {
			if !null(i) {
				d.buf = binary.LittleEndian.AppendUint64(d.buf, uint64(v.Value(i)))
			}
		}, nil
	case *array.String:
		return func(i int) {
			if !null(i) {
				s := v.Value(i)
				d.buf = binary.LittleEndian.AppendUint32(d.buf, uint32(len(s)))
				d.buf = append(d.buf, s...)
			}
		}, nil
	}
	return nil, fmt.Errorf("type %s cannot be compared for duplicates", a.DataType())
}
