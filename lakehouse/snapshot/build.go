package snapshot

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// rowsOf groups row positions by batch, keeping their order.
type rowsOf map[int32][]int32

// build assembles the Result from the classified rows.
func (r *run) build() (res *Result, err error) {
	mem := r.cfg.Mem
	ctx := compute.WithAllocator(context.Background(), mem)
	var keep []arrow.Array // every intermediate array, released at the end
	defer func() {
		for _, a := range keep {
			a.Release()
		}
	}()
	hold := func(a arrow.Array) arrow.Array { keep = append(keep, a); return a }

	srcRows, delRows, closedRows := rowsOf{}, rowsOf{}, rowsOf{}
	for _, in := range r.inserts {
		srcRows[in.batch] = append(srcRows[in.batch], in.row)
	}
	var dels, closes []*entry
	res = &Result{Schema: r.schema, Meta: r.cfg.meta}
	for k := range r.entries {
		e := &r.entries[k]
		if e.change == 0 {
			continue
		}
		closedRows[e.batch] = append(closedRows[e.batch], e.row)
		closes = append(closes, e)
		res.Closes = append(res.Closes, Close{Batch: int(e.batch), Row: int(e.row),
			ValidTo: tsToTime(e.closeTo, r.ts, r.tsLoc), Change: e.change})
		if e.change == Deleted && r.cfg.hardDeletes == HardDeletesNewRecord {
			delRows[e.batch] = append(delRows[e.batch], e.row)
			dels = append(dels, e)
		}
	}

	// take gathers column col of the given rows of batches, in batch order.
	take := func(batches []arrow.RecordBatch, rows rowsOf, col int) ([]arrow.Array, error) {
		var out []arrow.Array
		for bi, b := range batches {
			idx := rows[int32(bi)]
			if len(idx) == 0 {
				continue
			}
			c := b.Column(col)
			if len(idx) == c.Len() && int(idx[len(idx)-1]) == c.Len()-1 && int(idx[0]) == 0 {
				c.Retain() // every row, in order
				out = append(out, hold(c))
				continue
			}
			ib := array.NewInt32Builder(mem)
			ib.AppendValues(idx, nil)
			ia := hold(ib.NewArray())
			ib.Release()
			t, err := compute.TakeArray(ctx, c, ia)
			if err != nil {
				return nil, fmt.Errorf("%s: column %q: %w", r.cfg.name(), b.Schema().Field(col).Name, err)
			}
			out = append(out, hold(t))
		}
		return out, nil
	}

	ins := make([]arrow.Array, len(r.schema.Fields()))
	cls := make([]arrow.Array, len(r.schema.Fields()))
	for j, f := range r.schema.Fields() {
		var parts []arrow.Array
		switch {
		case r.outMeta[j] != notMeta:
			parts = append(parts, hold(r.metaInserts(mem, r.outMeta[j])), hold(r.metaDeletions(mem, r.outMeta[j], dels)))
		case r.outSrc[j] >= 0:
			ps, err := take(r.src, srcRows, r.outSrc[j])
			if err != nil {
				return nil, err
			}
			parts = append(parts, ps...)
		default:
			parts = append(parts, hold(array.MakeArrayOfNull(mem, f.Type, len(r.inserts))))
		}
		if r.outMeta[j] == notMeta {
			ps, err := take(r.cur, delRows, j)
			if err != nil {
				return nil, err
			}
			parts = append(parts, ps...)
		}
		if ins[j], err = concat(mem, f.Type, parts); err != nil {
			return nil, fmt.Errorf("%s: column %q: %w", r.cfg.name(), f.Name, err)
		}
		defer func() {
			if err != nil {
				ins[j].Release()
			}
		}()
		if j == r.curTo {
			cls[j] = r.tsArray(mem, len(closes), func(k int) (int64, bool) { return closes[k].closeTo, true })
		} else {
			ps, err := take(r.cur, closedRows, j)
			if err != nil {
				return nil, err
			}
			if cls[j], err = concat(mem, f.Type, ps); err != nil {
				return nil, fmt.Errorf("%s: column %q: %w", r.cfg.name(), f.Name, err)
			}
		}
		defer func() {
			if err != nil {
				cls[j].Release()
			}
		}()
	}
	res.Inserts = newBatch(r.schema, ins, len(r.inserts)+len(dels))
	res.Closed = newBatch(r.schema, cls, len(closes))
	r.stats.Inserted, r.stats.Closed = len(r.inserts)+len(dels), len(closes)
	res.Stats = r.stats
	return res, nil
}

// newBatch makes a batch of cols, taking over their references.
func newBatch(s *arrow.Schema, cols []arrow.Array, n int) arrow.RecordBatch {
	b := array.NewRecordBatch(s, cols, int64(n))
	for _, c := range cols {
		c.Release()
	}
	return b
}

// concat joins parts into one new array of type dt.
func concat(mem memory.Allocator, dt arrow.DataType, parts []arrow.Array) (arrow.Array, error) {
	switch len(parts) {
	case 0:
		return array.MakeArrayOfNull(mem, dt, 0), nil
	case 1:
		parts[0].Retain()
		return parts[0], nil
	}
	return array.Concatenate(parts, mem)
}

// tsArray builds a meta timestamp column of n values.
func (r *run) tsArray(mem memory.Allocator, n int, v func(int) (int64, bool)) arrow.Array {
	b := array.NewTimestampBuilder(mem, r.ts)
	defer b.Release()
	b.Reserve(n)
	for k := range n {
		if x, ok := v(k); ok {
			b.Append(arrow.Timestamp(x))
		} else {
			b.AppendNull()
		}
	}
	return b.NewArray()
}

