package lakehouse

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/catalog"
	"github.com/apache/iceberg-go/table"
)

// Errors callers can test for with errors.Is.
var (
	// ErrNoSuchTable: the table does not exist.
	ErrNoSuchTable = catalog.ErrNoSuchTable
	// ErrTableExists: CreateTable found the table already there.
	ErrTableExists = catalog.ErrTableAlreadyExists
	// ErrBadName: a table name is not "namespace.table", or a namespace
	// contains a dot.
	ErrBadName = errors.New("lakehouse: bad table name")
)

// PartitionField is one field of a table's partition spec: a source column
// and an Iceberg transform ("identity", "year", "month", "day", "hour",
// "bucket[N]", "truncate[W]", "void").
type PartitionField struct {
	Column    string
	Transform string
}

// Month partitions by the month of a timestamp or date column.
func Month(column string) PartitionField { return PartitionField{column, "month"} }

// Day partitions by the day of a timestamp or date column.
func Day(column string) PartitionField { return PartitionField{column, "day"} }

// Identity partitions by a column's value.
func Identity(column string) PartitionField { return PartitionField{column, "identity"} }

// TableSpec describes a table to create.
type TableSpec struct {
	// Schema is the table's Arrow schema (required). Nullable fields become
	// optional Iceberg fields; timestamp[us] without a zone becomes Iceberg
	// timestamp, with a zone timestamptz.
	Schema *arrow.Schema
	// Partition is the partition spec, in order; empty means unpartitioned.
	Partition []PartitionField
	// Properties are extra table properties. The defaults set copy-on-write
	// deletes, updates and merges and commit.retry.num-retries.
	Properties map[string]string
}

// parseName splits "namespace.table" into an Iceberg identifier.
func parseName(name string) (table.Identifier, error) {
	ns, tbl, ok := strings.Cut(name, ".")
	if !ok || ns == "" || tbl == "" || strings.Contains(tbl, ".") {
		return nil, fmt.Errorf("%w %q: want namespace.table, without further dots", ErrBadName, name)
	}
	return table.Identifier{ns, tbl}, nil
}

// CreateNamespace creates namespace ns if it does not exist yet.
func (w *Warehouse) CreateNamespace(ctx context.Context, ns string) error {
	if ns == "" || strings.Contains(ns, ".") {
		return fmt.Errorf("%w: namespace %q must be non-empty and without dots", ErrBadName, ns)
	}
	ident := table.Identifier{ns}
	ok, err := w.cat.CheckNamespaceExists(ctx, ident)
	if err != nil {
		return fmt.Errorf("lakehouse: namespace %s: %w", ns, err)
	}
	if ok {
		return nil
	}
	err = w.cat.CreateNamespace(ctx, ident, nil)
	if err != nil && !errors.Is(err, catalog.ErrNamespaceAlreadyExists) {
		return fmt.Errorf("lakehouse: create namespace %s: %w", ns, err)
	}
	return nil
}

// CreateTable creates table name ("namespace.table", the namespace created
// when missing) from spec. It returns an error wrapping ErrTableExists when
// the table exists already.
func (w *Warehouse) CreateTable(ctx context.Context, name string, spec TableSpec) error {
	ident, err := parseName(name)
	if err != nil {
		return err
	}
	if spec.Schema == nil {
		return fmt.Errorf("lakehouse: create table %s: nil schema", name)
	}
	sc, err := table.ArrowSchemaToIcebergWithFreshIDs(spec.Schema, false)
	if err != nil {
		return fmt.Errorf("lakehouse: create table %s: schema: %w", name, err)
	}
	ps, err := partitionSpec(sc, spec.Partition)
	if err != nil {
		return fmt.Errorf("lakehouse: create table %s: %w", name, err)
	}
	props := iceberg.Properties{
		"format-version":                  "2",
		table.WriteDeleteModeKey:          table.WriteModeCopyOnWrite,
		"write.update.mode":               table.WriteModeCopyOnWrite,
		"write.merge.mode":                table.WriteModeCopyOnWrite,
		table.CommitNumRetriesKey:         strconv.Itoa(w.retry.CommitRetries),
		table.CommitMinRetryWaitMsKey:     strconv.FormatInt(w.retry.MinWait.Milliseconds()+1, 10),
		table.CommitMaxRetryWaitMsKey:     strconv.FormatInt(w.retry.MaxWait.Milliseconds(), 10),
		"write.parquet.compression-codec": "zstd",
	}
	for k, v := range spec.Properties {
		props[k] = v
	}
	if err := w.CreateNamespace(ctx, ident[0]); err != nil {
		return err
	}
	opts := []catalog.CreateTableOpt{catalog.WithProperties(props)}
	if ps != nil {
		opts = append(opts, catalog.WithPartitionSpec(ps))
	}
	if _, err := w.cat.CreateTable(ctx, ident, sc, opts...); err != nil {
		return fmt.Errorf("lakehouse: create table %s: %w", name, err)
	}
	return nil
}

