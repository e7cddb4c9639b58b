// Encoders that turn converted columns into CSV fields and Parquet column
// chunks for Writer.

package tlc

import (
	"fmt"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
)

func (w *Writer) writeCSV(cols []arrow.Array, n int) error {
	for i := range n {
		for c, col := range cols {
			w.fields[c] = csvField(col, i)
		}
		if err := w.csv.Write(w.fields); err != nil {
			return err
		}
	}
	return w.csv.Error()
}

func csvField(col arrow.Array, i int) string {
	if col.IsNull(i) {
		return ""
	}
	switch a := col.(type) {
	case *array.Int32:
		return strconv.FormatInt(int64(a.Value(i)), 10)
	case *array.Int64:
		return strconv.FormatInt(a.Value(i), 10)
	case *array.Float64:
		return strconv.FormatFloat(a.Value(i), 'f', -1, 64)
	case *array.String:
		return a.Value(i)
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		return a.Value(i).ToTime(unit).Format("2006-01-02 15:04:05.999999999")
	}
	return ""
}

// writeParquet appends n rows of physical columns to the current row
// group, starting a new one when it has RowGroupRows rows.
func (w *Writer) writeParquet(cols []arrow.Array, n int) error {
	for off := 0; off < n; {
		if w.rgw == nil || w.opts.RowGroupRows > 0 && w.rgRows >= w.opts.RowGroupRows {
			rgw, err := w.pq.AppendBufferedRowGroupChecked()
			if err != nil {
				return err
			}
			w.rgw, w.rgRows = rgw, 0
		}
		m := n - off
		if w.opts.RowGroupRows > 0 {
			m = min(m, w.opts.RowGroupRows-w.rgRows)
		}
		for c, arr := range cols {
			cw, err := w.rgw.Column(c)
			if err != nil {
				return err
			}
			if err := writeChunk(cw, array.NewSlice(arr, int64(off), int64(off+m))); err != nil {
				return fmt.Errorf("column %s: %w", w.layout.Columns[c].Name, err)
			}
		}
		off += m
		w.rgRows += m
	}
	return nil
}

// writeChunk writes the values of arr to a column chunk: definition level
// 1 for a value, 0 for a null, and the non-null values packed.
func writeChunk(cw file.ColumnChunkWriter, arr arrow.Array) error {
	defer arr.Release()
	defs := make([]int16, arr.Len())
	for i := range defs {
		// A Null array has no validity bitmap, so IsValid says true.
		if arr.DataType().ID() != arrow.NULL && arr.IsValid(i) {
			defs[i] = 1
		}
	}
	var err error
	switch cw := cw.(type) {
	case *file.Int32ColumnChunkWriter:
		var vals []int32
		if a, ok := arr.(*array.Int32); ok {
			vals = packed(defs, a.Value)
		}
		_, err = cw.WriteBatch(vals, defs, nil)
	case *file.Int64ColumnChunkWriter:
		var vals []int64
		switch a := arr.(type) {
		case *array.Int64:
			vals = packed(defs, a.Value)
		case *array.Timestamp:
			vals = packed(defs, func(i int) int64 { return int64(a.Value(i)) })
		}
		_, err = cw.WriteBatch(vals, defs, nil)
	case *file.Float64ColumnChunkWriter:
		_, err = cw.WriteBatch(packed(defs, arr.(*array.Float64).Value), defs, nil)
	case *file.ByteArrayColumnChunkWriter:
		a := arr.(*array.String)
		_, err = cw.WriteBatch(packed(defs, func(i int) parquet.ByteArray { return parquet.ByteArray(a.Value(i)) }), defs, nil)
	default:
		err = fmt.Errorf("unsupported column writer %T", cw)
	}
	return err
}

func packed[T any](defs []int16, value func(int) T) []T {
	out := make([]T, 0, len(defs))
	for i, d := range defs {
		if d == 1 {
			out = append(out, value(i))
		}
	}
	return out
}
