// Package arrowio writes Arrow record batches to files for the example
// programs: one place for what several commands need.
package arrowio

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// WriteParquet writes batches of schema sc to a Parquet file at path,
// atomically: into a temporary file in the same directory, renamed over
// path only when complete. The directory is created if needed. No batches
// writes a file with the schema and no rows.
func WriteParquet(path string, sc *arrow.Schema, batches []arrow.RecordBatch) (err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	w, err := pqarrow.NewFileWriter(sc, f, parquet.NewWriterProperties(), pqarrow.DefaultWriterProps())
	if err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	for _, b := range batches {
		if err := w.WriteBuffered(b); err != nil {
			return fmt.Errorf("%s: %w", path, errors.Join(err, w.Close()))
		}
	}
	if err := w.Close(); err != nil { // closes f too
		return fmt.Errorf("%s: %w", path, err)
	}
	return os.Rename(tmp, path)
}
