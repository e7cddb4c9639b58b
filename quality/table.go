package quality

import (
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Table is the data a schema or a suite validates: named columns of equal
// length, each a sequence of Arrow chunks. It holds references to the
// arrays it was built from and copies nothing; Release gives them back.
type Table struct {
	schema *arrow.Schema
	cols   []*Column
	index  map[string]int
	rows   int64
}

// NewTable builds a table from record batches that share one schema (the
// first batch's). The table retains the batches' arrays.
func NewTable(batches ...arrow.RecordBatch) (*Table, error) {
	if len(batches) == 0 {
		return nil, fmt.Errorf("quality: a table needs at least one record batch")
	}
	sc := batches[0].Schema()
	for i, b := range batches[1:] {
		if !b.Schema().Equal(sc) {
			return nil, fmt.Errorf("quality: batch %d has schema %s, batch 0 has %s", i+1, b.Schema(), sc)
		}
	}
	t := &Table{schema: sc, index: make(map[string]int, sc.NumFields())}
	for c, f := range sc.Fields() {
		col := &Column{Name: f.Name, Type: f.Type}
		for _, b := range batches {
			arr := b.Column(c)
			arr.Retain()
			col.chunks = append(col.chunks, Chunk{Start: col.len, Array: arr})
			col.len += int64(arr.Len())
		}
		t.index[f.Name] = c
		t.cols = append(t.cols, col)
	}
	for _, b := range batches {
		t.rows += b.NumRows()
	}
	return t, nil
}

// NewTableFromArrow builds a table over an arrow.Table's chunked columns.
// Columns chunked at different rows are re-sliced (without copying) at
// the union of their chunk boundaries, so that every column of a Table is
// chunked alike: row-aligned work (quarantine, pair and table checks)
// relies on it.
func NewTableFromArrow(tbl arrow.Table) *Table {
	sc := tbl.Schema()
	t := &Table{schema: sc, index: make(map[string]int, sc.NumFields()), rows: tbl.NumRows()}
	cuts := map[int64]bool{}
	for c := range sc.Fields() {
		var at int64
		for _, arr := range tbl.Column(c).Data().Chunks() {
			cuts[at] = true
			at += int64(arr.Len())
		}
	}
	bounds := make([]int64, 0, len(cuts)+1)
	for b := range cuts {
		bounds = append(bounds, b)
	}
	slices.Sort(bounds)
	bounds = append(bounds, tbl.NumRows())
	for c, f := range sc.Fields() {
		col := &Column{Name: f.Name, Type: f.Type}
		chunks := tbl.Column(c).Data().Chunks()
		k, kStart := 0, int64(0) // the source chunk holding the current boundary
		for b := 0; b+1 < len(bounds); b++ {
			lo, hi := bounds[b], bounds[b+1]
			if lo == hi {
				continue
			}
			for kStart+int64(chunks[k].Len()) <= lo {
				kStart += int64(chunks[k].Len())
				k++
			}
			piece := array.NewSlice(chunks[k], lo-kStart, hi-kStart)
			col.chunks = append(col.chunks, Chunk{Start: lo, Array: piece})
			col.len += hi - lo
		}
		t.index[f.Name] = c
		t.cols = append(t.cols, col)
	}
	return t
}

// Release releases the arrays the table holds.
func (t *Table) Release() {
	for _, c := range t.cols {
		for _, ch := range c.chunks {
			ch.Array.Release()
		}
		c.chunks = nil
	}
}

// NumRows returns the number of rows.
func (t *Table) NumRows() int64 { return t.rows }

// Schema returns the table's Arrow schema.
func (t *Table) Schema() *arrow.Schema { return t.schema }

// ColumnNames returns the column names in order.
func (t *Table) ColumnNames() []string {
	out := make([]string, len(t.cols))
	for i, c := range t.cols {
		out[i] = c.Name
	}
	return out
}

// Columns returns the columns in order.
func (t *Table) Columns() []*Column { return t.cols }

// Column returns the named column.
func (t *Table) Column(name string) (*Column, bool) {
	i, ok := t.index[name]
	if !ok {
		return nil, false
	}
	return t.cols[i], true
}

// Filter returns a new record batch per input chunk holding only the rows
// of keep (true) or of its complement (false). Used by Quarantine.
func (t *Table) Filter(rows *RowSet, keep bool) ([]arrow.RecordBatch, error) {
	if len(t.cols) == 0 {
		return nil, nil
	}
	var out []arrow.RecordBatch
	for k, ch := range t.cols[0].chunks {
		n := ch.Array.Len()
		var idx []int
		for i := 0; i < n; i++ {
			if rows.Has(ch.Start+int64(i)) == keep {
				idx = append(idx, i)
			}
		}
		cols := make([]arrow.Array, len(t.cols))
		for c, col := range t.cols {
			a, err := take(col.chunks[k].Array, idx)
			if err != nil {
				for _, done := range cols[:c] {
					done.Release()
				}
				return nil, fmt.Errorf("quality: filtering column %s: %w", col.Name, err)
			}
			cols[c] = a
		}
		out = append(out, array.NewRecordBatch(t.schema, cols, int64(len(idx))))
		for _, a := range cols {
			a.Release()
		}
	}
	return out, nil
}
