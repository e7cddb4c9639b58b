package snapshot

import (
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
)

// defaultTimestamp returns the type of the meta timestamp columns of a check
// snapshot without updated_at on its first run: microseconds without time
// zone, like Postgres's now()::timestamp.
func defaultTimestamp() *arrow.TimestampType {
	return &arrow.TimestampType{Unit: arrow.Microsecond}
}

// meta column kinds of an output field.
const (
	notMeta = iota
	metaScdID
	metaUpdatedAt
	metaValidFrom
	metaValidTo
	metaIsDeleted
)

// plan is a Config resolved against the source and snapshot schemas.
type plan struct {
	cfg    *resolved
	schema *arrow.Schema // output (snapshot) schema

	keySrc, keyCur     []int // unique key columns in source and snapshot
	keyLocs            []*time.Location
	updSrc             int   // source updated_at column, -1 for check without it
	checkSrc, checkCur []int // check columns in source and snapshot

	outSrc  []int // per output field: its source column or -1
	outMeta []int // per output field: its meta kind or notMeta

	curScd, curFrom, curTo, curDel int // snapshot meta columns; -1 when absent

	ts     *arrow.TimestampType // type of the meta timestamp columns
	tsLoc  *time.Location
	now    int64 // now as a raw ts value
	vtc    int64 // ValidToCurrent as a raw ts value
	hasVtc bool
}

