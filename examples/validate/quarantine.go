package main

import (
	"encoding/csv"
	"errors"
	"os"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/magnumopus/opus/internal/arrowio"
	"github.com/magnumopus/opus/quality"
)

// writeQuarantine writes the rows that failed anything to path, keeping
// their columns and adding _row and _failed_checks, and returns how many.
func writeQuarantine(t *quality.Table, failures []quality.RowFailure, path string) (int64, error) {
	split, err := quality.Quarantine(t, failures...)
	if err != nil {
		return 0, err
	}
	defer split.Release()
	if strings.HasSuffix(strings.ToLower(path), ".csv") {
		return split.RejectedRows, writeCSV(path, t.Schema(), split.Rejected)
	}
	return split.RejectedRows, arrowio.WriteParquet(path, quality.RejectedSchema(t.Schema()), split.Rejected)
}

// writeCSV writes rejected rows as CSV; the failed checks are joined by
// "; " since CSV has no lists.
func writeCSV(path string, in *arrow.Schema, batches []arrow.RecordBatch) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	header := make([]string, 0, in.NumFields()+2)
	for _, fl := range quality.RejectedSchema(in).Fields() {
		header = append(header, fl.Name)
	}
	w.Write(header)
	row := make([]string, len(header))
	for _, b := range batches {
		for i := 0; i < int(b.NumRows()); i++ {
			for c, col := range b.Columns() {
				switch {
				case col.IsNull(i):
					row[c] = ""
				case col.DataType().ID() == arrow.LIST:
					l := col.(*array.List)
					vals := l.ListValues().(*array.String)
					start, end := l.ValueOffsets(i)
					var parts []string
					for j := start; j < end; j++ {
						parts = append(parts, vals.Value(int(j)))
					}
					row[c] = strings.Join(parts, "; ")
				case col.DataType().ID() == arrow.TIMESTAMP:
					unit := col.DataType().(*arrow.TimestampType).Unit
					row[c] = col.(*array.Timestamp).Value(i).ToTime(unit).Format("2006-01-02 15:04:05.999999999")
				default:
					row[c] = col.ValueStr(i)
				}
			}
			w.Write(row)
		}
	}
	w.Flush()
	return errors.Join(w.Error(), f.Close())
}