// strArray builds a meta string column of n values.
func strArray(mem memory.Allocator, n int, v func(int) (string, bool)) arrow.Array {
	b := array.NewStringBuilder(mem)
	defer b.Release()
	b.Reserve(n)
	for k := range n {
		if s, ok := v(k); ok {
			b.Append(s)
		} else {
			b.AppendNull()
		}
	}
	return b.NewArray()
}

// validTo is the valid_to of a current version: ValidToCurrent or null.
func (r *run) validTo(int) (int64, bool) { return r.vtc, r.hasVtc }

// metaInserts builds meta column kind for the new versions of source rows.
func (r *run) metaInserts(mem memory.Allocator, kind int) arrow.Array {
	n := len(r.inserts)
	ts := func(k int) (int64, bool) { return r.inserts[k].ts, true }
	switch kind {
	case metaScdID:
		b := array.NewStringBuilder(mem)
		defer b.Release()
		b.Reserve(n)
		b.ReserveData(n * 32)
		var buf []byte
		var out [32]byte
		for _, in := range r.inserts {
			src := r.src[in.batch]
			buf = buf[:0]
			for c, col := range r.keySrc {
				buf = appendText(buf, src.Column(col), int(in.row), r.keyLocs[c])
				buf = append(buf, '|')
			}
			buf = appendTimestampText(buf, in.ts, r.ts, r.tsLoc)
			b.BinaryBuilder.Append(scdIDOf(&out, buf))
		}
		return b.NewArray()
	case metaUpdatedAt, metaValidFrom:
		return r.tsArray(mem, n, ts)
	case metaValidTo:
		return r.tsArray(mem, n, r.validTo)
	default: // metaIsDeleted
		return strArray(mem, n, func(int) (string, bool) {
			return IsDeletedFalse, r.cfg.hardDeletes == HardDeletesNewRecord
		})
	}
}

// metaDeletions builds meta column kind for the deletion records of dels.
func (r *run) metaDeletions(mem memory.Allocator, kind int, dels []*entry) arrow.Array {
	n := len(dels)
	switch kind {
	case metaScdID:
		now := string(appendTimestampText(nil, r.now, r.ts, r.tsLoc))
		return strArray(mem, n, func(k int) (string, bool) {
			old := r.cur[dels[k].batch].Column(r.curScd).(*array.String)
			prev := ""
			if i := int(dels[k].row); old.IsValid(i) {
				prev = old.Value(i)
			}
			return ScdID(prev, now), true
		})
	case metaUpdatedAt, metaValidFrom:
		return r.tsArray(mem, n, func(int) (int64, bool) { return r.now, true })
	case metaValidTo:
		return r.tsArray(mem, n, func(k int) (int64, bool) {
			to := r.cur[dels[k].batch].Column(r.curTo).(*array.Timestamp)
			if i := int(dels[k].row); to.IsValid(i) {
				return int64(to.Value(i)), true
			}
			return 0, false
		})
	default: // metaIsDeleted
		return strArray(mem, n, func(int) (string, bool) { return IsDeletedTrue, true })
	}
}

// Merge returns the whole snapshot after res: the current batches with the
// closed versions' valid_to set, followed by res.Inserts. It is what a
// storage layer overwriting the table writes. The caller releases the
// returned batches.
func Merge(mem memory.Allocator, current []arrow.RecordBatch, res *Result) ([]arrow.RecordBatch, error) {
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	var out []arrow.RecordBatch
	if res.Schema == nil {
		return nil, nil
	}
	to := res.Schema.FieldIndices(res.Meta.ValidTo)
	if len(to) != 1 {
		return nil, fmt.Errorf("snapshot: merge: result schema has no column %q", res.Meta.ValidTo)
	}
	closes := res.Closes
	for bi, b := range current {
		if !b.Schema().Equal(res.Schema) {
			return nil, fmt.Errorf("snapshot: merge: batch %d schema differs from the result's", bi)
		}
		var mine []Close
		for len(closes) > 0 && closes[0].Batch == bi {
			mine, closes = append(mine, closes[0]), closes[1:]
		}
		if len(mine) == 0 {
			b.Retain()
			out = append(out, b)
			continue
		}
		closedTo := res.Closed.Column(to[0]).(*array.Timestamp)
		start := len(res.Closes) - len(closes) - len(mine)
		old := b.Column(to[0]).(*array.Timestamp)
		tb := array.NewTimestampBuilder(mem, old.DataType().(*arrow.TimestampType))
		k := 0
		for i := range old.Len() {
			switch {
			case k < len(mine) && mine[k].Row == i:
				tb.Append(closedTo.Value(start + k))
				k++
			case old.IsNull(i):
				tb.AppendNull()
			default:
				tb.Append(old.Value(i))
			}
		}
		cols := append([]arrow.Array(nil), b.Columns()...)
		cols[to[0]] = tb.NewArray()
		tb.Release()
		out = append(out, array.NewRecordBatch(res.Schema, cols, b.NumRows()))
		cols[to[0]].Release()
	}
	if len(closes) > 0 {
		return nil, fmt.Errorf("snapshot: merge: close of batch %d row %d has no such batch", closes[0].Batch, closes[0].Row)
	}
	res.Inserts.Retain()
	return append(out, res.Inserts), nil
}
