package quality

import (
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Names of the columns Quarantine adds to the rows it rejects.
const (
	// RowColumn holds the row's position in the validated table.
	RowColumn = "_row"
	// FailedChecksColumn lists every check or expectation the row failed.
	FailedChecksColumn = "_failed_checks"
)

// Split is a table divided by Quarantine: Valid holds the rows that failed
// nothing, with the input schema; Rejected holds every other row with its
// original columns followed by RowColumn and FailedChecksColumn. Valid and
// Rejected rows always add up to the input: no row is lost or repeated.
type Split struct {
	Valid    []arrow.RecordBatch
	Rejected []arrow.RecordBatch
	// ValidRows and RejectedRows count the rows of each part.
	ValidRows, RejectedRows int64
	// FailuresByCheck counts the rejected rows of each check.
	FailuresByCheck map[string]int64
}

// Release releases the batches of both parts.
func (s *Split) Release() {
	for _, b := range append(s.Valid, s.Rejected...) {
		b.Release()
	}
	s.Valid, s.Rejected = nil, nil
}

// Quarantine splits t by the row failures of any number of validations
// (schemas, suites, custom checks). There is no cap on the number of
// failing rows or on the checks listed per row.
func Quarantine(t *Table, failures ...RowFailure) (*Split, error) {
	bad := NewRowSet(t.NumRows())
	s := &Split{FailuresByCheck: map[string]int64{}}
	for _, f := range failures {
		if f.Rows == nil {
			continue
		}
		if f.Rows.Len() != t.NumRows() {
			return nil, fmt.Errorf("quality: failure %q ranges over %d rows, the table has %d", f.Check, f.Rows.Len(), t.NumRows())
		}
		bad.Union(f.Rows)
		s.FailuresByCheck[f.label()] += f.Rows.Count()
	}
	var err error
	if s.Valid, err = t.Filter(bad, false); err != nil {
		return nil, err
	}
	rejected, err := t.Filter(bad, true)
	if err != nil {
		s.Release()
		return nil, err
	}
	// Every rejected row gets its position and the checks it failed, in
	// the order the failures were given.
	rows := bad.First(int(bad.Count()))
	reasons := make([][]string, len(rows))
	for _, f := range failures {
		if f.Rows == nil {
			continue
		}
		f.Rows.Each(func(row int64) bool {
			i, _ := slices.BinarySearch(rows, row)
			reasons[i] = append(reasons[i], f.label())
			return true
		})
	}
	next := 0
	for _, b := range rejected {
		n := int(b.NumRows())
		ext, err := withReasons(b, rows[next:next+n], reasons[next:next+n])
		b.Release()
		if err != nil {
			s.Release()
			return nil, err
		}
		s.Rejected = append(s.Rejected, ext)
		next += n
	}
	for _, b := range s.Valid {
		s.ValidRows += b.NumRows()
	}
	s.RejectedRows = int64(len(rows))
	if s.ValidRows+s.RejectedRows != t.NumRows() {
		s.Release()
		return nil, fmt.Errorf("quality: quarantine lost rows: %d valid + %d rejected != %d", s.ValidRows, s.RejectedRows, t.NumRows())
	}
	return s, nil
}

// withReasons appends the row and failed-checks columns to a batch.
func withReasons(b arrow.RecordBatch, rows []int64, reasons [][]string) (arrow.RecordBatch, error) {
	mem := memory.DefaultAllocator
	rb := array.NewInt64Builder(mem)
	defer rb.Release()
	rb.AppendValues(rows, nil)
	lb := array.NewListBuilder(mem, arrow.BinaryTypes.String)
	defer lb.Release()
	vb := lb.ValueBuilder().(*array.StringBuilder)
	for _, r := range reasons {
		lb.Append(true)
		vb.AppendValues(r, nil)
	}
	rowArr, listArr := rb.NewArray(), lb.NewArray()
	defer rowArr.Release()
	defer listArr.Release()
	cols := append(slices.Clone(b.Columns()), rowArr, listArr)
	return array.NewRecordBatch(RejectedSchema(b.Schema()), cols, b.NumRows()), nil
}

// RejectedSchema is the schema of Split.Rejected for a table of schema in:
// its fields, then RowColumn (int64) and FailedChecksColumn (list of
// text), with in's metadata. Writers of quarantine files use it to create
// files even when no row was rejected.
func RejectedSchema(in *arrow.Schema) *arrow.Schema {
	fields := append(slices.Clone(in.Fields()),
		arrow.Field{Name: RowColumn, Type: arrow.PrimitiveTypes.Int64},
		arrow.Field{Name: FailedChecksColumn, Type: arrow.ListOf(arrow.BinaryTypes.String)})
	md := in.Metadata()
	return arrow.NewSchema(fields, &md)
}