// newPlan checks the schemas against cfg and derives the output schema: the
// snapshot's schema when there is one, else the source columns followed by
// the meta columns in dbt's order.
func newPlan(cfg *resolved, src, cur *arrow.Schema, now time.Time) (*plan, error) {
	p := &plan{cfg: cfg, updSrc: -1, curScd: -1, curFrom: -1, curTo: -1, curDel: -1}
	name, m := cfg.name(), cfg.meta
	newRecord := cfg.hardDeletes == HardDeletesNewRecord
	metaOf := map[string]int{m.ScdID: metaScdID, m.UpdatedAt: metaUpdatedAt, m.ValidFrom: metaValidFrom, m.ValidTo: metaValidTo, m.IsDeleted: metaIsDeleted}
	for _, f := range src.Fields() {
		if _, ok := metaOf[f.Name]; ok {
			return nil, fmt.Errorf("%s: source column %q collides with a meta column name", name, f.Name)
		}
	}
	find := func(col, role string) (int, error) {
		idx := src.FieldIndices(col)
		if len(idx) != 1 {
			return -1, fmt.Errorf("%s: %s column %q: found %d times in the source", name, role, col, len(idx))
		}
		return idx[0], nil
	}
	for _, k := range cfg.UniqueKey {
		i, err := find(k, "unique_key")
		if err != nil {
			return nil, err
		}
		if dt := src.Field(i).Type; !keyTypeOK(dt) {
			return nil, fmt.Errorf("%s: unique_key column %q: type %s is not supported", name, k, dt)
		}
		p.keySrc = append(p.keySrc, i)
	}
	if cfg.UpdatedAt != "" {
		i, err := find(cfg.UpdatedAt, "updated_at")
		if err != nil {
			return nil, err
		}
		tt, ok := src.Field(i).Type.(*arrow.TimestampType)
		if !ok {
			return nil, fmt.Errorf("%s: updated_at column %q: type %s is not a timestamp", name, cfg.UpdatedAt, src.Field(i).Type)
		}
		p.updSrc, p.ts = i, tt
	}
	if cfg.Strategy == StrategyCheck {
		if cfg.checkAll() {
			for i := range src.NumFields() {
				p.checkSrc = append(p.checkSrc, i)
			}
		} else {
			for _, c := range cfg.CheckCols {
				i, err := find(c, "check_cols")
				if err != nil {
					return nil, err
				}
				p.checkSrc = append(p.checkSrc, i)
			}
		}
	}
	if p.ts == nil {
		p.ts = defaultTimestamp()
		if cur != nil {
			if i := cur.FieldIndices(m.ValidFrom); len(i) == 1 {
				if tt, ok := cur.Field(i[0]).Type.(*arrow.TimestampType); ok {
					p.ts = tt
				}
			}
		}
	}

	if cur == nil {
		fields := append([]arrow.Field(nil), src.Fields()...)
		tsf := func(n string) arrow.Field { return arrow.Field{Name: n, Type: p.ts, Nullable: true} }
		fields = append(fields, arrow.Field{Name: m.ScdID, Type: arrow.BinaryTypes.String, Nullable: true},
			tsf(m.UpdatedAt), tsf(m.ValidFrom), tsf(m.ValidTo))
		if newRecord {
			fields = append(fields, arrow.Field{Name: m.IsDeleted, Type: arrow.BinaryTypes.String, Nullable: true})
		}
		p.schema = arrow.NewSchema(fields, nil)
	} else {
		p.schema = cur
	}
	for i, f := range p.schema.Fields() {
		kind := metaOf[f.Name]
		p.outMeta = append(p.outMeta, kind)
		srcIdx := -1
		if kind == notMeta {
			switch idx := src.FieldIndices(f.Name); len(idx) {
			case 0:
			case 1:
				srcIdx = idx[0]
				if !arrow.TypeEqual(f.Type, src.Field(srcIdx).Type) {
					return nil, fmt.Errorf("%s: column %q is %s in the snapshot but %s in the source", name, f.Name, f.Type, src.Field(srcIdx).Type)
				}
			default:
				return nil, fmt.Errorf("%s: column %q appears %d times in the source", name, f.Name, len(idx))
			}
		} else {
			want := arrow.DataType(p.ts)
			if kind == metaScdID || kind == metaIsDeleted {
				want = arrow.BinaryTypes.String
			}
			if !arrow.TypeEqual(f.Type, want) {
				return nil, fmt.Errorf("%s: meta column %q is %s, want %s", name, f.Name, f.Type, want)
			}
			switch kind {
			case metaScdID:
				p.curScd = i
			case metaValidFrom:
				p.curFrom = i
			case metaValidTo:
				p.curTo = i
			case metaIsDeleted:
				p.curDel = i
			}
		}
		p.outSrc = append(p.outSrc, srcIdx)
	}
	if p.curScd < 0 || p.curFrom < 0 || p.curTo < 0 || len(p.schema.FieldIndices(m.UpdatedAt)) != 1 {
		return nil, fmt.Errorf("%s: the snapshot lacks a meta column (%s, %s, %s, %s)", name, m.ScdID, m.UpdatedAt, m.ValidFrom, m.ValidTo)
	}
	if newRecord && p.curDel < 0 {
		return nil, fmt.Errorf("%s: hard_deletes=new_record needs column %q in the snapshot; add it (null) first", name, m.IsDeleted)
	}
	for _, f := range src.Fields() {
		if len(p.schema.FieldIndices(f.Name)) != 1 {
			return nil, fmt.Errorf("%s: source column %q is not in the snapshot; add it to the snapshot table first", name, f.Name)
		}
	}
	for _, s := range p.keySrc {
		p.keyCur = append(p.keyCur, p.schema.FieldIndices(src.Field(s).Name)[0])
		loc := time.UTC
		if tt, ok := src.Field(s).Type.(*arrow.TimestampType); ok {
			var err error
			if loc, err = tt.GetZone(); err != nil {
				return nil, fmt.Errorf("%s: unique_key column %q: %w", name, src.Field(s).Name, err)
			}
		}
		p.keyLocs = append(p.keyLocs, loc)
	}
	for _, s := range p.checkSrc {
		p.checkCur = append(p.checkCur, p.schema.FieldIndices(src.Field(s).Name)[0])
	}
	var err error
	if p.tsLoc, err = p.ts.GetZone(); err != nil {
		return nil, fmt.Errorf("%s: meta timestamp type %s: %w", name, p.ts, err)
	}
	if p.now, err = timeToTS(now, p.ts); err != nil {
		return nil, fmt.Errorf("%s: now: %w", name, err)
	}
	if cfg.ValidToCurrent != nil {
		p.hasVtc = true
		if p.vtc, err = timeToTS(*cfg.ValidToCurrent, p.ts); err != nil {
			return nil, fmt.Errorf("%s: dbt_valid_to_current: %w", name, err)
		}
	}
	return p, nil
}
