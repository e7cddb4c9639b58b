package snapshot

import (
	"errors"
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Snapshot strategies (dbt's strategy config).
const (
	// StrategyTimestamp detects a change when the source's updated_at column
	// is later than the dbt_valid_from of the key's current version.
	StrategyTimestamp = "timestamp"
	// StrategyCheck detects a change when any check column differs from the
	// key's current version, comparing nulls as equal to each other.
	StrategyCheck = "check"
)

// Hard-delete behaviours (dbt's hard_deletes config, dbt 1.9+).
const (
	// HardDeletesIgnore leaves the current version of a key that disappeared
	// from the source open (dbt's default).
	HardDeletesIgnore = "ignore"
	// HardDeletesInvalidate closes the current version of a disappeared key
	// with dbt_valid_to = now.
	HardDeletesInvalidate = "invalidate"
	// HardDeletesNewRecord closes the current version of a disappeared key
	// and inserts a deletion record (dbt_is_deleted = 'True') holding its last
	// values; a key that comes back gets a new version and closes that record.
	HardDeletesNewRecord = "new_record"
)

// Values of the dbt_is_deleted column, the strings dbt writes.
const (
	IsDeletedTrue  = "True"
	IsDeletedFalse = "False"
)

// CheckAll is the CheckCols value (alone) that compares every source column,
// like dbt's check_cols='all'.
const CheckAll = "all"

// MetaNames are the names of the columns a snapshot adds to the source
// columns (dbt's snapshot_meta_column_names). An empty field means the dbt
// default, given by DefaultMetaNames.
type MetaNames struct {
	// ScdID names the version identifier column (default dbt_scd_id).
	ScdID string
	// UpdatedAt names the column holding the version's updated_at (default
	// dbt_updated_at).
	UpdatedAt string
	// ValidFrom names the column holding when the version became current
	// (default dbt_valid_from).
	ValidFrom string
	// ValidTo names the column holding when the version stopped being current,
	// null (or Config.ValidToCurrent) while it is current (default dbt_valid_to).
	ValidTo string
	// IsDeleted names the 'True'/'False' deletion-record flag written with
	// HardDeletesNewRecord (default dbt_is_deleted).
	IsDeleted string
}

// DefaultMetaNames returns dbt's default meta column names.
func DefaultMetaNames() MetaNames {
	return MetaNames{
		ScdID:     "dbt_scd_id",
		UpdatedAt: "dbt_updated_at",
		ValidFrom: "dbt_valid_from",
		ValidTo:   "dbt_valid_to",
		IsDeleted: "dbt_is_deleted",
	}
}

// WithDefaults returns m with its empty names set to dbt's defaults.
func (m MetaNames) WithDefaults() MetaNames {
	d := DefaultMetaNames()
	for _, p := range []struct{ v, def *string }{
		{&m.ScdID, &d.ScdID}, {&m.UpdatedAt, &d.UpdatedAt}, {&m.ValidFrom, &d.ValidFrom},
		{&m.ValidTo, &d.ValidTo}, {&m.IsDeleted, &d.IsDeleted},
	} {
		if *p.v == "" {
			*p.v = *p.def
		}
	}
	return m
}

// Config is one snapshot's configuration, after dbt's snapshot configs.
type Config struct {
	// Table names the snapshot in error messages (optional).
	Table string
	// UniqueKey lists the columns identifying a record (dbt's unique_key, a
	// single column or a list). Required.
	UniqueKey []string
	// Strategy is StrategyTimestamp or StrategyCheck. Required.
	Strategy string
	// UpdatedAt names the source timestamp column. Required by the timestamp
	// strategy; optional with the check strategy, where it replaces now as the
	// new version's dbt_valid_from, dbt_updated_at and scd_id input (as dbt
	// does when updated_at is configured on a check snapshot).
	UpdatedAt string
	// CheckCols lists the columns compared by the check strategy; nil or
	// {"all"} compares every source column.
	CheckCols []string
	// HardDeletes is HardDeletesIgnore (also when empty),
	// HardDeletesInvalidate or HardDeletesNewRecord.
	HardDeletes string
	// InvalidateHardDeletes is dbt's legacy flag; true means
	// HardDeletesInvalidate. Setting it together with HardDeletes is an
	// error, as in dbt.
	InvalidateHardDeletes bool
	// ValidToCurrent, when set, is written as dbt_valid_to of current versions
	// instead of null (dbt's dbt_valid_to_current, e.g. 9999-12-31). A stored
	// version is current when its dbt_valid_to is null or equal to it.
	ValidToCurrent *time.Time
	// MetaColumns renames the meta columns; empty fields keep dbt's names.
	MetaColumns MetaNames
	// Mem allocates the result's Arrow buffers; nil means
	// memory.DefaultAllocator.
	Mem memory.Allocator
}

// resolved is a validated Config.
type resolved struct {
	Config
	meta        MetaNames
	hardDeletes string
}

// name is how errors name the snapshot.
func (c *Config) name() string {
	if c.Table == "" {
		return "snapshot"
	}
	return "snapshot " + c.Table
}

// resolve validates c and fills its defaults.
func (c Config) resolve() (*resolved, error) {
	r := &resolved{Config: c, meta: c.MetaColumns.WithDefaults()}
	if r.Mem == nil {
		r.Mem = memory.DefaultAllocator
	}
	if len(c.UniqueKey) == 0 {
		return nil, fmt.Errorf("%s: %w", c.name(), errors.New("unique_key is required"))
	}
	seen := map[string]bool{}
	for _, k := range c.UniqueKey {
		if k == "" || seen[k] {
			return nil, fmt.Errorf("%s: unique_key column %q is empty or repeated", c.name(), k)
		}
		seen[k] = true
	}
	switch c.Strategy {
	case StrategyTimestamp:
		if c.UpdatedAt == "" {
			return nil, fmt.Errorf("%s: the timestamp strategy requires updated_at", c.name())
		}
		if len(c.CheckCols) > 0 {
			return nil, fmt.Errorf("%s: check_cols is only valid with the check strategy", c.name())
		}
	case StrategyCheck:
	default:
		return nil, fmt.Errorf("%s: unknown strategy %q (want %q or %q)", c.name(), c.Strategy, StrategyTimestamp, StrategyCheck)
	}
	switch c.HardDeletes {
	case "", HardDeletesIgnore, HardDeletesInvalidate, HardDeletesNewRecord:
	default:
		return nil, fmt.Errorf("%s: unknown hard_deletes %q (want ignore, invalidate or new_record)", c.name(), c.HardDeletes)
	}
	if c.InvalidateHardDeletes && c.HardDeletes != "" {
		return nil, fmt.Errorf("%s: invalidate_hard_deletes and hard_deletes cannot both be set", c.name())
	}
	r.hardDeletes = c.HardDeletes
	switch {
	case c.InvalidateHardDeletes:
		r.hardDeletes = HardDeletesInvalidate
	case c.HardDeletes == "":
		r.hardDeletes = HardDeletesIgnore
	}
	names := map[string]string{}
	for _, p := range [][2]string{
		{"scd_id", r.meta.ScdID}, {"updated_at", r.meta.UpdatedAt}, {"valid_from", r.meta.ValidFrom},
		{"valid_to", r.meta.ValidTo}, {"is_deleted", r.meta.IsDeleted},
	} {
		if prev, ok := names[p[1]]; ok {
			return nil, fmt.Errorf("%s: meta columns %s and %s are both named %q", c.name(), prev, p[0], p[1])
		}
		names[p[1]] = p[0]
	}
	return r, nil
}

// checkAll reports whether every source column is a check column.
func (c *Config) checkAll() bool {
	return len(c.CheckCols) == 0 || (len(c.CheckCols) == 1 && c.CheckCols[0] == CheckAll)
}
