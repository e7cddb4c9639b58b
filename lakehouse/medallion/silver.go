package medallion

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/magnumopus/opus/lakehouse"
	"github.com/magnumopus/opus/quality"
	"github.com/magnumopus/opus/tlc"
)

// DefaultSilverNamespace is the namespace of the silver tables when
// SilverOptions.Namespace is empty.
const DefaultSilverNamespace = "silver"

// SilverTable, QuarantineTable and ReconciliationTable name the silver
// layer's tables in namespace ns ("" meaning DefaultSilverNamespace).
func SilverTable(ns string) string { return orDefault(ns, DefaultSilverNamespace) + ".trips" }

// QuarantineTable names the table of the rows the quality gate rejected.
func QuarantineTable(ns string) string { return orDefault(ns, DefaultSilverNamespace) + ".quarantine" }

// ReconciliationTable names the table that records every silver build's
// row counts per source file.
func ReconciliationTable(ns string) string {
	return orDefault(ns, DefaultSilverNamespace) + ".reconciliation"
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// SilverOptions configure BuildSilver.
type SilverOptions struct {
	// Kind is the trip kind of the source files: tlc.Yellow or tlc.Green.
	Kind tlc.Kind
	// SourceFiles are the base names of the bronze source files to build
	// (the values of their rows' _source_file), each once; a TLC file name
	// of another kind is refused. Duplicates are looked for across the
	// files of one build only, so list all of a month's files together
	// (MonthFiles gives the names they can have; Build does this).
	SourceFiles []string
	// BronzeNamespace and Namespace name the namespaces read and written;
	// empty means DefaultBronzeNamespace and DefaultSilverNamespace.
	BronzeNamespace, Namespace string
	// Suite and Schema are the quality gate; nil means tlc.Suite(Kind) and
	// tlc.QualitySchema(Kind). A row fails the gate when it fails any
	// row-level expectation or check, when the reader could not convert
	// one of its values exactly (its _problems), or when its pickup lies
	// outside the month its file name names. Aggregate expectations (a
	// column mean, a row count) name no rows and gate none.
	Suite  *quality.Suite
	Schema *quality.Schema
	// Now is the build time recorded in the reconciliation table; zero
	// means time.Now(). BatchID identifies the build there; empty means a
	// new id.
	Now     time.Time
	BatchID string
}

// Reconciliation is the row count of one source file through the silver
// build: every bronze row is a silver row, a quarantined row or a
// duplicate dropped. BronzeRows is counted in the bronze table (and must
// equal the rows the build read), SilverRows and QuarantinedRows in the
// snapshots the build wrote; DuplicateRows is what the build dropped.
type Reconciliation struct {
	ServiceType     string `json:"service_type"`
	SourceFile      string `json:"source_file"`
	BronzeRows      int64  `json:"bronze_rows"`
	SilverRows      int64  `json:"silver_rows"`
	QuarantinedRows int64  `json:"quarantined_rows"`
	DuplicateRows   int64  `json:"duplicate_rows"`
}

// Balanced reports whether bronze = silver + quarantine + duplicates.
func (r Reconciliation) Balanced() bool {
	return r.BronzeRows == r.SilverRows+r.QuarantinedRows+r.DuplicateRows
}

// SilverResult describes one BuildSilver run.
type SilverResult struct {
	// Files holds the reconciliation of every source file, in
	// SourceFiles order.
	Files []Reconciliation
	// QuarantinedByCheck counts the quarantined rows per failed check (a
	// row may fail several).
	QuarantinedByCheck map[string]int64
	// Silver and Quarantine are the snapshots that hold the build's rows.
	Silver, Quarantine lakehouse.Snapshot
}

// ErrUnbalanced is wrapped by BuildSilver when the tables written do not
// reconcile with bronze; the reconciliation rows are recorded anyway.
var ErrUnbalanced = errors.New("silver does not reconcile with bronze")

// MonthFiles returns the base names a TLC file of kind and month has in
// bronze: the TLC's Parquet name and its CSV and gzipped CSV variants.
func MonthFiles(kind tlc.Kind, m tlc.Month) []string {
	base := strings.TrimSuffix(tlc.TripFileName(kind, m), ".parquet")
	return []string{base + ".parquet", base + ".csv", base + ".csv.gz"}
}

// BuildSilver rebuilds the silver rows of the given bronze source files:
// every bronze row of the files passes the quality gate into
// SilverTable (conformed, deduplicated, with the derived columns; see
// SilverSchema) or goes to QuarantineTable with the checks it failed (see
// QuarantineSchema). Each table's rows of the files are replaced in one
// commit (silver first, streamed so that memory stays bounded by a few
// batches plus the rejected rows, then quarantine), so rebuilding is
// idempotent and a failed build is completed by running it again. The
// row counts are then read back from the tables (see Reconciliation),
// recorded in ReconciliationTable and checked: a file that does not
// balance fails the build with ErrUnbalanced.
func BuildSilver(ctx context.Context, w *lakehouse.Warehouse, opts SilverOptions) (SilverResult, error) {
	res := SilverResult{}
	fail := func(err error) (SilverResult, error) {
		return res, fmt.Errorf("medallion: silver build of %s %v: %w", opts.Kind, opts.SourceFiles, err)
	}
	if !slices.Contains(SilverKinds[:], opts.Kind) {
		return fail(fmt.Errorf("kind %q has no silver layer (yellow and green have)", opts.Kind))
	}
	if len(opts.SourceFiles) == 0 {
		return fail(errors.New("no source files"))
	}
	seen := map[string]bool{}
	for _, f := range opts.SourceFiles {
		if seen[f] {
			return fail(fmt.Errorf("source file %s is listed twice", f))
		}
		seen[f] = true
		if k, ok := tripFileKind(f); ok && k != opts.Kind {
			return fail(fmt.Errorf("source file %s is a %s file, not %s", f, k, opts.Kind))
		}
	}
	g, err := newGate(opts)
	if err != nil {
		return fail(err)
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	batchID := opts.BatchID
	if batchID == "" {
		batchID = newBatchID(now.UTC())
	}
	silverName, quarantineName := SilverTable(opts.Namespace), QuarantineTable(opts.Namespace)
	if err := ensureTable(ctx, w, silverName, SilverSchema(), lakehouse.Month("pickup_datetime")); err != nil {
		return fail(err)
	}
	if err := ensureTable(ctx, w, quarantineName, QuarantineSchema()); err != nil {
		return fail(err)
	}

	bronze := BronzeTable(opts.BronzeNamespace, opts.Kind)
	hasBronze, err := w.TableExists(ctx, bronze)
	if err != nil {
		return fail(err)
	}
	if !hasBronze {
		return fail(fmt.Errorf("no bronze table %s: ingest the files first", bronze))
	}
	var last *silverStream
	defer func() {
		if last != nil {
			releaseAll(last.quarantined)
		}
	}()
	open := func(ctx context.Context) (array.RecordReader, error) {
		if last != nil {
			releaseAll(last.quarantined) // an earlier attempt's
		}
		last = &silverStream{ctx: ctx, w: w, bronze: bronze, g: g, d: newDedup(),
			bronzeRows: map[string]int64{}, dups: map[string]int64{}, byCheck: map[string]int64{}}
		st := last
		st.stream = newStream(g.silver, func() { // ends the bronze scan
			if st.scan != nil {
				st.scan.Release()
				st.scan = nil
			}
		})
		last.files = opts.SourceFiles
		last.start()
		return last, nil
	}
	// The rows of these files of this service: yellow and green share the
	// silver tables.
	files := lakehouse.And(lakehouse.Eq(ColServiceType, string(opts.Kind)), lakehouse.In(ColSourceFile, opts.SourceFiles...))
	if res.Silver, err = w.ReplaceWhereStream(ctx, silverName, files, open); err != nil {
		return fail(err)
	}
	if res.Quarantine, err = w.ReplaceWhere(ctx, quarantineName, files, last.quarantined); err != nil {
		return fail(err)
	}
	res.QuarantinedByCheck = last.byCheck
	var unbalanced []string
	for _, file := range opts.SourceFiles {
		r := Reconciliation{ServiceType: string(opts.Kind), SourceFile: file, DuplicateRows: last.dups[file]}
		one := lakehouse.Eq(ColSourceFile, file)
		mine := lakehouse.And(lakehouse.Eq(ColServiceType, string(opts.Kind)), one)
		// Every count is read back from a table, silver and quarantine at
		// the snapshots this build wrote; the bronze rows the build
		// streamed must be the rows bronze holds.
		if r.BronzeRows, err = w.Count(ctx, bronze, lakehouse.ScanOptions{Filter: one, Columns: []string{ColSourceRow}}); err != nil {
			return fail(err)
		}
		if r.SilverRows, err = w.Count(ctx, silverName, lakehouse.ScanOptions{Filter: mine, Columns: []string{ColSourceRow}, SnapshotID: res.Silver.ID}); err != nil {
			return fail(err)
		}
		if r.QuarantinedRows, err = w.Count(ctx, quarantineName, lakehouse.ScanOptions{Filter: mine, Columns: []string{ColSourceRow}, SnapshotID: res.Quarantine.ID}); err != nil {
			return fail(err)
		}
		if streamed := last.bronzeRows[file]; streamed != r.BronzeRows {
			unbalanced = append(unbalanced, fmt.Sprintf("%s: the build read %d bronze rows, bronze holds %d", file, streamed, r.BronzeRows))
		}
		if !r.Balanced() {
			unbalanced = append(unbalanced, fmt.Sprintf("%s: bronze %d != silver %d + quarantine %d + duplicates %d",
				file, r.BronzeRows, r.SilverRows, r.QuarantinedRows, r.DuplicateRows))
		}
		res.Files = append(res.Files, r)
	}
	if err := recordReconciliation(ctx, w, ReconciliationTable(opts.Namespace), batchID, now, res.Files); err != nil {
		return fail(err)
	}
	if len(unbalanced) > 0 {
		return fail(fmt.Errorf("%w: %s", ErrUnbalanced, strings.Join(unbalanced, "; ")))
	}
	return res, nil
}

// silverStream reads the bronze rows of some files through the gate as a
// stream of silver batches, keeping the rejected rows and the counts on
// the side for the quarantine commit and the reconciliation.
type silverStream struct {
	stream
	ctx         context.Context
	w           *lakehouse.Warehouse
	bronze      string
	files       []string // left to scan, the current one first
	g           *gate
	d           *dedup
	scan        array.RecordReader  // of files[0]
	quarantined []arrow.RecordBatch // owned by BuildSilver, not released with the stream
	bronzeRows  map[string]int64
	dups        map[string]int64
	byCheck     map[string]int64
}

// Next passes bronze batches through the gate until one yields silver rows.
func (s *silverStream) Next() bool {
	s.advance()
	for s.err == nil {
		if s.scan == nil {
			if len(s.files) == 0 {
				return false
			}
			s.scan, s.err = s.w.Scan(s.ctx, s.bronze, lakehouse.ScanOptions{Filter: lakehouse.Eq(ColSourceFile, s.files[0])})
			continue
		}
		file := s.files[0]
		if !s.scan.Next() {
			if err := s.scan.Err(); err != nil {
				s.err = fmt.Errorf("%s: %w", file, err)
			}
			s.scan.Release()
			s.scan, s.files = nil, s.files[1:]
			continue
		}
		rec := s.scan.RecordBatch()
		s.bronzeRows[file] += rec.NumRows()
		out, err := s.g.pass(rec, file, s.d)
		if err != nil {
			s.err = fmt.Errorf("%s: %w", file, err)
			return false
		}
		s.quarantined = appendNonEmpty(s.quarantined, out.quarantined)
		s.dups[file] += out.duplicates
		for k, v := range out.byCheck {
			s.byCheck[k] += v
		}
		if out.silver != nil && out.silver.NumRows() > 0 {
			s.cur = out.silver
			return true
		}
		if out.silver != nil {
			out.silver.Release()
		}
	}
	return false
}

// gate is the silver quality gate of one kind.
type gate struct {
	kind            tlc.Kind
	suite           *quality.Suite
	schema          *quality.Schema
	conformed       *arrow.Schema
	silver          *arrow.Schema
	quarantine      *arrow.Schema
	mem             memory.Allocator
	silverConformed *arrow.Schema // conformed + lineage, before derivation
}

func newGate(opts SilverOptions) (*gate, error) {
	g := &gate{kind: opts.Kind, suite: opts.Suite, schema: opts.Schema, mem: memory.DefaultAllocator,
		conformed: ConformedSchema(), silver: SilverSchema(), quarantine: QuarantineSchema()}
	var err error
	if g.suite == nil {
		if g.suite, err = tlc.Suite(opts.Kind); err != nil {
			return nil, err
		}
	}
	if g.schema == nil {
		if g.schema, err = tlc.QualitySchema(opts.Kind); err != nil {
			return nil, err
		}
	}
	g.silverConformed = arrow.NewSchema(append(append([]arrow.Field(nil), g.conformed.Fields()...), lineageFields()...), nil)
	return g, nil
}

// passed is what the gate made of one bronze batch.
type passed struct {
	silver, quarantined arrow.RecordBatch
	duplicates          int64
	byCheck             map[string]int64
}

// pass runs one bronze batch of file through the gate.
func (g *gate) pass(rec arrow.RecordBatch, file string, d *dedup) (out passed, err error) {
	tbl, err := quality.NewTable(rec)
	if err != nil {
		return out, err
	}
	defer tbl.Release()
	vres, err := g.suite.Validate(tbl, &quality.ValidateOptions{RunName: "silver", BatchSpec: map[string]any{"source_file": file}})
	if err != nil {
		return out, err
	}
	rep, err := g.schema.Validate(tbl, quality.SchemaOptions{Lazy: true, MaxFailureCases: 1})
	var schemaErrs *quality.SchemaErrors
	if err != nil && !errors.As(err, &schemaErrs) {
		return out, err
	}
	defer rep.Release()
	failures := append(append([]quality.RowFailure(nil), vres.Failures...), rep.RowFailures...)
	failures = append(failures, problemFailures(rec)...)
	if f, ok := monthFailure(rec, file); ok {
		failures = append(failures, f)
	}
	split, err := quality.Quarantine(tbl, failures...)
	if err != nil {
		return out, err
	}
	defer split.Release()
	defer func() {
		if err != nil && out.quarantined != nil {
			out.quarantined.Release()
			out.quarantined = nil
		}
	}()
	out.byCheck = split.FailuresByCheck

	if out.quarantined, err = concatProjected(g.mem, g.quarantine, split.Rejected, g.kind); err != nil {
		return out, err
	}
	valid, err := concatProjected(g.mem, g.silverConformed, split.Valid, g.kind)
	if err != nil {
		return out, err
	}
	if valid == nil {
		return out, nil
	}
	defer valid.Release()
	business, err := project(g.mem, g.conformed, valid, g.kind)
	if err != nil {
		return out, err
	}
	firsts, err := d.firsts(business)
	business.Release()
	if err != nil {
		return out, err
	}
	unique := valid
	if slices.Contains(firsts, false) {
		drop := quality.NewRowSet(valid.NumRows())
		for i, first := range firsts {
			if !first {
				drop.Add(int64(i))
				out.duplicates++
			}
		}
		vt, err := quality.NewTable(valid)
		if err != nil {
			return out, err
		}
		kept, err := vt.Filter(drop, false)
		vt.Release()
		if err != nil {
			return out, err
		}
		defer releaseAll(kept)
		if unique, err = concat(g.mem, g.silverConformed, kept); err != nil {
			return out, err
		}
		defer unique.Release()
	}
	if unique == nil || unique.NumRows() == 0 {
		return out, nil
	}
	der, err := derived(g.mem, unique)
	if err != nil {
		return out, err
	}
	nconf := g.conformed.NumFields()
	cols := append([]arrow.Array(nil), unique.Columns()[:nconf]...)
	cols = append(cols, der...)
	cols = append(cols, unique.Columns()[nconf:]...)
	out.silver = array.NewRecordBatch(g.silver, cols, unique.NumRows())
	for _, a := range der {
		a.Release()
	}
	return out, nil
}

// concatProjected projects batches onto sc (see project) and concatenates
// them into one batch; nil when they hold no row.
func concatProjected(mem memory.Allocator, sc *arrow.Schema, batches []arrow.RecordBatch, kind tlc.Kind) (arrow.RecordBatch, error) {
	var projected []arrow.RecordBatch
	defer func() { releaseAll(projected) }()
	for _, b := range batches {
		if b.NumRows() == 0 {
			continue
		}
		p, err := project(mem, sc, b, kind)
		if err != nil {
			return nil, err
		}
		projected = append(projected, p)
	}
	return concat(mem, sc, projected)
}

// concat concatenates batches of schema sc into one; nil when they hold
// no row.
func concat(mem memory.Allocator, sc *arrow.Schema, batches []arrow.RecordBatch) (arrow.RecordBatch, error) {
	var n int64
	for _, b := range batches {
		n += b.NumRows()
	}
	if n == 0 {
		return nil, nil
	}
	if len(batches) == 1 {
		batches[0].Retain()
		return batches[0], nil
	}
	cols := make([]arrow.Array, sc.NumFields())
	for c := range cols {
		parts := make([]arrow.Array, len(batches))
		for i, b := range batches {
			parts[i] = b.Column(c)
		}
		a, err := array.Concatenate(parts, mem)
		if err != nil {
			for _, x := range cols[:c] {
				x.Release()
			}
			return nil, err
		}
		cols[c] = a
	}
	out := array.NewRecordBatch(sc, cols, n)
	for _, a := range cols {
		a.Release()
	}
	return out, nil
}

// problemFailures turns a bronze batch's _problems (values the reader
// could not convert exactly, now null) into one row failure per column,
// named exact_conversion(COLUMN).
func problemFailures(rec arrow.RecordBatch) []quality.RowFailure {
	idx := rec.Schema().FieldIndices(ColProblems)
	if len(idx) == 0 {
		return nil
	}
	probs := rec.Column(idx[0]).(*array.List)
	vals := probs.ListValues().(*array.String)
	byColumn := map[string]*quality.RowSet{}
	for i := range probs.Len() {
		if probs.IsNull(i) {
			continue
		}
		lo, hi := probs.ValueOffsets(i)
		for j := lo; j < hi; j++ {
			col, _, _ := strings.Cut(vals.Value(int(j)), ":")
			rs := byColumn[col]
			if rs == nil {
				rs = quality.NewRowSet(rec.NumRows())
				byColumn[col] = rs
			}
			rs.Add(int64(i))
		}
	}
	out := make([]quality.RowFailure, 0, len(byColumn))
	for _, col := range slices.Sorted(maps.Keys(byColumn)) {
		out = append(out, quality.RowFailure{Check: "exact_conversion(" + col + ")", Column: col, Rows: byColumn[col]})
	}
	return out
}

// tripFileName matches the TLC's file names, "yellow_tripdata_2024-01.parquet".
var tripFileName = regexp.MustCompile(`^([a-z]+)_tripdata_`)

// tripFileKind is the kind a TLC file name names; false for other names.
func tripFileKind(file string) (tlc.Kind, bool) {
	m := tripFileName.FindStringSubmatch(file)
	if m == nil {
		return "", false
	}
	k, err := tlc.ParseKind(m[1])
	return k, err == nil
}

var fileMonth = regexp.MustCompile(`_(\d{4}-\d{2})\.`)

// monthFailure flags the rows of a batch from file whose pickup lies
// outside the month the file's name names (TLC files hold a few such
// rows: clock errors years off). A name without a month checks nothing.
func monthFailure(rec arrow.RecordBatch, file string) (quality.RowFailure, bool) {
	m := fileMonth.FindStringSubmatch(file)
	if m == nil {
		return quality.RowFailure{}, false
	}
	month, err := tlc.ParseMonth(m[1])
	if err != nil {
		return quality.RowFailure{}, false
	}
	idx := rec.Schema().FieldIndices("pickup_datetime")
	if len(idx) == 0 {
		return quality.RowFailure{}, false
	}
	pick := rec.Column(idx[0]).(*array.Timestamp)
	unit := pick.DataType().(*arrow.TimestampType).Unit
	from := time.Date(month.Year, month.Month, 1, 0, 0, 0, 0, time.UTC)
	lo, hi := toUnit(from, unit), toUnit(from.AddDate(0, 1, 0), unit)
	rows := quality.NewRowSet(rec.NumRows())
	for i := range pick.Len() {
		if pick.IsValid(i) && (int64(pick.Value(i)) < lo || int64(pick.Value(i)) >= hi) {
			rows.Add(int64(i))
		}
	}
	return quality.RowFailure{Check: "pickup_in_file_month(" + m[1] + ")", Column: "pickup_datetime", Rows: rows}, true
}

func toUnit(t time.Time, u arrow.TimeUnit) int64 {
	return t.UnixNano() / int64(u.Multiplier())
}

func appendNonEmpty(bs []arrow.RecordBatch, b arrow.RecordBatch) []arrow.RecordBatch {
	if b == nil {
		return bs
	}
	if b.NumRows() == 0 {
		b.Release()
		return bs
	}
	return append(bs, b)
}

func releaseAll(bs []arrow.RecordBatch) {
	for _, b := range bs {
		b.Release()
	}
}
