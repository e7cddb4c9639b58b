package snapshot

import (
	"fmt"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// entry is one current version of the snapshot.
type entry struct {
	batch, row int32
	seen       int32 // source row + 1 that matched it, 0 if none
	validFrom  int64
	closeTo    int64
	change     Change
	deleted    bool // a deletion record (new_record)
	fromNull   bool // valid_from is null: never "changed" by timestamp
}

// insert is a source row to insert as a new version.
type insert struct {
	batch, row int32
	ts         int64 // its valid_from, updated_at and scd_id timestamp
}

// run is one Apply call's state.
type run struct {
	*plan
	cur, src []arrow.RecordBatch
	entries  []entry
	index    *keyIndex // current versions by key
	inserts  []insert
	newKeys  *keyIndex // inserts of new keys by key
	stats    Stats
	hs       hasher
	sink     uint64 // defeats dead-code elimination of keyIndex.warm
}

// Apply computes one dbt snapshot run at time now: current holds the
// snapshot's stored rows (all versions, meta columns included; none on the
// first run), source the query's rows. Inputs are read, not retained.
// The caller releases the Result. See the package documentation for the
// semantics and edge cases.
func Apply(cfg Config, current, source []arrow.RecordBatch, now time.Time) (*Result, error) {
	rc, err := cfg.resolve()
	if err != nil {
		return nil, err
	}
	if now.IsZero() {
		return nil, fmt.Errorf("%s: now is the zero time", cfg.name())
	}
	var srcSchema, curSchema *arrow.Schema
	for i, b := range source {
		if srcSchema == nil {
			srcSchema = b.Schema()
		} else if !srcSchema.Equal(b.Schema()) {
			return nil, fmt.Errorf("%s: source batch %d: schema differs from batch 0", cfg.name(), i)
		}
	}
	for i, b := range current {
		if curSchema == nil {
			curSchema = b.Schema()
		} else if !curSchema.Equal(b.Schema()) {
			return nil, fmt.Errorf("%s: snapshot batch %d: schema differs from batch 0", cfg.name(), i)
		}
	}
	if srcSchema == nil {
		if curSchema == nil {
			return &Result{}, nil
		}
		srcSchema = sourceSchemaOf(curSchema, rc.meta)
	}
	p, err := newPlan(rc, srcSchema, curSchema, now)
	if err != nil {
		return nil, err
	}
	r := &run{plan: p, cur: current, src: source, hs: newHasher()}
	if err := r.indexCurrent(); err != nil {
		return nil, err
	}
	if err := r.scanSource(); err != nil {
		return nil, err
	}
	r.scanAbsent()
	return r.build()
}

// sourceSchemaOf is the snapshot schema without its meta columns, the source
// schema assumed when the source has no batches at all.
func sourceSchemaOf(cur *arrow.Schema, m MetaNames) *arrow.Schema {
	var fields []arrow.Field
	for _, f := range cur.Fields() {
		switch f.Name {
		case m.ScdID, m.UpdatedAt, m.ValidFrom, m.ValidTo, m.IsDeleted:
		default:
			fields = append(fields, f)
		}
	}
	return arrow.NewSchema(fields, nil)
}

// hashKey hashes the unique key of row i of cols (source or snapshot key
// columns).
func (r *run) hashKey(b arrow.RecordBatch, keyCols []int, i int) uint64 {
	var h uint64
	for _, c := range keyCols {
		h = r.hs.combine(h, r.hs.hashValue(b.Column(c), i))
	}
	return h
}

// keyText renders a key for error messages: id=1, region=EU.
func (r *run) keyText(b arrow.RecordBatch, keyCols []int, i int) string {
	var sb strings.Builder
	for k, c := range keyCols {
		if k > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(b.Schema().Field(c).Name)
		sb.WriteByte('=')
		if b.Column(c).IsNull(i) {
			sb.WriteString("NULL")
		} else {
			sb.Write(appendText(nil, b.Column(c), i, r.keyLocs[k]))
		}
	}
	return sb.String()
}

// nullKey returns the name of a null key column of row i, or "".
func nullKey(b arrow.RecordBatch, keyCols []int, i int) string {
	for _, c := range keyCols {
		if b.Column(c).IsNull(i) {
			return b.Schema().Field(c).Name
		}
	}
	return ""
}

// sameKey compares the keys of two rows.
func sameKey(a arrow.RecordBatch, ac []int, i int, b arrow.RecordBatch, bc []int, j int) bool {
	for k := range ac {
		if !valuesEqual(a.Column(ac[k]), i, b.Column(bc[k]), j) {
			return false
		}
	}
	return true
}

// indexCurrent indexes the current versions of the snapshot by key.
func (r *run) indexCurrent() error {
	name := r.cfg.name()
	rows := 0
	for _, b := range r.cur {
		rows += int(b.NumRows())
	}
	r.index = newKeyIndex(rows)
	r.entries = make([]entry, 0, rows)
	for bi, b := range r.cur {
		to := b.Column(r.curTo).(*array.Timestamp)
		from := b.Column(r.curFrom).(*array.Timestamp)
		var del *array.String
		if r.curDel >= 0 {
			del = b.Column(r.curDel).(*array.String)
		}
		for i := range int(b.NumRows()) {
			if !to.IsNull(i) && (!r.hasVtc || int64(to.Value(i)) != r.vtc) {
				continue
			}
			if c := nullKey(b, r.keyCur, i); c != "" {
				return fmt.Errorf("%s: snapshot batch %d row %d: unique_key column %q is null", name, bi, i, c)
			}
			h := r.hashKey(b, r.keyCur, i)
			if o := r.index.find(h, func(e int32) bool {
				o := &r.entries[e]
				return sameKey(r.cur[o.batch], r.keyCur, int(o.row), b, r.keyCur, i)
			}); o >= 0 {
				return fmt.Errorf("%s: key %s has two current versions (batch %d row %d and batch %d row %d)",
					name, r.keyText(b, r.keyCur, i), r.entries[o].batch, r.entries[o].row, bi, i)
			}
			e := entry{batch: int32(bi), row: int32(i)}
			if from.IsNull(i) {
				e.fromNull = true
			} else {
				e.validFrom = int64(from.Value(i))
			}
			e.deleted = r.cfg.hardDeletes == HardDeletesNewRecord && del != nil && del.IsValid(i) && del.Value(i) == IsDeletedTrue
			r.index.add(h, int32(len(r.entries)))
			r.entries = append(r.entries, e)
		}
	}
	r.stats.CurrentRows = len(r.entries)
	return nil
}

// scanSource classifies every source row against the current versions.
func (r *run) scanSource() error {
	name := r.cfg.name()
	r.newKeys = newKeyIndex(0)
	timestamp := r.cfg.Strategy == StrategyTimestamp
	row := 0
	for bi, b := range r.src {
		var upd *array.Timestamp
		if r.updSrc >= 0 {
			upd = b.Column(r.updSrc).(*array.Timestamp)
		}
		n := int(b.NumRows())
		var hashes [warmRows]uint64
		for i := range n {
			if i%warmRows == 0 {
				// Hash the next rows and touch their slots first, so that the
				// cache misses of these independent lookups overlap.
				for k := range min(warmRows, n-i) {
					hashes[k] = r.hashKey(b, r.keySrc, i+k)
				}
				r.sink += r.index.warm(hashes[:min(warmRows, n-i)])
			}
			row++ // 1-based global source row number while handling row
			if c := nullKey(b, r.keySrc, i); c != "" {
				return fmt.Errorf("%s: source row %d: unique_key column %q is null", name, row-1, c)
			}
			ts := r.now
			if upd != nil {
				if upd.IsNull(i) {
					return fmt.Errorf("%s: source row %d (key %s): updated_at column %q is null",
						name, row-1, r.keyText(b, r.keySrc, i), r.cfg.UpdatedAt)
				}
				ts = int64(upd.Value(i))
			}
			h := hashes[i%warmRows]
			e := r.lookup(h, b, i)
			if e == nil {
				if r.newKeys.find(h, func(k int32) bool {
					o := r.inserts[k]
					return sameKey(r.src[o.batch], r.keySrc, int(o.row), b, r.keySrc, i)
				}) >= 0 {
					return r.duplicate(b, i, row)
				}
				r.newKeys.add(h, int32(len(r.inserts)))
				r.inserts = append(r.inserts, insert{batch: int32(bi), row: int32(i), ts: ts})
				r.stats.New++
				continue
			}
			if e.seen != 0 {
				return r.duplicate(b, i, row)
			}
			e.seen = int32(row)
			var change Change
			switch {
			case e.deleted:
				change = Revived
			case timestamp && !e.fromNull && e.validFrom < ts:
				change = Updated
			case !timestamp && r.checkChanged(e, b, i):
				change = Updated
			default:
				r.stats.Unchanged++
				continue
			}
			e.change, e.closeTo = change, ts
			r.inserts = append(r.inserts, insert{batch: int32(bi), row: int32(i), ts: ts})
			if change == Revived {
				r.stats.Revived++
			} else {
				r.stats.Changed++
			}
		}
	}
	r.stats.SourceRows = row
	return nil
}

// lookup finds the current version with the key of source row i of b.
func (r *run) lookup(h uint64, b arrow.RecordBatch, i int) *entry {
	e := r.index.find(h, func(e int32) bool {
		o := &r.entries[e]
		return sameKey(r.cur[o.batch], r.keyCur, int(o.row), b, r.keySrc, i)
	})
	if e < 0 {
		return nil
	}
	return &r.entries[e]
}

// duplicate is the error for a key seen twice in the source.
func (r *run) duplicate(b arrow.RecordBatch, i, row int) error {
	return fmt.Errorf("%s: source row %d: unique key %s appears more than once in the source",
		r.cfg.name(), row-1, r.keyText(b, r.keySrc, i))
}

// checkChanged compares the check columns of source row i with version e.
func (r *run) checkChanged(e *entry, b arrow.RecordBatch, i int) bool {
	cb := r.cur[e.batch]
	for k, s := range r.checkSrc {
		if !valuesEqual(b.Column(s), i, cb.Column(r.checkCur[k]), int(e.row)) {
			return true
		}
	}
	return false
}

// scanAbsent applies the hard-delete behaviour to keys absent from the source.
func (r *run) scanAbsent() {
	for k := range r.entries {
		e := &r.entries[k]
		if e.seen != 0 {
			continue
		}
		if r.cfg.hardDeletes == HardDeletesIgnore || e.deleted {
			r.stats.Ignored++
			continue
		}
		e.change, e.closeTo = Deleted, r.now
		r.stats.Deleted++
	}
}