func partitionSpec(sc *iceberg.Schema, fields []PartitionField) (*iceberg.PartitionSpec, error) {
	if len(fields) == 0 {
		return nil, nil
	}
	opts := make([]iceberg.PartitionOption, 0, len(fields))
	for _, f := range fields {
		tr, err := iceberg.ParseTransform(f.Transform)
		if err != nil {
			return nil, fmt.Errorf("partition %s(%s): %w", f.Transform, f.Column, err)
		}
		target := f.Column
		if _, ok := tr.(iceberg.IdentityTransform); !ok {
			target = f.Column + "_" + strings.NewReplacer("[", "_", "]", "").Replace(f.Transform)
		}
		opts = append(opts, iceberg.AddPartitionFieldByName(f.Column, target, tr, sc, nil))
	}
	ps, err := iceberg.NewPartitionSpecOpts(opts...)
	if err != nil {
		return nil, fmt.Errorf("partition spec: %w", err)
	}
	return &ps, nil
}

// TableExists reports whether table name exists.
func (w *Warehouse) TableExists(ctx context.Context, name string) (bool, error) {
	ident, err := parseName(name)
	if err != nil {
		return false, err
	}
	ok, err := w.cat.CheckTableExists(ctx, ident)
	if err != nil {
		return false, fmt.Errorf("lakehouse: table %s: %w", name, err)
	}
	return ok, nil
}

// DropTable removes table name from the catalog (its files stay).
func (w *Warehouse) DropTable(ctx context.Context, name string) error {
	ident, err := parseName(name)
	if err != nil {
		return err
	}
	if err := w.cat.DropTable(ctx, ident); err != nil {
		return fmt.Errorf("lakehouse: drop table %s: %w", name, err)
	}
	return nil
}

// ListTables returns the names ("namespace.table") of the tables in
// namespace ns.
func (w *Warehouse) ListTables(ctx context.Context, ns string) ([]string, error) {
	var names []string
	for id, err := range w.cat.ListTables(ctx, table.Identifier{ns}) {
		if err != nil {
			return nil, fmt.Errorf("lakehouse: list tables of %s: %w", ns, err)
		}
		names = append(names, strings.Join(id, "."))
	}
	return names, nil
}

// Schema returns table name's current schema as Arrow.
func (w *Warehouse) Schema(ctx context.Context, name string) (*arrow.Schema, error) {
	tbl, err := w.load(ctx, name)
	if err != nil {
		return nil, err
	}
	sc, err := table.SchemaToArrowSchema(tbl.Schema(), nil, false, false)
	if err != nil {
		return nil, fmt.Errorf("lakehouse: table %s: schema: %w", name, err)
	}
	return sc, nil
}

// Table loads table name as an iceberg-go table, for operations this
// package does not wrap.
func (w *Warehouse) Table(ctx context.Context, name string) (*table.Table, error) {
	return w.load(ctx, name)
}

func (w *Warehouse) load(ctx context.Context, name string) (*table.Table, error) {
	ident, err := parseName(name)
	if err != nil {
		return nil, err
	}
	tbl, err := w.cat.LoadTable(ctx, ident)
	if err != nil {
		return nil, fmt.Errorf("lakehouse: load table %s: %w", name, err)
	}
	return tbl, nil
}
